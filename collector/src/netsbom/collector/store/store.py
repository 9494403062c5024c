"""Store and read observations. SQLAlchemy Core; one Store per process, thread-safe.

Writes are idempotent by ``report_id`` (INSERT .. ON CONFLICT DO NOTHING), so a resent report is
stored once whichever collector replica receives it. SQLite runs in WAL mode with full sync so an
acknowledged report survives a crash.
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, Connection, Engine, create_engine, event, func, select
from sqlalchemy import text as sql_text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from netsbom.collector.store.schema import observations, topology_positions
from netsbom.core.errors import NetsbomError, StoreError
from netsbom.core.perf import gc_paused
from netsbom.core.record import (
    EARLIEST_OBSERVATION,
    MAX_CLOCK_AHEAD,
    DeviceRecord,
    parse_time,
    record_from_dict,
)
from netsbom.proto.convert import (
    Envelope,
    SharedComponents,
    envelope_of,
    record_from_payload,
)

log = logging.getLogger(__name__)
_MIGRATIONS = resources.files("netsbom.collector.store") / "migrations"

# The latest migration's revision (read commands compare the store's with it; a test checks it
# is Alembic's head of migrations/).
SCHEMA_HEAD = "0004"

# pg_advisory_xact_lock key held while migrating: int.from_bytes(b"netsbom!") % 2**63.
MIGRATION_LOCK = int.from_bytes(b"netsbom!", "big") % 2**63


@dataclass(frozen=True, slots=True)
class StoredObservation:
    record: DeviceRecord
    received_at: datetime


@dataclass(frozen=True, slots=True)
class WriteResult:
    stored: tuple[str, ...]  # report ids written now
    duplicates: tuple[str, ...]  # report ids that were already there


class Store:
    def __init__(self, engine: Engine, omit: frozenset[str] = frozenset()) -> None:
        self.engine = engine
        self.omit = omit  # what this reader never looks at (convert.OMITTABLE: left out)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def migrate(self) -> None:
        """Bring the schema to the latest Alembic revision.

        On PostgreSQL the upgrade holds a transaction-level advisory lock, so collector replicas
        starting together migrate one after the other (the later ones find nothing to do)."""
        from alembic import command
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(_MIGRATIONS))
        try:
            with self.engine.begin() as connection:
                config.attributes["connection"] = connection
                if self.dialect == "postgresql":
                    connection.execute(
                        sql_text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK}
                    )
                command.upgrade(config, "head")
        except SQLAlchemyError as exc:
            raise StoreError(f"migration failed: {_reason(exc)}") from None

    def write(
        self, records: Sequence[DeviceRecord], received_at: datetime | None = None
    ) -> WriteResult:
        """Commit a batch of records (see :meth:`write_envelopes`)."""
        return self.write_envelopes([envelope_of(r) for r in records], received_at)

    def write_envelopes(
        self, envelopes: Sequence[Envelope], received_at: datetime | None = None
    ) -> WriteResult:
        """Commit a batch; returns which report ids were new. Raises StoreError on failure."""
        if not envelopes:
            return WriteResult((), ())
        received = received_at or datetime.now(UTC)
        unique: dict[str, Envelope] = {}
        for item in envelopes:
            unique.setdefault(item.report_id, item)
        try:
            if self.dialect == "sqlite":
                stored = self._insert_sqlite(list(unique.values()), received)
            elif self.dialect == "postgresql":
                stored = self._insert_postgresql(list(unique.values()), received)
            else:
                raise StoreError(f"unsupported database: {self.dialect} (use sqlite or postgresql)")
        except (SQLAlchemyError, sqlite3.Error) as exc:
            raise StoreError(f"could not store reports: {_reason(exc)}") from None
        first: list[str] = []
        again: list[str] = []
        for item in envelopes:  # within one batch, only a report id's first copy counts as stored
            if item.report_id in stored:
                stored.discard(item.report_id)
                first.append(item.report_id)
            else:
                again.append(item.report_id)
        return WriteResult(stored=tuple(first), duplicates=tuple(again))

    def _insert_sqlite(self, envelopes: list[Envelope], received: datetime) -> set[str]:
        """SQLite, through the driver: one executemany of INSERT .. ON CONFLICT DO NOTHING in a
        write-locked transaction; its row count says whether every row was new, and when some
        were not, the new ones are those past the largest row id the transaction began with.
        Values are converted by the columns' own SQLAlchemy types (the bytes SQLAlchemy would
        store). SQLAlchemy's executemany with RETURNING cost ~30 us per report, a third of the
        collector's ingest CPU; a statement per row ~10 us."""
        sql, convert = _sqlite_insert(self.engine.dialect)
        rows = _sqlite_rows(envelopes, received, convert)
        with self.engine.begin() as connection:
            cursor = connection.connection.cursor()
            try:
                cursor.execute("BEGIN IMMEDIATE")  # the driver's implicit BEGIN is deferred
                before = cursor.execute("SELECT max(id) FROM observations").fetchone()[0] or 0
                cursor.executemany(sql, rows)
                if cursor.rowcount == len(rows):
                    return {item.report_id for item in envelopes}
                new = cursor.execute("SELECT report_id FROM observations WHERE id > ?", (before,))
                return {report_id for (report_id,) in new}
            finally:
                cursor.close()

    def _insert_postgresql(self, envelopes: list[Envelope], received: datetime) -> set[str]:
        """PostgreSQL, through psycopg: the batch as one array per column (binary parameters)
        into one INSERT .. SELECT FROM unnest .. ON CONFLICT DO NOTHING RETURNING report_id
        (which returns only the rows it wrote). One statement and one round trip per batch;
        SQLAlchemy's executemany cost ~90 us per report."""
        import psycopg

        dumps = _json_serializer(self.engine.dialect)
        labels: dict[tuple[tuple[str, str], ...], str] = {}
        columns: list[list[Any]] = [[] for _ in _PG_ARRAYS]
        for item in envelopes:
            values = _values(item)
            key = tuple(item.labels.items())
            text = labels.get(key)
            if text is None:
                text = labels[key] = dumps(_labels(item.labels))
            for column, value in zip(columns, (*values, text, item.payload), strict=True):
                column.append(value)
        try:
            with self.engine.begin() as connection:
                cursor = connection.connection.cursor()
                try:
                    cursor.execute(_pg_insert(), [received, *columns])  # in the order of the SQL
                    return {report_id for (report_id,) in cursor.fetchall()}
                finally:
                    cursor.close()
        except psycopg.Error as exc:
            raise StoreError(f"could not store reports: {_reason(exc)}") from None

    def count(self) -> int:
        with self._reading() as connection:
            return int(connection.scalar(select(func.count()).select_from(observations)) or 0)

    def networks(self) -> list[str]:
        with self._reading() as connection:
            rows = connection.scalars(
                select(observations.c.network).where(observations.c.network.is_not(None)).distinct()
            )
            return sorted(r for r in rows if r)

    def first_observation(self, network: str | None = None) -> datetime | None:
        query = select(func.min(observations.c.collected_at)).where(_plausible())
        if network is not None:
            query = query.where(observations.c.network == network)
        with self._reading() as connection:
            value = connection.scalar(query)
        return _aware(value) if value is not None else None

    def latest(self, *, network: str | None, at: datetime | None = None) -> list[DeviceRecord]:
        """Each target's latest observation at or before ``at`` (default: now) in ``network``.

        Rows no collector accepts today (dated before 2000 or more than a day ahead, stored by
        an older version) and rows that do not decode are skipped with a warning: one bad row
        never hides the rest of a network."""
        o = observations
        newest = select(
            o.c.agent_id,
            o.c.target_id,
            func.max(o.c.collected_at).label("collected_at"),
        ).group_by(o.c.agent_id, o.c.target_id)
        implausible = select(func.count()).select_from(o).where(~_plausible())
        if network is not None:
            newest = newest.where(o.c.network == network)
            implausible = implausible.where(o.c.network == network)
        newest = newest.where(_plausible())
        if at is not None:
            newest = newest.where(o.c.collected_at <= at)
        latest = newest.subquery()
        query = (
            select(o.c.payload, o.c.record, o.c.id, o.c.report_id)
            .join(
                latest,
                (o.c.agent_id == latest.c.agent_id)
                & (o.c.target_id == latest.c.target_id)
                & (o.c.collected_at == latest.c.collected_at),
            )
            .order_by(o.c.agent_id, o.c.target_id, o.c.id)
        )
        with self._reading() as connection:
            rows = connection.execute(query).all()
            skipped = int(connection.scalar(implausible) or 0)
        if skipped:
            log.warning(
                "skipped %d stored observation(s) dated before %d or ahead of the clock",
                skipped,
                EARLIEST_OBSERVATION.year,
            )
        by_target: dict[tuple[str, str], DeviceRecord] = {}
        shared: SharedComponents = {}
        with gc_paused():  # hundreds of thousands of acyclic objects: no collection passes
            for payload, text, _, report_id in rows:  # two in one second: the last received wins
                record = _readable(payload, text, report_id, self.omit, shared)
                if record is not None:
                    by_target[(record.agent_id, record.target.id)] = record
        return [by_target[k] for k in sorted(by_target)]

    def observations(self, report_ids: Iterable[str] | None = None) -> list[StoredObservation]:
        """Stored observations in arrival order; rows that do not decode are skipped (warned)."""
        query = select(
            observations.c.payload,
            observations.c.record,
            observations.c.received_at,
            observations.c.report_id,
        ).order_by(observations.c.id)
        if report_ids is not None:
            query = query.where(observations.c.report_id.in_(list(report_ids)))
        with self._reading() as connection:
            rows = connection.execute(query).all()
        out = []
        shared: SharedComponents = {}
        for payload, text, received, report_id in rows:
            record = _readable(payload, text, report_id, self.omit, shared)
            if record is not None:
                out.append(StoredObservation(record, _aware(received)))
        return out

    def last_id(self) -> int:
        """The newest observation's row id (0 when empty): a cheap "has anything arrived" stamp."""
        with self._reading() as connection:
            return int(connection.scalar(select(func.max(observations.c.id))) or 0)

    def history(self, target_id: str, *, limit: int = 50) -> list[DeviceRecord]:
        """The newest ``limit`` observations of one target (any agent), newest first; rows
        that do not decode are skipped (warned)."""
        o = observations
        query = (
            select(o.c.payload, o.c.record, o.c.report_id)
            .where((o.c.target_id == target_id) & _plausible())
            .order_by(o.c.collected_at.desc(), o.c.id.desc())
            .limit(limit)
        )
        with self._reading() as connection:
            rows = connection.execute(query).all()
        return [r for r in (_readable(p, t, i) for p, t, i in rows) if r is not None]

    def topology_positions(self, network: str) -> dict[str, tuple[float, float]]:
        """Where an admin placed the nodes of ``network``'s topology picture (node id -> x, y)."""
        t = topology_positions
        query = select(t.c.node, t.c.x, t.c.y).where(t.c.network == network)
        with self._reading() as connection:
            return {node: (float(x), float(y)) for node, x, y in connection.execute(query)}

    def save_topology_positions(
        self, network: str, positions: Mapping[str, tuple[float, float]], saved_by: str
    ) -> None:
        """Replace the saved positions of ``network`` with ``positions`` (one transaction)."""
        t = topology_positions
        now = datetime.now(UTC)
        rows = [
            {"network": network, "node": node, "x": x, "y": y, "saved_at": now,
             "saved_by": saved_by[:255]}
            for node, (x, y) in sorted(positions.items())
        ]  # fmt: skip
        try:
            with self.engine.begin() as connection:
                connection.execute(t.delete().where(t.c.network == network))
                if rows:
                    connection.execute(t.insert(), rows)
        except SQLAlchemyError as exc:
            raise StoreError(f"could not save topology positions: {_reason(exc)}") from None

    @contextlib.contextmanager
    def _reading(self) -> Iterator[Connection]:
        """A connection for reading; a database failure becomes one StoreError line."""
        try:
            with self.engine.connect() as connection:
                yield connection
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot read the store: {_reason(exc)}") from None

    def check_schema(self) -> None:
        """StoreError unless the schema is at the latest revision (read-only stores are never
        migrated: an old or foreign database is named, not changed)."""
        head = SCHEMA_HEAD
        with self._reading() as connection:
            current = _stored_revision(connection)
        if current is None:
            raise StoreError("not a netsbom store (no schema): check --db")
        if current != head:
            raise StoreError(
                f"the store's schema is at revision {current}, this netsbom reads {head}:"
                " run `netsbom collector migrate`"
            )

    def close(self) -> None:
        self.engine.dispose()


