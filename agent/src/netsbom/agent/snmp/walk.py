"""Live SNMP collection: GETBULK walks of the subtrees netsbom reads.

This module is the one place requests are sent and answers awaited: error indications become
:class:`ViewError` entries here (kinds: unreachable, timeout, auth, protocol). Secrets are
revealed only to build requests (or pysnmp's auth objects) and never appear in errors or logs.

Walks are driven with single GETBULK requests (pysnmp's ``bulk_walk_cmd`` retries forever on
timeouts): each subtree stops at the first error indication, at non-increasing OIDs (a looping
agent), at the end of the subtree, or after ``MAX_ROWS_PER_SUBTREE`` varbinds. The whole device is
bounded by ``deadline``. When nothing read states the OS version, the model or the serial, the
device maker's enterprise subtree is read last, up to ``oids.ENTERPRISE_ROWS`` varbinds
(``netsbom.agent.snmp.parse.enterprise_to_read``, ``netsbom.agent.snmp.shape``); if it holds no
text, the subtrees the agent serves are listed and the one other maker's is read instead.

Two transports give the walker the same replies (``(error indication, error status, varbinds)``
with pysnmp's indications and hlapi's meaning):

* SNMPv2c (:class:`_V2cSession`): a message is a community and a PDU, so requests are encoded and
  replies decoded by :mod:`netsbom.agent.snmp.message`, each device on a UDP
  socket of its own: nothing is shared between devices. Replies in any encoding outside the strict
  common form go to pysnmp's own decoding (pyasn1), so every reply means what it meant to pysnmp.
  Through pysnmp a v2c poll cost ~4x Net-SNMP's CPU: ~100 ms to build an engine per device (it
  compiles its MIB modules), then pyasn1 decoding for most of the rest.
* SNMPv3 (:class:`netsbom.agent.snmp.v3.V3Session`): the same codec inside RFC 3412 messages
  with USM security (HMAC-MD5/SHA-1/SHA-2, AES-CFB privacy), a UDP socket, engine id, time
  window and localised keys per device (keys cached per engine id and secret). Through pysnmp a
  v3 poll cost ~10x Net-SNMP's CPU: an engine per device (~130 ms), pyasn1 for every message.
* SNMPv3 with DES or 3DES privacy (:class:`_PysnmpV3Session`): pysnmp's hlapi on an engine of the
  device's own (two devices' keys for one user name cannot share an engine's user table).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import ipaddress
import logging
import random
import warnings
from typing import TYPE_CHECKING, Any, Literal, Protocol

from pysnmp.proto import errind

from netsbom.agent.inventory import SnmpSettings
from netsbom.agent.snmp import oids
from netsbom.agent.snmp.message import (
    END_TAGS,
    GET,
    GETBULK,
    GETNEXT,
    PYSMI_ALIAS_WARNING,
    Response,
    VarBind,
    decode_response,
    encode_request,
    reply,
    var_bind,
)
from netsbom.agent.snmp.parse import enterprise_to_read, vacant
from netsbom.agent.snmp.udp import UdpExchange
from netsbom.agent.snmp.v3 import V3Session, secret_bytes
from netsbom.agent.snmp.view import Oid, SnmpView, dotted

if TYPE_CHECKING:
    from pysnmp.hlapi.v3arch.asyncio import CommunityData, UsmUserData

log = logging.getLogger(__name__)

MAX_ROWS_PER_SUBTREE = 20_000
OBJECTS_PER_REQUEST = 16  # varbinds per GETNEXT; well under agents' usual PDU limits
_MAX_TIMEOUTS = 2  # after this many timed-out subtrees the device is considered gone

# SNMPv3 with these privacy protocols (or none) runs on netsbom.agent.snmp.v3; DES and 3DES on
# pysnmp's hlapi. aes192/aes256 keys are extended as in draft-reeder (Cisco's "aes 192/256",
# snmpsim's AES192/256); Net-SNMP's AES-192/AES-256 use draft-blumenthal, which differs only when
# the auth hash is shorter than the key (MD5, SHA-1, SHA-224 with AES-256).
_OWN_PRIV = frozenset({None, "aes128", "aes192", "aes256"})


@functools.cache
def _hlapi() -> Any:
    """pysnmp's asyncio hlapi, imported when first needed (DES/3DES, names to resolve): it loads
    pysmi, whose deprecated aliases warn, so under a narrow warning filter."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=PYSMI_ALIAS_WARNING, category=DeprecationWarning)
        from pysnmp.hlapi import varbinds
        from pysnmp.hlapi.v3arch import asyncio as hlapi

    hlapi.MibViewControllerManager = varbinds.MibViewControllerManager
    return hlapi


