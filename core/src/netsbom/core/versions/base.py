"""What every vendor version module produces: a :class:`Version` (train + position).

A *train* is the release line a version belongs to (``17.9`` for IOS XE 17.9.4a, ``15.2M`` for
IOS 15.2(4)M7, ``21.4`` for Junos 21.4R3-S5). Positions are integer tuples ordered within their
train only: :func:`compare` returns ``None`` for two versions of different trains.

Some vendors number their trains on one line of descent (Junos 21.2 < 21.4 < 22.1, PAN-OS 10.1 <
10.2). Such trains carry a ``lineage`` and a ``train_rank``; :func:`train_order` orders them and is
used only where a vendor's statement itself spans trains ("all versions before 21.2R3-S7", NVD's
open-ended ``versionEndExcluding``). Trains without a lineage (IOS 15.2M vs 15.2E, Junos 15.1X49 vs
15.1) are never ordered.

A *branch* is the prefix of a position a fix is made on: Junos 21.4R3-S5 is service release 5 on
branch R3, PAN-OS 10.1.11-h1 is hotfix 1 on maintenance release 10.1.11. ``branch_len`` says how
many leading position items make the branch (the whole position when a family has no branches).

*Precision* is how many leading position items the text states. Vendors name a release without
its build (Junos ``21.4R3`` is every build ``21.4R3.N``; Gaia ``R81.20`` says nothing of the Jumbo
Hotfix take): :func:`order` compares only what both sides state, and a device that states less
than the bound it is compared with cannot be ordered against it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from netsbom.core.errors import NetsbomError


class VersionError(NetsbomError):
    """A version string the family's grammar does not cover (the case is then undecidable)."""


@dataclass(frozen=True, slots=True)
class Version:
    family: str
    text: str  # as written by the vendor or the record
    train: str
    position: tuple[int, ...] = ()
    lineage: str | None = None
    train_rank: tuple[int, ...] = ()
    branch_len: int | None = None  # None: the whole position is the branch
    train_only: bool = False  # "21.4", "10.2": names a whole train, not one release
    precision: int | None = None  # leading position items stated (None: all of them)

    @property
    def branch(self) -> tuple[int, ...]:
        return self.position if self.branch_len is None else self.position[: self.branch_len]

    def __str__(self) -> str:
        return self.text


def matched(pattern: re.Pattern[str], text: str, what: str) -> tuple[str, re.Match[str]]:
    """``text`` stripped, and ``pattern``'s match of it; else VersionError "not WHAT: TEXT"."""
    raw = text.strip()
    match = pattern.match(raw)
    if match is None:
        raise VersionError(f"not {what}: {text!r}")
    return raw, match


def major_minor(
    family: str,
    raw: str,
    match: re.Match[str],
    position: tuple[int, ...],
    *,
    train_only: bool,
    branch_len: int | None = None,
) -> Version:
    """A version of a family whose trains are ``MAJOR.MINOR`` (groups ``major``, ``minor`` of
    ``match``; no minor: 0) on one line of descent (EOS, PAN-OS, FortiOS, IOS XR, SR OS): the
    family is the lineage, (major, minor) the rank."""
    major, minor = int(match["major"]), number(match["minor"])
    return Version(
        family=family,
        text=raw,
        train=f"{major}.{minor}",
        position=position,
        lineage=family,
        train_rank=(major, minor),
        branch_len=branch_len,
        train_only=train_only,
    )


def compare(a: Version, b: Version) -> int | None:
    """-1, 0 or 1 within one train; ``None`` for different trains (never ordered)."""
    if a.family != b.family or a.train != b.train:
        return None
    return _sign(a.position, b.position)


def order(device: Version, bound: Version) -> int | None:
    """Order of a device's release against a vendor's bound of the same train, on what both
    state: ``21.4R3.13`` equals the bound ``21.4R3``; ``R81.20`` (no take) against ``R81.20 Take
    14`` is ``None``. Different trains: ``None`` (see :func:`train_order`)."""
    if device.family != bound.family or device.train != bound.train:
        return None
    stated = _stated(device)
    wanted = _stated(bound)
    shared = min(stated, wanted)
    mine, theirs = device.position[:shared], bound.position[:shared]
    if mine != theirs:
        return _sign(mine, theirs)
    if stated < wanted and any(bound.position[shared:wanted]):
        return None  # the bound names a level the device's version does not state
    return 0


def _stated(version: Version) -> int:
    return len(version.position) if version.precision is None else version.precision


def train_order(a: Version, b: Version) -> int | None:
    """Order of two trains on the same numbered lineage; ``None`` when they have none in common."""
    if a.train == b.train and a.family == b.family:
        return 0
    if a.lineage is None or a.lineage != b.lineage or a.family != b.family:
        return None
    if not a.train_rank or a.train_rank == b.train_rank:
        return None
    return _sign(a.train_rank, b.train_rank)


def _sign(a: tuple[int, ...], b: tuple[int, ...]) -> int:
    return (a > b) - (a < b)


def letters(text: str) -> int:
    """Rebuild letters as a number: '' < 'a' < 'b' < ... < 'z' < 'aa' (case-insensitive)."""
    value = 0
    for char in text.lower():
        if not "a" <= char <= "z":
            raise VersionError(f"not a rebuild letter: {char!r}")
        value = value * 27 + (ord(char) - ord("a") + 1)
    return value


def number(text: str | None, default: int = 0) -> int:
    return int(text) if text else default
