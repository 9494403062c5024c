from __future__ import annotations

from datetime import UTC, datetime

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import text

from netsbom.collector.store import open_store
from netsbom.collector.store.store import _MIGRATIONS
from netsbom.core.errors import StoreError
from tests.conftest import make_record


def test_resent_report_is_stored_once(store_url: str) -> None:
    store = open_store(store_url)
    record = make_record()
    assert store.write([record]).stored == (record.report_id,)
    again = store.write([record, record])
    assert again.stored == ()
    assert again.duplicates == (record.report_id, record.report_id)
    assert store.count() == 1
    store.close()


def test_latest_at_picks_each_devices_newest_observation_before_t(store_url: str) -> None:
    store = open_store(store_url)
    store.write(
        [
            make_record("edge1", collected_at="2026-10-01T00:00:00Z", version="17.9.3"),
            make_record("edge1", collected_at="2026-10-08T00:00:00Z", version="17.9.4a"),
            make_record("edge2", collected_at="2026-10-02T00:00:00Z"),
            make_record("other", collected_at="2026-10-02T00:00:00Z", network="elsewhere"),
        ]
    )
    at = datetime(2026, 10, 5, tzinfo=UTC)
    versions = {r.name: r.os.version for r in store.latest(network="lab", at=at)}
    assert versions == {"edge1": "17.9.3", "edge2": "17.9.4a"}
    now = {r.name: r.os.version for r in store.latest(network="lab")}
    assert now == {"edge1": "17.9.4a", "edge2": "17.9.4a"}
    assert store.networks() == ["elsewhere", "lab"]
    assert store.latest(network="lab", at=datetime(2026, 9, 1, tzinfo=UTC)) == []
    store.close()


def test_observations_are_append_only_rows(store_url: str) -> None:
    store = open_store(store_url)
    store.write(
        [
            make_record(collected_at="2026-10-01T00:00:00Z"),
            make_record(collected_at="2026-10-02T00:00:00Z"),
        ]
    )
    with store.engine.connect() as connection:
        assert connection.execute(text("select count(*) from observations")).scalar() == 2
    assert [o.record.collected_at for o in store.observations()] == [
        "2026-10-01T00:00:00Z",
        "2026-10-02T00:00:00Z",
    ]
    store.close()


def test_migrations_are_idempotent(store_url: str) -> None:
    open_store(store_url).close()
    store = open_store(store_url)
    head = ScriptDirectory(str(_MIGRATIONS)).get_current_head()
    assert head is not None
    with store.engine.connect() as connection:
        assert connection.execute(text("select version_num from alembic_version")).scalar() == head
    store.close()


def test_sqlite_runs_in_wal_mode(tmp_path) -> None:  # type: ignore[no-untyped-def]
    store = open_store(f"sqlite:///{tmp_path / 'wal.db'}")
    with store.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    store.close()


def test_bad_urls_are_clear_errors_without_passwords() -> None:
    with pytest.raises(StoreError) as caught:
        open_store("nosuchdb://user:hunter2@host/db")
    assert "hunter2" not in str(caught.value)


def test_hostile_strings_are_stored_intact_in_the_record(store_url: str) -> None:
    store = open_store(store_url)
    nasty = "r\x00" + "x" * 400
    record = make_record(nasty)
    assert store.write([record]).stored == (record.report_id,)
    (back,) = store.latest(network="lab")
    assert back.hostname == nasty  # the JSON record keeps the bytes; only query columns are cut
    store.close()


