"""The agent's SNMPv2c messages and transport (agent/snmp/message.py, walk.py): its BER codec
against pysnmp's, and concurrent devices on loopback that must not see each other's communities
or answers.

The decoder has a fast path for the common strict encodings and falls back to pysnmp's decoding
(pyasn1 against the v2c message) for anything else; whenever the fast path answers, it must give
exactly what the fallback gives.
"""

from __future__ import annotations

import asyncio
import os
import warnings
from collections.abc import AsyncIterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netsbom.agent.inventory import SnmpSettings, TargetSpec
from netsbom.agent.snmp import message as codec
from netsbom.agent.snmp.poll import poll_snmp
from netsbom.core.record import DeviceRecord

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from pyasn1.codec.ber import decoder, encoder
    from pysnmp.proto import api, rfc1905

pytestmark = pytest.mark.integration

P = api.PROTOCOL_MODULES[api.SNMP_VERSION_2C]
SYSTEM = (1, 3, 6, 1, 2, 1, 1)
SAMPLE_VALUES = (
    P.Integer(0), P.Integer(-1), P.Integer(2**31 - 1), P.Integer(-(2**31)),
    P.OctetString(b""), P.OctetString(b"\x00\xff text"), P.OctetString(b"x" * 65_535),
    P.IpAddress("10.1.2.3"), P.Counter32(0), P.Counter32(2**32 - 1), P.Gauge32(7),
    P.TimeTicks(123456), P.Counter64(2**64 - 1), P.Opaque(b"\x9f\x78\x04\x3f\x80\x00\x00"),
    P.ObjectIdentifier((1, 3, 6, 1, 4, 1, 2**32 - 1, 0)), P.ObjectIdentifier((0, 0)),
    P.ObjectIdentifier((2, 999, 3)), P.null, rfc1905.noSuchObject, rfc1905.noSuchInstance,
    rfc1905.endOfMibView,
)  # fmt: skip


def _response(
    community: bytes, request_id: int, var_binds: list[tuple[Any, Any]], error_status: int = 0
) -> bytes:
    pdu = P.ResponsePDU()
    P.apiPDU.set_defaults(pdu)
    P.apiPDU.set_request_id(pdu, request_id)
    P.apiPDU.set_error_status(pdu, error_status)
    P.apiPDU.set_varbinds(pdu, var_binds)
    message = P.Message()
    P.apiMessage.set_defaults(message)
    P.apiMessage.set_community(message, community)
    P.apiMessage.set_pdu(message, pdu)
    return bytes(encoder.encode(message))


def _same(data: bytes) -> None:
    """The fast path either declines or gives exactly pysnmp's decoding (value types included)."""
    expected = codec._decode_slow(data)
    try:
        fast = codec._decode_fast(data)
    except (codec._Unusual, ValueError):
        assert codec.decode_response(data) == expected
        return
    assert fast == expected
    if fast is not None and expected is not None:
        assert [type(v) for _o, _t, v in fast.var_binds] == [
            type(v) for _o, _t, v in expected.var_binds
        ]


@pytest.mark.parametrize("value", SAMPLE_VALUES, ids=lambda v: type(v).__name__)
def test_fast_decoder_takes_every_type(value: Any) -> None:
    data = _response(b"public", 77, [((*SYSTEM, 1, 0), value)])
    fast = codec._decode_fast(data)  # no fallback for a well-formed value of any type
    assert fast is not None and fast.request_id == 77 and fast.community == b"public"
    _same(data)


def test_values_out_of_range_are_left_to_pysnmp() -> None:
    name = codec._oid((*SYSTEM, 1, 0))
    for value in (
        codec.tlv(0x04, b"x" * 65_536),  # OCTET STRING over 65535 octets
        codec.tlv(0x41, b"\xff\xff\xff\xff"),  # Counter32 -1 (missing leading zero octet)
        codec.tlv(0x40, b"\x0a\x01\x02"),  # a 3-octet IpAddress
        codec.tlv(0x02, b""),  # an empty INTEGER
        b"\x24\x03\x04\x01x",  # a constructed OCTET STRING
    ):
        var_binds = codec.tlv(0x30, codec.tlv(0x30, name + value))
        pdu = codec.tlv(0xA2, codec.integer(3) + codec.integer(0) + codec.integer(0) + var_binds)
        data = codec.tlv(0x30, codec.integer(1) + codec.tlv(0x04, b"c") + pdu)
        with pytest.raises(codec._Unusual):
            codec._decode_fast(data)
        _same(data)


