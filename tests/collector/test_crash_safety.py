"""Delivery guarantees with real processes: SIGKILL the collector mid-stream, restart it, and
check that every acknowledged report was already stored and that, in the end, every report is
stored once."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from sqlalchemy import create_engine, text

from netsbom.agent.credentials import Secret
from netsbom.agent.publish import Publisher
from netsbom.agent.spool import Spool
from netsbom.collector.auth import add_agent
from netsbom.proto.convert import to_report
from tests.conftest import make_record

pytestmark = pytest.mark.integration

REPORTS = 600


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _start(db: Path, port: int, tokens: Path) -> subprocess.Popen[bytes]:
    with (db.parent / "collector.log").open("ab") as log_file:  # the child keeps its own fd
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "netsbom.core",
                "collector",
                "serve",
                "--db",
                f"sqlite:///{db}",
                "--listen",
                f"127.0.0.1:{port}",
                "--tokens",
                str(tokens),
            ],
            stdout=subprocess.DEVNULL,
            stderr=log_file,
        )
    async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        for _ in range(150):  # at most ~15 s
            try:
                reply = await stub.Check(health_pb2.HealthCheckRequest(), timeout=0.5)
                if reply.status == health_pb2.HealthCheckResponse.SERVING:
                    return process
            except grpc.aio.AioRpcError:
                pass
            if process.poll() is not None:
                log = (db.parent / "collector.log").read_text(errors="replace")
                raise AssertionError(f"collector exited: {log[-2000:]}")
            await asyncio.sleep(0.1)
    process.kill()
    raise AssertionError("collector did not become healthy")


def _stored(db: Path) -> list[str]:
    engine = create_engine(f"sqlite:///{db}")
    with engine.connect() as connection:
        ids = [r[0] for r in connection.execute(text("select report_id from observations"))]
    engine.dispose()
    return ids


async def test_sigkill_loses_no_acknowledged_report(tmp_path: Path) -> None:
    db, tokens, port = tmp_path / "c.db", tmp_path / "tokens.yaml", _free_port()
    token = add_agent(tokens, "lab-agent")
    spool = Spool(tmp_path / "spool")
    records = [make_record(f"dev{i:04d}") for i in range(REPORTS)]
    for record in records:
        spool.put(record.report_id, to_report(record).SerializeToString())

    collector = await _start(db, port, tokens)
    publisher = Publisher(f"127.0.0.1:{port}", spool, token=Secret("t", token), backoff=(0.05, 0.3))
    publisher.close()  # everything is already spooled
    sending = asyncio.create_task(publisher.run(give_up_after=30))
    try:
        for _ in range(300):  # wait until some, not all, reports are acknowledged (<= 30 s)
            if publisher.stats.stored >= 50:
                break
            await asyncio.sleep(0.01)
        os.kill(collector.pid, signal.SIGKILL)
        collector.wait(timeout=10)
        acknowledged = {r.report_id for r in records} - {p.report_id for p in spool.pending()}
        assert 0 < len(acknowledged) < REPORTS, "the kill should land mid-stream"
        assert acknowledged <= set(_stored(db)), "an acknowledged report is missing after SIGKILL"

        collector = await _start(db, port, tokens)
        stats = await asyncio.wait_for(sending, timeout=60)
    finally:
        sending.cancel()
        collector.kill()
        collector.wait(timeout=10)
    stored = _stored(db)
    assert sorted(stored) == sorted(r.report_id for r in records)  # all of them, each once
    assert spool.pending() == []
    assert stats.reconnects >= 1
    assert stats.stored + stats.duplicates >= REPORTS - len(acknowledged)
