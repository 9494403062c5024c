"""Send spooled reports to the collector over one gRPC stream, resending after any break.

A report leaves the spool only when the collector acknowledged it (STORED or DUPLICATE); REJECTED
reports move to the spool's rejected/ folder. When the stream breaks, every unacknowledged report is
sent again on the next stream (the collector stores a report_id once), with capped backoff.

``give_up_after`` (``agent run --send-timeout``) bounds both ways of getting nowhere: failing to
connect, and a connected collector that acknowledges nothing of what is in flight. Either way the
run ends and the reports stay in the spool.
"""

from __future__ import annotations

import asyncio
import collections
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import grpc

from netsbom.agent.credentials import Secret
from netsbom.agent.spool import Spool, SpooledReport
from netsbom.core import metrics
from netsbom.core.errors import ConfigError, NetsbomError
from netsbom.proto.convert import ReportAck, decode_report
from netsbom.proto.v1 import collector_pb2_grpc

log = logging.getLogger(__name__)

FATAL_CODES = (grpc.StatusCode.UNAUTHENTICATED, grpc.StatusCode.PERMISSION_DENIED)


class _Stalled(Exception):
    """Reports in flight waited longer than ``give_up_after`` for their acks."""


class PublishError(NetsbomError):
    """The collector refused us for good (bad token, bad certificate)."""


@dataclass(frozen=True)
class ClientTls:
    ca: Path | None = None  # None: the system's roots
    cert: Path | None = None  # with key: mTLS client certificate
    key: Path | None = None

    def credentials(self) -> grpc.ChannelCredentials:
        try:
            ca = self.ca.read_bytes() if self.ca else None
            cert = self.cert.read_bytes() if self.cert else None
            key = self.key.read_bytes() if self.key else None
        except OSError as exc:
            raise ConfigError(f"cannot read TLS file {exc.filename}: {exc.strerror}") from None
        return grpc.ssl_channel_credentials(ca, key, cert)


@dataclass
class PublishStats:
    stored: int = 0
    duplicates: int = 0
    rejected: int = 0
    reconnects: int = 0
    errors: list[str] = field(default_factory=list)


