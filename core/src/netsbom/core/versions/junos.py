"""Juniper Junos OS and Junos OS Evolved.

Forms: ``21.4R3-S5``, ``21.4R3-S5.3`` (respin), ``21.4R3.13``, ``21.4`` (a whole train, as in
the vendor's ranges), ``15.1X49-D200`` (X trains: ``D`` releases), ``21.4R3-S5-EVO`` (Evolved),
``21.4B1`` (beta), ``15.1F6-S13`` (feature trains).

Train = ``21.4`` (lineage ``junos``, ranked 21.4 < 22.1), ``15.1X49`` or ``15.1F`` (no lineage).
Position = (release kind, release number, service release, respin or build); a version written
without the last (``21.4R3-S5``) is every build of that release. The *branch* is the release:
21.4R3-S5 is service release 5 on branch R3, so "fixed in 22.3R2-S2, 22.3R3-S1" leaves 22.3R3
affected. ``-EVO`` is dropped: the family (``junos`` or ``junos-evolved``) comes from the product.
"""

from __future__ import annotations

import re

from netsbom.core.versions.base import Version, VersionError, number

_JUNOS = re.compile(
    r"^(?P<major>\d+)\.(?P<minor>\d+)"
    r"(?:X(?P<x>\d+)-?)?"
    r"(?:(?P<kind>[RBDFI])(?P<rel>\d+))?"
    r"(?:-?S(?P<service>\d+))?"
    r"(?:\.(?P<spin>\d+))?"
    r"(?:-EVO?)?$",
    re.IGNORECASE,
)
_KIND_RANK = {"I": 0, "B": 1, "R": 2, "D": 2, "F": 2}


def parse(text: str, family: str = "junos") -> Version:
    raw = text.strip()
    match = _JUNOS.match(raw)
    if not match or (match["spin"] and not match["kind"]):
        raise VersionError(f"not a Junos version: {text!r}")
    major, minor = int(match["major"]), int(match["minor"])
    kind = (match["kind"] or "").upper()
    if match["x"]:
        train, lineage = f"{major}.{minor}X{match['x']}", None
    elif kind == "F":
        train, lineage = f"{major}.{minor}F", None
    else:
        train, lineage = f"{major}.{minor}", "junos"
    if kind == "D" and not match["x"]:
        raise VersionError(f"not a Junos version (D release outside an X train): {text!r}")
    if match["service"] and not kind:
        raise VersionError(f"not a Junos version (service release without a release): {text!r}")
    return Version(
        family=family,
        text=raw,
        train=train,
        position=(
            _KIND_RANK[kind] if kind else 0,
            number(match["rel"]),
            number(match["service"]),
            number(match["spin"]),
        )
        if kind
        else (),
        lineage=lineage,
        train_rank=(major, minor),
        branch_len=2,
        train_only=not kind,
        precision=3 if kind and match["spin"] is None else None,  # 21.4R3: any build 21.4R3.N
    )


_CPE_SPLIT = re.compile(
    r"^(?P<base>\d+\.\d+(?:X\d+)?)(?:-?(?P<update>[RDS]\d+(?:-[SD]\d+)?))?", re.I
)


def cpe_fields(text: str) -> tuple[str, str]:
    """NVD writes the release in the CPE update field: ``21.4R3-S5`` -> (``21.4``, ``r3-s5``)."""
    match = _CPE_SPLIT.match(text.strip())
    if not match:
        raise VersionError(f"not a Junos version: {text!r}")
    return match["base"], (match["update"] or "*").lower()
