"""Version statements of CVE records and NVD ranges, evaluated with a family's version grammar.

A :class:`Statement` is one entry of a CNA ``versions`` list (exact version, range with
``lessThan`` / ``lessThanOrEqual`` / ``changes``, a whole train ``21.3*``) or one NVD range.
``lessThan`` may list several fixes (Juniper: ``22.3R2-S2, 22.3R3-S1``); they are read branch by
branch (see :func:`_below_fixes`). Free-text lists (``FortiOS 6.2.0 through 6.2.10, 7.0.0``,
``7.0.1-5119 and earlier versions``) are split into statements by :func:`statements_from_text`.

Trains: a statement only orders a device against bounds in the device's own train, or — where
the statement's bounds lie in other trains of a numbered lineage — by train order ("all versions
before 21.2R3-S7" covers 20.4). When some statement of a list names the device's train, the
statements that would reach it only by train order are skipped (FortiOS "7.2.0 and below, 7.0.6
and below": 7.0.10 is judged by the 7.0 statement alone).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from netsbom.core.versions import Grammar, Version, VersionError, compare, order, train_order

OPEN_STARTS = frozenset({"", "0", "*", "-", "unspecified", "n/a", "all", "0.0", "0.0.0"})


@dataclass(frozen=True, slots=True)
class Statement:
    status: str  # affected | unaffected | unknown
    text: str
    exact: Version | None = None
    start: Version | None = None  # None with a range: open start
    fixes: tuple[Version, ...] = ()  # lessThan (one or several branch fixes)
    last: Version | None = None  # lessThanOrEqual
    whole_trains: tuple[Version, ...] = ()  # lessThan "21.3*" / "All": up to the end of a train
    prefixes: tuple[str, ...] = ()  # lessThanOrEqual "21.*": every train whose name starts so
    changes: tuple[tuple[Version, str], ...] = ()

    @property
    def is_range(self) -> bool:
        return self.exact is None

    def trains(self) -> set[str]:
        bounds = [self.exact, self.start, self.last, *self.fixes, *self.whole_trains]
        return {b.train for b in bounds if b is not None}


@dataclass(frozen=True, slots=True)
class Outcome:
    status: str | None  # affected | unaffected | unknown | None (undecidable)
    why: str
    matched: tuple[Statement, ...] = field(default=())


def parse_statement(
    grammar: Grammar, entry: Mapping[str, Any], ours: Callable[[str], bool] | None = None
) -> list[Statement]:
    """One CNA ``versions`` entry as statements; raises VersionError when it cannot be read.
    ``ours`` tells whether a product name inside free text is the device's product."""
    status = str(entry.get("status") or "affected").lower()
    version = str(entry.get("version") or "").strip()
    less = entry.get("lessThan")
    less_eq = entry.get("lessThanOrEqual")
    if less is None and less_eq is None:
        if _is_text(version):
            return statements_from_text(grammar, version, status, ours)
        if version.endswith("*"):
            train = _bound(grammar, version[:-1].rstrip(". "), None)
            return [Statement(status, version, whole_trains=(train,), start=train)]
        return [Statement(status, version, exact=_bound(grammar, version, None))]
    start = None if version.lower() in OPEN_STARTS else _bound(grammar, version, None)
    fixes: list[Version] = []
    whole: list[Version] = []
    if less is not None:
        for item in str(less).split(","):
            text = item.strip()
            if not text:
                continue
            if text.lower() in ("all", "*"):  # F5: "13.1.0 <*" = the 13.1 line, no fix in it
                if start is None:
                    raise VersionError(f"lessThan {text!r} without a start version")
                whole.append(start)
            elif "*" in text:  # "21.3*", "6.2.*": to the end of the train
                whole.append(_bound(grammar, text.replace("*", "").rstrip(". "), start))
            else:
                fixes.append(_bound(grammar, text, start))
        if not fixes and not whole:
            raise VersionError(f"empty lessThan in {entry!r}")
    last = None
    prefixes: tuple[str, ...] = ()
    if less_eq is not None and "*" in str(less_eq):
        prefixes = (str(less_eq).split("*", 1)[0].strip(),)
    elif less_eq is not None:
        last = _bound(grammar, str(less_eq).strip(), start)
    changes = tuple(
        (_bound(grammar, str(change["at"]), start), str(change.get("status", "")).lower())
        for change in entry.get("changes") or ()
        if isinstance(change, dict) and change.get("at")
    )
    text = f"{version or '0'} to {'<' + str(less) if less is not None else '<=' + str(less_eq)}"
    return [
        Statement(
            status,
            text,
            start=start,
            fixes=tuple(fixes),
            last=last,
            whole_trains=tuple(whole),
            prefixes=prefixes,
            changes=changes,
        )
    ]


