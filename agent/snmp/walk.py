"""Live SNMP collection with pysnmp 7's asyncio API: GETBULK walks of the subtrees netsbom reads.

This module is the one place pysnmp is called: its error tuples become :class:`ViewError` entries
here (kinds: unreachable, timeout, auth, protocol). Secrets are revealed only to build pysnmp's
auth objects and never appear in errors or logs.

Walks are driven with ``bulk_cmd`` (``bulk_walk_cmd`` retries forever on timeouts): each subtree
stops at the first error indication, at non-increasing OIDs (a looping agent), at the end of the
subtree, or after ``MAX_ROWS_PER_SUBTREE`` varbinds. The whole device is bounded by ``deadline``.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import warnings
from typing import Any

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
    from pysnmp.proto import errind, rfc1902, rfc1905

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
_END = (rfc1905.EndOfMibView, rfc1905.NoSuchObject, rfc1905.NoSuchInstance)


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


class _Walker:
    def __init__(
        self,
        engine: SnmpEngine,
        auth: CommunityData | UsmUserData,
        transport: UdpTransportTarget,
        settings: SnmpSettings,
        view: SnmpView,
    ) -> None:
        self.engine = engine
        self.auth = auth
        self.transport = transport
        self.settings = settings
        self.context = ContextData(contextName=settings.context)
        self.view = view
        self.answered = False
        self.timeouts = 0

    async def walk(self, prefix: Oid) -> None:
        source = dotted(prefix)
        current = prefix
        last: Oid | None = None
        rows = 0
        while True:
            error_indication, error_status, _error_index, var_binds = await bulk_cmd(
                self.engine,
                self.auth,
                self.transport,
                self.context,
                0,
                self.settings.max_repetitions,
                ObjectType(ObjectIdentity(current)),
                lookupMib=False,
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
            for var_bind in var_binds:
                name, value = var_bind[0], var_bind[1]
                oid = tuple(name)
                if isinstance(value, _END) or oid[: len(prefix)] != prefix:
                    return
                if (last is not None and oid <= last) or (oid <= current and last is None):
                    self.view.add_error(
                        "protocol", f"agent returned non-increasing OID {dotted(oid)}", source
                    )
                    return
                self.view.set(oid, convert(value))
                self.view.tags[oid] = ber_tag(value)
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
        var_binds = await self._request(next_cmd, chunk)
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
        for prefix, var_bind in zip(chunk, var_binds, strict=False):
            name, value = var_bind[0], var_bind[1]
            oid = tuple(name)
            if isinstance(value, _END) or oid[: len(prefix)] != prefix or oid <= prefix:
                continue
            self.view.set(oid, convert(value))
            self.view.tags[oid] = ber_tag(value)
            found.add(prefix)
        return found

    async def _exact(self, chunk: tuple[Oid, ...]) -> None:
        """GET ``chunk``: keep the objects the agent serves at exactly their own OID."""
        var_binds = await self._request(get_cmd, chunk)
        if not var_binds:
            if var_binds is not None and len(chunk) > 1:  # a v1-style noSuchName for the PDU
                for prefix in chunk:
                    await self._exact((prefix,))
            return
        for prefix, var_bind in zip(chunk, var_binds, strict=False):
            if tuple(var_bind[0]) == prefix and not isinstance(var_bind[1], _END):
                self.view.set(prefix, convert(var_bind[1]))
                self.view.tags[prefix] = ber_tag(var_bind[1])

    async def _request(self, command: Any, chunk: tuple[Oid, ...]) -> list[Any] | None:
        """One GET or GETNEXT PDU: its varbinds, ``[]`` on an error-status, None on no answer."""
        error_indication, error_status, _error_index, var_binds = await command(
            self.engine,
            self.auth,
            self.transport,
            self.context,
            *(ObjectType(ObjectIdentity(prefix)) for prefix in chunk),
            lookupMib=False,
        )
        if error_indication:
            self._indication(error_indication, dotted(chunk[0]))
            return None
        self.answered = True
        return [] if error_status else list(var_binds)

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


async def collect(address: str, settings: SnmpSettings, *, deadline: float) -> SnmpView:
    """Walk the collection subtrees of one device; problems are recorded on the view."""
    auth = auth_data(settings)
    view = SnmpView()
    engine = _engine()
    current = "setup"
    try:
        async with asyncio.timeout(deadline):
            try:
                transport = await UdpTransportTarget.create(
                    (address, settings.port), timeout=settings.timeout, retries=settings.retries
                )
            except Exception as exc:  # pysnmp wraps resolver errors in PySnmpError
                view.add_error("unreachable", f"cannot resolve address {address!r}: {exc}")
                return view
            walker = _Walker(engine, auth, transport, settings, view)
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
        engine.close_dispatcher()
    return view
