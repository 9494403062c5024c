"""Nokia SR OS: ``22.10.R1``, ``23.3.R2``, ``TiMOS-C-22.10.R1``, ``B-22.10.R1``, ``22.10.R1-1``,
and Nokia's names of whole releases in advisories: ``Release 24``, ``Release 23.10``.

Train = ``22.10`` (lineage ``sros``; ``Release 24`` is the train ``24.0``, before ``24.3``);
position = (R number, build).
"""

from __future__ import annotations

import re

from netsbom.core.versions.base import Version, VersionError, major_minor, matched, number

_SROS = re.compile(
    r"^(?:TiMOS-[A-Z]-|[A-Z]-|Release\s+)?(?P<major>\d+)(?:\.(?P<minor>\d+))?"
    r"(?:\.R(?P<rel>\d+)(?:-(?P<build>\d+))?)?$",
    re.IGNORECASE,
)


def parse(text: str, family: str = "sros") -> Version:
    raw, match = matched(_SROS, text, "an SR OS version")
    if match["minor"] is None and not raw.lower().startswith("release"):
        raise VersionError(f"not an SR OS version: {text!r}")
    position = (number(match["rel"]), number(match["build"]))
    return major_minor(family, raw, match, position, train_only=match["rel"] is None)
