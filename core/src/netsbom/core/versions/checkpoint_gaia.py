"""Check Point Gaia: ``R81.20``, ``R80.40 Take 196``, ``R81.20 JHF Take 41``, ``R81.20_T41``.

Train = ``R81.20`` (lineage ``gaia``); position = (Jumbo Hotfix take,). A version without a take
(what SNMP's svnVersion reports) states no take: it cannot be ordered against a bound that names
one. Check Point writes fixes relative to a release (``R81.20 before take 14``): :func:`qualify`
reads ``take 14`` after ``R81.20`` as ``R81.20 Take 14``.
"""

from __future__ import annotations

import re

from netsbom.core.versions.base import Version, matched, number

_TAKE = r"(?:(?:JHF(?:A)?|Jumbo\s+Hotfix(?:\s+Accumulator)?)\s+)?Take\s*"
_GAIA = re.compile(
    rf"^(?:Gaia\s+)?R(?P<major>\d+)(?:\.(?P<minor>\d+))?(?:(?:\s+{_TAKE}|_T)(?P<take>\d+))?$",
    re.IGNORECASE,
)
_RELATIVE_TAKE = re.compile(rf"^{_TAKE}(?P<take>\d+)$", re.IGNORECASE)


def parse(text: str, family: str = "gaia") -> Version:
    raw, match = matched(_GAIA, text, "a Gaia version")
    major, minor = int(match["major"]), number(match["minor"])
    return Version(
        family=family,
        text=raw,
        train=f"R{major}.{minor:02d}" if match["minor"] else f"R{major}",
        position=(number(match["take"]),),
        lineage="gaia",
        train_rank=(major, minor),
        precision=None if match["take"] else 0,
    )


def qualify(bound: str, start: Version | None) -> str:
    """``take 14`` after the release ``R81.20`` is ``R81.20 Take 14``."""
    match = _RELATIVE_TAKE.match(bound.strip())
    if match and start is not None:
        return f"{start.train} Take {match['take']}"
    return bound
