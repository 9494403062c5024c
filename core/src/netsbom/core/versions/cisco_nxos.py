"""Cisco NX-OS: ``9.3(15)``, ``10.2(1q)``, ``6.2(11e)``, ``7.0(3)I4(3)``, ``6.0(2)A6(5a)``,
``7.3(7)N1(1b)``, ``5.2(1)SV3(1.15)``.

Train = major.minor for main releases (``9.3``: lineage ``nxos``), or the platform train
``7.0(3)I4`` (lineage ``7.0(3)I``, ranked by its number). Position = the numbers and letters in
the last parentheses.
"""

from __future__ import annotations

import re

from netsbom.core.versions.base import Version, letters, matched, number

_NXOS = re.compile(
    r"^(?P<major>\d+)\.(?P<minor>\d+)\((?P<rel>\d+)(?:\.(?P<rel_sub>\d+))?(?P<rel_letter>[a-z]*)\)"
    r"(?:(?P<plat>[a-z]+)(?P<plat_num>\d*)\((?P<sub>\d+)(?:\.(?P<sub2>\d+))?(?P<sub_letter>[a-z]*)\))?$",
    re.IGNORECASE,
)


def parse(text: str, family: str = "nxos") -> Version:
    raw, match = matched(_NXOS, text, "an NX-OS version")
    major, minor = int(match["major"]), int(match["minor"])
    if match["plat"]:
        base = f"{major}.{minor}({match['rel']}{match['rel_letter'].lower()})"
        plat = match["plat"].upper()
        return Version(
            family=family,
            text=raw,
            train=f"{base}{plat}{match['plat_num']}",
            position=(int(match["sub"]), number(match["sub2"]), letters(match["sub_letter"])),
            lineage=f"{base}{plat}",
            train_rank=(int(match["plat_num"] or 0),),
        )
    return Version(
        family=family,
        text=raw,
        train=f"{major}.{minor}",
        position=(int(match["rel"]), number(match["rel_sub"]), letters(match["rel_letter"])),
        lineage="nxos",
        train_rank=(major, minor),
    )
