"""Citrix NetScaler ADC / Gateway: ``13.1-51.15``, ``NS13.1: Build 51.15.nc``,
``13.1 Build 51.15``, FIPS and NDcPP builds ``13.1-37.176-FIPS`` / ``13.1-FIPS-37.176``, and
trains ``13.1``, ``13.1-FIPS``.

Train = ``13.1``, ``13.1-FIPS`` or ``12.1-NDcPP``: FIPS builds are a train of their own (lineage
``netscaler-fips``), never ordered against the standard builds. Position = the build (51, 15).
The vendor's ranges give the end as a bare build (``13.1`` lessThan ``49.13``): :func:`qualify`
turns it into ``13.1-49.13``.
"""

from __future__ import annotations

import re

from netsbom.core.versions.base import Version, matched, number

_EDITION = r"(?:[-\s]?(?P<{name}>FIPS|NDcPP))?"
_NETSCALER = re.compile(
    r"^(?:NS)?(?P<major>\d+)\.(?P<minor>\d+)"
    + _EDITION.format(name="ed1")
    + r"(?:(?::?\s*Build\s*|[-.])(?P<build>\d+)(?:\.(?P<sub>\d+))?)?(?:\.nc)?"
    + _EDITION.format(name="ed2")
    + r"$",
    re.IGNORECASE,
)


def parse(text: str, family: str = "netscaler") -> Version:
    raw, match = matched(_NETSCALER, text, "a NetScaler version")
    major, minor = int(match["major"]), int(match["minor"])
    edition = (match["ed1"] or match["ed2"] or "").upper()
    edition = {"NDCPP": "NDcPP"}.get(edition, edition)
    suffix = f"-{edition}" if edition else ""
    return Version(
        family=family,
        text=raw,
        train=f"{major}.{minor}{suffix}",
        position=(number(match["build"]), number(match["sub"])),
        lineage=f"netscaler{suffix.lower()}",
        train_rank=(major, minor),
        train_only=match["build"] is None,
    )


def qualify(bound: str, start: Version | None) -> str:
    """A bare build ``49.13`` after a train start ``13.1-FIPS`` means ``13.1-FIPS-49.13``."""
    if start is not None and re.fullmatch(r"\d+(?:\.\d+)?", bound.strip()):
        return f"{start.train}-{bound.strip()}"
    return bound


def device_text(version: str, hints: str) -> str:
    """Records name the FIPS edition in the model or OS name rather than in the version."""
    for edition in ("FIPS", "NDcPP"):
        if edition.lower() in hints.lower() and edition.lower() not in version.lower():
            return f"{version}-{edition}"
    return version