def _pysnmp_protocols() -> tuple[dict[str, Any], dict[str, Any]]:
    """pysnmp's auth and privacy protocol objects by netsbom's names."""
    hlapi = _hlapi()
    auth = {
        "md5": hlapi.usmHMACMD5AuthProtocol,
        "sha": hlapi.usmHMACSHAAuthProtocol,
        "sha224": hlapi.usmHMAC128SHA224AuthProtocol,
        "sha256": hlapi.usmHMAC192SHA256AuthProtocol,
        "sha384": hlapi.usmHMAC256SHA384AuthProtocol,
        "sha512": hlapi.usmHMAC384SHA512AuthProtocol,
    }
    priv = {
        "des": hlapi.usmDESPrivProtocol,
        "3des": hlapi.usm3DESEDEPrivProtocol,
        "aes128": hlapi.usmAesCfb128Protocol,
        "aes192": hlapi.usmAesCfb192Protocol,
        "aes256": hlapi.usmAesCfb256Protocol,
    }
    return auth, priv


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
Reply = tuple[Any, Any, list[VarBind]]  # error indication, error status, varbinds


@functools.cache
def _mib_view() -> Any:
    """One MIB view controller for every engine of the process.

    pysnmp resolves every request OID through a MIB view, even with ``lookupMib=False``; building it
    loads MIB modules (~270 ms CPU) and registers pysmi's compiler, which warns about pysmi's
    deprecated aliases. Built once, synchronously, under a narrow warning filter.
    """
    hlapi = _hlapi()
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=PYSMI_ALIAS_WARNING, category=DeprecationWarning)
        cache: dict[str, Any] = {}
        controller = hlapi.MibViewControllerManager.get_mib_view_controller(cache)
        hlapi.ObjectType(hlapi.ObjectIdentity("1.3.6.1.2.1.1")).resolve_with_mib(controller)
    return controller


def _engine() -> Any:
    engine = _hlapi().SnmpEngine()
    engine.cache["mibViewController"] = _mib_view()
    return engine


class _Stop(Exception):
    pass


def auth_data(settings: SnmpSettings) -> CommunityData | UsmUserData:
    """pysnmp auth object; resolves credential references (CredentialError names the reference)."""
    hlapi = _hlapi()
    if settings.version == "2c":
        community = settings.resolve_secret("community")
        assert community is not None  # guaranteed by SnmpSettings validation
        return hlapi.CommunityData(community.reveal(), mpModel=1)
    auth_key = settings.resolve_secret("auth_key")
    priv_key = settings.resolve_secret("priv_key")
    kwargs: dict[str, Any] = {}
    auth_protocols, priv_protocols = _pysnmp_protocols()
    if auth_key is not None and settings.auth_protocol:
        kwargs["authKey"] = auth_key.reveal()
        kwargs["authProtocol"] = auth_protocols[settings.auth_protocol]
    if priv_key is not None and settings.priv_protocol:
        kwargs["privKey"] = priv_key.reveal()
        kwargs["privProtocol"] = priv_protocols[settings.priv_protocol]
    return hlapi.UsmUserData(settings.user, **kwargs)


class _V2cSession(UdpExchange[Response]):
    """SNMPv2c requests to one device: a datagram is the reply only if it decodes as a Response
    to the pending request-id with the device's community."""

    def __init__(self, community: bytes, address: tuple[str, int], settings: SnmpSettings) -> None:
        super().__init__(address, settings)
        self.community = community

    @classmethod
    async def open(
        cls, community: bytes, address: tuple[str, int], settings: SnmpSettings
    ) -> _V2cSession:
        session = cls(community, address, settings)
        await session.connect()
        return session

    def accept(self, data: bytes, key: int) -> Response | None:
        response = decode_response(data)
        if response is None or response.request_id != key or response.community != self.community:
            return None
        return response

    async def request(self, command: str, chunk: tuple[Oid, ...]) -> Reply:
        pdu = {"bulk": GETBULK, "next": GETNEXT, "get": GET}[command]
        repetitions = self.settings.max_repetitions

        def build() -> tuple[int, bytes]:
            request_id = random.getrandbits(31)
            return request_id, encode_request(self.community, pdu, request_id, chunk, repetitions)

        response = await self.exchange(build)
        if response is None:
            return errind.requestTimedOut, 0, []
        return reply(command, response)


# --- SNMPv3 --------------------------------------------------------------------------------------