def _stored_revision(connection: Connection) -> str | None:
    """Alembic's revision of the store (its ``alembic_version`` row), without loading Alembic:
    a read command starts ~0.1 s faster."""
    from sqlalchemy import inspect

    if not inspect(connection).has_table("alembic_version"):
        return None
    revision = connection.scalar(sql_text("SELECT version_num FROM alembic_version"))
    return None if revision is None else str(revision)


def open_store(
    url: str, *, migrate: bool = True, read_only: bool = False, omit: frozenset[str] = frozenset()
) -> Store:
    """Open ``sqlite:///PATH`` or ``postgresql+psycopg://...``; migrate unless told not to.

    ``read_only`` (the read commands): never creates, migrates or writes anything; a SQLite file
    that does not exist, an unreachable server or a schema that is not the latest is a
    StoreError naming the store. ``omit``: what of the records (of
    ``netsbom.proto.convert.OMITTABLE``) the reader never looks at, left out when decoded."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise StoreError(f"not a database URL: {_redact(url)}") from None
    kwargs: dict[str, Any] = {}
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        kwargs["connect_args"] = {"timeout": 30}
        if read_only:
            path = Path(parsed.database or "")
            if not parsed.database or parsed.database == ":memory:" or not path.is_file():
                raise StoreError(
                    f"no store at {_redact(url)}: the file does not exist"
                    " (read commands never create one; check --db)"
                )
            kwargs["creator"] = functools.partial(_sqlite_read_only, path)
    elif backend == "postgresql":
        connect_args: dict[str, Any] = {}
        if "connect_timeout" not in parsed.query:
            connect_args["connect_timeout"] = 10
        if read_only:
            connect_args["options"] = "-c default_transaction_read_only=on"
        kwargs["connect_args"] = connect_args
    try:
        engine = create_engine(parsed, **kwargs)
    except (ArgumentError, ImportError) as exc:
        raise StoreError(f"cannot open {_redact(url)}: {exc}") from None
    if engine.dialect.name == "sqlite" and not read_only:
        event.listen(engine, "connect", _sqlite_pragmas)
    store = Store(engine, omit)
    try:
        if read_only:
            store.check_schema()
        elif migrate:
            store.migrate()
    except StoreError as exc:
        store.close()
        raise StoreError(f"{_redact(url)}: {exc}") from None
    return store


def _sqlite_read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(
        f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=30, check_same_thread=False
    )


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    # A report is ~3 KB: with SQLite's default 4 KB pages each row fills a page of its own, and
    # ingest wrote twice the pages (~40 % more CPU per report). Only a new, empty database takes
    # the page size (an existing one keeps its own; `VACUUM` outside WAL mode would change it).
    cursor.execute("PRAGMA page_size=16384")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


# The observation columns a write fills, in order (``id`` is the database's, ``record`` only
# for rows of revision 0001). ``_values`` gives the first ones; then come received_at, labels
# and payload, which each backend converts its own way.
_COLUMNS = (
    "report_id", "agent_id", "target_id", "network", "hostname", "vendor", "model", "serial",
    "os_family", "os_version", "complete", "collected_at",
)  # fmt: skip
_WRITTEN = (*_COLUMNS, "received_at", "labels", "payload")


def _values(item: Envelope) -> tuple[Any, ...]:
    """The query columns of a report (``_COLUMNS``). They are cut to their width and NUL-free
    (PostgreSQL text cannot hold NUL); the payload keeps everything."""
    return (
        item.report_id,
        _column(item.agent_id, 255),
        _column(item.target_id, 255),
        _column(item.network, 255),
        _column(item.hostname, 255),
        _column(item.vendor, 255),
        _column(item.model, 255),
        _column(item.serial, 255),
        _column(item.os_family, 64),
        _column(item.os_version, 255),
        item.complete,
        item.collected_at,
    )


def _labels(labels: Mapping[str, str]) -> dict[str, str]:
    return {_column(k, 255): _column(v, 1024) for k, v in sorted(labels.items())}


def _row(item: Envelope, received_at: datetime) -> dict[str, Any]:
    """The row of a report as SQLAlchemy would insert it (what the fast paths must equal)."""
    values = (*_values(item), received_at, _labels(item.labels), item.payload)
    return dict(zip(_WRITTEN, values, strict=True))


@functools.cache
def _sqlite_insert(dialect: Any) -> tuple[str, dict[str, Any]]:
    """The driver-level INSERT of an observation row and the columns' bind conversions."""
    names = ", ".join(_WRITTEN)
    marks = ", ".join("?" for _ in _WRITTEN)
    head = f"INSERT INTO observations ({names}) VALUES ({marks})"  # noqa: S608 - schema names
    convert = {
        name: observations.c[name].type.dialect_impl(dialect).bind_processor(dialect)
        for name in _WRITTEN
    }
    if any(convert[name] is not None for name in _COLUMNS[:10]):  # strings, stored as given
        raise StoreError("SQLite string columns with a bind conversion: update _sqlite_rows")
    return head + " ON CONFLICT (report_id) DO NOTHING", convert


