"""Cisco ASA and FTD.

ASA: ``9.16(4)``, ``9.16(4)19`` (interim), and the dotted form of the CVE records ``9.16.4.19``.
FTD: ``7.2.5``, ``7.2.5.1``, ``6.4.0.12``. Train = major.minor (``9.16``, ``7.2``), one lineage
per product; position = (maintenance, interim or patch).
"""

from __future__ import annotations

import re

from netsbom.core.versions.base import Version, matched, number

_ASA = re.compile(
    r"^(?P<major>\d+)\.(?P<minor>\d+)"
    r"(?:\((?P<pmaint>\d+)\)(?P<pinterim>\d*)|\.(?P<maint>\d+)(?:\.(?P<interim>\d+))?)?$"
)
_FTD = re.compile(
    r"^(?P<major>\d+)\.(?P<minor>\d+)(?:\.(?P<maint>\d+)(?:\.(?P<interim>\d+))?)?"
    r"(?:-(?P<build>\d+))?$"
)


def parse(text: str, family: str = "asa") -> Version:
    raw, match = matched((_FTD if family == "ftd" else _ASA), text, f"an {family.upper()} version")
    groups = match.groupdict()
    maint = groups.get("pmaint") or groups.get("maint")
    interim = groups.get("pinterim") or groups.get("interim")
    major, minor = int(match["major"]), int(match["minor"])
    return Version(
        family=family,
        text=raw,
        train=f"{major}.{minor}",
        position=(number(maint), number(interim)),
        lineage=family,
        train_rank=(major, minor),
        train_only=maint is None,
    )
