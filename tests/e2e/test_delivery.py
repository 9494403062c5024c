"""Store and forward with the real lab, agent and collector: a collector outage during a run and an
agent restart lose nothing and store nothing twice."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from netsbom.agent.credentials import Secret
from netsbom.agent.inventory import Inventory, load_inventory
from netsbom.agent.publish import Publisher
from netsbom.agent.run import run_once
from netsbom.agent.spool import Spool
from netsbom.collector.auth import add_agent, load_tokens
from netsbom.collector.server import CollectorConfig, start_collector
from netsbom.collector.store import Store, open_store
from netsbom.lab.definition import default_definition_path, load_lab
from netsbom.lab.runner import Lab

pytestmark = pytest.mark.integration

COPIES = 3  # each lab device polled under this many target names: 9 x 3 = 27 targets per run


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    with Lab(load_lab(default_definition_path()), tmp_path_factory.mktemp("lab")) as running:
        yield running


def _many_targets(lab: Lab, directory: Path) -> Inventory:
    path = lab.write_inventory(directory / "inventory.yaml")
    raw = yaml.safe_load(path.read_text())
    raw["concurrency"] = 8
    raw["targets"] = [
        {**target, "name": f"{target['name']}-{copy}"}
        for target in raw["targets"]
        for copy in range(COPIES)
    ]
    path.write_text(yaml.safe_dump(raw))
    return load_inventory(path)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _stored_ids(store: Store) -> list[str]:
    return [o.record.report_id for o in store.observations()]


async def test_collector_outage_during_a_run(lab: Lab, tmp_path: Path) -> None:
    inventory = _many_targets(lab, tmp_path)
    token = add_agent(tmp_path / "tokens.yaml", inventory.agent_id)
    store = open_store(f"sqlite:///{tmp_path / 'c.db'}")
    port = _free_port()
    spool = Spool(tmp_path / "spool")
    publisher = Publisher(f"127.0.0.1:{port}", spool, token=Secret("t", token), backoff=(0.05, 0.3))
    run = asyncio.create_task(run_once(inventory, publisher, spool, give_up_after=30))
    await asyncio.sleep(1.5)  # the collector is down for the first 1.5 s of the run
    assert not run.done()
    collector = await start_collector(
        store, CollectorConfig(f"127.0.0.1:{port}", auth=load_tokens(tmp_path / "tokens.yaml"))
    )
    try:
        summary = await asyncio.wait_for(run, timeout=60)
    finally:
        await collector.stop(1)
    records = summary.records
    assert len(records) == len(inventory.targets) == 9 * COPIES
    assert all(r.complete for r in records), [r.errors for r in records if not r.complete]
    assert summary.publish is not None and summary.publish.reconnects >= 1
    assert sorted(_stored_ids(store)) == sorted(r.report_id for r in records)  # each exactly once
    assert spool.pending() == []
    store.close()


async def test_agent_restart_sends_what_the_last_run_left(lab: Lab, tmp_path: Path) -> None:
    inventory = _many_targets(lab, tmp_path)
    token = add_agent(tmp_path / "tokens.yaml", inventory.agent_id)
    port = _free_port()
    spool = Spool(tmp_path / "spool")
    first = await run_once(
        inventory,
        Publisher(f"127.0.0.1:{port}", spool, token=Secret("t", token), backoff=(0.05, 0.1)),
        spool,
        give_up_after=0.5,
    )
    assert first.unsent == len(inventory.targets)  # the collector never came: all spooled

    store = open_store(f"sqlite:///{tmp_path / 'c.db'}")
    collector = await start_collector(
        store, CollectorConfig(f"127.0.0.1:{port}", auth=load_tokens(tmp_path / "tokens.yaml"))
    )
    try:
        restarted = Spool(tmp_path / "spool")  # a new agent process opens the same spool
        second = await run_once(
            inventory,
            Publisher(f"127.0.0.1:{port}", restarted, token=Secret("t", token)),
            restarted,
            give_up_after=10,
        )
    finally:
        await collector.stop(1)
    expected = [r.report_id for r in first.records + second.records]
    assert sorted(_stored_ids(store)) == sorted(expected)
    assert second.unsent == 0 and restarted.pending() == []
    store.close()
