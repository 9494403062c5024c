"""Cisco IOS XE: ``17.9.4``, ``17.9.4a`` (rebuild), ``16.12.10a``, ``16.12.1y``; 3.x: ``3.16.1aS``.

Train = major.minor (``17.9``), plus the train suffix for 3.x releases (``3.16S``, ``3.18SP``).
Position = (maintenance, rebuild letters, trailing number): ``17.9.4 < 17.9.4a < 17.9.4b``, so a
fix shipped in the rebuild ``17.9.4a`` does not cover ``17.9.4``. Trains 16.x/17.x lie on one
lineage; each 3.x suffix (S, SP, E, ...) is a lineage of its own.
"""

from __future__ import annotations

import re

from netsbom.core.versions.base import Version, VersionError, letters, matched, number

_XE = re.compile(
    r"^(?P<major>\d+)\.(?P<minor>\d+)\.(?P<maint>\d+)(?P<letters>[a-z]*)(?P<num>\d*)"
    r"(?P<suffix>[a-z]*)$",
    re.IGNORECASE,
)
_THREE_SUFFIXES = ("SP", "SG", "SQ", "SE", "SY", "XO", "EZ", "EX", "S", "E")


def parse(text: str, family: str = "ios-xe") -> Version:
    raw, match = matched(_XE, text, "an IOS XE version")
    major, minor = int(match["major"]), int(match["minor"])
    rebuild, suffix = match["letters"], match["suffix"].upper()
    if major == 3:
        rebuild, suffix = _split_three(rebuild, match["num"], suffix, raw)
    elif suffix:
        raise VersionError(f"not an IOS XE version: {text!r}")
    lineage = f"ios-xe-3{suffix}" if major == 3 else "ios-xe"
    return Version(
        family=family,
        text=raw,
        train=f"{major}.{minor}{suffix}",
        position=(int(match["maint"]), letters(rebuild), number(match["num"])),
        lineage=lineage,
        train_rank=(minor,) if major == 3 else (major, minor),
    )


def _split_three(rebuild: str, num: str, suffix: str, raw: str) -> tuple[str, str]:
    """3.x letters: an optional rebuild letter, then the train suffix (``aS``, ``aSP``, ``E``)."""
    if suffix:  # 3.10.1a1S: letters, number, then the suffix
        return rebuild, suffix
    combined = rebuild.upper()
    for known in sorted(_THREE_SUFFIXES, key=len, reverse=True):
        if combined.endswith(known):
            return rebuild[: len(rebuild) - len(known)], known
    raise VersionError(f"IOS XE 3.x version without a train suffix: {raw!r}")
