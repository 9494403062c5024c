from __future__ import annotations

import logging
import os
import stat
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from netsbom.agent.spool import Spool, SpoolError
from netsbom.proto.convert import to_report
from tests.conftest import make_record, tmpfs


def _report(report_id: str) -> bytes:
    return to_report(make_record(report_id=report_id)).SerializeToString()


@pytest.fixture
def small_fs(tmp_path: Path) -> Iterator[Path]:
    with tmpfs(tmp_path / "small", "size=64k") as mount:
        yield mount


def test_reports_survive_a_new_spool_instance_in_order(tmp_path: Path) -> None:
    spool = Spool(tmp_path)
    spool.put("a-1", _report("a-1"))
    spool.put("b-2", _report("b-2"))
    again = Spool(tmp_path)  # an agent restart
    assert [(p.report_id, p.data) for p in again.pending()] == [
        ("a-1", _report("a-1")),
        ("b-2", _report("b-2")),
    ]
    again.ack(again.pending()[0])
    assert [p.report_id for p in Spool(tmp_path).pending()] == ["b-2"]


def test_spool_files_are_private(tmp_path: Path) -> None:
    umask = os.umask(0o022)  # a usual umask would make files 0644
    try:
        path = Spool(tmp_path / "spool").put("a-1", _report("a-1"))
    finally:
        os.umask(umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "spool").stat().st_mode) == 0o700


def test_full_spool_drops_oldest_and_logs(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    size = len(_report("old"))
    spool = Spool(tmp_path, max_bytes=2 * size)
    spool.put("old", _report("old"))
    spool.put("mid", _report("mid"))
    with caplog.at_level(logging.WARNING):
        spool.put("new", _report("new"))
    assert [p.report_id for p in spool.pending()] == ["mid", "new"]
    assert "dropped oldest report old" in caplog.text


def test_expired_and_half_written_files_are_cleaned(tmp_path: Path) -> None:
    spool = Spool(tmp_path, max_age=60)
    path = spool.put("stale", _report("stale"))
    os.utime(path, (time.time() - 120, time.time() - 120))
    (tmp_path / ".partial.pb.tmp").write_bytes(b"half")
    fresh = Spool(tmp_path, max_age=60)
    assert fresh.pending() == []
    assert not (tmp_path / ".partial.pb.tmp").exists()


def test_rejected_reports_are_kept_aside(tmp_path: Path) -> None:
    spool = Spool(tmp_path)
    spool.put("bad", _report("bad"))
    spool.reject(spool.pending()[0], "too many components")
    assert spool.pending() == []
    assert len(list((tmp_path / "rejected").iterdir())) == 1


def test_files_that_are_not_our_reports_are_quarantined_at_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    spool = Spool(tmp_path)
    spool.put("good-1", _report("good-1"))
    (tmp_path / "00000000000000000001-000001-empty.pb").write_bytes(b"")
    (tmp_path / "00000000000000000002-000001-junk.pb").write_bytes(os.urandom(64) + b"\xff\xff")
    (tmp_path / "garbage.pb").write_bytes(_report("g-1"))  # a name we never write
    (tmp_path / "00000000000000000003-000001-other.pb").write_bytes(_report("not-other"))
    (tmp_path / "00000000000000000004-000001-dir.pb").mkdir()
    (tmp_path / "notes.txt").write_text("left alone: not a spool file")
    started = time.monotonic()
    with caplog.at_level(logging.ERROR):
        pending = spool.pending()
    assert time.monotonic() - started <= 1.0
    assert [p.report_id for p in pending] == ["good-1"]
    quarantined = sorted(p.name for p in (tmp_path / "quarantine").iterdir())
    assert len(quarantined) == 5
    assert caplog.text.count("spool: quarantined") == 5
    assert "empty file" in caplog.text
    assert "collector rejected" not in caplog.text
    assert (tmp_path / "notes.txt").exists()


def test_an_unusable_spool_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(SpoolError, match="is not usable"):
        Spool(tmp_path / "file" / "spool")
    with (
        tmpfs(tmp_path / "ro", "ro") as read_only,
        pytest.raises(SpoolError, match="is not usable"),
    ):
        Spool(read_only)


def test_a_full_file_system_never_leaves_half_a_report(small_fs: Path) -> None:
    spool = Spool(small_fs)
    data = _report("x") * 4  # ~4 KiB each: the 64 KiB file system fills up after a few
    written = 0
    with pytest.raises(OSError):
        for number in range(100):
            spool.put(f"r-{number}", data)
            written += 1
    assert spool.depth() == written
    assert not list(small_fs.glob(".*.tmp"))
