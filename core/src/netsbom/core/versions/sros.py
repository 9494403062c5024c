"""Nokia SR OS: ``22.10.R1``, ``23.3.R2``, ``TiMOS-C-22.10.R1``, ``B-22.10.R1``, ``22.10.R1-1``.

Train = ``22.10`` (lineage ``sros``); position = (R number, build).
"""

from __future__ import annotations

import re

from netsbom.core.versions.base import Version, VersionError, number

_SROS = re.compile(
    r"^(?:TiMOS-[A-Z]-|[A-Z]-)?(?P<major>\d+)\.(?P<minor>\d+)(?:\.R(?P<rel>\d+)(?:-(?P<build>\d+))?)?$",
    re.IGNORECASE,
)


def parse(text: str, family: str = "sros") -> Version:
    raw = text.strip()
    match = _SROS.match(raw)
    if not match:
        raise VersionError(f"not an SR OS version: {text!r}")
    major, minor = int(match["major"]), int(match["minor"])
    return Version(
        family=family,
        text=raw,
        train=f"{major}.{minor}",
        position=(number(match["rel"]), number(match["build"])),
        lineage="sros",
        train_rank=(major, minor),
        train_only=match["rel"] is None,
    )
