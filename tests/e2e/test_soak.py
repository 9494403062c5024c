"""Soak (bounded, ~2 min): `agent run` continuous over the whole lab while the collector process is
SIGKILLed and restarted every few seconds, the spool is filled past its bound by a long outage and
then drained, and garbage files are dropped into it. At the end every report the agent produced
is stored exactly once, or a log line accounts for it (dropped for room, lost); every garbage
file is quarantined with its own line; polling never stopped."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from netsbom.collector.auth import add_agent
from netsbom.lab.definition import default_definition_path, load_lab
from netsbom.lab.runner import Lab
from tests.collector.test_crash_safety import _free_port, _start, _stored

pytestmark = pytest.mark.integration

FLAPS = 6  # collector up ~4 s, SIGKILLed, down ~3 s
LONG_OUTAGE = 25.0  # seconds without a collector: the spool passes its bound
DRAIN = 45.0  # at most this long for the spool to empty once the collector stays up
SPOOL_BOUND = 120_000  # bytes: a few polling rounds of the lab
GARBAGE = {
    "00000000000000000001-000001-empty.pb": b"",
    "00000000000000000002-000001-junk.pb": b"\xff\xfe not protobuf \x00\x01",
    "garbage.pb": b"\x0a\x03abc",  # a name the agent never writes
}


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    with Lab(load_lab(default_definition_path()), tmp_path_factory.mktemp("lab")) as running:
        yield running


def _agent(inventory: Path, port: int, spool: Path, token: Path, log: Path, *more: str) -> Any:
    env = {**os.environ, "NETSBOM_AGENT_TOKEN": f"file:{token}"}
    with log.open("ab") as handle:
        return subprocess.Popen(
            [sys.executable, "-m", "netsbom.core", "--log-level", "info", "agent", "run",
             "--inventory", str(inventory), "--collector", f"127.0.0.1:{port}",
             "--spool", str(spool), "--send-timeout", "3",
             "--spool-max-bytes", str(SPOOL_BOUND), *more],
            stdout=subprocess.DEVNULL, stderr=handle, env=env,
        )  # fmt: skip


def _drop_garbage(spool: Path, round_number: int) -> list[str]:
    names = []
    for name, data in GARBAGE.items():
        named = f"{round_number}{name}" if name[0].isdigit() else f"r{round_number}-{name}"
        (spool / named).write_bytes(data)
        names.append(named)
    return names


async def test_soak_collector_flapping_spool_bound_and_garbage(lab: Lab, tmp_path: Path) -> None:
    inventory = lab.write_inventory(tmp_path / "inventory.yaml")
    tokens, db, port = tmp_path / "tokens.yaml", tmp_path / "c.db", _free_port()
    token = tmp_path / "agent.token"
    token.write_text(add_agent(tokens, "lab-agent"))
    spool_root, agent_log = tmp_path / "spool", tmp_path / "agent.log"
    spool = spool_root / "lab-agent"
    started = time.monotonic()
    agent = _agent(inventory, port, spool_root, token, agent_log, "--interval", "1")
    collector = await _start(db, port, tokens)
    garbage: list[str] = []
    try:
        for flap in range(FLAPS):  # the collector comes and goes under a running agent
            await asyncio.sleep(4)
            garbage += _drop_garbage(spool, flap)
            os.kill(collector.pid, signal.SIGKILL)
            collector.wait(timeout=10)
            await asyncio.sleep(3)
            assert agent.poll() is None, agent_log.read_text()[-3000:]
            collector = await _start(db, port, tokens)
        os.kill(collector.pid, signal.SIGKILL)  # a long outage: the spool reaches its bound
        collector.wait(timeout=10)
        await asyncio.sleep(LONG_OUTAGE)
        assert "spool full" in agent_log.read_text(), "the outage did not fill the spool"
        collector = await _start(db, port, tokens)
        deadline = time.monotonic() + DRAIN
        while time.monotonic() < deadline and not _drained(agent_log):
            await asyncio.sleep(1)
        assert _drained(agent_log), agent_log.read_text()[-3000:]
        assert agent.poll() is None, "the agent stopped"
    finally:
        agent.kill()
        agent.wait(timeout=10)
    # What a killed agent leaves in the spool goes with the next run (no targets: send only).
    empty = tmp_path / "drain.yaml"
    empty.write_text(yaml.safe_dump({"agent_id": "lab-agent", "targets": []}))
    final = _agent(empty, port, spool_root, token, agent_log, "--once")
    try:
        assert final.wait(timeout=60) == 0, agent_log.read_text()[-3000:]
    finally:
        collector.kill()
        collector.wait(timeout=10)
    assert time.monotonic() - started < 170

    text = agent_log.read_text()
    produced = re.findall(r"report (\S+) of \S+: (?:spooled|cannot spool it)", text)
    dropped = set(re.findall(r"dropped oldest report (\S+)", text))
    lost = set(re.findall(r"report (\S+) lost: not delivered", text))
    stored = _stored(db)
    assert len(produced) == len(set(produced))
    assert len(stored) == len(set(stored)), "a report was stored twice"
    assert set(stored) <= set(produced), "the store holds reports nobody produced"
    unaccounted = set(produced) - set(stored) - dropped - lost
    assert not unaccounted, f"{len(unaccounted)} reports neither stored nor logged"
    assert dropped, "the spool never reached its bound"
    assert len(stored) >= 9 * 8, "too few polling rounds were delivered"
    rounds = Counter(re.findall(r"polled (\d+) targets", text))
    assert rounds["9"] >= 8, f"polling stopped: {rounds}"
    quarantined = sorted(p.name for p in (spool / "quarantine").iterdir())
    assert quarantined == sorted(garbage)
    for name in garbage:
        assert f"spool: quarantined {name}: " in text
    assert not list(spool.glob("*.pb")), "reports left in the spool after the final run"
    assert "collector rejected" not in text and "Traceback" not in text


def _drained(log: Path) -> bool:
    """The last round summary says the spool is empty."""
    summaries = re.findall(r"waiting in spool (\d+)", log.read_text())
    return bool(summaries) and summaries[-1] == "0"
