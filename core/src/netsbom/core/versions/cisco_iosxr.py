"""Cisco IOS XR: ``7.2.1``, ``6.6.25``, ``7.11.2``, ``6.1.4.10I``.

Train = major.minor (lineage ``iosxr``); position = the remaining numbers, then letters.
"""

from __future__ import annotations

import re

from netsbom.core.versions.base import Version, VersionError, letters, number

_XR = re.compile(
    r"^(?P<major>\d+)\.(?P<minor>\d+)(?:\.(?P<maint>\d+))?(?:\.(?P<sub>\d+))?(?P<letters>[a-z]*)$",
    re.IGNORECASE,
)


def parse(text: str, family: str = "iosxr") -> Version:
    raw = text.strip()
    match = _XR.match(raw)
    if not match:
        raise VersionError(f"not an IOS XR version: {text!r}")
    major, minor = int(match["major"]), int(match["minor"])
    return Version(
        family=family,
        text=raw,
        train=f"{major}.{minor}",
        position=(number(match["maint"]), number(match["sub"]), letters(match["letters"])),
        lineage="iosxr",
        train_rank=(major, minor),
        train_only=match["maint"] is None,
    )
