"""Token revocation without a restart: `collector serve` (a real process) reloads its tokens file
when it changes and on SIGHUP; a removed token is refused within 5 s, on an open stream too."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from pathlib import Path

import pytest
import yaml

from netsbom.agent.credentials import Secret
from netsbom.agent.publish import Publisher, PublishError
from netsbom.agent.spool import Spool, SpooledReport
from netsbom.collector.auth import add_agent, hash_token
from netsbom.proto.convert import to_report
from tests.collector.test_crash_safety import _free_port, _start
from tests.conftest import make_record

pytestmark = pytest.mark.integration


def _revoke(tokens: Path, agent: str, *, keep_stamp: bool = False) -> None:
    """Replace ``agent``'s hash by another of the same length (in place); ``keep_stamp`` puts
    the modification time back, so only SIGHUP can notice."""
    before = tokens.stat()
    raw = yaml.safe_load(tokens.read_text())
    raw["agents"][agent] = hash_token("someone-else")
    with tokens.open("r+") as handle:
        handle.write(yaml.safe_dump(raw, sort_keys=True))
    if keep_stamp:
        os.utime(tokens, ns=(before.st_atime_ns, before.st_mtime_ns))


def _offer(publisher: Publisher, spool: Spool) -> None:
    record = make_record()
    data = to_report(record).SerializeToString()
    publisher.offer(SpooledReport(record.report_id, spool.put(record.report_id, data), data))


@pytest.mark.parametrize("how", ["file-change", "sighup"])
async def test_a_removed_token_is_refused_within_5_seconds(tmp_path: Path, how: str) -> None:
    db, tokens, port = tmp_path / "c.db", tmp_path / "tokens.yaml", _free_port()
    token = add_agent(tokens, "lab-agent")
    add_agent(tokens, "other-agent")
    collector = await _start(db, port, tokens)
    spool = Spool(tmp_path / "spool")
    try:
        publisher = Publisher(f"127.0.0.1:{port}", spool, token=Secret("t", token))
        warmup = asyncio.create_task(publisher.run())
        for _ in range(100):  # the stream is open and reports are stored
            if publisher.stats.stored:
                break
            _offer(publisher, spool)
            await asyncio.sleep(0.1)
        assert publisher.stats.stored
        _revoke(tokens, "lab-agent", keep_stamp=how == "sighup")
        if how == "sighup":
            collector.send_signal(signal.SIGHUP)
        revoked_at = time.monotonic()
        while not warmup.done() and time.monotonic() - revoked_at < 5:
            _offer(publisher, spool)
            await asyncio.sleep(0.1)
        assert warmup.done(), "the open stream was not closed within 5 s"
        # the open stream is closed ("revoked"), or, when it had ended and the publisher opened
        # another one first (a loaded machine), that one is refused: either way, within 5 s
        with pytest.raises(PublishError, match=r"revoked|invalid agent token"):
            await warmup
        assert time.monotonic() - revoked_at <= 5
        assert collector.poll() is None, "SIGHUP must not stop the collector"
        again = Publisher(f"127.0.0.1:{port}", spool, token=Secret("t", token))
        _offer(again, spool)
        again.close()
        with pytest.raises(PublishError, match="invalid agent token"):  # a new stream too
            await asyncio.wait_for(again.run(give_up_after=5), timeout=10)
        log = (tmp_path / "collector.log").read_text()
        assert "removed: lab-agent" not in log  # replaced, not removed: the hash changed
        assert token not in log
    finally:
        collector.kill()
        collector.wait(timeout=10)


async def test_an_invalid_tokens_file_keeps_the_tokens_in_force(tmp_path: Path) -> None:
    db, tokens, port = tmp_path / "c.db", tmp_path / "tokens.yaml", _free_port()
    token = add_agent(tokens, "lab-agent")
    collector = await _start(db, port, tokens)
    spool = Spool(tmp_path / "spool")
    try:
        tokens.write_text("agents: [not, a, mapping]\n")
        collector.send_signal(signal.SIGHUP)
        await asyncio.sleep(1.5)
        publisher = Publisher(f"127.0.0.1:{port}", spool, token=Secret("t", token))
        _offer(publisher, spool)
        publisher.close()
        stats = await asyncio.wait_for(publisher.run(give_up_after=5), timeout=20)
        assert stats.stored == 1
        assert "tokens not reloaded" in (tmp_path / "collector.log").read_text()
    finally:
        collector.kill()
        collector.wait(timeout=10)
