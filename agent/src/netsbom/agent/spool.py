"""The agent's on-disk spool: every report is written here before it is sent, and deleted only
after the collector acknowledged it, so a collector outage or an agent restart loses nothing.

One file per report (serialized ``netsbom.v1.DeviceReport``), written to a temporary name, fsynced
and renamed, so a crash never leaves half a report. Names sort in the order reports were spooled.

Bounds: ``max_bytes`` and ``max_age``. When a new report would exceed ``max_bytes`` the *oldest*
reports are dropped (newer observations of the same devices supersede them), each drop logged at
WARNING with the report id; reports older than ``max_age`` are dropped the same way on open.
Reports the collector REJECTED (they would never be accepted) move to ``rejected/`` for a human.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

SUFFIX = ".pb"


@dataclass(frozen=True, slots=True)
class SpooledReport:
    report_id: str
    path: Path | None  # None: could not be spooled (disk full), held in memory only
    data: bytes


class Spool:
    def __init__(
        self,
        directory: Path,
        *,
        max_bytes: int = 1024 * 1024 * 1024,
        max_age: float = 30 * 24 * 3600,
    ) -> None:
        self.directory = directory
        self.max_bytes = max_bytes
        self.max_age = max_age
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        (self.directory / "rejected").mkdir(exist_ok=True, mode=0o700)
        self._seq = 0
        self._expire()

    def put(self, report_id: str, data: bytes) -> Path:
        """Durably write one report; raises OSError (e.g. disk full) after cleaning up."""
        self._make_room(len(data))
        self._seq += 1
        name = f"{time.time_ns():020d}-{self._seq:06d}-{_safe(report_id)}{SUFFIX}"
        final = self.directory / name
        temporary = self.directory / f".{name}.tmp"
        try:
            with open(temporary, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            temporary.rename(final)
            _fsync_dir(self.directory)
        except OSError:
            temporary.unlink(missing_ok=True)
            raise
        return final

    def pending(self) -> list[SpooledReport]:
        """Spooled reports, oldest first; unreadable files are skipped and logged."""
        out = []
        for path in sorted(self.directory.glob(f"*{SUFFIX}")):
            try:
                out.append(SpooledReport(_report_id(path), path, path.read_bytes()))
            except OSError as exc:
                log.error("cannot read spooled report %s: %s", path.name, exc.strerror)
        return out

    def ack(self, item: SpooledReport) -> None:
        if item.path is not None:
            item.path.unlink(missing_ok=True)

    def reject(self, item: SpooledReport, reason: str) -> None:
        log.error(
            "collector rejected report %s: %s (kept in %s)",
            item.report_id,
            reason,
            self.directory / "rejected",
        )
        if item.path is not None and item.path.exists():
            item.path.rename(self.directory / "rejected" / item.path.name)

    def depth(self) -> int:
        return sum(1 for _ in self.directory.glob(f"*{SUFFIX}"))

    def _size(self) -> int:
        return sum(p.stat().st_size for p in self.directory.glob(f"*{SUFFIX}"))

    def _make_room(self, incoming: int) -> None:
        total = self._size()
        if total + incoming <= self.max_bytes:
            return
        for path in sorted(self.directory.glob(f"*{SUFFIX}")):
            if total + incoming <= self.max_bytes:
                break
            size = path.stat().st_size
            path.unlink(missing_ok=True)
            total -= size
            log.warning(
                "spool full (%d bytes max): dropped oldest report %s",
                self.max_bytes,
                _report_id(path),
            )

    def _expire(self) -> None:
        horizon = time.time() - self.max_age
        for path in sorted(self.directory.glob(f"*{SUFFIX}")):
            if path.stat().st_mtime < horizon:
                path.unlink(missing_ok=True)
                log.warning(
                    "spool: dropped report %s older than %ds", _report_id(path), int(self.max_age)
                )
        for stale in self.directory.glob(".*.tmp"):  # a crash mid-write
            stale.unlink(missing_ok=True)


def _safe(report_id: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in report_id)[:80]


def _report_id(path: Path) -> str:
    return path.name.removesuffix(SUFFIX).split("-", 2)[2]


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
