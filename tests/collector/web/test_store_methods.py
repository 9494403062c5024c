"""The Store methods the console adds: history of a target, saved topology positions, the
newest row id; on SQLite and PostgreSQL (migration 0003)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from netsbom.collector.store import Store, open_store
from tests.conftest import VULN_DATA, make_record

pytestmark = pytest.mark.integration


def test_history_newest_first_and_limited(store_url: str) -> None:
    store = open_store(store_url)
    try:
        assert store.last_id() == 0
        store.write(
            [
                make_record("edge1", collected_at="2026-10-01T00:00:00Z", version="17.9.3"),
                make_record("edge1", collected_at="2026-10-03T00:00:00Z", version="17.12.1"),
                make_record("edge1", collected_at="2026-10-02T00:00:00Z", version="17.9.4a"),
                make_record("edge2", collected_at="2026-10-02T00:00:00Z"),
            ]
        )
        versions = [r.os.version for r in store.history("edge1")]
        assert versions == ["17.12.1", "17.9.4a", "17.9.3"]
        assert [r.os.version for r in store.history("edge1", limit=1)] == ["17.12.1"]
        assert store.history("nobody") == []
        assert store.last_id() >= 4
    finally:
        store.close()


def test_positions_are_saved_per_network_and_replaced(store_url: str) -> None:
    store = open_store(store_url)
    try:
        with store.engine.connect() as connection:  # migrated past 0003 (topology_positions)
            revision = connection.execute(text("select version_num from alembic_version"))
            assert int(revision.scalar() or 0) >= 3
        assert store.topology_positions("lab") == {}
        store.save_topology_positions("lab", {"edge1": (1.0, 2.0), "edge#2": (-3.5, 4)}, "ann")
        store.save_topology_positions("other", {"edge1": (9.0, 9.0)}, "bob")
        assert store.topology_positions("lab") == {"edge1": (1.0, 2.0), "edge#2": (-3.5, 4.0)}
        store.save_topology_positions("lab", {"edge1": (5.0, 6.0)}, "ann")
        assert store.topology_positions("lab") == {"edge1": (5.0, 6.0)}
        assert store.topology_positions("other") == {"edge1": (9.0, 9.0)}
    finally:
        store.close()


def test_warm_up_builds_the_latest_views_and_logs_what_fails(
    history_store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    from netsbom.collector.web.console import Console

    console = Console(history_store, feeds_dir=VULN_DATA)
    console.warm()
    assert set(console._views) == {(network, None) for network in history_store.networks()}
    view = next(iter(console._views.values()))[-1]
    assert "vulnerability_rows" in view.cache and "compliance" not in view.cache  # no policy

    broken = Console(history_store, feeds_dir=VULN_DATA / "no-such-dir")
    broken.warm()  # the feeds cannot load: logged, the console goes on
    assert "console warm-up of" in caplog.text
    assert set(broken._views) == set(console._views)


def test_a_slow_view_is_refreshed_in_the_background(history_store: Store) -> None:
    """New observations: a view that built fast is rebuilt before the answer; one that built
    slowly answers from the previous build while a thread rebuilds it."""
    import time

    from netsbom.collector.web.console import Console

    def devices(console: Console) -> set[str]:
        return {r.target.id for r in console.view("lab").config.records}

    def observe(name: str) -> None:
        history_store.write([make_record(name, network="lab")])

    fast = Console(history_store, max_age=0)
    before = devices(fast)
    observe("new-fast")
    assert devices(fast) == before | {"new-fast"}  # rebuilt at once

    slow = Console(history_store, max_age=0, background_after=0.0)
    before = devices(slow)
    observe("new-slow")
    assert devices(slow) == before  # the previous build answers...
    deadline = time.monotonic() + 30
    while "new-slow" not in devices(slow) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert devices(slow) == before | {"new-slow"}  # ...until the thread's build replaces it
