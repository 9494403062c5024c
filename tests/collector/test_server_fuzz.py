"""Hostile input at the collector: random and truncated protobuf, wrong types, oversized messages,
huge repeated fields. The collector answers each with an ack or a clear status and keeps serving."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from netsbom.collector.auth import add_agent, load_tokens
from netsbom.collector.server import CollectorConfig, Limits, start_collector
from netsbom.collector.store import open_store
from netsbom.collector.store.schema import observations
from netsbom.proto.convert import ReportAck, from_report, to_report
from netsbom.proto.v1 import collector_pb2 as pb
from tests.conftest import make_record

pytestmark = pytest.mark.integration
METHOD = "/netsbom.v1.Collector/Report"


class Server:
    """A real collector on its own event loop in a thread, for synchronous fuzz clients."""

    def __init__(self, directory: Path) -> None:
        self.tokens = directory / "tokens.yaml"
        self.token = add_agent(self.tokens, "lab-agent")
        self.store = open_store(f"sqlite:///{directory / 'fuzz.db'}")
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        config = CollectorConfig(
            "127.0.0.1:0", auth=load_tokens(self.tokens), limits=Limits(max_components=500)
        )
        self.running = asyncio.run_coroutine_threadsafe(
            start_collector(self.store, config), self.loop
        ).result(10)
        self.channel = grpc.insecure_channel(
            f"127.0.0.1:{self.running.port}",
            options=[("grpc.max_send_message_length", 64 * 1024 * 1024)],
        )

    def send_raw(self, messages: list[bytes]) -> list[ReportAck]:
        call = self.channel.stream_stream(
            METHOD, request_serializer=lambda b: b, response_deserializer=ReportAck.FromString
        )
        metadata = (("authorization", f"Bearer {self.token}"),)
        return list(call(iter(messages), metadata=metadata, timeout=20))

    def healthy(self) -> bool:
        stub = health_pb2_grpc.HealthStub(self.channel)
        reply = stub.Check(health_pb2.HealthCheckRequest(service="netsbom.v1.Collector"), timeout=5)
        return bool(reply.status == health_pb2.HealthCheckResponse.SERVING)

    def close(self) -> None:
        self.channel.close()
        asyncio.run_coroutine_threadsafe(self.running.stop(0), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()
        self.store.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    running = Server(tmp_path_factory.mktemp("fuzz"))
    yield running
    running.close()


VALID = to_report(make_record(report_id="fuzz-valid")).SerializeToString()
FUZZ = settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@FUZZ
@given(
    st.one_of(
        st.binary(max_size=4096),
        st.integers(min_value=0, max_value=len(VALID) - 1).map(lambda n: VALID[:n]),
        st.binary(min_size=1, max_size=64).map(lambda junk: VALID + junk),
    )
)
def test_garbage_bytes_never_break_the_collector(server: Server, data: bytes) -> None:
    try:
        acks = server.send_raw([data])
    except grpc.RpcError as exc:  # undecodable: the call fails cleanly
        assert exc.code() in (
            grpc.StatusCode.INTERNAL,
            grpc.StatusCode.INVALID_ARGUMENT,
            grpc.StatusCode.UNKNOWN,
        )
    else:
        assert len(acks) == 1
        assert acks[0].status in (ReportAck.STORED, ReportAck.DUPLICATE, ReportAck.REJECTED)
    assert server.healthy()


@FUZZ
@given(
    report_id=st.text(max_size=80),
    hostname=st.text(max_size=300),
    version=st.text(max_size=300),
    seconds=st.integers(min_value=-(2**40), max_value=2**40),
    labels=st.dictionaries(st.text(max_size=20), st.text(max_size=50), max_size=5),
)
def test_any_well_typed_report_gets_an_ack(
    server: Server,
    report_id: str,
    hostname: str,
    version: str,
    seconds: int,
    labels: dict[str, str],
) -> None:
    report = to_report(make_record())
    report.report_id = report_id
    report.hostname = hostname
    report.os.version = version
    report.collected_at.seconds = seconds
    report.target.labels.clear()
    report.target.labels.update(labels)
    acks = server.send_raw([report.SerializeToString()])
    assert len(acks) == 1
    if not report_id:
        assert acks[0].status == ReportAck.REJECTED


def test_huge_repeated_fields_are_rejected_and_the_stream_goes_on(server: Server) -> None:
    big = to_report(make_record(report_id="huge"))
    big.components.extend(pb.Component(index=str(i), **{"class": "port"}) for i in range(5000))
    ok = to_report(make_record(report_id="after-huge"))
    acks = server.send_raw([big.SerializeToString(), ok.SerializeToString()])
    assert [a.status for a in acks] == [ReportAck.REJECTED, ReportAck.STORED]
    assert "too many components" in acks[0].message


def test_oversized_message_is_refused_with_a_status(server: Server) -> None:
    report = to_report(make_record(report_id="oversized"))
    report.description = "x" * (17 * 1024 * 1024)
    with pytest.raises(grpc.RpcError) as caught:
        server.send_raw([report.SerializeToString()])
    assert caught.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert server.healthy()


def test_undecodable_bytes_are_rejected_and_the_stream_goes_on(server: Server) -> None:
    ok = to_report(make_record(report_id="after-garbage"))
    truncated = b"\x0a\x10abc"  # field 1, 16 bytes announced, 3 sent
    acks = server.send_raw([b"\xff\xff\xff", truncated, ok.SerializeToString()])
    assert [a.status for a in acks] == [ReportAck.REJECTED] * 2 + [ReportAck.STORED]
    assert all(a.message.startswith("not a DeviceReport: ") for a in acks[:2])
    assert [a.report_id for a in acks] == ["", "", "after-garbage"]


def test_the_store_keeps_the_bytes_as_sent(server: Server) -> None:
    """A report's payload is the message as received (here: the hostname first, out of field
    order, and a field this contract does not know), and it reads back as the same record."""
    report = to_report(make_record(report_id="as-sent"))
    rest = pb.DeviceReport()
    rest.CopyFrom(report)
    rest.ClearField("hostname")
    unknown = b"\xb8\x3e\x07"  # field 999, varint 7
    data = pb.DeviceReport(hostname=report.hostname).SerializeToString() + rest.SerializeToString()
    data += unknown
    assert data != report.SerializeToString(deterministic=True)
    assert [a.status for a in server.send_raw([data])] == [ReportAck.STORED]
    with server.store.engine.connect() as connection:
        query = select(observations.c.payload).where(observations.c.report_id == "as-sent")
        assert connection.scalar(query) == data
    (stored,) = server.store.observations(["as-sent"])
    assert stored.record == from_report(report)
