"""Huawei VRP: ``V800R021C10SPC100``, ``V200R010C00SPC600``, ``V800R021C10SPH200``.

Train = ``V800R021`` (version + release; no lineage across releases); position = (C number,
SPC number, SPH hot patch).
"""

from __future__ import annotations

import re

from netsbom.core.versions.base import Version, matched, number

_VRP = re.compile(
    r"^(?:VRP\s*)?(?P<v>V\d{3})(?P<r>R\d{3})(?:C(?P<c>\d{2,3}))?(?:SPC(?P<spc>\d{3}))?"
    r"(?:SPH(?P<sph>\d+))?(?:T)?$",
    re.IGNORECASE,
)


def parse(text: str, family: str = "vrp") -> Version:
    raw, match = matched(_VRP, text, "a VRP version")
    return Version(
        family=family,
        text=raw,
        train=f"{match['v'].upper()}{match['r'].upper()}",
        position=(number(match["c"]), number(match["spc"]), number(match["sph"])),
        train_only=match["c"] is None,
    )
