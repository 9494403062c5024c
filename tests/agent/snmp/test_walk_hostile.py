"""A hostile SNMP agent on loopback: every poll ends in bounded time with a record and a reason.

The responder is ours: an asyncio UDP endpoint that decodes SNMPv2c with pysnmp's protocol API
and answers according to the community it is asked with:

    garbage   random bytes instead of a message
    loop      GETBULK/GETNEXT answers that repeat the requested OID (a walk that never advances)
    endless   ever-increasing OIDs inside every requested subtree, forever
    types     the system group with wrong types (sysDescr an INTEGER, sysObjectID a string) and a
              60 kB string
    stop      the system group, then silence (a device that stops mid-walk)
"""

from __future__ import annotations

import asyncio
import os
import resource
import time
import warnings
from collections.abc import AsyncIterator
from typing import Any

import pytest

from netsbom.agent.inventory import SnmpSettings, TargetSpec
from netsbom.agent.snmp.poll import poll_snmp
from netsbom.core.record import DeviceRecord

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from pyasn1.codec.ber import decoder, encoder
    from pysnmp.proto import api

pytestmark = pytest.mark.integration

P = api.PROTOCOL_MODULES[api.SNMP_VERSION_2C]
SYSTEM = (1, 3, 6, 1, 2, 1, 1)


def _answers(community: str, pdu: Any, seen: dict[str, int]) -> list[tuple[Any, Any]] | None:
    """Varbinds to answer with, or None for silence."""
    requested = [tuple(oid) for oid, _ in P.apiPDU.get_varbinds(pdu)]
    if community == "loop":
        return [(P.ObjectIdentifier(oid), P.OctetString(b"again")) for oid in requested]
    if community == "endless":
        return [(P.ObjectIdentifier((*oid, 1)), P.Integer(1)) for oid in requested]
    if community == "types":
        return [
            (P.ObjectIdentifier((*SYSTEM, 1, 0)), P.Integer(42)),
            (P.ObjectIdentifier((*SYSTEM, 2, 0)), P.OctetString(b"\xff\x00not an oid")),
            (P.ObjectIdentifier((*SYSTEM, 5, 0)), P.OctetString(b"x" * 60_000)),
            (P.ObjectIdentifier((1, 3, 6, 1, 2, 1, 2)), P.Integer(0)),  # leaves the subtree
        ]
    if community == "stop":
        seen["stop"] = seen.get("stop", 0) + 1
        if requested and requested[0][: len(SYSTEM)] == SYSTEM and seen["stop"] == 1:
            return [
                (P.ObjectIdentifier((*SYSTEM, 1, 0)), P.OctetString(b"Stopping box 1.0")),
                (P.ObjectIdentifier((*SYSTEM, 5, 0)), P.OctetString(b"stopper")),
            ]
        return None
    return None


class _Hostile(asyncio.DatagramProtocol):
    def __init__(self) -> None:
        self.transport: asyncio.DatagramTransport | None = None
        self.seen: dict[str, int] = {}

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]  # a datagram endpoint's transport

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        assert self.transport is not None
        try:
            message, _ = decoder.decode(data, asn1Spec=P.Message())
        except Exception:
            return
        community = bytes(P.apiMessage.get_community(message)).decode("latin-1")
        if community == "garbage":
            self.transport.sendto(os.urandom(64), addr)
            return
        request = P.apiMessage.get_pdu(message)
        answers = _answers(community, request, self.seen)
        if answers is None:
            return
        response = P.apiPDU.get_response(request)
        P.apiPDU.set_varbinds(response, answers)
        P.apiMessage.set_pdu(message, response)
        self.transport.sendto(encoder.encode(message), addr)


@pytest.fixture
async def hostile() -> AsyncIterator[int]:
    loop = asyncio.get_running_loop()
    transport, _ = await loop.create_datagram_endpoint(_Hostile, local_addr=("127.0.0.1", 0))
    port: int = transport.get_extra_info("sockname")[1]
    try:
        yield port
    finally:
        transport.close()


async def _poll(
    port: int, community: str, monkeypatch: pytest.MonkeyPatch, deadline: float = 4.0
) -> tuple[DeviceRecord, float]:
    monkeypatch.setenv("NETSBOM_TEST_COMMUNITY", community)
    settings = SnmpSettings.model_validate(
        {"port": port, "community": "env:NETSBOM_TEST_COMMUNITY", "timeout": 0.3, "retries": 0}
    )
    spec = TargetSpec(name=community, address="127.0.0.1", snmp=settings, deadline=deadline)
    started = time.monotonic()
    record = await poll_snmp(spec, agent_id="test")
    return record, time.monotonic() - started


async def test_garbage_is_unreachable(hostile: int, monkeypatch: pytest.MonkeyPatch) -> None:
    record, elapsed = await _poll(hostile, "garbage", monkeypatch)
    assert elapsed < 3
    assert not record.complete
    assert [e.kind for e in record.errors] == ["unreachable"]


async def test_looping_walk_is_a_protocol_error(
    hostile: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    record, elapsed = await _poll(hostile, "loop", monkeypatch)
    assert elapsed < 4
    assert not record.complete
    assert any("non-increasing" in e.message for e in record.errors), record.errors


async def test_endless_walk_is_bounded(hostile: int, monkeypatch: pytest.MonkeyPatch) -> None:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    record, elapsed = await _poll(hostile, "endless", monkeypatch, deadline=2.0)
    assert elapsed < 4
    assert not record.complete
    assert record.errors[-1].kind in ("timeout", "protocol")
    grown_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown_kb < 200_000


async def test_wrong_types_and_huge_strings(hostile: int, monkeypatch: pytest.MonkeyPatch) -> None:
    record, elapsed = await _poll(hostile, "types", monkeypatch)
    assert elapsed < 4
    assert record.description == "42"  # an INTEGER where text belongs is shown, not trusted
    assert record.sys_object_id is None  # a string where an OID belongs is ignored
    assert record.hostname is not None and len(record.hostname) == 60_000


async def test_device_that_stops_mid_walk_gives_a_partial_record(
    hostile: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    record, elapsed = await _poll(hostile, "stop", monkeypatch)
    assert elapsed < 4
    assert record.hostname == "stopper" and record.description == "Stopping box 1.0"
    assert not record.complete
    assert {e.kind for e in record.errors} == {"timeout"}
