"""Cisco IOS XR: ``7.2.1``, ``6.6.25``, ``7.11.2``, ``6.1.4.10I``.

Train = major.minor (lineage ``iosxr``); position = the remaining numbers, then letters.
"""

from __future__ import annotations

import re

from netsbom.core.versions.base import Version, letters, major_minor, matched, number

_XR = re.compile(
    r"^(?P<major>\d+)\.(?P<minor>\d+)(?:\.(?P<maint>\d+))?(?:\.(?P<sub>\d+))?(?P<letters>[a-z]*)$",
    re.IGNORECASE,
)


def parse(text: str, family: str = "iosxr") -> Version:
    raw, match = matched(_XR, text, "an IOS XR version")
    position = (number(match["maint"]), number(match["sub"]), letters(match["letters"]))
    return major_minor(family, raw, match, position, train_only=match["maint"] is None)