def _bound(grammar: Grammar, text: str, start: Version | None) -> Version:
    text = text.replace("\\", "").strip()  # CPE-escaped versions in CISA ADP: 14.2\(7f\)
    if grammar.family.startswith("junos"):
        text = re.sub(r"-EVO?$", "", text, flags=re.IGNORECASE)
    return grammar.version(grammar.qualify(text, start))


def _is_text(version: str) -> bool:
    return bool(
        re.search(
            r",|\s(and|or|through|to|before|prior|earlier|below)\b|^(before|prior)",
            version,
            re.IGNORECASE,
        )
    )


_UP_TO = re.compile(
    r"^(?P<v>.+?)\s+(?:and|or)\s+(?:below|earlier|prior|older|lower|before)(?:\s+versions?)?$",
    re.IGNORECASE,
)
_BELOW = re.compile(
    r"^(?:versions?\s+)?(?:before|prior to|earlier than|lower than|older than|below)\s+(?P<v>.+)$",
    re.IGNORECASE,
)
# "R81.20 before take 14", "21.4 versions before 21.4R3-S5": a release line and its fix
_LINE_BEFORE = re.compile(
    r"^(?P<a>\S+(?:\s+\S+)?)\s+(?:versions?\s+)?(?:before|prior to|earlier than|lower than)"
    r"\s+(?P<b>.+)$",
    re.IGNORECASE,
)
_ITEMS = re.compile(
    r",|;|\s(?:and|&)\s(?!(?:below|earlier|prior|older|lower|before)\b)", re.IGNORECASE
)
# A clause that starts right after another without a comma: "... take 82 R80.40 before take 198"
_RUN_ON = re.compile(r"(?<=\d)\s+(?=\S+\s+(?:before|prior to)\s)", re.IGNORECASE)
_THROUGH = re.compile(r"^(?P<a>.+?)\s+(?:through|to)\s+(?P<b>.+)$", re.IGNORECASE)
_PRODUCT_WORDS = re.compile(
    r"^(?:[A-Za-z][A-Za-z()_-]*\s+)+?(?=v?\d|R\d|before|prior|versions?\s)", re.IGNORECASE
)
# Words around versions that name no product ("All supported releases prior to Release 24")
_GENERIC = re.compile(
    r"^(?:(?:all|any|every|supported|affected|releases?|versions?|builds?|software|the|of|from|"
    r"including|earlier|later|and|or|only)\s*)+$",
    re.IGNORECASE,
)


def statements_from_text(
    grammar: Grammar, text: str, status: str, ours: Callable[[str], bool] | None = None
) -> list[Statement]:
    """``FortiOS 6.0.0 through 6.0.14, 6.2.0 and below, before 7.0.3, 7.2.0`` as statements.
    Items after another product's name (``..., FortiProxy 2.0.0``) are skipped; words that name
    no product (``All supported releases prior to Release 24``) are not a product name."""
    result: list[Statement] = []
    current = True
    for raw in (part for item in _ITEMS.split(text) for part in _RUN_ON.split(item)):
        item = raw.strip().rstrip(".")
        words = _PRODUCT_WORDS.match(item)
        if words and words.group(0).strip() and ours is not None:
            name = re.sub(r"\b(versions?|before|prior)\b", "", words.group(0)).strip()
            if name and not _GENERIC.match(name):
                current = ours(name)
        part = _PRODUCT_WORDS.sub("", item).strip() if words else item
        if (
            words
            and _GENERIC.match(words.group(0))
            and not part.lower().startswith(("before", "prior"))
        ):
            part = item[words.end() :].strip()
        if not part or not current:
            continue
        result.append(_text_statement(grammar, part, status))
    if not result:
        raise VersionError(f"no version in {text!r}")
    return result


def _text_statement(grammar: Grammar, part: str, status: str) -> Statement:
    if match := _UP_TO.match(part):
        return Statement(status, part, last=_bound(grammar, match["v"], None))
    if match := _BELOW.match(part):
        return Statement(status, part, fixes=(_bound(grammar, match["v"], None),))
    if match := _LINE_BEFORE.match(part):
        start = _bound(grammar, match["a"], None)
        line = Version(
            start.family, start.text, start.train, lineage=start.lineage,
            train_rank=start.train_rank, branch_len=start.branch_len, train_only=True,
        )  # fmt: skip
        return Statement(status, part, start=line, fixes=(_bound(grammar, match["b"], start),))
    if match := _THROUGH.match(part):
        start = _bound(grammar, match["a"], None)
        return Statement(status, part, start=start, last=_bound(grammar, match["b"], start))
    return Statement(status, part, exact=_bound(grammar, part, None))


