"""Fortinet FortiOS: ``7.2.5``, ``v7.2.5``, ``7.2.5 build1517``, ``7.4`` (a whole train).

Train = ``7.2`` (lineage ``fortios``); position = (patch,). The build number, when given, is not
part of the order (one build per patch release).
"""

from __future__ import annotations

import re

from netsbom.core.versions.base import Version, major_minor, matched, number

_FORTIOS = re.compile(
    r"^(?:FortiOS\s+)?v?(?P<major>\d+)\.(?P<minor>\d+)(?:\.(?P<patch>\d+))?"
    r"(?:[\s,]*(?:build\s*|b)(?P<build>\d+))?(?:\s*\(GA\))?$",
    re.IGNORECASE,
)


def parse(text: str, family: str = "fortios") -> Version:
    raw, match = matched(_FORTIOS, text, "a FortiOS version")
    position = (number(match["patch"]),)
    return major_minor(family, raw, match, position, train_only=match["patch"] is None)
