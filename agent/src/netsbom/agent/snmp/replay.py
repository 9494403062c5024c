"""Read snmpsim ``.snmprec`` recordings into an :class:`SnmpView`.

Format: one varbind a line, ``OID|TAG|VALUE``; TAG is the BER tag number (2 Integer32, 4 OCTET
STRING, 5 NULL, 6 OID, 64 IpAddress, 65 Counter32, 66 Gauge32, 67 TimeTicks, 68 Opaque,
70 Counter64), suffixed ``x`` when VALUE is hex or ``e`` when it is a Python-escaped string.
Lines using snmpsim variation modules (``TAG:module``) cannot be decoded offline: they are skipped
and counted as one error. Any malformed line is skipped with an error; reading never raises on
content. ``.snmprec.bz2`` files are read too.

Only the subtrees the live walk reads are kept, so a replay sees exactly what a poll would (the
first object of each private subtree behind a general agent's sysObjectID, and the maker's
subtree within the same bound when nothing else states a version, model or serial).
"""

from __future__ import annotations

import bisect
import bz2
import heapq
import re
from pathlib import Path

from netsbom.agent.snmp import oids
from netsbom.agent.snmp.parse import enterprise_to_read, vacant
from netsbom.agent.snmp.view import (
    IpAddress,
    ObjectId,
    Oid,
    SnmpView,
    Value,
    dotted,
    parse_oid,
)

_INT_TAGS = {
    "2": (-(2**31), 2**31 - 1),
    "65": (0, 2**32 - 1),
    "66": (0, 2**32 - 1),
    "67": (0, 2**32 - 1),
    "70": (0, 2**64 - 1),
}
_BYTES_TAGS = {"4", "68"}
_ESCAPES = {"a": 7, "b": 8, "f": 12, "n": 10, "r": 13, "t": 9, "v": 11, "\\": 92, "'": 39, '"': 34}


class RecordError(ValueError):
    """One line of a recording could not be decoded."""


class Recording:
    """A recording's lines, indexed once for the passes of a replay: every line under an OID
    prefix is a contiguous run of the lines sorted as bytes, found by bisection."""

    def __init__(self, data: bytes | str) -> None:
        self.raw = data.encode("latin-1") if isinstance(data, str) else data
        self.lines = self.raw.split(b"\n")
        self._sorted = sorted(zip(self.lines, range(1, len(self.lines) + 1), strict=True))

    def starting_with(self, heads: tuple[bytes, ...]) -> list[tuple[int, bytes]]:
        """(line number, line) of the lines that start with one of ``heads``, in file order."""
        found: dict[int, bytes] = {}
        for head in heads:
            index = bisect.bisect_left(self._sorted, (head,))
            while index < len(self._sorted) and self._sorted[index][0].startswith(head):
                line, number = self._sorted[index]
                found[number] = line
                index += 1
        return sorted(found.items())

    def count(self, prefix: Oid) -> int:
        """How many lines lie under ``prefix`` (written with or without a leading dot)."""
        total = 0
        head = dotted(prefix).encode("ascii") + b"."
        for start in (head, b"." + head):
            end = start[:-1] + b"/"  # "/" follows "." in byte order: past every line under it
            total += bisect.bisect_left(self._sorted, (end,)) - bisect.bisect_left(
                self._sorted, (start,)
            )
        return total


def read_snmprec(path: Path, subtrees: tuple[Oid, ...] | None = None) -> SnmpView:
    """Read a recording; by default keep what a live poll of this device would read."""
    view = SnmpView()
    try:
        raw = path.read_bytes()
        if path.name.endswith(".bz2"):
            raw = bz2.decompress(raw)
    except (OSError, ValueError) as exc:
        view.add_error("parse", f"cannot read recording: {exc}", str(path))
        return view
    if subtrees is not None:
        return parse_snmprec(raw, subtrees, source=path.name, view=view)
    return replay_view(raw, source=path.name, view=view)


