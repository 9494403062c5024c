from __future__ import annotations

import logging
import os
import time
from pathlib import Path

import pytest

from netsbom.agent.spool import Spool


def test_reports_survive_a_new_spool_instance_in_order(tmp_path: Path) -> None:
    spool = Spool(tmp_path)
    spool.put("a-1", b"one")
    spool.put("b-2", b"two")
    again = Spool(tmp_path)  # an agent restart
    assert [(p.report_id, p.data) for p in again.pending()] == [("a-1", b"one"), ("b-2", b"two")]
    again.ack(again.pending()[0])
    assert [p.report_id for p in Spool(tmp_path).pending()] == ["b-2"]


def test_full_spool_drops_oldest_and_logs(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    spool = Spool(tmp_path, max_bytes=10)
    spool.put("old", b"12345")
    spool.put("mid", b"12345")
    with caplog.at_level(logging.WARNING):
        spool.put("new", b"12345")
    assert [p.report_id for p in spool.pending()] == ["mid", "new"]
    assert "dropped oldest report old" in caplog.text


def test_expired_and_half_written_files_are_cleaned(tmp_path: Path) -> None:
    spool = Spool(tmp_path, max_age=60)
    path = spool.put("stale", b"x")
    os.utime(path, (time.time() - 120, time.time() - 120))
    (tmp_path / ".partial.pb.tmp").write_bytes(b"half")
    fresh = Spool(tmp_path, max_age=60)
    assert fresh.pending() == []
    assert not (tmp_path / ".partial.pb.tmp").exists()


def test_rejected_reports_are_kept_aside(tmp_path: Path) -> None:
    spool = Spool(tmp_path)
    spool.put("bad", b"x")
    spool.reject(spool.pending()[0], "too many components")
    assert spool.pending() == []
    assert len(list((tmp_path / "rejected").iterdir())) == 1
