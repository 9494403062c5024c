"""Live SNMP collection: GETBULK walks of the subtrees netsbom reads.

This module is the one place SNMP is spoken: error indications become :class:`ViewError` entries
here (kinds: unreachable, timeout, auth, protocol). Secrets are revealed only to build requests
(or pysnmp's auth objects) and never appear in errors or logs.

Walks are driven with single GETBULK requests (pysnmp's ``bulk_walk_cmd`` retries forever on
timeouts): each subtree stops at the first error indication, at non-increasing OIDs (a looping
agent), at the end of the subtree, or after ``MAX_ROWS_PER_SUBTREE`` varbinds. The whole device is
bounded by ``deadline``.

Two transports give the walker the same replies (``(error indication, error status, varbinds)``
with pysnmp's indications and hlapi's meaning):

* SNMPv2c (:class:`_V2cSession`): a message is a community and a PDU, so requests are encoded and
  replies decoded here (:func:`encode_request`, :func:`decode_response`), each device on a UDP
  socket of its own: nothing is shared between devices. Replies in any encoding outside the strict
  common form go to pysnmp's own decoding (pyasn1), so every reply means what it meant to pysnmp.
  Through pysnmp a v2c poll cost ~4x Net-SNMP's CPU: ~100 ms to build an engine per device (it
  compiles its MIB modules), then pyasn1 decoding for most of the rest.
* SNMPv3 (:class:`_V3Session`): pysnmp's hlapi on an engine of the device's own (USM state, keys,
  engine discovery and time windows belong to pysnmp; two devices' keys for one user name cannot
  share an engine's user table).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import ipaddress
import logging
import random
import socket
import warnings
from dataclasses import dataclass
from typing import Any, Protocol

from pyasn1.codec.ber import decoder
from pyasn1.type import univ

from netsbom.agent.inventory import SnmpSettings
from netsbom.agent.snmp import oids
from netsbom.agent.snmp.view import IpAddress, ObjectId, Oid, SnmpView, Value, dotted

# pysnmp 7.1 uses pysmi 2.0's deprecated camelCase aliases (getReadersFromUrls, addSources, ...).
PYSMI_ALIAS_WARNING = r"\w+ is deprecated\. Please use \w+ instead\."

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=PYSMI_ALIAS_WARNING, category=DeprecationWarning)
    from pysnmp.hlapi.v3arch.asyncio import (
        CommunityData,
        ContextData,
        ObjectIdentity,
        ObjectType,
        SnmpEngine,
        UdpTransportTarget,
        UsmUserData,
        bulk_cmd,
        get_cmd,
        next_cmd,
        usm3DESEDEPrivProtocol,
        usmAesCfb128Protocol,
        usmAesCfb192Protocol,
        usmAesCfb256Protocol,
        usmDESPrivProtocol,
        usmHMAC128SHA224AuthProtocol,
        usmHMAC192SHA256AuthProtocol,
        usmHMAC256SHA384AuthProtocol,
        usmHMAC384SHA512AuthProtocol,
        usmHMACMD5AuthProtocol,
        usmHMACSHAAuthProtocol,
    )
    from pysnmp.hlapi.varbinds import MibViewControllerManager
    from pysnmp.proto import api, errind, rfc1902
    from pysnmp.proto.api import verdec

log = logging.getLogger(__name__)

MAX_ROWS_PER_SUBTREE = 20_000
OBJECTS_PER_REQUEST = 16  # varbinds per GETNEXT; well under agents' usual PDU limits
_MAX_TIMEOUTS = 2  # after this many timed-out subtrees the device is considered gone

AUTH_PROTOCOLS: dict[str, Any] = {
    "md5": usmHMACMD5AuthProtocol,
    "sha": usmHMACSHAAuthProtocol,
    "sha224": usmHMAC128SHA224AuthProtocol,
    "sha256": usmHMAC192SHA256AuthProtocol,
    "sha384": usmHMAC256SHA384AuthProtocol,
    "sha512": usmHMAC384SHA512AuthProtocol,
}
# aes192/aes256 use the key extension of draft-reeder (Cisco's "aes 192/256", snmpsim's AES192/256);
# Net-SNMP's AES-192/AES-256 use draft-blumenthal and would need their own literals.
PRIV_PROTOCOLS: dict[str, Any] = {
    "des": usmDESPrivProtocol,
    "3des": usm3DESEDEPrivProtocol,
    "aes128": usmAesCfb128Protocol,
    "aes192": usmAesCfb192Protocol,
    "aes256": usmAesCfb256Protocol,
}
_AUTH_ERRORS = (
    errind.WrongDigest,
    errind.DecryptionError,
    errind.UnknownUserName,
    errind.UnknownSecurityName,
    errind.AuthenticationError,
    errind.AuthenticationFailure,
    errind.UnsupportedSecurityLevel,
    errind.UnknownCommunityName,
    errind.NotInTimeWindow,
)
_END_TAGS = frozenset({0x80, 0x81, 0x82})  # noSuchObject, noSuchInstance, endOfMibView

VarBind = tuple[Oid, int, Value]  # OID, snmprec tag (class bits + tag id), value
Reply = tuple[Any, Any, list[VarBind]]  # error indication, error status, varbinds


@functools.cache
def _mib_view() -> Any:
    """One MIB view controller for every engine of the process.

    pysnmp resolves every request OID through a MIB view, even with ``lookupMib=False``; building it
    loads MIB modules (~270 ms CPU) and registers pysmi's compiler, which warns about pysmi's
    deprecated aliases. Built once, synchronously, under a narrow warning filter.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=PYSMI_ALIAS_WARNING, category=DeprecationWarning)
        cache: dict[str, Any] = {}
        controller = MibViewControllerManager.get_mib_view_controller(cache)
        ObjectType(ObjectIdentity("1.3.6.1.2.1.1")).resolve_with_mib(controller)
    return controller