def test_rows_no_collector_accepts_today_never_break_reading(
    store_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Rows an older collector stored (year 1, year 9999, an undecodable payload) are skipped
    with a warning; every other device and the fresh poll of the same device stay visible."""
    from netsbom.collector.export import configuration_at, render_sbom

    store = open_store(store_url)
    store.write(
        [
            make_record("edge1", collected_at="0001-01-01T00:00:00Z"),
            make_record("edge1", collected_at="9999-12-31T23:59:59Z"),
            make_record("edge1", collected_at="2026-11-20T10:00:00Z", version="17.12.1"),
            make_record("core1", collected_at="2026-11-20T10:00:00Z"),
        ]
    )
    garbage = make_record("edge2", collected_at="2026-11-20T10:00:00Z")
    store.write([garbage])
    with store.engine.begin() as connection:
        connection.execute(
            text("UPDATE observations SET payload = :junk WHERE report_id = :id"),
            {"junk": b"\xff\xff\xff not a report", "id": garbage.report_id},
        )
    with caplog.at_level("WARNING"):
        latest = store.latest(network="lab")
        observed = store.observations()
    assert {(r.target.id, r.os.version) for r in latest} == {
        ("edge1", "17.12.1"),
        ("core1", "17.9.4a"),
    }
    assert len(observed) == 3  # year 1 and the undecodable row cannot be read back
    assert "dated before 2000 or ahead of the clock" in caplog.text
    assert f"skipped stored observation {garbage.report_id}" in caplog.text
    for fmt in ("cyclonedx-json", "cyclonedx-xml", "spdx-json", "spdx3-jsonld"):
        config = configuration_at(store, network="lab", at=None)
        assert render_sbom(config, fmt)
    assert store.first_observation("lab") == datetime(2026, 11, 20, 10, tzinfo=UTC)
    store.close()


def test_read_only_opening_creates_nothing_and_names_the_problem(tmp_path) -> None:  # type: ignore[no-untyped-def]
    missing = tmp_path / "typo.db"
    with pytest.raises(StoreError, match="does not exist"):
        open_store(f"sqlite:///{missing}", read_only=True)
    assert not missing.exists()

    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    with pytest.raises(StoreError, match="not a netsbom store"):
        open_store(f"sqlite:///{empty}", read_only=True)

    store = open_store(f"sqlite:///{tmp_path / 'ok.db'}")
    store.write([make_record()])
    store.close()
    reader = open_store(f"sqlite:///{tmp_path / 'ok.db'}", read_only=True)
    assert reader.count() == 1
    with pytest.raises(StoreError):
        reader.write([make_record()])
    reader.close()


def test_an_unreachable_postgresql_is_one_line() -> None:
    for read_only in (True, False):
        with pytest.raises(StoreError) as caught:
            open_store(
                "postgresql+psycopg://postgres:hunter2@127.0.0.1:1/netsbom", read_only=read_only
            )
        message = str(caught.value)
        assert "\n" not in message and "hunter2" not in message
        assert "127.0.0.1" in message


def test_read_commands_know_the_latest_migration(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """SCHEMA_HEAD (read commands check it without loading Alembic) is Alembic's head; a store
    at an older revision is named, not read."""
    from alembic.script import ScriptDirectory

    from netsbom.collector.store.store import _MIGRATIONS, SCHEMA_HEAD

    assert ScriptDirectory(str(_MIGRATIONS)).get_current_head() == SCHEMA_HEAD
    path = tmp_path / "old.db"
    open_store(f"sqlite:///{path}").close()
    with open_store(f"sqlite:///{path}").engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    with pytest.raises(StoreError, match="revision 0001"):
        open_store(f"sqlite:///{path}", read_only=True)


def test_rows_are_the_values_sqlalchemy_writes(store_url: str) -> None:
    """Ingest goes through the driver (SQLite: one executemany; PostgreSQL: one INSERT from
    unnest'ed arrays): every column is stored with the same value (SQLite: and storage class)
    as SQLAlchemy's own insert of the row, NUL-stripped and cut columns and labels included."""
    from sqlalchemy import create_engine

    from netsbom.collector.store.schema import observations
    from netsbom.collector.store.store import _row
    from netsbom.proto.convert import envelope_of

    record = make_record("rowcheck \u2603\x00" + "x" * 300, network="Zürich", complete=False)
    received = datetime(2026, 11, 20, 10, 0, 1, 250_000, tzinfo=UTC)
    fast = open_store(store_url)
    assert fast.write_envelopes([envelope_of(record)], received).stored == (record.report_id,)
    fast.close()
    plain = create_engine(store_url)
    names = [c.name for c in observations.columns if c.name != "id"]
    sqlite = plain.dialect.name == "sqlite"
    shown = ", ".join(
        f"{n}, typeof({n})" if sqlite else f"{n}::text" for n in names
    )  # the stored text itself, not the driver's reading of it
    query = text(f"SELECT {shown} FROM observations ORDER BY id")
    with plain.begin() as connection:
        copy = dict(_row(envelope_of(record), received), report_id="sqlalchemy-copy")
        connection.execute(observations.insert(), [copy])
        fast_row, plain_row = (list(row) for row in connection.execute(query))
    plain.dispose()
    assert fast_row[0] == record.report_id and plain_row[0] == "sqlalchemy-copy"
    assert fast_row[1:] == plain_row[1:]
    labels = fast_row[names.index("labels") * (2 if sqlite else 1)]
    assert labels == '{"network": "Z\\u00fcrich", "site": "par1"}'  # json.dumps, as SQLAlchemy


def test_a_batch_of_new_and_stored_reports_says_which_is_which(store_url: str) -> None:
    """A batch mixing reports already stored (by an earlier batch) with new ones and a report
    twice: only the first copy of each new report is stored."""
    store = open_store(store_url)
    records = [make_record(f"edge{n}") for n in range(6)]
    assert store.write(records[::2]).stored == tuple(r.report_id for r in records[::2])
    batch = [records[1], records[0], records[3], records[3], records[2], records[5]]
    result = store.write(batch)
    assert result.stored == tuple(r.report_id for r in (records[1], records[3], records[5]))
    assert result.duplicates == tuple(r.report_id for r in (records[0], records[3], records[2]))
    assert store.count() == 6
    assert sorted(r.report_id for r in store.latest(network="lab")) == sorted(
        r.report_id for r in records
    )
    store.close()


def test_the_topology_reader_leaves_out_only_what_changes_nothing(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Read with ``OMITTABLE`` (as `netsbom topology` does), a store gives the same topology
    bytes as read whole: here one device seen over SNMP (more components, one port) and SSH (two
    ports) is merged with the SNMP view's components, so a neighbour naming the second port is
    flagged; keeping only ports (without the placeholders that keep the count) would not."""
    import dataclasses

    from netsbom.collector.export import configuration_at
    from netsbom.core.record import Component, Neighbor
    from netsbom.proto.convert import OMITTABLE, OMITTED_COMPONENT
    from netsbom.topology.graph import render_topology_json

    def port(index: str, name: str) -> Component:
        return Component(index, "1", "port", name)

    snmp = dataclasses.replace(
        make_record("edge1"),
        components=(
            Component("1", None, "chassis"), Component("2", "1", "module"),
            Component("3", "1", "fan"), port("10", "GigabitEthernet1/0/1"),
        ),
    )  # fmt: skip
    ssh = dataclasses.replace(
        make_record("edge1"),
        target=dataclasses.replace(snmp.target, id="edge1-ssh", transport="ssh", port=22),
        components=(Component("1", None, "chassis"), port("10", "Gi1/0/1"), port("11", "Gi1/0/2")),
    )
    seen = Neighbor("lldp", "Gi1/0/48", remote_name="edge1", remote_port="Gi1/0/2")
    edge2 = dataclasses.replace(
        make_record("edge2", neighbors=(seen,)), serial="FOC9", chassis_id="00:1b:54:aa:02:02"
    )
    url = f"sqlite:///{tmp_path / 'omit.db'}"
    open_store(url).write([snmp, ssh, edge2])
    whole, light = open_store(url, read_only=True), open_store(url, read_only=True, omit=OMITTABLE)
    config = configuration_at(light, network="lab", at=None)
    assert render_topology_json(config) == render_topology_json(
        configuration_at(whole, network="lab", at=None)
    )
    assert "unknown-port" in {f.kind for f in config.flags}
    (merged,) = [r for r in config.records if r.name == "edge1"]
    assert merged.components.count(OMITTED_COMPONENT) == 3 and merged.software == ()
