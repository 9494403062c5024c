"""The collector's gRPC server (grpc.aio): authenticated, idempotent, ack-after-commit ingest.

Each stream is read into batches (whatever has arrived, up to ``max_batch``); the batches of all
streams waiting at that moment are committed together in one transaction in a worker thread (group
commit: one fsync for many agents' reports), then each report is acknowledged in order. A report
that breaks the contract (undecodable bytes included) is answered REJECTED and the stream goes on;
a store failure ends the stream with UNAVAILABLE so the agent resends everything unacknowledged.
The store keeps each report's bytes as received (serialized again only when the collector dropped
an invalid identifier from it).
"""

from __future__ import annotations

import asyncio
import functools
import gc
import logging
import math
import operator
import time
from collections import Counter
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

import grpc
from google.protobuf.message import DecodeError
from grpc_health.v1 import health, health_pb2, health_pb2_grpc

from netsbom.collector.auth import AgentAuthenticator
from netsbom.collector.store import Store
from netsbom.collector.store.store import WriteResult
from netsbom.core import metrics
from netsbom.core.errors import ConfigError, ContractError, StoreError
from netsbom.core.identifiers import id_problem
from netsbom.core.net import is_loopback
from netsbom.core.record import collected_at_problem, component_tree_problem
from netsbom.proto.convert import (
    DeviceReport,
    Envelope,
    ReportAck,
    component_links,
    drop_invalid_identifiers,
    envelope,
)

log = logging.getLogger(__name__)

SERVICE_NAME = "netsbom.v1.Collector"
MAX_MESSAGE_BYTES = 16 * 1024 * 1024
_END = object()


@dataclass(frozen=True)
class Limits:
    max_batch: int = 256
    reports_per_second: float = 5000.0  # per agent, across its streams; excess is slowed down
    # (math.inf: no limit; `collector serve --rate-limit`)
    max_components: int = 20_000
    max_software: int = 50_000
    max_neighbors: int = 5_000


@dataclass(frozen=True)
class TlsFiles:
    cert: Path
    key: Path
    client_ca: Path | None = None  # set: require client certificates (mTLS)

    def credentials(self) -> grpc.ServerCredentials:
        try:
            key, cert = self.key.read_bytes(), self.cert.read_bytes()
            ca = self.client_ca.read_bytes() if self.client_ca else None
        except OSError as exc:
            raise ConfigError(f"cannot read TLS file {exc.filename}: {exc.strerror}") from None
        return grpc.ssl_server_credentials(
            [(key, cert)], root_certificates=ca, require_client_auth=ca is not None
        )


@dataclass
class CollectorConfig:
    listen: str = "127.0.0.1:50051"
    tls: TlsFiles | None = None
    auth: AgentAuthenticator | None = None  # None only with allow_no_auth
    allow_plaintext: bool = False  # plaintext on a non-loopback address
    allow_no_auth: bool = False
    limits: Limits = field(default_factory=Limits)

    def check(self) -> None:
        if self.tls is None and not self.allow_plaintext and not is_loopback(self.listen):
            raise ConfigError(
                f"refusing plaintext gRPC on {self.listen}: give --tls-cert/--tls-key,"
                " listen on loopback, or pass --insecure"
            )
        mtls = self.tls is not None and self.tls.client_ca is not None
        if self.auth is None and not mtls and not self.allow_no_auth:
            raise ConfigError(
                "no agent authentication: give --tokens FILE and/or --tls-client-ca"
                " (or --no-auth for a lab)"
            )