def _engine() -> SnmpEngine:
    engine = SnmpEngine()
    engine.cache["mibViewController"] = _mib_view()
    return engine


class _Stop(Exception):
    pass


def auth_data(settings: SnmpSettings) -> CommunityData | UsmUserData:
    """pysnmp auth object; resolves credential references (CredentialError names the reference)."""
    if settings.version == "2c":
        community = settings.resolve_secret("community")
        assert community is not None  # guaranteed by SnmpSettings validation
        return CommunityData(community.reveal(), mpModel=1)  # noqa: S508 - the inventory's choice
    auth_key = settings.resolve_secret("auth_key")
    priv_key = settings.resolve_secret("priv_key")
    kwargs: dict[str, Any] = {}
    if auth_key is not None and settings.auth_protocol:
        kwargs["authKey"] = auth_key.reveal()
        kwargs["authProtocol"] = AUTH_PROTOCOLS[settings.auth_protocol]
    if priv_key is not None and settings.priv_protocol:
        kwargs["privKey"] = priv_key.reveal()
        kwargs["privProtocol"] = PRIV_PROTOCOLS[settings.priv_protocol]
    return UsmUserData(settings.user, **kwargs)  # noqa: S509 - security level is the inventory's


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


# --- SNMPv2c -------------------------------------------------------------------------------------

_V2C = api.PROTOCOL_MODULES[api.SNMP_VERSION_2C]
_GET, _GETNEXT, _RESPONSE, _GETBULK = 0xA0, 0xA1, 0xA2, 0xA5  # PDU tags
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


def _tlv(tag: int, content: bytes) -> bytes:
    return bytes((tag,)) + _length(len(content)) + content