def evaluate(statements: Sequence[Statement], device: Version) -> Outcome:
    """Status of ``device`` under a product's statements: exact matches first, then ranges."""
    for statement in statements:
        if statement.exact is not None and _same(statement.exact, device):
            return Outcome(
                statement.status, f"{device} is listed as {statement.status}", (statement,)
            )
    ranges = [s for s in statements if s.is_range and concerns(s, device)]
    own = [s for s in ranges if device.train in s.trains()]
    if own:
        ranges = own
    found: dict[str, Statement] = {}
    undecided: list[Statement] = []
    for statement in ranges:
        inside = within(statement, device)
        if inside is None:
            undecided.append(statement)
        elif inside:
            found.setdefault(_status_at(statement, device), statement)
    if "affected" in found and device.branch_len is not None:
        fixes = [f for s in ranges if s.status == "affected" for f in s.fixes]
        if _below_fixes(device, fixes) is False:
            found.pop("affected")
            fixed = ", ".join(sorted({str(f) for f in fixes if f.train == device.train}))
            found.setdefault("fixed", Statement("unaffected", f"fixed in {fixed}"))
    if "fixed" in found:
        return Outcome(
            "unaffected", f"{device} carries the fix ({found['fixed'].text} on its branch)"
        )
    for status in ("affected", "unaffected", "unknown"):
        if status in found:
            statement = found[status]
            return Outcome(
                status, f"{device} is in range {statement.text} ({status})", (statement,)
            )
    if undecided:
        texts = ", ".join(s.text for s in undecided)
        return Outcome(None, f"{device} (train {device.train}) cannot be ordered against {texts}")
    return Outcome("default", f"{device} matches none of the listed versions")


def concerns(statement: Statement, device: Version) -> bool:
    """False when every bound of the statement lies on another release lineage than the
    device's (SonicOS 6.5 ``n`` and ``v`` build lines say nothing about 7.x)."""
    bounds = [statement.exact, statement.start, statement.last, *statement.fixes]
    lineages = {b.lineage for b in [*bounds, *statement.whole_trains] if b is not None}
    if device.lineage is None or None in lineages or not lineages:
        return True
    return device.lineage in lineages or device.train in statement.trains()


def _same(listed: Version, device: Version) -> bool:
    if listed.train_only:
        return listed.train == device.train
    return order(device, listed) == 0


def within(statement: Statement, device: Version) -> bool | None:
    """Whether ``device`` lies in a range statement (None: cannot be ordered)."""
    lower = True if statement.start is None else _at_least(device, statement.start)
    if lower is False:
        return False
    uppers: list[bool | None] = []
    if statement.fixes:
        uppers.append(_below_fixes(device, statement.fixes))
    if statement.last is not None:
        uppers.append(_at_most(device, statement.last))
    for train in statement.whole_trains:
        uppers.append(_in_or_before_train(device, train))
    for prefix in statement.prefixes:
        uppers.append(device.train.startswith(prefix))
    upper = _any(uppers) if uppers else True
    if upper is False:
        return False
    if lower is None or upper is None:
        return None
    return True


def _any(values: Iterable[bool | None]) -> bool | None:
    items = list(values)
    if any(v is True for v in items):
        return True
    return None if any(v is None for v in items) else False


def _same_train(device: Version, bound: Version) -> bool:
    return device.train == bound.train and device.family == bound.family


def _at_least(device: Version, bound: Version) -> bool | None:
    if _same_train(device, bound):
        found = order(device, bound)
        return None if found is None else found >= 0
    trains = train_order(device, bound)
    return None if trains is None else trains > 0


def _at_most(device: Version, bound: Version) -> bool | None:
    if _same_train(device, bound):
        if bound.train_only:
            return True
        found = order(device, bound)
        return None if found is None else found <= 0
    trains = train_order(device, bound)
    return None if trains is None else trains < 0


def _in_or_before_train(device: Version, train: Version) -> bool | None:
    if device.train == train.train:
        return True
    trains = train_order(device, train)
    return None if trains is None else trains < 0


def _below_fixes(device: Version, fixes: Sequence[Version]) -> bool | None:
    """Whether ``device`` precedes its branch's fix (True: still vulnerable).

    Within the device's train the fix on the device's own branch decides; a fix made on an
    earlier branch is carried by every later branch; a device on a branch earlier than every
    fix has none. A family without branches is fixed from the train's lowest fix on. Fixes in
    other trains order by train only.
    """
    same = [f for f in fixes if _same_train(device, f)]
    if same:
        if device.branch_len is None:
            fix = min(same, key=lambda f: f.position)
        else:
            earlier = [f for f in same if f.branch <= device.branch]
            if not earlier:
                return True
            top = max(f.branch for f in earlier)
            if top != device.branch:
                return False
            fix = min((f for f in earlier if f.branch == top), key=lambda f: f.position)
        found = order(device, fix)
        return None if found is None else found < 0
    orders = [train_order(device, f) for f in fixes]
    if any(o is None for o in orders):
        return None
    if all(o is not None and o < 0 for o in orders):
        return True
    if all(o is not None and o > 0 for o in orders):
        return False
    return None


def _status_at(statement: Statement, device: Version) -> str:
    status = statement.status
    for at, change in sorted(statement.changes, key=lambda c: c[0].position):
        order = compare(device, at)
        if order is not None and order >= 0 and change:
            status = change
    return status
