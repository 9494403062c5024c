"""The publisher never hangs: garbage in the spool, a collector that never acknowledges, a
collector that acknowledges ids we never sent. --send-timeout bounds every wait."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path

import grpc
import pytest

from netsbom.agent.publish import Publisher
from netsbom.agent.spool import Spool, SpooledReport
from netsbom.collector.server import CollectorConfig, start_collector
from netsbom.collector.store import open_store
from netsbom.proto.convert import DeviceReport, ReportAck, to_report
from netsbom.proto.v1 import collector_pb2_grpc
from tests.conftest import make_record

pytestmark = pytest.mark.integration


class _Silent(collector_pb2_grpc.CollectorServicer):
    """Reads every report and answers nothing (a wedged collector), or a wrong id."""

    def __init__(self, wrong_ids: bool = False) -> None:
        self.wrong_ids = wrong_ids
        self.received = 0

    async def Report(
        self, request_iterator: AsyncIterator[DeviceReport], context: object
    ) -> AsyncIterator[ReportAck]:
        async for _report in request_iterator:
            self.received += 1
            if self.wrong_ids:
                yield ReportAck(report_id="not-yours", status=ReportAck.STORED)
        await asyncio.sleep(3600)


async def _serve(servicer: collector_pb2_grpc.CollectorServicer) -> tuple[grpc.aio.Server, int]:
    server = grpc.aio.server()
    collector_pb2_grpc.add_CollectorServicer_to_server(servicer, server)  # type: ignore[no-untyped-call]
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    return server, port


def _spool_two(spool: Spool) -> list[SpooledReport]:
    items = []
    for name in ("a", "b"):
        record = make_record(name)
        data = to_report(record).SerializeToString()
        items.append(SpooledReport(record.report_id, spool.put(record.report_id, data), data))
    return items


@pytest.mark.parametrize("wrong_ids", [False, True], ids=["no-acks", "foreign-acks"])
async def test_send_timeout_bounds_a_collector_that_acknowledges_nothing(
    tmp_path: Path, wrong_ids: bool
) -> None:
    servicer = _Silent(wrong_ids)
    server, port = await _serve(servicer)
    spool = Spool(tmp_path / "spool")
    publisher = Publisher(f"127.0.0.1:{port}", spool, backoff=(0.05, 0.1))
    for item in _spool_two(spool):
        publisher.offer(item)
    publisher.close()
    started = time.monotonic()
    try:
        stats = await asyncio.wait_for(publisher.run(give_up_after=1.0), timeout=20)
    finally:
        await server.stop(0)
    assert time.monotonic() - started < 5
    assert servicer.received >= 2
    assert stats.stored == 0 and "acknowledged nothing in 1s" in stats.errors[-1]
    assert len(spool.pending()) == 2  # still there for the next run


async def test_a_zero_length_spool_file_neither_hangs_nor_is_sent(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'c.db'}")
    collector = await start_collector(store, CollectorConfig("127.0.0.1:0", allow_no_auth=True))
    spool_dir = tmp_path / "spool"
    spool = Spool(spool_dir)
    _spool_two(spool)
    (spool_dir / "00000000000000000001-000001-empty.pb").write_bytes(b"")
    try:
        publisher = Publisher(f"127.0.0.1:{collector.port}", Spool(spool_dir), backoff=(0.05, 0.1))
        publisher.close()
        stats = await asyncio.wait_for(publisher.run(give_up_after=2), timeout=20)
    finally:
        await collector.stop(1)
    assert stats.stored == 2 and stats.rejected == 0
    assert store.count() == 2
    assert [p.name for p in (spool_dir / "quarantine").iterdir()] == [
        "00000000000000000001-000001-empty.pb"
    ]
    assert "spool: quarantined 00000000000000000001-000001-empty.pb: empty file" in caplog.text
    assert "collector rejected" not in caplog.text
    store.close()
