"""Configurations over time from a real store (SQLite and PostgreSQL): --at, selection, diff,
inventory queries and every export format through the CLI."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
from click.testing import CliRunner

from netsbom.collector.export import configuration_at, export_sbom
from netsbom.collector.store import open_store
from netsbom.core.cli import cli
from netsbom.core.errors import ExportError
from netsbom.core.record import DeviceRecord, Neighbor, OsInfo
from netsbom.topology.configuration import fingerprint
from netsbom.topology.selection import parse_selector
from tests.conftest import make_record

pytestmark = pytest.mark.integration
WEEK1 = "2026-11-20T10:00:00Z"
WEEK2 = "2026-11-27T10:00:00Z"


def device(name: str, role: str, at: str, version: str = "17.9.4a", **fields: Any) -> DeviceRecord:
    record = make_record(name, collected_at=at, version=version)
    labels = (("network", "lab"), ("role", role), ("site", "par1"))
    address = f"10.0.0.{sum(map(ord, name)) % 250}"
    values: dict[str, Any] = {"serial": f"FOC{name.upper()}", "chassis_id": None, **fields}
    return replace(record, target=replace(record.target, labels=labels, address=address), **values)


def history() -> list[DeviceRecord]:
    uplink = (Neighbor("lldp", "Te1/1/1", remote_name="spine1", remote_port="Te1/0/1"),)
    return [
        device("leaf1", "leaf", WEEK1, neighbors=uplink),
        device("leaf2", "leaf", WEEK1),
        device("leaf3", "leaf", WEEK1),
        device("spine1", "spine", WEEK1, version="17.6.5"),
        # a week later: leaf1 upgraded, leaf2's chassis swapped, leaf3 gone, leaf4 new
        device("leaf1", "leaf", WEEK2, version="17.12.1", neighbors=uplink),
        device("leaf2", "leaf", WEEK2, serial="FOCSWAPPED1"),
        device("spine1", "spine", WEEK2, version="17.6.5"),
        device("leaf4", "leaf", WEEK2),
    ]


@pytest.fixture
def db(store_url: str) -> str:
    store = open_store(store_url)
    store.write(history(), received_at=datetime(2026, 11, 28, tzinfo=UTC))
    store.close()
    return store_url


def test_configuration_at_each_time(db: str) -> None:
    store = open_store(db)
    try:
        first = configuration_at(store, network="lab", at=datetime(2026, 11, 21, tzinfo=UTC))
        second = configuration_at(store, network="lab", at=None)
        again = configuration_at(store, network="lab", at=None)
        assert [r.name for r in first.records] == ["leaf1", "leaf2", "leaf3", "spine1"]
        # leaf3 stays in the latest configuration: its last observation is still its newest
        assert {r.name for r in second.records} == {"leaf1", "leaf2", "leaf3", "leaf4", "spine1"}
        assert fingerprint(second) == fingerprint(again) != fingerprint(first)
        spines = configuration_at(store, at=None, select=parse_selector(None, "role=spine"))
        assert [r.name for r in spines.records] == ["spine1"]
        assert spines.network == "role=spine"
        with pytest.raises(ExportError, match="before the first observation"):
            configuration_at(store, network="lab", at=datetime(2026, 1, 1, tzinfo=UTC))
        with pytest.raises(ExportError, match="known networks: lab"):
            configuration_at(store, network="nope", at=None)
        with pytest.raises(ExportError, match="no device matches"):
            configuration_at(store, at=None, select=parse_selector("lab", "role=border"))
    finally:
        store.close()


@pytest.mark.parametrize("fmt", ["cyclonedx-json", "cyclonedx-xml", "spdx-json", "spdx3-jsonld"])
def test_every_format_is_deterministic_at_a_time(db: str, fmt: str) -> None:
    store = open_store(db)
    try:
        at = datetime(2026, 11, 21, tzinfo=UTC)
        assert export_sbom(store, network="lab", at=at, fmt=fmt) == export_sbom(
            store, network="lab", at=at, fmt=fmt
        )
    finally:
        store.close()


def test_cli_diff_between_two_times(db: str) -> None:
    result = CliRunner().invoke(
        cli,
        [
            "sbom",
            "diff",
            "--db",
            db,
            "--network",
            "lab",
            "--from",
            "2026-11-21",
            "--to",
            "2026-11-28",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    changes = {(c["kind"], c["device"]) for c in doc["changes"]}
    assert ("device-added", "leaf4") in changes
    assert ("device-replaced", "leaf2") in changes
    assert ("os-changed", "leaf1") in changes
    assert doc["from"]["at"] == "2026-11-21T00:00:00Z"
    table = CliRunner().invoke(
        cli, ["sbom", "diff", "--db", db, "--network", "lab", "--from", "2026-11-21"]
    )
    assert table.exit_code == 0 and "device-replaced" in table.output


def test_cli_inventory_queries_with_at(db: str) -> None:
    runner = CliRunner()
    drift = runner.invoke(
        cli, ["inventory", "drift", "--db", db, "--network", "lab", "--format", "json"]
    )
    assert drift.exit_code == 0, drift.output
    rows = json.loads(drift.output)
    assert [(r["device"], r["majority_version"]) for r in rows] == [("leaf1", "17.9.4a")]
    earlier = runner.invoke(
        cli,
        [
            "inventory",
            "drift",
            "--db",
            db,
            "--network",
            "lab",
            "--at",
            "2026-11-21",
            "--format",
            "json",
        ],
    )
    assert json.loads(earlier.output) == []
    firmware = runner.invoke(
        cli, ["inventory", "firmware", "--db", db, "--select", "role=leaf", "--format", "csv"]
    )
    assert firmware.exit_code == 0
    assert "C9300-48P,ios-xe,17.12.1,1" in firmware.output
    too_early = runner.invoke(
        cli, ["inventory", "devices", "--db", db, "--network", "lab", "--at", "2020-01-01"]
    )
    assert too_early.exit_code == 1 and "before the first observation" in too_early.output


def test_cli_export_spdx_and_topology_from_store(db: str, tmp_path: Any) -> None:
    runner = CliRunner()
    out = tmp_path / "lab.spdx.json"
    result = runner.invoke(
        cli,
        [
            "sbom",
            "export",
            "--db",
            db,
            "--network",
            "lab",
            "--format",
            "spdx-json",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text())["spdxVersion"] == "SPDX-2.3"
    result = runner.invoke(cli, ["topology", "--db", db, "--network", "lab", "--at", WEEK1])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert [(x["a"]["device"], x["b"]["device"]) for x in doc["links"]] == [("leaf1", "spine1")]


def test_merged_views_in_the_store(store_url: str) -> None:
    """One box polled over SNMP and SSH by two agents is one device in the export."""
    snmp = device("core1", "core", WEEK1, chassis_id="aa:bb:cc:dd:ee:01")
    ssh = replace(
        snmp,
        target=replace(snmp.target, id="core1-ssh", transport="ssh", port=22),
        agent_id="ssh-agent",
        report_id="core1-ssh-1",
        chassis_id=None,
        os=OsInfo(family="ios-xe", version="17.9.4a", build="fc3"),
    )
    store = open_store(store_url)
    try:
        store.write([snmp, ssh])
        config = configuration_at(store, network="lab", at=None)
    finally:
        store.close()
    assert len(config.records) == 1
    assert config.records[0].os.build == "fc3"
    assert config.records[0].chassis_id == "aa:bb:cc:dd:ee:01"