class CollectorService:
    """``netsbom.v1.Collector``; its Report method receives each message as bytes (see
    :func:`start_collector`): decoded here, so undecodable ones are REJECTED like any other bad
    report, and the bytes of the good ones are what the store keeps."""

    def __init__(self, store: Store, config: CollectorConfig) -> None:
        self.store = store
        self.config = config
        self._buckets: dict[str | None, _TokenBucket] = {}
        self._writer = _GroupWriter(store)

    async def Report(
        self,
        request_iterator: AsyncIterator[bytes],
        context: grpc.aio.ServicerContext[bytes, ReportAck],
    ) -> AsyncIterator[ReportAck]:
        agent, token = await self._authenticate(context)
        queue: asyncio.Queue[object] = asyncio.Queue(maxsize=self.config.limits.max_batch * 2)
        reader = asyncio.create_task(_read_into(request_iterator, queue))
        try:
            while True:
                batch = await _next_batch(queue, self.config.limits.max_batch)
                if batch is None:
                    break
                if token is not None and self._revoked(token, agent):
                    log.warning("closed a stream of %s: its token was revoked", agent)
                    metrics.REJECTED_CALLS.labels("unauthenticated").inc()
                    await context.abort(grpc.StatusCode.UNAUTHENTICATED, "agent token revoked")
                await self._throttle(agent, len(batch))
                try:
                    acks = await self._ingest(batch, agent)
                except StoreError as exc:  # the agent keeps the batch and resends it
                    log.error("store failed, asking the agent to resend: %s", exc)
                    metrics.REJECTED_CALLS.labels("store").inc()
                    await context.abort(grpc.StatusCode.UNAVAILABLE, f"store unavailable: {exc}")
                for ack in acks:
                    yield ack
            await reader  # surfaces a broken client stream as an error of this call
        finally:
            reader.cancel()

    def _revoked(self, token: str, agent: str | None) -> bool:
        """Whether ``token`` no longer names ``agent`` (the tokens file changed)."""
        return self.config.auth is not None and self.config.auth.agent_for(token) != agent

    async def _authenticate(
        self, context: grpc.aio.ServicerContext[bytes, ReportAck]
    ) -> tuple[str | None, str | None]:
        """The caller's agent id: from its token, its client certificate (mTLS), or both — when
        both are given they must name the same agent. None only when auth is off. With it, the
        token that authenticated (None without one), checked again before each batch."""
        by_cert = (
            _certificate_agent(context) if self.config.tls and self.config.tls.client_ca else None
        )
        if self.config.auth is None:
            return by_cert, None
        token = None
        for key, value in context.invocation_metadata() or ():
            if key == "authorization" and isinstance(value, str) and value.startswith("Bearer "):
                token = value[len("Bearer ") :].strip()
        by_token = self.config.auth.agent_for(token)
        reason = None
        if by_token is None and (token or by_cert is None):
            reason = "missing or invalid agent token"
        elif by_token and by_cert and by_token != by_cert:
            reason = "token and client certificate name different agents"
        if reason is not None:
            log.warning("refused a call from %s: %s", context.peer(), reason)
            metrics.REJECTED_CALLS.labels("unauthenticated").inc()
            await context.abort(grpc.StatusCode.UNAUTHENTICATED, reason)
        return by_token or by_cert, token if by_token else None

    async def _ingest(self, batch: list[bytes], agent: str | None) -> list[ReportAck]:
        acks: list[ReportAck | None] = []
        accepted: list[Envelope] = []
        now = datetime.now(UTC)
        for data in batch:
            report = DeviceReport()
            try:
                item = self._accept(data, report, agent, now)
            except ContractError as exc:
                log.warning("rejected report %s: %s", report.report_id or "<no id>", exc)
                acks.append(
                    ReportAck(
                        report_id=report.report_id, status=ReportAck.REJECTED, message=str(exc)
                    )
                )
                continue
            accepted.append(item)
            acks.append(None)
        with metrics.COMMIT_SECONDS.time():
            result = await self._writer.write(accepted)
        duplicates = set(result.duplicates)
        items = iter(accepted)
        out = []
        counts: Counter[int] = Counter()
        for rejected in acks:
            ack = rejected
            if ack is None:
                report_id = next(items).report_id
                dup = report_id in duplicates
                duplicates.discard(report_id)
                status = ReportAck.DUPLICATE if dup else ReportAck.STORED
                ack = ReportAck(report_id=report_id, status=status)
            out.append(ack)
            counts[ack.status] += 1
        for value, count in counts.items():  # once per status and batch, not per report
            metrics.REPORTS_INGESTED.labels(ReportAck.Status.Name(value).lower()).inc(count)
        return out

    async def _throttle(self, agent: str | None, count: int) -> None:
        if math.isinf(self.config.limits.reports_per_second):
            return
        bucket = self._buckets.get(agent)
        if bucket is None:
            bucket = self._buckets[agent] = _TokenBucket(self.config.limits.reports_per_second)
        delay = bucket.take(count)
        if delay > 0:
            metrics.REJECTED_CALLS.labels("rate_limited").inc()
            await asyncio.sleep(delay)

    def _accept(
        self, data: bytes, report: DeviceReport, agent: str | None, now: datetime
    ) -> Envelope:
        """``data`` decoded into ``report`` and kept as the store keeps it, or ContractError
        (answered REJECTED) when it breaks the contract: not a DeviceReport, bad ids, another
        agent's id, over the limits, a time no clock can have, a component tree that is not a
        tree. Invalid purls/CPEs are dropped, not rejected."""
        try:
            report.ParseFromString(data)
        except DecodeError as exc:
            report.Clear()  # what was decoded before the error is no report id to answer
            raise ContractError(f"not a DeviceReport: {exc}") from None
        limits = self.config.limits
        problem = id_problem(report.report_id, "report_id") or id_problem(
            report.agent_id, "agent_id"
        )
        if problem:
            raise ContractError(problem)
        if agent is not None and report.agent_id != agent:
            raise ContractError(f"agent {agent!r} may not report as {report.agent_id!r}")
        if len(report.components) > limits.max_components:
            raise ContractError(f"too many components ({len(report.components)})")
        if len(report.software) > limits.max_software:
            raise ContractError(f"too many software entries ({len(report.software)})")
        if len(report.neighbors) > limits.max_neighbors:
            raise ContractError(f"too many neighbors ({len(report.neighbors)})")
        tree = _tree_problem(tuple(map(_INDEX_PARENT, report.components)))
        if tree is False:
            tree = component_tree_problem(component_links(report))
        if tree:
            raise ContractError(tree)
        dropped = drop_invalid_identifiers(report)
        if dropped:
            log.warning(
                "report %s: dropped %d invalid purl/CPE identifier(s) (see its provenance)",
                report.report_id,
                dropped,
            )
        item = envelope(report, None if dropped else data)
        problem = collected_at_problem(item.collected_at, now)
        if problem:
            raise ContractError(problem)
        return item


