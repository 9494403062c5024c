"""Dotted releases of the remaining families: RouterOS ``6.49.7``, ``7.12.1``, Comware
``7.1.070``, Linux ``5.10.123``, with an optional letter or ``rcN`` tail.

Train = the first two numbers (lineage per family) — the first alone for RouterOS, whose 6.x and
7.x are the release lines; position = the rest, then letters. A
``Release 6635P07`` tail (Comware) is kept as an extra (release, patch) pair.
"""

from __future__ import annotations

import re

from netsbom.core.versions.base import Version, letters, matched, number

_MAJOR_TRAINS = frozenset({"routeros"})

_DOTTED = re.compile(
    r"^v?(?P<major>\d+)\.(?P<minor>\d+)(?P<rest>(?:\.\d+){0,3})(?P<letters>[a-z]*)"
    r"(?:,?\s*(?:Release|R)\s*(?P<release>\d+)(?:P(?P<patch>\d+))?)?"
    r"(?:\s*\((?:stable|long-term|testing|lts)\))?$",
    re.IGNORECASE,
)


def parse(text: str, family: str) -> Version:
    raw, match = matched(_DOTTED, text, f"a dotted {family} version")
    major, minor = int(match["major"]), int(match["minor"])
    rest = [int(part) for part in match["rest"].split(".") if part]
    if family in _MAJOR_TRAINS:
        rest.insert(0, minor)
    rest += [0] * (4 - len(rest))
    return Version(
        family=family,
        text=raw,
        train=str(major) if family in _MAJOR_TRAINS else f"{major}.{minor}",
        position=(
            *rest,
            letters(match["letters"]),
            number(match["release"]),
            number(match["patch"]),
        ),
        lineage=family,
        train_rank=(major,) if family in _MAJOR_TRAINS else (major, minor),
        train_only=not match["rest"] and not match["release"] and family not in _MAJOR_TRAINS,
    )
