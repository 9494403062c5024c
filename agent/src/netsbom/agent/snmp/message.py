"""SNMP messages as the agent reads them: pysnmp values as the view's types, and SNMPv2c messages
encoded and decoded without a pysnmp engine.

An SNMPv2c message is a community and a PDU, so :func:`encode_request` writes GET, GETNEXT and
GETBULK requests itself and :func:`decode_response` reads replies in their strict common BER form
(one-octet tags, definite lengths, values in their type's range, error-status 0). Anything else
goes to pysnmp's own decoding (pyasn1 against the v2c message), so every reply means what it means
to pysnmp; tests compare both on every value type and on random and damaged messages.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

from pyasn1.codec.ber import decoder
from pyasn1.type import univ

from netsbom.agent.snmp.view import IpAddress, ObjectId, Oid, Value

# pysnmp 7.1 uses pysmi 2.0's deprecated camelCase aliases (getReadersFromUrls, addSources, ...).
PYSMI_ALIAS_WARNING = r"\w+ is deprecated\. Please use \w+ instead\."

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=PYSMI_ALIAS_WARNING, category=DeprecationWarning)
    from pysnmp.proto import api, errind, rfc1902
    from pysnmp.proto.api import verdec

END_TAGS = frozenset({0x80, 0x81, 0x82})  # noSuchObject, noSuchInstance, endOfMibView
VarBind = tuple[Oid, int, Value]  # OID, snmprec tag (class bits + tag id), value


def convert(value: Any) -> Value:
    """pysnmp/pyasn1 value -> the view's plain Python types."""
    if isinstance(value, rfc1902.IpAddress):
        return IpAddress(".".join(str(b) for b in value.asNumbers()))
    if isinstance(value, univ.OctetString):  # OctetString, Opaque, Bits
        return bytes(value.asOctets())
    if isinstance(value, univ.ObjectIdentifier):
        return ObjectId(tuple(value))
    if isinstance(value, univ.Integer):  # Integer32, Counter32/64, Gauge32, TimeTicks, Unsigned32
        return int(value)
    return None


def ber_tag(value: Any) -> int:
    """snmprec's tag number of a pysnmp value: class bits + tag id (65 = Counter32)."""
    try:
        tag = value.tagSet[-1]
        return int(tag.tagClass) | int(tag.tagId)
    except (AttributeError, IndexError, TypeError):
        return 4


def var_bind(name: Any, value: Any) -> VarBind:
    """A pysnmp varbind as the walker sees it."""
    return tuple(name), ber_tag(value), convert(value)


_V2C = api.PROTOCOL_MODULES[api.SNMP_VERSION_2C]
GET, GETNEXT, GETBULK, _RESPONSE, REPORT = 0xA0, 0xA1, 0xA5, 0xA2, 0xA8  # PDU tags
_INT32 = range(-(2**31), 2**31)
_UNSIGNED = {0x41: range(2**32), 0x42: range(2**32), 0x43: range(2**32), 0x46: range(2**64)}


class _Unusual(Exception):
    """An encoding the fast decoder leaves to pyasn1 (long tags, indefinite lengths, constructed
    strings, values out of their type's range, error-status, ...)."""


@dataclass(frozen=True, slots=True)
class Response:
    """A decoded SNMPv2c Response (or Report) message."""

    community: bytes
    request_id: int
    error_status: Any  # 0, or pysnmp's error-status value (its prettyPrint names the error)
    var_binds: list[VarBind]


