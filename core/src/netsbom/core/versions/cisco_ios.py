"""Cisco IOS: ``15.2(4)M7``, ``12.2(55)SE8``, ``12.4(13c)``, ``12.4(24)T3e``, ``15.7(3)M0a``.

Train = major.minor + train letters (``15.2M``, ``12.2SE``, ``12.4`` for mainline). Position =
(maintenance release, its letter, rebuild number, rebuild letters): ``15.2(4)M`` is ``15.2(4)M0``.
IOS trains have no common lineage: ``15.2(4)M7`` and ``15.2(4)E1`` are never ordered.
"""

from __future__ import annotations

import re

from netsbom.core.versions.base import Version, VersionError, letters, number

_IOS = re.compile(
    r"^(?P<major>\d+)\.(?P<minor>\d+)\((?P<rel>\d+)(?P<rel_letter>[a-z]?)\)"
    r"(?:(?P<train>[a-z]+?)(?P<rebuild>\d+)(?P<rebuild_letters>[a-z]*)|(?P<bare>[a-z]*))$",
    re.IGNORECASE,
)


def parse(text: str, family: str = "ios") -> Version:
    match = _IOS.match(text.strip())
    if not match:
        raise VersionError(f"not an IOS version: {text!r}")
    train_letters = (match["train"] or match["bare"] or "").upper()
    return Version(
        family=family,
        text=text.strip(),
        train=f"{match['major']}.{match['minor']}{train_letters}",
        position=(
            int(match["rel"]),
            letters(match["rel_letter"]),
            number(match["rebuild"]),
            letters(match["rebuild_letters"] or ""),
        ),
    )