class _GroupWriter:
    """Commits the batches of concurrent streams together: while one transaction runs, the
    batches that arrive wait and go into the next one. Each caller gets the outcome of its own
    reports (a report id sent twice at once is stored for the first and a duplicate for the
    other, as within one batch); a store failure fails every batch of that transaction."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._waiting: list[tuple[Sequence[Envelope], asyncio.Future[WriteResult]]] = []
        self._running = False

    async def write(self, envelopes: Sequence[Envelope]) -> WriteResult:
        future: asyncio.Future[WriteResult] = asyncio.get_running_loop().create_future()
        self._waiting.append((envelopes, future))
        if not self._running:
            self._running = True
            asyncio.create_task(self._drain())  # noqa: RUF006 - it ends when nothing waits
        return await future

    async def _drain(self) -> None:
        try:
            while self._waiting:
                group, self._waiting = self._waiting, []
                combined = [e for envelopes, _ in group for e in envelopes]
                try:
                    result = await asyncio.to_thread(self.store.write_envelopes, combined)
                except Exception as exc:  # StoreError above all: every caller learns it
                    for _, future in group:
                        if not future.done():
                            future.set_exception(exc)
                    continue
                new = set(result.stored)  # the first copy of each, in the combined order
                for envelopes, future in group:
                    first: list[str] = []
                    again: list[str] = []
                    for envelope_ in envelopes:
                        if envelope_.report_id in new:
                            new.discard(envelope_.report_id)
                            first.append(envelope_.report_id)
                        else:
                            again.append(envelope_.report_id)
                    if not future.done():
                        future.set_result(WriteResult(tuple(first), tuple(again)))
        finally:
            self._running = False


# A component's (index, parent), an unset parent read as "" (in C: a third cheaper than asking
# each component whether it has one).
_INDEX_PARENT = operator.attrgetter("index", "parent")


@functools.lru_cache(maxsize=4096)
def _tree_problem(links: tuple[tuple[str, str], ...]) -> str | Literal[False] | None:
    """:func:`component_tree_problem`, once per distinct tree: devices of one model report the
    same (index, parent) pairs, and the check was a quarter of the collector's CPU per report.
    ``links`` read an unset parent as "", which names no component unless one has the index "":
    then False, and the caller checks the report's own links (:func:`component_links`)."""
    if any(index == "" for index, _ in links):
        return False
    return component_tree_problem(links)