def replay_view(
    data: bytes, *, source: str = "<snmprec>", view: SnmpView | None = None
) -> SnmpView:
    """What a live poll would read from the device this recording is: same plan, same objects.

    The plan depends on the system group, so it is read first; vendor objects keep only their
    first instance, as the live poll's GETNEXT does.
    """
    recording = Recording(data)
    system = parse_snmprec(recording, (oids.SYSTEM,), whole_file=False)
    sys_object_id = system.object_id(oids.SYS_OBJECT_ID)
    plan = oids.collection_plan(sys_object_id, system.text(oids.SYS_DESCR))
    view = parse_snmprec(
        recording, (*plan.subtrees, *plan.objects), source=source, view=view, exact=plan.objects
    )
    view = keep_first_instances(view, plan.objects)
    view.whole.update(plan.subtrees)
    served: SnmpView | None = None  # every private subtree's lines, when they are listed
    if plan.list_enterprises:
        served = parse_snmprec(recording, (oids.ENTERPRISES,), source=source, whole_file=False)
        _first_of_each_enterprise(served, oids.SERVED_ENTERPRISES, view)
    enterprise = enterprise_to_read(view)
    if enterprise is not None:
        bound = oids.ENTERPRISE_ROWS  # a walk's: the lines past it are not even decoded
        read = served or parse_snmprec(
            recording, (enterprise,), source=source, whole_file=False, first=bound + 1
        )
        view.errors.extend(e for e in read.errors if e not in view.errors)
        complete = served is not None or recording.count(enterprise) <= bound
        _read_bounded(read, enterprise, bound, view, complete=complete)
        if not plan.list_enterprises and vacant(view, enterprise):  # the maker's MIB is elsewhere
            served = parse_snmprec(recording, (oids.ENTERPRISES,), source=source, whole_file=False)
            _first_of_each_enterprise(served, oids.SERVED_ENTERPRISES, view)
            other = enterprise_to_read(view)
            if other is not None:
                _read_bounded(served, other, oids.ENTERPRISE_ROWS, view)
    return view


def _first_of_each_enterprise(read: SnmpView, limit: int, view: SnmpView) -> None:
    """What ``walk._Walker.served_enterprises`` reads: the first object of each of the first
    ``limit`` private enterprise subtrees of ``read``."""
    numbers: set[int] = set()
    for suffix, value in read.subtree(oids.ENTERPRISES):
        if not suffix or suffix[0] in numbers:  # the bare enterprises node is no one's subtree
            continue
        if len(numbers) == limit:
            break
        numbers.add(suffix[0])
        view.set((*oids.ENTERPRISES, *suffix), value)


def _read_bounded(
    read: SnmpView, prefix: Oid, limit: int, view: SnmpView, *, complete: bool = True
) -> None:
    """What a walk of ``prefix`` stopping after ``limit`` varbinds reads (``walk._Walker.walk``);
    ``complete``: ``read`` was given every line of the recording under ``prefix``."""
    rows = list(read.subtree(prefix))
    for suffix, value in rows[:limit]:
        view.set((*prefix, *suffix), value)
    if len(rows) <= limit and complete:
        view.whole.add(prefix)


def keep_first_instances(view: SnmpView, objects: tuple[Oid, ...]) -> SnmpView:
    """Keep one value per object, as a live poll reads it: the first instance under the object
    (one GETNEXT), or else the object's own OID (a scalar served without its ``.0``)."""
    keep: set[Oid] = set()
    seen: set[Oid] = set()
    for prefix in objects:
        found = [prefix + suffix for suffix, _ in view.subtree(prefix)]
        under = [oid for oid in found if oid != prefix]
        keep.update(under[:1] or found[:1])
        seen.update(found)
    for oid in seen - keep:
        view.remove(oid)
    return view


def parse_snmprec(
    data: bytes | str | Recording,
    subtrees: tuple[Oid, ...],
    *,
    source: str = "<snmprec>",
    view: SnmpView | None = None,
    exact: tuple[Oid, ...] = (),
    whole_file: bool = True,
    first: int | None = None,
) -> SnmpView:
    """Decode the lines of a recording that fall in ``subtrees`` (or are one of ``exact``); count
    the malformed ones.

    Recordings reach millions of lines, most outside the collected subtrees, so lines are selected
    by their OID prefix as bytes and only those are decoded. Lines outside the subtrees are checked
    only for a plausible start (a digit, ``.``, ``#`` or blank; with ``whole_file``: a replay's
    further passes over the same recording leave that check to its main pass); garbage that
    starts like an OID there goes unnoticed, as it is never used. With ``first``, only that many
    selected lines are decoded, the first in OID order (a walk's bound: the rest is never read).
    """
    recording = data if isinstance(data, Recording) else Recording(data)
    raw, lines = recording.raw, recording.lines
    view = SnmpView() if view is None else view
    problems: list[tuple[int, str]] = []  # (line number, message)
    variation: list[int] = []
    heads = tuple(dotted(prefix).encode("ascii") + b"." for prefix in subtrees)
    heads += tuple(dotted(oid).encode("ascii") + b"|" for oid in exact)
    heads += tuple(b"." + head for head in heads)
    selected = recording.starting_with(heads)
    if first is not None and len(selected) > first:  # the first lines in OID order only
        selected = sorted(heapq.nsmallest(first, selected, key=_line_oid))
    for start, raw_line in selected:
        line = raw_line.decode("latin-1").strip()
        parts = line.split("|", 2)
        if len(parts) != 3:
            problems.append((start, "not OID|TAG|VALUE"))
            continue
        oid_text, tag, value_text = parts
        try:
            oid = parse_oid(oid_text)
        except ValueError:
            problems.append((start, f"bad OID {oid_text[:40]!r}"))
            continue
        if ":" in tag:
            variation.append(start)
            continue
        try:
            view.set(oid, decode_value(tag, value_text))
        except RecordError as exc:
            problems.append((start, str(exc)))
    if whole_file and lines[0] and not _PLAUSIBLE_START.match(lines[0]):
        problems.append((1, "not OID|TAG|VALUE"))
    implausible = [m.start() for m in _IMPLAUSIBLE_LINE.finditer(raw)] if whole_file else []
    if implausible:
        problems.append((_line_number(raw, implausible[0] + 1), "not OID|TAG|VALUE"))
    if problems:
        number, message = min(problems)
        count = len(problems) + max(len(implausible) - 1, 0)
        view.add_error(
            "parse", f"{count} malformed line(s) skipped; first: line {number}: {message}", source
        )
    if variation:
        view.add_error(
            "unsupported",
            f"{len(variation)} line(s) use snmpsim variation modules and were skipped "
            f"(first: line {min(variation)})",
            source,
        )
    return view


