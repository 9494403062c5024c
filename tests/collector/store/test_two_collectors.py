"""Two collector processes writing to one PostgreSQL store: a resent report is stored once.

Both are real `netsbom collector serve` processes on loopback; the same report goes to both at
the same moment (a resend after a broken stream that the load balancer sent elsewhere), then
again to each. Exactly one STORED ack, every other one DUPLICATE, one row."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator

import grpc
import pytest
from sqlalchemy import create_engine, text

from netsbom.collector.store import open_store
from netsbom.collector.store.schema import metadata
from netsbom.proto.convert import ReportAck, to_report
from netsbom.proto.v1 import collector_pb2_grpc
from tests.conftest import make_record

pytestmark = pytest.mark.integration

_PORT = re.compile(r"\(port (\d+)\)")


def _start_collector(url: str) -> tuple[subprocess.Popen[str], int]:
    process = subprocess.Popen(
        [sys.executable, "-m", "netsbom.core", "collector", "serve", "--db", url,
         "--listen", "127.0.0.1:0", "--no-auth"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )  # fmt: skip
    assert process.stderr is not None
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        if not line and process.poll() is not None:
            break
        match = _PORT.search(line)
        if match:
            return process, int(match.group(1))
    process.kill()
    process.wait(timeout=10)
    raise AssertionError(f"collector did not start: {process.stderr.read()[-2000:]}")


@pytest.fixture
def two_collectors(postgres_url: str) -> Iterator[tuple[str, list[int]]]:
    # No migration beforehand: both processes migrate at start (serialised by an advisory lock).
    started = [_start_collector(postgres_url) for _ in range(2)]
    try:
        yield postgres_url, [port for _, port in started]
    finally:
        for process, _ in started:
            process.terminate()
        for process, _ in started:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
            if process.stderr is not None:
                process.stderr.close()
        engine = create_engine(postgres_url)
        with engine.begin() as connection:
            metadata.drop_all(connection)  # every table, whichever migration made it
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
        engine.dispose()


async def _send(port: int, reports: list[object]) -> list[int]:
    async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
        stub = collector_pb2_grpc.CollectorStub(channel)  # type: ignore[no-untyped-call]
        return [ack.status async for ack in stub.Report(iter(reports), timeout=30)]


def test_resent_report_is_stored_once_across_collectors(
    two_collectors: tuple[str, list[int]],
) -> None:
    url, ports = two_collectors
    record = make_record("edge1", report_id="8a4d3c5e-0000-4000-8000-000000000001")
    report = to_report(record)

    async def scenario() -> list[int]:
        first = await asyncio.gather(*(_send(port, [report]) for port in ports))
        again = await asyncio.gather(*(_send(port, [report]) for port in ports))
        return [status for acks in (*first, *again) for status in acks]

    statuses = asyncio.run(scenario())
    assert sorted(statuses) == [ReportAck.STORED] + [ReportAck.DUPLICATE] * 3
    store = open_store(url)
    try:
        assert store.count() == 1
        assert [o.record for o in store.observations()] == [record]
    finally:
        store.close()


def test_many_reports_raced_to_both_collectors_are_stored_once(
    two_collectors: tuple[str, list[int]],
) -> None:
    url, ports = two_collectors
    records = [make_record(f"dev{i}", report_id=f"race-{i:04d}") for i in range(200)]
    reports = [to_report(r) for r in records]

    async def scenario() -> list[list[int]]:
        return await asyncio.gather(*(_send(port, reports) for port in ports))

    acks = asyncio.run(scenario())
    stored = sum(status == ReportAck.STORED for statuses in acks for status in statuses)
    assert stored == 200
    assert all(len(statuses) == 200 for statuses in acks)
    store = open_store(url)
    try:
        assert store.count() == 200
    finally:
        store.close()
