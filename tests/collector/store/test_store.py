from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from netsbom.collector.store import open_store
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
    with store.engine.connect() as connection:
        assert (
            connection.execute(text("select version_num from alembic_version")).scalar() == "0002"
        )
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
