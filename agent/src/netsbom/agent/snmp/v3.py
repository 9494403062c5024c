"""SNMPv3 requests to one device without a pysnmp engine (RFC 3412 messages, RFC 3414 USM).

Each device has a :class:`V3Session` of its own: a UDP socket, the device's engine id, boots and
time (learned by discovery, RFC 5343, and re-synchronised on a notInTimeWindow report), and its
keys (:mod:`netsbom.agent.snmp.usm`, localised once per engine id and secret). Nothing is
shared between devices but the key cache, so two devices with one user name and different keys
stay apart. Auth protocols MD5, SHA-1 and SHA-2; privacy none or AES-128/192/256 (DES and 3DES
go through pysnmp in :mod:`netsbom.agent.snmp.walk`).

A datagram is taken as the reply only if it is an SNMPv3 message with the pending msgID whose
digest checks out with the device's key (unauthenticated: only Reports, which name a security
failure); the Response must carry the pending request-id. Report varbinds become pysnmp's error
indications, so the walker reads both transports the same way.
"""

from __future__ import annotations

import functools
import itertools
import random
import time
from dataclasses import dataclass
from typing import Any

from pysnmp.proto import errind

from netsbom.agent.inventory import SnmpSettings
from netsbom.agent.snmp import usm
from netsbom.agent.snmp.message import (
    GET,
    GETBULK,
    GETNEXT,
    REPORT,
    Response,
    decode_pdu,
    encode_pdu,
    header,
    integer,
    read_int,
    reply,
    tlv,
)
from netsbom.agent.snmp.udp import UdpExchange
from netsbom.agent.snmp.view import Oid

Reply = tuple[Any, Any, list[Any]]
MAX_SIZE = 65507
_AUTH, _PRIV, _REPORTABLE = 0x01, 0x02, 0x04
_USM_STATS = (1, 3, 6, 1, 6, 3, 15, 1, 1)  # usmStats counters, RFC 3414
_NOT_IN_TIME_WINDOW, _UNKNOWN_ENGINE_ID = 2, 4
_REPORT_ERRORS: dict[int, Any] = {
    1: errind.unsupportedSecurityLevel,
    3: errind.unknownUserName,
    5: errind.wrongDigest,
    6: errind.decryptionError,
}
_SALT = itertools.count(random.getrandbits(63))  # AES salts: a counter from a random start
_RESYNCS = 2  # discoveries or time re-synchronisations per request


def secret_bytes(value: str) -> bytes:
    """A key or user name as pysnmp encodes it (latin-1), UTF-8 beyond latin-1."""
    try:
        return value.encode("latin-1")
    except UnicodeEncodeError:
        return value.encode("utf-8")


@dataclass(frozen=True, slots=True)
class _Incoming:
    """An SNMPv3 message as received: header fields and where its digest sits."""

    data: bytes
    msg_id: int
    flags: int
    engine_id: bytes
    boots: int
    engine_time: int
    user: bytes
    auth_span: tuple[int, int]
    priv_params: bytes
    scoped: bytes  # the scoped PDU's TLV, or the encrypted octets


def _octets(data: bytes, pos: int, end: int) -> tuple[bytes, int]:
    tag, start, stop = header(data, pos, end)
    if tag != 0x04:
        raise ValueError("not an OCTET STRING")
    return data[start:stop], stop


def _number(data: bytes, pos: int, end: int) -> tuple[int, int]:
    tag, start, stop = header(data, pos, end)
    if tag != 0x02:
        raise ValueError("not an INTEGER")
    return read_int(data, start, stop, range(2**31)), stop


def _parse(data: bytes) -> _Incoming | None:
    """The message's fields; None for anything that is not a well-formed SNMPv3/USM message."""
    try:
        tag, pos, end = header(data, 0, len(data))
        if tag != 0x30:
            return None
        version, pos = _number(data, pos, end)
        tag, gpos, pos = header(data, pos, end)
        if version != 3 or tag != 0x30:
            return None
        msg_id, gpos = _number(data, gpos, pos)
        _max_size, gpos = _number(data, gpos, pos)
        flags, gpos = _octets(data, gpos, pos)
        model, gpos = _number(data, gpos, pos)
        if len(flags) != 1 or model != 3:
            return None
        tag, spos, pos = header(data, pos, end)  # msgSecurityParameters: OCTET STRING { SEQ }
        if tag != 0x04:
            return None
        tag, spos, send = header(data, spos, pos)
        if tag != 0x30:
            return None
        engine_id, spos = _octets(data, spos, send)
        boots, spos = _number(data, spos, send)
        engine_time, spos = _number(data, spos, send)
        user, spos = _octets(data, spos, send)
        tag, auth_start, spos = header(data, spos, send)
        if tag != 0x04:
            return None
        auth_span = (auth_start, spos)
        priv_params, spos = _octets(data, spos, send)
        tag, start, stop = header(data, pos, end)
        scoped = data[start:stop] if tag == 0x04 else data[pos:stop]
        return _Incoming(
            data, msg_id, flags[0], engine_id, boots, engine_time, user, auth_span, priv_params,
            scoped,
        )  # fmt: skip
    except Exception:
        return None