def _integer(value: int) -> bytes:  # minimal for the non-negative values requests carry
    return _tlv(0x02, value.to_bytes(value.bit_length() // 8 + 1, "big", signed=True))


def _oid(oid: Oid) -> bytes:
    out = bytearray()
    for arc in (oid[0] * 40 + oid[1], *oid[2:]):
        octets = [arc & 0x7F]
        rest = arc >> 7
        while rest:
            octets.append(0x80 | (rest & 0x7F))
            rest >>= 7
        out += bytes(reversed(octets))
    return _tlv(0x06, bytes(out))


def encode_request(
    community: bytes, pdu: int, request_id: int, chunk: tuple[Oid, ...], repetitions: int = 0
) -> bytes:
    """An SNMPv2c GET, GETNEXT or GETBULK (non-repeaters 0) message; values are NULL."""
    var_binds = b"".join(_tlv(0x30, _oid(oid) + b"\x05\x00") for oid in chunk)
    fields = _integer(request_id) + _integer(0) + _integer(repetitions if pdu == _GETBULK else 0)
    body = _integer(1) + _tlv(0x04, community) + _tlv(pdu, fields + _tlv(0x30, var_binds))
    return _tlv(0x30, body)


def _header(data: bytes, pos: int, end: int) -> tuple[int, int, int]:
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


def _int(data: bytes, start: int, end: int, allowed: range = _INT32) -> int:
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
        return _int(data, start, end)
    if tag == 0x06:
        return _object_id(data, start, end)
    if tag in _UNSIGNED:
        return _int(data, start, end, _UNSIGNED[tag])
    if tag == 0x40 and end - start == 4:
        return IpAddress(".".join(str(octet) for octet in data[start:end]))
    if (tag == 0x05 or tag in _END_TAGS) and start == end:  # pyasn1's Null is an OctetString
        return b""
    raise _Unusual


def _decode_fast(data: bytes) -> Response | None:
    tag, pos, end = _header(data, 0, len(data))  # octets after the message are ignored
    if tag != 0x30:
        raise _Unusual
    tag, start, pos = _header(data, pos, end)
    if tag != 0x02:
        raise _Unusual
    if _int(data, start, pos) != 1:
        return None  # not SNMPv2c
    tag, start, pos = _header(data, pos, end)
    if tag != 0x04:
        raise _Unusual
    community = data[start:pos]
    tag, pos, pdu_end = _header(data, pos, end)
    if tag != _RESPONSE or pdu_end != end:
        raise _Unusual
    fields = []
    for allowed in (_INT32, range(1), range(2**31)):  # request-id, error-status 0, error-index
        tag, start, pos = _header(data, pos, end)
        if tag != 0x02:
            raise _Unusual
        fields.append(_int(data, start, pos, allowed))
    tag, pos, list_end = _header(data, pos, end)
    if tag != 0x30 or list_end != end:
        raise _Unusual
    var_binds: list[VarBind] = []
    while pos < end:
        tag, pos, bind_end = _header(data, pos, end)
        if tag != 0x30:
            raise _Unusual
        tag, start, pos = _header(data, pos, bind_end)
        if tag != 0x06:
            raise _Unusual
        oid = tuple(_object_id(data, start, pos))
        tag, start, pos = _header(data, pos, bind_end)
        if pos != bind_end:
            raise _Unusual
        var_binds.append((oid, tag, _value(tag, data, start, pos)))
    return Response(community, fields[0], 0, var_binds)


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


def decode_response(data: bytes) -> Response | None:
    """An SNMPv2c Response or Report as pysnmp would decode it; None for what it would drop."""
    try:
        return _decode_fast(data)
    except Exception:  # _Unusual, or anything a hostile datagram provokes: pysnmp decides
        return _decode_slow(data)


def _expire(future: asyncio.Future[Response | None]) -> None:
    if not future.done():
        future.set_result(None)


class _V2cSession(asyncio.DatagramProtocol):
    """SNMPv2c requests to one device from a UDP socket of its own, one request at a time.

    A datagram is taken as the reply only if it decodes as a Response to the pending request-id
    with the device's community; anything else is dropped, as pysnmp drops it. Each attempt has a
    fresh random request-id (a late reply to an earlier attempt is dropped too).
    """

    def __init__(self, community: bytes, address: tuple[str, int], settings: SnmpSettings) -> None:
        self.community = community
        self.address = address
        self.settings = settings
        self.transport: asyncio.DatagramTransport | None = None
        self._pending: tuple[int, asyncio.Future[Response | None]] | None = None

    @classmethod
    async def open(
        cls, community: bytes, address: tuple[str, int], settings: SnmpSettings
    ) -> _V2cSession:
        session = cls(community, address, settings)
        loop = asyncio.get_running_loop()
        await loop.create_datagram_endpoint(lambda: session, family=socket.AF_INET)
        return session

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]  # a datagram endpoint's transport

    def datagram_received(self, data: bytes, addr: Any) -> None:
        if self._pending is None:
            return
        request_id, future = self._pending
        response = decode_response(data)
        if (
            response is not None
            and response.request_id == request_id
            and response.community == self.community
            and not future.done()
        ):
            future.set_result(response)

    async def request(self, command: str, chunk: tuple[Oid, ...]) -> Reply:
        loop = asyncio.get_running_loop()
        pdu = {"bulk": _GETBULK, "next": _GETNEXT, "get": _GET}[command]
        repetitions = self.settings.max_repetitions
        for _attempt in range(self.settings.retries + 1):
            request_id = random.getrandbits(31)
            message = encode_request(self.community, pdu, request_id, chunk, repetitions)
            future: asyncio.Future[Response | None] = loop.create_future()
            self._pending = (request_id, future)
            timer = loop.call_later(self.settings.timeout, _expire, future)
            try:
                assert self.transport is not None
                self.transport.sendto(message, self.address)
                response = await future
            finally:
                timer.cancel()
                self._pending = None
            if response is not None:
                return _reply(command, response)
        return errind.requestTimedOut, 0, []

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()


def _reply(command: str, response: Response) -> Reply:
    """hlapi's reply: GETNEXT and GETBULK drop the varbinds of an error-status and report an
    empty varbind list as ``emptyResponse``; GET passes them on."""
    if command == "get":
        return None, response.error_status, response.var_binds
    if response.error_status:
        return None, response.error_status, []
    if not response.var_binds:
        return errind.emptyResponse, 0, []
    return None, 0, response.var_binds


# --- SNMPv3 --------------------------------------------------------------------------------------


class _V3Session:
    """SNMPv3 requests through pysnmp's hlapi on an engine of the device's own."""

    def __init__(
        self, auth: UsmUserData, transport: UdpTransportTarget, settings: SnmpSettings
    ) -> None:
        self.engine = _engine()
        self.auth = auth
        self.transport = transport
        self.context = ContextData(contextName=settings.context)
        self.max_repetitions = settings.max_repetitions

    async def request(self, command: str, chunk: tuple[Oid, ...]) -> Reply:
        objects = [ObjectType(ObjectIdentity(oid)) for oid in chunk]
        target = (self.engine, self.auth, self.transport, self.context)
        if command == "bulk":
            result = await bulk_cmd(*target, 0, self.max_repetitions, *objects, lookupMib=False)
        else:
            result = await (next_cmd if command == "next" else get_cmd)(
                *target, *objects, lookupMib=False
            )
        error_indication, error_status, _error_index, var_binds = result
        return error_indication, error_status, [var_bind(*vb) for vb in var_binds]

    def close(self) -> None:
        self.engine.close_dispatcher()


class _Session(Protocol):
    async def request(self, command: str, chunk: tuple[Oid, ...]) -> Reply: ...

    def close(self) -> None: ...


class _Walker:
    def __init__(self, session: _Session, settings: SnmpSettings, view: SnmpView) -> None:
        self.session = session
        self.settings = settings
        self.view = view
        self.answered = False
        self.timeouts = 0

    async def walk(self, prefix: Oid) -> None:
        source = dotted(prefix)
        current = prefix
        last: Oid | None = None
        rows = 0
        while True:
            error_indication, error_status, var_binds = await self.session.request(
                "bulk", (current,)
            )
            if error_indication:
                self._indication(error_indication, source)
                return
            self.answered = True
            if error_status:
                status = (
                    error_status.prettyPrint()
                    if hasattr(error_status, "prettyPrint")
                    else error_status
                )
                self.view.add_error("protocol", f"agent returned error-status {status}", source)
                return
            if not var_binds:
                return
            for oid, tag, value in var_binds:
                if tag in _END_TAGS or oid[: len(prefix)] != prefix:
                    return
                if (last is not None and oid <= last) or (oid <= current and last is None):
                    self.view.add_error(
                        "protocol", f"agent returned non-increasing OID {dotted(oid)}", source
                    )
                    return
                self.view.set(oid, value)
                self.view.tags[oid] = tag
                last = oid
                rows += 1
                if rows >= MAX_ROWS_PER_SUBTREE:
                    self.view.add_error(
                        "protocol", f"stopped after {MAX_ROWS_PER_SUBTREE} varbinds", source
                    )
                    return
            assert last is not None
            current = last

    async def first_instances(self, objects: tuple[Oid, ...]) -> None:
        """Each object's first instance: one GETNEXT per object (batched), then one GET for the
        objects with nothing under them, as some agents serve a scalar without its ``.0``."""
        found = await self._next_under(objects)
        bare = [prefix for prefix in objects if prefix not in found]
        for start in range(0, len(bare), OBJECTS_PER_REQUEST):
            await self._exact(tuple(bare[start : start + OBJECTS_PER_REQUEST]))

    async def _next_under(self, chunk: tuple[Oid, ...]) -> set[Oid]:
        """GETNEXT ``chunk`` (split into PDUs); the prefixes that have an instance under them."""
        if len(chunk) > OBJECTS_PER_REQUEST:
            found: set[Oid] = set()
            for start in range(0, len(chunk), OBJECTS_PER_REQUEST):
                found |= await self._next_under(chunk[start : start + OBJECTS_PER_REQUEST])
            return found
        var_binds = await self._request("next", chunk)
        if var_binds is None:
            return set(chunk)  # no answer or an error: nothing more to ask for these
        if not var_binds:
            # v1-style agents fail the whole PDU when one object is unknown: ask one by one.
            found = set()
            if len(chunk) > 1:
                for prefix in chunk:
                    found |= await self._next_under((prefix,))
            return found
        found = set()
        for prefix, (oid, tag, value) in zip(chunk, var_binds, strict=False):
            if tag in _END_TAGS or oid[: len(prefix)] != prefix or oid <= prefix:
                continue
            self.view.set(oid, value)
            self.view.tags[oid] = tag
            found.add(prefix)
        return found

    async def _exact(self, chunk: tuple[Oid, ...]) -> None:
        """GET ``chunk``: keep the objects the agent serves at exactly their own OID."""
        var_binds = await self._request("get", chunk)
        if not var_binds:
            if var_binds is not None and len(chunk) > 1:  # a v1-style noSuchName for the PDU
                for prefix in chunk:
                    await self._exact((prefix,))
            return
        for prefix, (oid, tag, value) in zip(chunk, var_binds, strict=False):
            if oid == prefix and tag not in _END_TAGS:
                self.view.set(prefix, value)
                self.view.tags[prefix] = tag

    async def _request(self, command: str, chunk: tuple[Oid, ...]) -> list[VarBind] | None:
        """One GET or GETNEXT PDU: its varbinds, ``[]`` on an error-status, None on no answer."""
        error_indication, error_status, var_binds = await self.session.request(command, chunk)
        if error_indication:
            self._indication(error_indication, dotted(chunk[0]))
            return None
        self.answered = True
        return [] if error_status else var_binds

    def _indication(self, indication: Any, source: str) -> None:
        if isinstance(indication, errind.RequestTimedOut):
            if not self.answered:
                if self.settings.version == "2c":
                    message = "no answer (wrong community or unreachable)"
                else:
                    message = "no answer (unreachable, or SNMPv3 engine discovery failed)"
                self.view.add_error("unreachable", message, source)
                raise _Stop
            self.timeouts += 1
            self.view.add_error("timeout", "device stopped answering (request timed out)", source)
            if self.timeouts >= _MAX_TIMEOUTS:
                raise _Stop
            return
        if isinstance(indication, _AUTH_ERRORS):
            self.view.add_error("auth", f"SNMPv3 security: {indication}", source)
            raise _Stop
        self.view.add_error("protocol", f"{type(indication).__name__}: {indication}", source)
        if not self.answered:
            raise _Stop


async def _resolve(address: str, port: int) -> tuple[str, int]:
    """An IPv4 address as given; a name (or any other form) through pysnmp's resolver."""
    with contextlib.suppress(ValueError):
        if str(ipaddress.IPv4Address(address)) == address:
            return address, port
    target = await UdpTransportTarget.create((address, port))
    resolved: tuple[str, int] = target.transport_address
    return resolved


async def _open(
    auth: CommunityData | UsmUserData, address: str, settings: SnmpSettings, view: SnmpView
) -> _Session | None:
    """The device's session; None (and an error on the view) if its address does not resolve."""
    try:
        if isinstance(auth, CommunityData):
            endpoint = await _resolve(address, settings.port)
        else:
            transport = await UdpTransportTarget.create(
                (address, settings.port), timeout=settings.timeout, retries=settings.retries
            )
    except Exception as exc:  # pysnmp wraps resolver errors in PySnmpError
        view.add_error("unreachable", f"cannot resolve address {address!r}: {exc}")
        return None
    if isinstance(auth, CommunityData):
        community = auth.communityName.encode("latin-1")  # as pysnmp's OctetString encodes it
        return await _V2cSession.open(community, endpoint, settings)
    return _V3Session(auth, transport, settings)


async def collect(address: str, settings: SnmpSettings, *, deadline: float) -> SnmpView:
    """Walk the collection subtrees of one device; problems are recorded on the view."""
    auth = auth_data(settings)
    view = SnmpView()
    session: _Session | None = None
    current = "setup"
    try:
        async with asyncio.timeout(deadline):
            session = await _open(auth, address, settings, view)
            if session is None:
                return view
            walker = _Walker(session, settings, view)
            current = dotted(oids.SYSTEM)
            await walker.walk(oids.SYSTEM)
            plan = oids.collection_plan(
                view.object_id(oids.SYS_OBJECT_ID), view.text(oids.SYS_DESCR)
            )
            for subtree in plan.subtrees:
                if subtree == oids.SYSTEM:
                    continue
                current = dotted(subtree)
                await walker.walk(subtree)
            if plan.objects:
                current = "vendor objects"
                await walker.first_instances(plan.objects)
    except _Stop:
        pass
    except TimeoutError:
        view.add_error("timeout", f"device deadline of {deadline:g} s reached", current)
    finally:
        if session is not None:
            session.close()
    return view
