"""Fortinet FortiOS: ``7.2.5``, ``v7.2.5``, ``7.2.5 build1517``, ``7.4`` (a whole train).

Train = ``7.2`` (lineage ``fortios``); position = (patch,). The build number, when given, is not
part of the order (one build per patch release).
"""

from __future__ import annotations

import re

from netsbom.core.versions.base import Version, VersionError, number

_FORTIOS = re.compile(
    r"^(?:FortiOS\s+)?v?(?P<major>\d+)\.(?P<minor>\d+)(?:\.(?P<patch>\d+))?"
    r"(?:[\s,]*(?:build\s*|b)(?P<build>\d+))?(?:\s*\(GA\))?$",
    re.IGNORECASE,
)


def parse(text: str, family: str = "fortios") -> Version:
    raw = text.strip()
    match = _FORTIOS.match(raw)
    if not match:
        raise VersionError(f"not a FortiOS version: {text!r}")
    major, minor = int(match["major"]), int(match["minor"])
    return Version(
        family=family,
        text=raw,
        train=f"{major}.{minor}",
        position=(number(match["patch"]),),
        lineage="fortios",
        train_rank=(major, minor),
        train_only=match["patch"] is None,
    )
