"""Read snmpsim ``.snmprec`` recordings into an :class:`SnmpView`.

Format: one varbind a line, ``OID|TAG|VALUE``; TAG is the BER tag number (2 Integer32, 4 OCTET
STRING, 5 NULL, 6 OID, 64 IpAddress, 65 Counter32, 66 Gauge32, 67 TimeTicks, 68 Opaque,
70 Counter64), suffixed ``x`` when VALUE is hex or ``e`` when it is a Python-escaped string.
Lines using snmpsim variation modules (``TAG:module``) cannot be decoded offline: they are skipped
and counted as one error. Any malformed line is skipped with an error; reading never raises on
content. ``.snmprec.bz2`` files are read too.

Only the subtrees the live walk reads are kept, so a replay sees exactly what a poll would.
"""

from __future__ import annotations

import bz2
from pathlib import Path

from netsbom.agent.snmp.oids import collection_subtrees, in_subtrees
from netsbom.agent.snmp.view import (
    IpAddress,
    ObjectId,
    Oid,
    SnmpView,
    Value,
    dotted,
    parse_oid,
)

_INT_TAGS = {"2": (-(2**31), 2**31 - 1), "65": (0, 2**32 - 1), "66": (0, 2**32 - 1),
             "67": (0, 2**32 - 1), "70": (0, 2**64 - 1)}
_BYTES_TAGS = {"4", "68"}
_ESCAPES = {"a": 7, "b": 8, "f": 12, "n": 10, "r": 13, "t": 9, "v": 11, "\\": 92, "'": 39, '"': 34}


class RecordError(ValueError):
    """One line of a recording could not be decoded."""


def read_snmprec(path: Path, subtrees: tuple[Oid, ...] | None = None) -> SnmpView:
    """Read a recording; ``subtrees`` defaults to what the live walk collects."""
    view = SnmpView()
    wanted = collection_subtrees() if subtrees is None else subtrees
    try:
        raw = path.read_bytes()
        if path.suffix == ".bz2":
            raw = bz2.decompress(raw)
    except (OSError, ValueError) as exc:
        view.add_error("parse", f"cannot read recording: {exc}", str(path))
        return view
    return parse_snmprec(raw.decode("latin-1"), wanted, source=path.name, view=view)


def parse_snmprec(
    text: str, subtrees: tuple[Oid, ...], *, source: str = "<snmprec>", view: SnmpView | None = None
) -> SnmpView:
    view = SnmpView() if view is None else view
    malformed: list[int] = []
    variation: list[int] = []
    first_problem: dict[str, str] = {}
    # Cheap textual pre-filter: most lines of big recordings lie outside the collected subtrees.
    prefixes = tuple(dotted(p) + "." for p in subtrees)
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip().lstrip(".")
        if not stripped.startswith(prefixes) and "|" in stripped:
            head = stripped.split("|", 1)[0]
            if head.replace(".", "").isdigit():
                continue  # a well-formed OID outside the collected subtrees
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        parts = stripped.split("|", 2)
        if len(parts) != 3:
            malformed.append(number)
            first_problem.setdefault("malformed", f"line {number}: not OID|TAG|VALUE")
            continue
        oid_text, tag, value_text = parts
        try:
            oid = parse_oid(oid_text)
        except ValueError:
            malformed.append(number)
            first_problem.setdefault("malformed", f"line {number}: bad OID {oid_text[:40]!r}")
            continue
        if not in_subtrees(oid, subtrees):
            continue
        if ":" in tag:
            variation.append(number)
            continue
        try:
            value = decode_value(tag, value_text)
        except RecordError as exc:
            malformed.append(number)
            first_problem.setdefault("malformed", f"line {number}: {exc}")
            continue
        view.set(oid, value)
    if malformed:
        view.add_error(
            "parse",
            f"{len(malformed)} malformed line(s) skipped; first: {first_problem['malformed']}",
            source,
        )
    if variation:
        view.add_error(
            "unsupported",
            f"{len(variation)} line(s) use snmpsim variation modules and were skipped "
            f"(first: line {variation[0]})",
            source,
        )
    return view


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
            data = _bytes(text, encoding) if encoding else None
            if data is not None:
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