def _scoped_pdu(scoped: bytes) -> tuple[int, Response | None]:
    """The PDU of a plaintext scoped PDU (contextEngineID and contextName are not checked)."""
    try:
        tag, pos, end = header(scoped, 0, len(scoped))
        if tag != 0x30:
            return 0, None
        _engine, pos = _octets(scoped, pos, end)
        _context, pos = _octets(scoped, pos, end)
        return decode_pdu(scoped[pos:end])
    except Exception:
        return 0, None


class V3Session(UdpExchange[_Incoming]):
    """SNMPv3 requests to one device from a UDP socket of its own, one request at a time."""

    def __init__(
        self,
        address: tuple[str, int],
        settings: SnmpSettings,
        user: bytes,
        secrets: tuple[bytes | None, bytes | None],
    ) -> None:
        super().__init__(address, settings)
        self.user = user
        self.context = secret_bytes(settings.context)
        self.auth_secret, self.priv_secret = secrets
        self.flags = (_AUTH if self.auth_secret else 0) | (_PRIV if self.priv_secret else 0)
        self.engine_id: bytes | None = None
        self.boots = 0
        self.engine_time = 0
        self.synced_at = 0.0
        self.keys = usm.UsmKeys(None, None, None)

    @classmethod
    async def open(
        cls, address: tuple[str, int], settings: SnmpSettings, user: bytes,
        secrets: tuple[bytes | None, bytes | None],
    ) -> V3Session:  # fmt: skip
        session = cls(address, settings, user, secrets)
        await session.connect()
        return session

    def accept(self, data: bytes, key: int) -> _Incoming | None:
        incoming = _parse(data)
        if incoming is None or incoming.msg_id != key:
            return None
        if incoming.flags & _AUTH:
            if not self._authentic(incoming):
                return None  # a forged or damaged reply: pysnmp drops it too
        elif self.flags & _AUTH and (
            incoming.flags & _PRIV or _scoped_pdu(incoming.scoped)[0] != REPORT
        ):
            return None  # below our security level, only a Report (of a security failure) is heard
        return incoming

    def _authentic(self, incoming: _Incoming) -> bool:
        if self.keys.auth_key is None or incoming.engine_id != self.engine_id:
            return False
        start, end = incoming.auth_span
        if end - start != self.keys.digest_length:
            return False
        zeroed = incoming.data[:start] + bytes(end - start) + incoming.data[end:]
        return usm.digest(self.keys, zeroed) == incoming.data[start:end]

    # --- requests -----------------------------------------------------------------------------

    async def request(self, command: str, chunk: tuple[Oid, ...]) -> Reply:
        pdu = {"bulk": GETBULK, "next": GETNEXT, "get": GET}[command]
        resyncs = 0
        while True:
            if self.engine_id is None:
                indication = await self._discover()
                if indication is not None:
                    return indication, 0, []
            request_id = random.getrandbits(31)
            encoded = encode_pdu(pdu, request_id, chunk, self.settings.max_repetitions)
            incoming = await self.exchange(functools.partial(self._message, encoded))
            if incoming is None:
                return errind.requestTimedOut, 0, []
            tag, response = self._open_pdu(incoming)
            if response is None:
                return errind.decryptionError, 0, []
            if tag == REPORT:
                kind = _report_kind(response)
                if kind in (_NOT_IN_TIME_WINDOW, _UNKNOWN_ENGINE_ID) and resyncs < _RESYNCS:
                    resyncs += 1
                    if kind == _UNKNOWN_ENGINE_ID or not incoming.flags & _AUTH:
                        self.engine_id = None  # discover again
                    else:
                        self._sync(incoming)
                    continue
                return _REPORT_ERRORS.get(kind, errind.reportPduReceived), 0, []
            if response.request_id != request_id:
                return errind.dataMismatch, 0, []
            return reply(command, response)

    async def _discover(self) -> Any:
        """RFC 5343 discovery: the engine id, boots and time from the agent's Report."""
        empty = encode_pdu(GET, random.getrandbits(31), ())
        incoming = await self.exchange(lambda: self._discovery_message(empty))
        if incoming is None:
            return errind.requestTimedOut
        if not incoming.engine_id:
            return errind.unknownEngineID
        self.engine_id = incoming.engine_id
        self._sync(incoming)
        self.keys = usm.usm_keys(
            incoming.engine_id,
            self.settings.auth_protocol if self.auth_secret else None,
            self.auth_secret,
            self.settings.priv_protocol if self.priv_secret else None,
            self.priv_secret,
        )
        return None

    def _sync(self, incoming: _Incoming) -> None:
        self.boots, self.engine_time = incoming.boots, incoming.engine_time
        self.synced_at = time.monotonic()

    def _open_pdu(self, incoming: _Incoming) -> tuple[int, Response | None]:
        scoped = incoming.scoped
        if incoming.flags & _PRIV:
            if self.keys.priv_key is None or len(incoming.priv_params) != 8:
                return 0, None
            scoped = usm.decrypt(
                self.keys, incoming.boots, incoming.engine_time, incoming.priv_params, scoped
            )
        return _scoped_pdu(scoped)

    # --- encoding -----------------------------------------------------------------------------

    def _discovery_message(self, pdu: bytes) -> tuple[int, bytes]:
        msg_id = random.getrandbits(31)
        security = _security(b"", 0, 0, b"", b"", b"")
        scoped = tlv(0x30, tlv(0x04, b"") + tlv(0x04, b"") + pdu)
        return msg_id, _message(msg_id, _REPORTABLE, security, scoped)[0]

    def _message(self, pdu: bytes) -> tuple[int, bytes]:
        assert self.engine_id is not None
        msg_id = random.getrandbits(31)
        engine_time = self.engine_time + int(time.monotonic() - self.synced_at)
        scoped = tlv(0x30, tlv(0x04, self.engine_id) + tlv(0x04, self.context) + pdu)
        salt = b""
        if self.flags & _PRIV:
            salt = (next(_SALT) % 2**64).to_bytes(8, "big")
            scoped = tlv(0x04, usm.encrypt(self.keys, self.boots, engine_time, salt, scoped))
        placeholder = bytes(self.keys.digest_length) if self.flags & _AUTH else b""
        security = _security(self.engine_id, self.boots, engine_time, self.user, placeholder, salt)
        message, security_end = _message(msg_id, self.flags | _REPORTABLE, security, scoped)
        if self.flags & _AUTH:  # the security parameters end with (digest, salt)
            at = security_end - len(tlv(0x04, salt)) - len(placeholder)
            digest = usm.digest(self.keys, message)
            message = message[:at] + digest + message[at + len(placeholder) :]
        return msg_id, message

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()


def _security(
    engine_id: bytes, boots: int, engine_time: int, user: bytes, auth: bytes, salt: bytes
) -> bytes:
    """msgSecurityParameters (an OCTET STRING holding UsmSecurityParameters)."""
    fields = (
        tlv(0x04, engine_id) + integer(boots) + integer(engine_time) + tlv(0x04, user)
        + tlv(0x04, auth) + tlv(0x04, salt)
    )  # fmt: skip
    return tlv(0x04, tlv(0x30, fields))


def _message(msg_id: int, flags: int, security: bytes, scoped: bytes) -> tuple[bytes, int]:
    """The message, and where its security parameters end in it."""
    header_data = tlv(
        0x30, integer(msg_id) + integer(MAX_SIZE) + tlv(0x04, bytes((flags,))) + integer(3)
    )
    body = integer(3) + header_data + security + scoped
    message = tlv(0x30, body)
    return message, len(message) - len(scoped)


def _report_kind(response: Response) -> int:
    """Which usmStats counter a Report carries (0: another report)."""
    for oid, _tag, _value in response.var_binds:
        if oid[: len(_USM_STATS)] == _USM_STATS and len(oid) > len(_USM_STATS):
            return oid[len(_USM_STATS)]
    return 0