def test_error_status_comes_from_pysnmp() -> None:
    response = codec.decode_response(_response(b"c", 1, [((*SYSTEM, 1, 0), P.null)], 1))
    assert response is not None and response.error_status.prettyPrint() == "tooBig"


def test_only_v2c_responses() -> None:
    data = _response(b"c", 5, [((*SYSTEM, 5, 0), P.OctetString(b"r1"))])
    assert codec.decode_response(data) is not None
    message, _ = decoder.decode(data, asn1Spec=P.Message())
    message.setComponentByPosition(0, 0)  # an SNMPv1 message
    assert codec.decode_response(bytes(encoder.encode(message))) is None
    request = codec.encode_request(b"c", 0xA0, 5, ((*SYSTEM, 5, 0),))
    assert codec.decode_response(request) is None  # a GetRequest is no answer
    assert codec.decode_response(b"\x30\x03\x02\x01") is None


def test_requests_encode_as_pysnmp_does() -> None:
    oids = ((*SYSTEM,), (1, 0, 8802, 1, 1, 2, 1, 4, 1), (1, 3, 6, 1, 4, 1, 2**32 - 1, 0))
    many = tuple((1, 3, 6, 1, 4, 1, 9, 9, n, 1, 2, 3, 4, 5, 6, 7) for n in range(40))
    for chunk in (oids, many):
        for request_id in (0, 127, 128, 2**31 - 1):
            bulk = P.GetBulkRequestPDU()
            P.apiBulkPDU.set_defaults(bulk)
            P.apiBulkPDU.set_max_repetitions(bulk, 25)
            for pdu, tag in (
                (P.GetRequestPDU(), 0xA0),
                (P.GetNextRequestPDU(), 0xA1),
                (bulk, 0xA5),
            ):
                if tag != 0xA5:
                    P.apiPDU.set_defaults(pdu)
                P.apiPDU.set_request_id(pdu, request_id)
                P.apiPDU.set_varbinds(pdu, [(oid, P.null) for oid in chunk])
                message = P.Message()
                P.apiMessage.set_defaults(message)
                P.apiMessage.set_community(message, b"public")
                P.apiMessage.set_pdu(message, pdu)
                expected = bytes(encoder.encode(message))
                assert codec.encode_request(b"public", tag, request_id, chunk, 25) == expected


_ARCS = st.integers(0, 2**32 - 1)
_OIDS = st.builds(
    lambda first, second, rest: (first, second, *rest),
    st.integers(0, 2),
    st.integers(0, 39),
    st.lists(_ARCS, max_size=12),
)
_VALUES = st.one_of(
    st.integers(-(2**31), 2**31 - 1).map(P.Integer),
    st.binary(max_size=300).map(P.OctetString),
    st.binary(min_size=4, max_size=4).map(P.IpAddress),
    st.integers(0, 2**32 - 1).map(P.Counter32),
    st.integers(0, 2**32 - 1).map(P.Gauge32),
    st.integers(0, 2**32 - 1).map(P.TimeTicks),
    st.integers(0, 2**64 - 1).map(P.Counter64),
    st.binary(max_size=40).map(P.Opaque),
    _OIDS.map(P.ObjectIdentifier),
    st.sampled_from(range(3)).map(
        lambda n: (P.null, rfc1905.noSuchObject, rfc1905.endOfMibView)[n]
    ),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.binary(max_size=40),
    st.integers(-(2**31), 2**31 - 1),
    st.lists(st.tuples(_OIDS, _VALUES), max_size=30),
)
def test_fast_decoder_equals_pysnmp(
    community: bytes, request_id: int, var_binds: list[tuple[Any, Any]]
) -> None:
    data = _response(community, request_id, var_binds)
    assert codec._decode_fast(data) is not None
    _same(data)


