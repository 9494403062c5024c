"""SonicWall SonicOS: ``7.0.1-5035``, ``7.1.1-7040``, ``7.0.1-R5035``, ``6.5.4.12-101n``,
``6.5.4.4-44v-21-2079`` (the ``n`` and ``v`` build lines are trains of their own).

Train = ``7.0`` (lineage ``sonicos``), or ``6.5n`` / ``6.5v`` for 6.5 builds carrying a line
letter; position = the remaining numbers in order.
"""

from __future__ import annotations

import re

from netsbom.core.versions.base import Version, matched

_SONICOS = re.compile(
    r"^(?:SonicOS\s+)?(?P<major>\d+)\.(?P<minor>\d+)\.(?P<patch>\d+)(?:\.(?P<sub>\d+))?"
    r"(?:-R?(?P<build>\d+)(?P<line>[a-z]?)(?:-(?P<extra1>\d+)-(?P<extra2>\d+))?)?$",
    re.IGNORECASE,
)


def parse(text: str, family: str = "sonicos") -> Version:
    raw, match = matched(_SONICOS, text, "a SonicOS version")
    major, minor = int(match["major"]), int(match["minor"])
    line = (match["line"] or "").lower()
    numbers = [match[name] for name in ("patch", "sub", "build", "extra1", "extra2")]
    return Version(
        family=family,
        text=raw,
        train=f"{major}.{minor}{line}",
        position=tuple(int(n) if n else 0 for n in numbers),
        lineage=f"sonicos{line}",
        train_rank=(major, minor),
    )