class _PysnmpV3Session:
    """SNMPv3 requests through pysnmp's hlapi on an engine of the device's own (DES, 3DES)."""

    def __init__(self, auth: UsmUserData, transport: Any, settings: SnmpSettings) -> None:
        self.engine = _engine()
        self.auth = auth
        self.transport = transport
        self.context = _hlapi().ContextData(contextName=settings.context)
        self.max_repetitions = settings.max_repetitions

    async def request(self, command: str, chunk: tuple[Oid, ...]) -> Reply:
        hlapi = _hlapi()
        objects = [hlapi.ObjectType(hlapi.ObjectIdentity(oid)) for oid in chunk]
        target = (self.engine, self.auth, self.transport, self.context)
        if command == "bulk":
            result = await hlapi.bulk_cmd(
                *target, 0, self.max_repetitions, *objects, lookupMib=False
            )
        else:
            result = await (hlapi.next_cmd if command == "next" else hlapi.get_cmd)(
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

    async def walk(self, prefix: Oid, limit: int = MAX_ROWS_PER_SUBTREE) -> None:
        """Read ``prefix``'s subtree; one read to its end within ``limit`` varbinds is noted in
        ``view.whole``. Passing the default limit is a protocol error; a smaller limit is a
        caller's bound, reached without an error."""
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
                self.view.whole.add(prefix)
                return
            for oid, tag, value in var_binds:
                if tag in END_TAGS or oid[: len(prefix)] != prefix:
                    self.view.whole.add(prefix)
                    return
                if (last is not None and oid <= last) or (oid <= current and last is None):
                    self.view.add_error(
                        "protocol", f"agent returned non-increasing OID {dotted(oid)}", source
                    )
                    return
                if rows >= limit:
                    if limit == MAX_ROWS_PER_SUBTREE:
                        self.view.add_error("protocol", f"stopped after {limit} varbinds", source)
                    return
                self.view.set(oid, value)
                self.view.tags[oid] = tag
                last = oid
                rows += 1
            assert last is not None
            current = last

    async def served_enterprises(self, limit: int) -> None:
        """The first object of each private enterprise subtree the agent serves (one GETNEXT
        each, from the lowest number), the first ``limit`` subtrees."""
        current = oids.ENTERPRISES
        for _ in range(limit):
            var_binds = await self._request("next", (current,))
            if not var_binds:
                return
            oid, tag, value = var_binds[0]
            under = len(oid) > len(oids.ENTERPRISES) and oids.in_subtrees(oid, (oids.ENTERPRISES,))
            if tag in END_TAGS or not under:
                return
            if oid <= current:
                self.view.add_error("protocol", f"agent returned non-increasing OID {dotted(oid)}")
                return
            self.view.set(oid, value)
            self.view.tags[oid] = tag
            current = (*oids.ENTERPRISES, oid[len(oids.ENTERPRISES)] + 1)

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
            if tag in END_TAGS or oid[: len(prefix)] != prefix or oid <= prefix:
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
            if oid == prefix and tag not in END_TAGS:
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
    target = await _hlapi().UdpTransportTarget.create((address, port))
    resolved: tuple[str, int] = target.transport_address
    return resolved


def _secret(settings: SnmpSettings, name: Literal["auth_key", "priv_key"]) -> bytes | None:
    secret = settings.resolve_secret(name)
    return None if secret is None else secret_bytes(secret.reveal())


async def _open(address: str, settings: SnmpSettings, view: SnmpView) -> _Session | None:
    """The device's session (credential references resolved first: CredentialError names the
    reference); None (and an error on the view) if its address does not resolve."""
    if settings.version == "2c":
        community = settings.resolve_secret("community")
        assert community is not None  # guaranteed by SnmpSettings validation
        secret: Any = community.reveal().encode("latin-1")  # as pysnmp's OctetString encodes it
    elif settings.priv_protocol in _OWN_PRIV:
        secret = (_secret(settings, "auth_key"), _secret(settings, "priv_key"))
    else:
        secret = auth_data(settings)
    try:
        if isinstance(secret, bytes | tuple):
            endpoint = await _resolve(address, settings.port)
        else:
            transport = await _hlapi().UdpTransportTarget.create(
                (address, settings.port), timeout=settings.timeout, retries=settings.retries
            )
    except Exception as exc:  # pysnmp wraps resolver errors in PySnmpError
        view.add_error("unreachable", f"cannot resolve address {address!r}: {exc}")
        return None
    if isinstance(secret, bytes):
        return await _V2cSession.open(secret, endpoint, settings)
    if isinstance(secret, tuple):
        assert settings.user is not None  # guaranteed by SnmpSettings validation
        return await V3Session.open(endpoint, settings, secret_bytes(settings.user), secret)
    return _PysnmpV3Session(secret, transport, settings)


async def collect(address: str, settings: SnmpSettings, *, deadline: float) -> SnmpView:
    """Walk the collection subtrees of one device; problems are recorded on the view."""
    view = SnmpView()
    session: _Session | None = None
    current = "setup"
    try:
        async with asyncio.timeout(deadline):
            session = await _open(address, settings, view)
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
            if plan.list_enterprises:
                current = "enterprises served"
                await walker.served_enterprises(oids.SERVED_ENTERPRISES)
            enterprise = enterprise_to_read(view)
            if enterprise is not None:
                current = dotted(enterprise)
                await walker.walk(enterprise, oids.ENTERPRISE_ROWS)
                if not plan.list_enterprises and vacant(view, enterprise):
                    current = "enterprises served"  # the maker's MIB is under another number
                    await walker.served_enterprises(oids.SERVED_ENTERPRISES)
                    other = enterprise_to_read(view)
                    if other is not None:
                        current = dotted(other)
                        await walker.walk(other, oids.ENTERPRISE_ROWS)
    except _Stop:
        pass
    except TimeoutError:
        view.add_error("timeout", f"device deadline of {deadline:g} s reached", current)
    finally:
        if session is not None:
            session.close()
    return view
