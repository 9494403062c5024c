"""What one device answered over SNMP: typed varbinds plus the errors met while reading them.

An :class:`SnmpView` is the seam between transports (live walk, snmprec replay) and the pure parser:
both produce the same view from the same device, so ``parse_view`` never knows where data came from.

Values keep their SNMP type as a Python type:

    INTEGER, Counter32/64, Gauge32, TimeTicks  -> int
    OCTET STRING, Opaque                       -> bytes
    OBJECT IDENTIFIER                          -> Oid (tuple[int, ...])
    IpAddress                                  -> IpAddress (str subclass, dotted quad)
    NULL                                       -> None
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

Oid = tuple[int, ...]


class IpAddress(str):
    """An SNMP IpAddress value, kept distinct from text."""

    __slots__ = ()


class ObjectId(tuple[int, ...]):
    """An SNMP OBJECT IDENTIFIER value (distinct from a 6-int tuple by type)."""

    __slots__ = ()

    def dotted(self) -> str:
        return ".".join(str(part) for part in self)


Value = int | bytes | ObjectId | IpAddress | None
_MISSING = object()


def parse_oid(text: str) -> Oid:
    """``"1.3.6.1"`` or ``".1.3.6.1"`` -> ``(1, 3, 6, 1)``; ValueError on anything else."""
    parts = text.strip().strip(".").split(".")  # "1.3.6.1." in some recordings
    if not parts or parts == [""]:
        raise ValueError("empty OID")
    oid = tuple(map(int, parts))
    if min(oid) < 0:
        raise ValueError(f"negative OID arc in {text!r}")
    return oid


def dotted(oid: Oid) -> str:
    return ".".join(str(part) for part in oid)


@dataclass(frozen=True, slots=True)
class ViewError:
    """Something that failed while reading: ``kind`` is one of the record's ERROR_KINDS."""

    kind: str
    message: str
    source: str | None = None  # dotted OID subtree, or a file:line for replay


@dataclass(slots=True)
class SnmpView:
    """The varbinds read from one device, sorted by OID, and what went wrong reading them."""

    values: dict[Oid, Value] = field(default_factory=dict)
    errors: list[ViewError] = field(default_factory=list)
    tags: dict[Oid, int] = field(default_factory=dict)  # BER tag as read live (for recordings)
    whole: set[Oid] = field(default_factory=set)  # subtrees read to their end, within no bound
    _sorted: list[Oid] | None = field(default=None, repr=False, compare=False)

    def set(self, oid: Oid, value: Value) -> None:
        self.values[oid] = value
        self._sorted = None

    def remove(self, oid: Oid) -> None:
        self.tags.pop(oid, None)
        if self.values.pop(oid, _MISSING) is not _MISSING:
            self._sorted = None

    def add_error(self, kind: str, message: str, source: str | None = None) -> None:
        self.errors.append(ViewError(kind, message, source))

    def _keys(self) -> list[Oid]:
        if self._sorted is None:
            self._sorted = sorted(self.values)
        return self._sorted

    def __len__(self) -> int:
        return len(self.values)

    def get(self, oid: Oid) -> Value:
        return self.values.get(oid)

    def subtree(self, prefix: Oid) -> Iterator[tuple[Oid, Value]]:
        """``(suffix, value)`` for every OID under ``prefix``, in OID order."""
        keys = self._keys()
        start = bisect.bisect_left(keys, prefix)
        size = len(prefix)
        for oid in keys[start:]:
            if oid[:size] != prefix:
                break
            yield oid[size:], self.values[oid]

    def first_instance(self, prefix: Oid) -> tuple[Oid, Value] | None:
        """``(suffix, value)`` of what one GETNEXT on ``prefix`` reads: the first OID under it;
        else ``((), value)`` of the object's own OID (a scalar served without its ``.0``)."""
        own: tuple[Oid, Value] | None = None
        for suffix, value in self.subtree(prefix):
            if suffix:
                return suffix, value
            own = (), value
        return own

    def column(self, prefix: Oid) -> dict[Oid, Value]:
        """A table column: row index (suffix) -> value."""
        return dict(self.subtree(prefix))

    def table(self, entry: Oid, columns: tuple[int, ...]) -> dict[Oid, dict[int, Value]]:
        """Rows of a table: row index -> {column: value}, rows in index order."""
        rows: dict[Oid, dict[int, Value]] = {}
        for column in columns:
            for index, value in self.subtree((*entry, column)):
                if index:  # a value on the column itself is no row
                    rows.setdefault(index, {})[column] = value
        return dict(sorted(rows.items()))

    def text(self, oid: Oid) -> str | None:
        return to_text(self.get(oid))

    def integer(self, oid: Oid) -> int | None:
        return to_int(self.get(oid))

    def object_id(self, oid: Oid) -> str | None:
        value = self.get(oid)
        return value.dotted() if isinstance(value, ObjectId) else None

    def mac(self, oid: Oid) -> str | None:
        return to_mac(self.get(oid))

    def hexstr(self, oid: Oid) -> str | None:
        value = self.get(oid)
        return to_hex(value) if isinstance(value, bytes) else None


_UTF16LE = re.compile(rb"^(?:[^\x00]\x00){2,}(?:\x00\x00)*$")


def to_int(value: Value) -> int | None:
    """An INTEGER (or a counter, a gauge) as a number; any other type is none."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def to_text(value: Value) -> str | None:
    """Decode a value for humans: OCTET STRING as UTF-8, else latin-1; padding trimmed. A text
    ends at the first NUL after it, as a C string does (a fixed-width field padded with NULs; an
    agent may leave more bytes after them: ``3.0.2.117\\0\\0\\0\\n00 00``)."""
    if value is None:
        return None
    if isinstance(value, bytes):
        if _UTF16LE.match(value):  # "A\0B\0": UTF-16, not C strings
            return value.decode("utf-16-le").strip() or None
        value = value.lstrip(b"\x00").split(b"\x00", 1)[0]
        try:
            text = value.decode("utf-8")
        except UnicodeDecodeError:
            text = value.decode("latin-1")
        text = text.strip()
        return text or None
    if isinstance(value, ObjectId):
        return value.dotted()
    return str(value)


def to_hex(value: bytes, sep: str = ":") -> str:
    return sep.join(f"{byte:02x}" for byte in value)


def to_mac(value: Value) -> str | None:
    """Six raw bytes -> ``aa:bb:cc:dd:ee:ff``; a MAC already written as text is normalised."""
    if isinstance(value, bytes):
        if len(value) == 6:
            return to_hex(value)
        text = to_text(value)
        if text:
            digits = "".join(ch for ch in text.lower() if ch in "0123456789abcdef")
            separators = set(text) - set("0123456789abcdefABCDEF")
            if len(digits) == 12 and separators <= {":", "-", ".", " "}:
                return ":".join(digits[i : i + 2] for i in range(0, 12, 2))
    return None


def is_printable(value: bytes) -> bool:
    """True when bytes read as text (UTF-8, no control characters but tab/newline)."""
    try:
        text = value.decode("utf-8")
    except UnicodeDecodeError:
        return False
    text = text.rstrip("\x00")
    return all(ch.isprintable() or ch in "\t\r\n" for ch in text)
