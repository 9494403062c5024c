"""Check Point Gaia: ``R81.20``, ``R80.40 Take 196``, ``R81.20 JHF Take 41``, ``R81.20_T41``.

Train = ``R81.20`` (lineage ``gaia``); position = (Jumbo Hotfix take,).
"""

from __future__ import annotations

import re

from netsbom.core.versions.base import Version, VersionError, number

_GAIA = re.compile(
    r"^R(?P<major>\d+)(?:\.(?P<minor>\d+))?(?:(?:\s+(?:JHF(?:A)?\s+)?Take\s*|_T)(?P<take>\d+))?$",
    re.IGNORECASE,
)


def parse(text: str, family: str = "gaia") -> Version:
    raw = text.strip()
    match = _GAIA.match(raw)
    if not match:
        raise VersionError(f"not a Gaia version: {text!r}")
    major, minor = int(match["major"]), number(match["minor"])
    return Version(
        family=family,
        text=raw,
        train=f"R{major}.{minor:02d}" if match["minor"] else f"R{major}",
        position=(number(match["take"]),),
        lineage="gaia",
        train_rank=(major, minor),
    )