@settings(max_examples=400, deadline=None)
@given(st.data())
def test_damaged_messages_decode_as_pysnmp_would(data: st.DataObject) -> None:
    var_binds = [((*SYSTEM, 1, 0), P.OctetString(b"box")), ((*SYSTEM, 3, 0), P.TimeTicks(5))]
    message = bytearray(_response(b"public", 9, var_binds))
    for _ in range(data.draw(st.integers(1, 3))):
        position = data.draw(st.integers(0, len(message) - 1))
        message[position] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(0, len(message)))
    _same(bytes(message[:cut]))


# --- concurrent devices on one loop -----------------------------------------------------------


class _Agent(asyncio.DatagramProtocol):
    """Answers any community with a system group naming it; before each answer it sends a forged
    one (another community, same request-id) and a stray one (same community, another id)."""

    def __init__(self) -> None:
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]  # a datagram endpoint's transport

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        assert self.transport is not None
        message, _ = decoder.decode(data, asn1Spec=P.Message())
        community = bytes(P.apiMessage.get_community(message))
        request = P.apiMessage.get_pdu(message)
        request_id = int(P.apiPDU.get_request_id(request))
        requested = [tuple(oid) for oid, _ in P.apiPDU.get_varbinds(request)]
        table = {
            (*SYSTEM, 1, 0): P.OctetString(b"Test box of " + community),
            (*SYSTEM, 2, 0): P.ObjectIdentifier((1, 3, 6, 1, 4, 1, 99999, 1)),
            (*SYSTEM, 5, 0): P.OctetString(community),
        }
        exact = request.tagSet == P.GetRequestPDU.tagSet
        answers: list[tuple[Any, Any]] = []
        for oid in requested:
            following = [name for name in sorted(table) if (name == oid if exact else name > oid)]
            if following:
                answers.append((following[0], table[following[0]]))
            else:
                answers.append((oid, rfc1905.noSuchObject if exact else rfc1905.endOfMibView))
        forged = [(name, P.OctetString(b"forged")) for name, _ in answers]
        self.transport.sendto(_response(b"evil-" + community, request_id, forged), addr)
        self.transport.sendto(_response(community, request_id ^ 1, forged), addr)
        self.transport.sendto(_response(community, request_id, answers), addr)


@pytest.fixture
async def agent_port() -> AsyncIterator[int]:
    loop = asyncio.get_running_loop()
    transport, _ = await loop.create_datagram_endpoint(_Agent, local_addr=("127.0.0.1", 0))
    try:
        yield transport.get_extra_info("sockname")[1]
    finally:
        transport.close()


async def _poll(port: int, community: str, monkeypatch: pytest.MonkeyPatch) -> DeviceRecord:
    variable = f"NETSBOM_TEST_COMMUNITY_{community.replace('-', '_')}"
    monkeypatch.setenv(variable, community)
    snmp = SnmpSettings.model_validate(
        {"port": port, "community": f"env:{variable}", "timeout": 1.0, "retries": 1}
    )
    spec = TargetSpec(name=community, address="127.0.0.1", snmp=snmp, deadline=20)
    return await poll_snmp(spec, agent_id="test")


async def test_concurrent_devices_keep_their_own_community_and_answers(
    agent_port: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    communities = [f"device-{n}" for n in range(24)]
    descriptors = len(os.listdir("/proc/self/fd"))
    records = await asyncio.gather(*(_poll(agent_port, c, monkeypatch) for c in communities))
    await asyncio.sleep(0)  # let the closed sockets go
    for community, record in zip(communities, records, strict=True):
        assert record.complete, (community, record.errors)
        assert record.hostname == community  # never another device's answer, nor a forged one
        assert record.description == f"Test box of {community}"
    assert len(os.listdir("/proc/self/fd")) == descriptors  # every device's socket is closed
