"""Arista EOS: ``4.30.2F``, ``4.25.10M``, ``4.21.14m``, ``4.30.2.1F``.

Train = ``4.30`` (lineage ``eos``). F (feature) and M (maintenance) mark maturity, not order:
``4.25.1F < 4.25.10M``. Position = (maintenance, sub-release).
"""

from __future__ import annotations

import re

from netsbom.core.versions.base import Version, VersionError, number

_EOS = re.compile(
    r"^(?P<major>\d+)\.(?P<minor>\d+)(?:\.(?P<maint>\d+))?(?:\.(?P<sub>\d+))?(?P<mark>[FM])?$",
    re.IGNORECASE,
)


def parse(text: str, family: str = "eos") -> Version:
    raw = text.strip()
    match = _EOS.match(raw)
    if not match:
        raise VersionError(f"not an EOS version: {text!r}")
    major, minor = int(match["major"]), int(match["minor"])
    return Version(
        family=family,
        text=raw,
        train=f"{major}.{minor}",
        position=(number(match["maint"]), number(match["sub"])),
        lineage="eos",
        train_rank=(major, minor),
        train_only=match["maint"] is None,
    )