def _length(length: int) -> bytes:
    if length < 0x80:
        return bytes((length,))
    octets = length.to_bytes((length.bit_length() + 7) // 8, "big")
    return bytes((0x80 | len(octets),)) + octets


def tlv(tag: int, content: bytes) -> bytes:
    return bytes((tag,)) + _length(len(content)) + content


def integer(value: int) -> bytes:  # minimal for the non-negative values requests carry
    return tlv(0x02, value.to_bytes(value.bit_length() // 8 + 1, "big", signed=True))


def _oid(oid: Oid) -> bytes:
    out = bytearray()
    for arc in (oid[0] * 40 + oid[1], *oid[2:]):
        octets = [arc & 0x7F]
        rest = arc >> 7
        while rest:
            octets.append(0x80 | (rest & 0x7F))
            rest >>= 7
        out += bytes(reversed(octets))
    return tlv(0x06, bytes(out))


def encode_pdu(pdu: int, request_id: int, chunk: tuple[Oid, ...], repetitions: int = 0) -> bytes:
    """A GET, GETNEXT or GETBULK (non-repeaters 0) PDU; values are NULL."""
    var_binds = b"".join(tlv(0x30, _oid(oid) + b"\x05\x00") for oid in chunk)
    fields = integer(request_id) + integer(0) + integer(repetitions if pdu == GETBULK else 0)
    return tlv(pdu, fields + tlv(0x30, var_binds))


def encode_request(
    community: bytes, pdu: int, request_id: int, chunk: tuple[Oid, ...], repetitions: int = 0
) -> bytes:
    """An SNMPv2c GET, GETNEXT or GETBULK (non-repeaters 0) message; values are NULL."""
    body = integer(1) + tlv(0x04, community) + encode_pdu(pdu, request_id, chunk, repetitions)
    return tlv(0x30, body)


def header(data: bytes, pos: int, end: int) -> tuple[int, int, int]:
    """The TLV at ``pos``: (tag, content start, content end); one-octet tags, definite lengths."""
    if pos + 2 > end:
        raise _Unusual
    tag, length = data[pos], data[pos + 1]
    pos += 2
    if length & 0x80:
        count = length & 0x7F
        if not 0 < count <= 4 or pos + count > end:
            raise _Unusual
        length = int.from_bytes(data[pos : pos + count], "big")
        pos += count
    if tag & 0x1F == 0x1F or pos + length > end:
        raise _Unusual
    return tag, pos, pos + length


def read_int(data: bytes, start: int, end: int, allowed: range = _INT32) -> int:
    value = int.from_bytes(data[start:end], "big", signed=True)
    if start == end or value not in allowed:
        raise _Unusual
    return value


def _object_id(data: bytes, start: int, end: int) -> ObjectId:
    """pyasn1's OID decoding (no 0x80 lead octet, first octet -> two arcs), short arcs only."""
    arcs: list[int] = []
    arc, octets = 0, 0
    for octet in data[start:end]:
        if octets == 0 and octet == 0x80:
            raise _Unusual
        arc, octets = (arc << 7) | (octet & 0x7F), octets + 1
        if octet < 0x80:
            arcs.append(arc)
            arc, octets = 0, 0
        elif octets > 8:
            raise _Unusual
    if not arcs or octets:
        raise _Unusual
    first = arcs[0]
    head = (0, first) if first < 40 else (1, first - 40) if first < 80 else (2, first - 80)
    return ObjectId((*head, *arcs[1:]))


def _value(tag: int, data: bytes, start: int, end: int) -> Value:
    """A varbind value as ``convert`` gives it for pyasn1's decoding of the same octets."""
    if tag in (0x04, 0x44):  # OCTET STRING, Opaque
        if end - start > 65535 and tag == 0x04:
            raise _Unusual
        return data[start:end]
    if tag == 0x02:
        return read_int(data, start, end)
    if tag == 0x06:
        return _object_id(data, start, end)
    if tag in _UNSIGNED:
        return read_int(data, start, end, _UNSIGNED[tag])
    if tag == 0x40 and end - start == 4:
        return IpAddress(".".join(str(octet) for octet in data[start:end]))
    if (tag == 0x05 or tag in END_TAGS) and start == end:  # pyasn1's Null is an OctetString
        return b""
    raise _Unusual


def _decode_fast(data: bytes) -> Response | None:
    tag, pos, end = header(data, 0, len(data))  # octets after the message are ignored
    if tag != 0x30:
        raise _Unusual
    tag, start, pos = header(data, pos, end)
    if tag != 0x02:
        raise _Unusual
    if read_int(data, start, pos) != 1:
        return None  # not SNMPv2c
    tag, start, pos = header(data, pos, end)
    if tag != 0x04:
        raise _Unusual
    community = data[start:pos]
    tag, pos, pdu_end = header(data, pos, end)
    if tag != _RESPONSE or pdu_end != end:
        raise _Unusual
    request_id, var_binds = _pdu_fields(data, pos, end)
    return Response(community, request_id, 0, var_binds)


def _pdu_fields(data: bytes, pos: int, end: int) -> tuple[int, list[VarBind]]:
    """Request-id and varbinds of the PDU content ``data[pos:end]`` (error-status 0)."""
    fields = []
    for allowed in (_INT32, range(1), range(2**31)):  # request-id, error-status 0, error-index
        tag, start, pos = header(data, pos, end)
        if tag != 0x02:
            raise _Unusual
        fields.append(read_int(data, start, pos, allowed))
    tag, pos, list_end = header(data, pos, end)
    if tag != 0x30 or list_end != end:
        raise _Unusual
    var_binds: list[VarBind] = []
    while pos < end:
        tag, pos, bind_end = header(data, pos, end)
        if tag != 0x30:
            raise _Unusual
        tag, start, pos = header(data, pos, bind_end)
        if tag != 0x06:
            raise _Unusual
        oid = tuple(_object_id(data, start, pos))
        tag, start, pos = header(data, pos, bind_end)
        if pos != bind_end:
            raise _Unusual
        var_binds.append((oid, tag, _value(tag, data, start, pos)))
    return fields[0], var_binds


def _decode_slow(data: bytes) -> Response | None:
    """pysnmp's decoding: what pyasn1 cannot decode against the v2c message is dropped."""
    try:
        if verdec.decode_message_version(data) != api.SNMP_VERSION_2C:
            return None
        message, _rest = decoder.decode(data, asn1Spec=_V2C.Message())
        pdu = _V2C.apiMessage.get_pdu(message)
        if pdu.tagSet not in (_V2C.ResponsePDU.tagSet, _V2C.ReportPDU.tagSet):
            return None
        return Response(
            bytes(_V2C.apiMessage.get_community(message)),
            int(_V2C.apiPDU.get_request_id(pdu)),
            _V2C.apiPDU.get_error_status(pdu),
            [var_bind(name, value) for name, value in _V2C.apiPDU.get_varbinds(pdu)],
        )
    except Exception:  # pyasn1 and pysnmp errors of every kind: a message pysnmp drops
        return None


def reply(command: str, response: Response) -> tuple[Any, Any, list[VarBind]]:
    """hlapi's reply: GETNEXT and GETBULK drop the varbinds of an error-status and report an
    empty varbind list as ``emptyResponse``; GET passes them on."""
    if command == "get":
        return None, response.error_status, response.var_binds
    if response.error_status:
        return None, response.error_status, []
    if not response.var_binds:
        return errind.emptyResponse, 0, []
    return None, 0, response.var_binds


def decode_pdu(data: bytes) -> tuple[int, Response | None]:
    """A Response or Report PDU (the ``data`` of an SNMPv3 scoped PDU): its tag and what it
    holds, decoded as :func:`decode_response` decodes the same PDU in a v2c message."""
    try:
        tag, pos, end = header(data, 0, len(data))
        if tag not in (_RESPONSE, REPORT) or end != len(data):
            raise _Unusual
        request_id, var_binds = _pdu_fields(data, pos, end)
        return tag, Response(b"", request_id, 0, var_binds)
    except Exception:  # unusual encodings: pyasn1 decides, through the same PDU in a v2c message
        tag = data[0] if data else 0
        return tag, _decode_slow(tlv(0x30, integer(1) + tlv(0x04, b"") + data))


def decode_response(data: bytes) -> Response | None:
    """An SNMPv2c Response or Report as pysnmp would decode it; None for what it would drop."""
    try:
        return _decode_fast(data)
    except Exception:  # _Unusual, or anything a hostile datagram provokes: pysnmp decides
        return _decode_slow(data)