def _sqlite_rows(
    envelopes: Sequence[Envelope], received: datetime, convert: Mapping[str, Any]
) -> list[tuple[Any, ...]]:
    """The SQLite rows of a batch. Only the booleans, times, labels and payload have bind
    conversions; the time of receipt is converted once, times and label sets once per distinct
    value (a poll round reports many devices in the same second, a site's devices share labels)."""
    boolean, moment = convert["complete"], convert["collected_at"]
    to_json, binary = convert["labels"], convert["payload"]
    received_text = convert["received_at"](received)
    times: dict[datetime, str] = {}
    labels: dict[tuple[tuple[str, str], ...], str] = {}
    rows = []
    for item in envelopes:
        values = _values(item)
        collected = times.get(item.collected_at)
        if collected is None:
            collected = times[item.collected_at] = moment(item.collected_at)
        key = tuple(item.labels.items())
        text = labels.get(key)
        if text is None:
            text = labels[key] = to_json(_labels(item.labels))
        rows.append(
            (*values[:10], boolean(item.complete), collected, received_text, text,
             binary(item.payload))
        )  # fmt: skip
    return rows


@functools.cache
def _pg_insert() -> str:
    """PostgreSQL: the rows of a batch as arrays, one per column, turned into rows by unnest."""
    arrays = ", ".join(f"%b::{cast}" for cast in _PG_ARRAYS)
    names = ", ".join(c for c in _WRITTEN if c != "received_at")
    selected = ", ".join("%b::timestamptz" if c == "received_at" else f"u.{c}" for c in _WRITTEN)
    return (
        f"INSERT INTO observations ({', '.join(_WRITTEN)})"  # noqa: S608 - schema names
        f" SELECT {selected} FROM unnest({arrays}) AS u({names})"
        " ON CONFLICT (report_id) DO NOTHING RETURNING report_id"
    )