class Publisher:
    """Streams spooled reports; ``offer`` adds new ones while it runs; ``close`` ends the run."""

    def __init__(
        self,
        collector: str,
        spool: Spool,
        *,
        token: Secret | None = None,
        tls: ClientTls | None = None,
        backoff: tuple[float, float] = (0.2, 5.0),
    ) -> None:
        self.collector = collector
        self.spool = spool
        self.token = token
        self.tls = tls
        self.backoff = backoff
        self.stats = PublishStats()
        self._queue: collections.deque[SpooledReport] = collections.deque(spool.pending())
        self._queued = {item.report_id for item in self._queue}
        self._inflight: dict[str, SpooledReport] = {}
        self._closed = False
        self._wake = asyncio.Event()
        self._stream_number = 0  # a request generator of an earlier, broken stream must stop
        self._waiting_since: float | None = None  # oldest unanswered send since the last ack

    def offer(self, item: SpooledReport) -> None:
        if item.report_id not in self._queued and item.report_id not in self._inflight:
            self._queue.append(item)
            self._queued.add(item.report_id)
            metrics.SPOOL_DEPTH.set(self.remaining)
            self._wake.set()

    def close(self) -> None:
        """No more reports will be offered: finish once everything is acknowledged."""
        self._closed = True
        self._wake.set()

    @property
    def remaining(self) -> int:
        return len(self._queue) + len(self._inflight)

    async def run(self, *, give_up_after: float | None = None) -> PublishStats:
        """Send until closed and drained. ``give_up_after`` bounds the time spent failing to
        connect or waiting for acks that do not come; on giving up, unsent reports stay in the
        spool for the next run."""
        delay = self.backoff[0]
        failing_since: float | None = None
        loop = asyncio.get_running_loop()
        while not (self._closed and self.remaining == 0):
            try:
                progressed = await self._stream(give_up_after)
            except grpc.aio.AioRpcError as exc:
                self._requeue()
                if exc.code() in FATAL_CODES:
                    raise PublishError(
                        f"collector {self.collector} refused the agent: {exc.details()}"
                    ) from None
                message = f"collector {self.collector}: {exc.code().name}: {exc.details()}"
                if not self.stats.errors or self.stats.errors[-1] != message:
                    log.warning("%s; %d reports wait in the spool", message, self.remaining)
                    self.stats.errors.append(message)
                self.stats.reconnects += 1
                progressed = False
            except _Stalled:
                message = (
                    f"collector {self.collector} acknowledged nothing in {give_up_after:g}s;"
                    " giving up for this run"
                )
                log.warning("%s; %d reports wait in the spool", message, self.remaining)
                self.stats.errors.append(message)
                break
            if progressed:
                delay, failing_since = self.backoff[0], None
                continue
            now = loop.time()
            failing_since = failing_since if failing_since is not None else now
            if give_up_after is not None and now - failing_since >= give_up_after:
                break
            await asyncio.sleep(delay)
            delay = min(delay * 2, self.backoff[1])
        return self.stats

    async def _stream(self, give_up_after: float | None) -> bool:
        """One stream; returns whether any of our reports was acknowledged. Raises AioRpcError
        when it breaks, _Stalled when reports in flight wait longer than ``give_up_after``."""
        progressed = False
        self._stream_number += 1
        loop = asyncio.get_running_loop()
        tick = 1.0 if give_up_after is None else min(1.0, max(give_up_after / 4, 0.05))
        try:
            async with self._channel() as channel:
                stub = collector_pb2_grpc.CollectorStub(channel)  # type: ignore[no-untyped-call]
                metadata = (
                    (("authorization", f"Bearer {self.token.reveal()}"),) if self.token else ()
                )
                call = stub.Report(self._requests(self._stream_number), metadata=metadata)
                reading: asyncio.Future[Any] = asyncio.ensure_future(call.read())
                try:
                    while True:
                        done, _ = await asyncio.wait({reading}, timeout=tick)
                        if not done:
                            waiting = self._waiting_since
                            if (
                                give_up_after is not None
                                and waiting is not None
                                and loop.time() - waiting >= give_up_after
                            ):
                                raise _Stalled
                            continue
                        ack = reading.result()
                        if ack is grpc.aio.EOF:
                            break
                        progressed = self._acknowledge(ack) or progressed
                        reading = asyncio.ensure_future(call.read())
                finally:
                    call.cancel()
                    if not reading.done():
                        reading.cancel()
                    await asyncio.gather(reading, return_exceptions=True)
        finally:
            self._stream_number += 1  # retire this stream's request generator
            self._wake.set()
            self._requeue()  # a stream that ended early leaves nothing in flight
        return progressed

    async def _requests(self, stream_number: int) -> AsyncIterator[object]:
        while stream_number == self._stream_number:
            if self._queue:
                item = self._queue.popleft()
                self._queued.discard(item.report_id)
                try:
                    report = decode_report(item.data)
                except NetsbomError as exc:
                    if item.path is not None:
                        self.spool.quarantine(item.path, str(exc))
                    continue
                if not self._inflight:
                    self._waiting_since = asyncio.get_running_loop().time()
                self._inflight[item.report_id] = item
                yield report
                continue
            if self._closed and not self._inflight:
                return
            self._wake.clear()
            await self._wake.wait()

    def _acknowledge(self, ack: ReportAck) -> bool:
        """Settle the report ``ack`` answers; False when it answers none of ours in flight."""
        item = self._inflight.pop(ack.report_id, None)
        if item is None:
            log.warning("collector acknowledged %r, which is not in flight", ack.report_id[:64])
            return False
        self._waiting_since = asyncio.get_running_loop().time() if self._inflight else None
        if ack.status == ReportAck.STORED:
            self.stats.stored += 1
            self.spool.ack(item)
        elif ack.status == ReportAck.DUPLICATE:
            self.stats.duplicates += 1
            self.spool.ack(item)
        else:
            self.stats.rejected += 1
            self.spool.reject(item, ack.message or "rejected")
        metrics.REPORTS_SENT.labels(ReportAck.Status.Name(ack.status).lower()).inc()
        metrics.SPOOL_DEPTH.set(self.remaining)
        self._wake.set()
        return True

    def unsent(self) -> list[SpooledReport]:
        """What is still queued or in flight (after :meth:`run` returned: what was not sent)."""
        return [*self._inflight.values(), *self._queue]

    def _requeue(self) -> None:
        for item in reversed(list(self._inflight.values())):
            self._queue.appendleft(item)
            self._queued.add(item.report_id)
        self._inflight.clear()
        self._waiting_since = None

    def _channel(self) -> grpc.aio.Channel:
        options = [("grpc.max_send_message_length", 16 * 1024 * 1024)]
        if self.tls is not None:
            return grpc.aio.secure_channel(self.collector, self.tls.credentials(), options=options)
        return grpc.aio.insecure_channel(self.collector, options=options)