def _certificate_agent(context: grpc.aio.ServicerContext[bytes, ReportAck]) -> str | None:
    """The agent id a verified client certificate carries: its subject common name."""
    names = list(context.auth_context().get("x509_common_name") or [])
    return names[0].decode() if names else None


class _TokenBucket:
    """``rate`` reports per second with one second of burst; ``take`` says how long to wait."""

    def __init__(self, rate: float) -> None:
        self.rate = rate
        self.tokens = rate
        self.updated = time.monotonic()

    def take(self, count: int) -> float:
        now = time.monotonic()
        self.tokens = min(self.rate, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        self.tokens -= count
        return 0.0 if self.tokens >= 0 else -self.tokens / self.rate


async def _read_into(requests: AsyncIterator[bytes], queue: asyncio.Queue[object]) -> None:
    try:
        async for report in requests:
            await queue.put(report)
    finally:
        await queue.put(_END)


async def _next_batch(queue: asyncio.Queue[object], limit: int) -> list[bytes] | None:
    item = await queue.get()
    if item is _END:
        return None
    batch = [item]
    while len(batch) < limit and not queue.empty():
        nxt = queue.get_nowait()
        if nxt is _END:
            queue.put_nowait(_END)
            break
        batch.append(nxt)
    return batch  # type: ignore[return-value]


@dataclass
class RunningCollector:
    server: grpc.aio.Server
    health: health.aio.HealthServicer
    port: int

    async def stop(self, grace: float = 5.0) -> None:
        await self.health.enter_graceful_shutdown()
        await self.server.stop(grace)


async def start_collector(store: Store, config: CollectorConfig) -> RunningCollector:
    """Start serving; ``config.listen`` may use port 0 (the bound port is returned)."""
    config.check()
    server = grpc.aio.server(
        options=[
            ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
            ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
            ("grpc.so_reuseport", 0),
        ],
    )
    service = CollectorService(store, config)
    # As the generated add_CollectorServicer_to_server, but reports arrive as bytes.
    report: grpc.RpcMethodHandler[bytes, ReportAck] = grpc.stream_stream_rpc_method_handler(
        service.Report, response_serializer=ReportAck.SerializeToString
    )
    handlers = {"Report": report}
    server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler(SERVICE_NAME, handlers),))
    server.add_registered_method_handlers(SERVICE_NAME, handlers)
    health_servicer = health.aio.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    if config.tls is not None:
        port = server.add_secure_port(config.listen, config.tls.credentials())
    else:
        port = server.add_insecure_port(config.listen)
    if port == 0:
        raise ConfigError(f"cannot listen on {config.listen}")
    await server.start()
    # What exists now (modules, gRPC, SQLAlchemy) lives as long as the server: keep it out of
    # every later garbage collection, which then only scans the reports in flight.
    gc.collect()
    gc.freeze()
    for name in ("", SERVICE_NAME):
        await health_servicer.set(name, health_pb2.HealthCheckResponse.SERVING)
    log.info("collector listening on %s (port %d, tls=%s)", config.listen, port, bool(config.tls))
    return RunningCollector(server, health_servicer, port)
