"""The agent's on-disk spool: every report is written here before it is sent, and deleted only
after the collector acknowledged it, so a collector outage or an agent restart loses nothing.

One file per report (serialized ``netsbom.v1.DeviceReport``, mode 0600), written to a temporary
name, fsynced and renamed, so a crash never leaves half a report. Names sort in the order reports
were spooled.

Bounds: ``max_bytes`` and ``max_age``. When a new report would exceed ``max_bytes`` the *oldest*
reports are dropped (newer observations of the same devices supersede them), each drop logged at
WARNING with the report id; reports older than ``max_age`` are dropped the same way on open.
Reports the collector REJECTED (they would never be accepted) move to ``rejected/`` for a human.
Files that are not reports this agent wrote (empty, corrupt, a foreign name or id) move to
``quarantine/`` the moment the spool is read, each with an ERROR line: they are never sent.

A spool that cannot be written (missing permission, read-only file system) is a
:class:`SpoolError` when it is opened, before anything is polled.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path

from netsbom.core.errors import ConfigError, ContractError
from netsbom.core.identifiers import id_problem

log = logging.getLogger(__name__)

SUFFIX = ".pb"
REJECTED = "rejected"
QUARANTINE = "quarantine"


class SpoolError(ConfigError):
    """The spool directory cannot be used (created, written, fsynced)."""


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
        try:
            self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
            for folder in (REJECTED, QUARANTINE):
                (self.directory / folder).mkdir(exist_ok=True, mode=0o700)
            self._probe()
        except OSError as exc:
            raise SpoolError(
                f"spool {directory} is not usable: {exc.strerror or exc}"
                f"{f' ({exc.filename})' if exc.filename else ''}"
            ) from None
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
            _write_durably(temporary, data)
            temporary.rename(final)
            _fsync_dir(self.directory)
        except OSError:
            temporary.unlink(missing_ok=True)
            raise
        return final

    def pending(self) -> list[SpooledReport]:
        """Spooled reports, oldest first. A file that is not a report of ours is quarantined."""
        from netsbom.proto.convert import decode_report

        out = []
        for path in sorted(self.directory.glob(f"*{SUFFIX}")):
            try:
                data = path.read_bytes()
                report = decode_report(data) if data else None
            except (OSError, ContractError) as exc:
                self.quarantine(path, getattr(exc, "strerror", None) or str(exc))
                continue
            if report is None:
                self.quarantine(path, "empty file")
            elif problem := id_problem(report.report_id, "report_id"):
                self.quarantine(path, problem)
            elif _name_id(path) != _safe(report.report_id):
                self.quarantine(path, "its name does not carry the report's id")
            else:
                out.append(SpooledReport(report.report_id, path, data))
        return out

    def held(self, item: SpooledReport) -> bool:
        """Whether ``item`` is on disk (not dropped for room, not held in memory only)."""
        return item.path is not None and item.path.is_file()

    def ack(self, item: SpooledReport) -> None:
        if item.path is not None:
            item.path.unlink(missing_ok=True)

    def reject(self, item: SpooledReport, reason: str) -> None:
        log.error(
            "collector rejected report %s: %s (kept in %s)",
            item.report_id,
            reason,
            self.directory / REJECTED,
        )
        if item.path is not None and item.path.exists():
            item.path.rename(self.directory / REJECTED / item.path.name)

    def quarantine(self, path: Path, reason: str) -> None:
        """Move a file that is not a sendable report out of the way, and say so."""
        target = self.directory / QUARANTINE / path.name
        try:
            path.rename(target)
        except OSError as exc:
            log.error(
                "spool: %s is not a report (%s) and cannot be moved to %s: %s",
                path.name,
                reason,
                target.parent,
                exc.strerror,
            )
            return
        log.error("spool: quarantined %s: %s (moved to %s)", path.name, reason, target.parent)

    def depth(self) -> int:
        return sum(1 for _ in self.directory.glob(f"*{SUFFIX}"))

    def _probe(self) -> None:
        probe = self.directory / f".probe-{os.getpid()}.tmp"
        try:
            _write_durably(probe, b"")
        finally:
            probe.unlink(missing_ok=True)

    def _files(self) -> list[tuple[Path, os.stat_result]]:
        """The spooled files, oldest first, with their stat (files gone meanwhile skipped)."""
        out = []
        for path in sorted(self.directory.glob(f"*{SUFFIX}")):
            try:
                out.append((path, path.stat()))
            except OSError:
                continue
        return out

    def _make_room(self, incoming: int) -> None:
        files = self._files()
        total = sum(stat.st_size for _, stat in files)
        for path, stat in files:
            if total + incoming <= self.max_bytes:
                break
            path.unlink(missing_ok=True)
            total -= stat.st_size
            log.warning(
                "spool full (%d bytes max): dropped oldest report %s",
                self.max_bytes,
                _name_id(path),
            )

    def _expire(self) -> None:
        horizon = time.time() - self.max_age
        for path, stat in self._files():
            if stat.st_mtime < horizon:
                path.unlink(missing_ok=True)
                log.warning(
                    "spool: dropped report %s older than %ds", _name_id(path), int(self.max_age)
                )
        for stale in self.directory.glob(".*.tmp"):  # a crash mid-write
            stale.unlink(missing_ok=True)


def _safe(report_id: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in report_id)[:80]


def _name_id(path: Path) -> str:
    """The (file-safe) report id a spool file name carries: ``<ns>-<seq>-<id>.pb``."""
    parts = path.name.removesuffix(SUFFIX).split("-", 2)
    return parts[2] if len(parts) == 3 else path.name


def _write_durably(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