_LAST = (1 << 62,)  # sorts after every OID


def _line_oid(item: tuple[int, bytes]) -> tuple[int, ...]:
    """A recording line's OID, for ordering (a malformed one sorts last)."""
    text = item[1].split(b"|", 1)[0].strip().lstrip(b".")
    try:
        return tuple(int(arc) for arc in text.split(b"."))
    except ValueError:
        return _LAST


# A line must start with an OID (digit or dot), a comment, or be blank.
_PLAUSIBLE_START = re.compile(rb"[ \t\r]*(?:[\d.#]|$)")
_IMPLAUSIBLE_LINE = re.compile(rb"\n[ \t\r]*[^\d.#\s]")


def _line_number(raw: bytes, offset: int) -> int:
    return raw.count(b"\n", 0, offset) + 1


def decode_value(tag: str, text: str) -> Value:
    """Decode one VALUE by TAG (with optional ``x``/``e`` encoding suffix)."""
    encoding = ""
    if tag[-1:] in ("x", "e"):
        tag, encoding = tag[:-1], tag[-1]
    try:
        if tag in _BYTES_TAGS:
            return _bytes(text, encoding)
        if tag in _INT_TAGS:
            low, high = _INT_TAGS[tag]
            number = int.from_bytes(_bytes(text, encoding), "big") if encoding else int(text)
            if not low <= number <= high:
                raise RecordError(f"tag {tag}: {number} out of range")
            return number
        if tag == "5":
            return None
        if tag == "6":
            source = _bytes(text, encoding).decode("ascii") if encoding else text
            return ObjectId(parse_oid(source))
        if tag == "64":
            if encoding:
                data = _bytes(text, encoding)
                if len(data) != 4:
                    raise RecordError("IpAddress is not 4 bytes")
                return IpAddress(".".join(str(b) for b in data))
            octets = text.strip().split(".")
            if len(octets) != 4 or not all(o.isdigit() and int(o) < 256 for o in octets):
                raise RecordError(f"bad IpAddress {text[:20]!r}")
            return IpAddress(".".join(str(int(o)) for o in octets))
    except (ValueError, UnicodeDecodeError) as exc:
        raise RecordError(f"tag {tag}{encoding}: {exc}") from None
    raise RecordError(f"unknown tag {tag!r}")


def _bytes(text: str, encoding: str) -> bytes:
    if encoding == "x":
        return bytes.fromhex(text)
    if encoding == "e":
        return _unescape(text)
    return text.encode("latin-1")


def _unescape(text: str) -> bytes:
    """snmpsim's ``e`` encoding: Python-style escapes, ``\\xNN`` included."""
    out = bytearray()
    index = 0
    while index < len(text):
        char = text[index]
        if char != "\\":
            out.append(ord(char) & 0xFF)
            index += 1
            continue
        following = text[index + 1 : index + 2]
        if following == "x":
            out.append(int(text[index + 2 : index + 4], 16))
            index += 4
        elif following in _ESCAPES:
            out.append(_ESCAPES[following])
            index += 2
        else:
            raise RecordError(f"unknown escape \\{following}")
    return bytes(out)