# The cast of each array of ``_pg_insert`` (``_WRITTEN`` without received_at); the labels arrive
# as JSON text, as SQLAlchemy sends them (with its cast ``::JSON``).
_PG_ARRAYS = (*["varchar[]"] * 10, "boolean[]", "timestamptz[]", "text[]::json[]", "bytea[]")


@functools.cache
def _json_serializer(dialect: Any) -> Any:
    """The JSON encoder SQLAlchemy's JSON type uses on this engine (json.dumps unless set)."""
    return getattr(dialect, "_json_serializer", None) or json.dumps


def _record(
    payload: bytes | None,
    text: str | None,
    omit: frozenset[str] = frozenset(),
    shared: SharedComponents | None = None,
) -> DeviceRecord:
    """A stored row's record: its payload, or the JSON of rows written by revision 0001."""
    if payload is not None:
        return record_from_payload(payload, omit, shared)
    if text is None:
        raise StoreError("an observation without payload or record")
    return record_from_dict(json.loads(text))


def _readable(
    payload: bytes | None,
    text: str | None,
    report_id: str,
    omit: frozenset[str] = frozenset(),
    shared: SharedComponents | None = None,
) -> DeviceRecord | None:
    """:func:`_record`, or None (with a warning) for a row that cannot be read back."""
    try:
        record = _record(payload, text, omit, shared)
        parse_time(record.collected_at)
    except (NetsbomError, ValueError, KeyError, TypeError, AttributeError) as exc:
        log.warning("skipped stored observation %s: unreadable (%s)", report_id, exc)
        return None
    return record


def _plausible() -> ColumnElement[bool]:
    """Observation times a collector accepts (:func:`netsbom.core.record.collected_at_problem`)."""
    moment = observations.c.collected_at
    return (moment >= EARLIEST_OBSERVATION) & (moment <= datetime.now(UTC) + MAX_CLOCK_AHEAD)


def _column(value: str | None, width: int) -> Any:
    return None if value is None else value.replace("\x00", "")[:width]


def _aware(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _redact(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<unparseable URL>"


def _reason(exc: Exception) -> str:
    """The driver's message without SQL parameters (which may hold record content)."""
    if not isinstance(exc, SQLAlchemyError):  # a driver's own (sqlite3, psycopg): first line,
        return str(exc).splitlines()[0] if str(exc) else type(exc).__name__  # no parameters
    orig = getattr(exc, "orig", None)
    return str(orig).splitlines()[0] if orig is not None else type(exc).__name__
