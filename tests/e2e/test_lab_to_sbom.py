"""End to end: the lab (snmpsim on loopback) -> the real agent over UDP SNMP -> the real collector
over gRPC (token) -> the store -> `netsbom sbom export` -> a schema-valid CycloneDX 1.6 document
whose devices, versions and links are the lab's definition."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from netsbom.agent.credentials import Secret
from netsbom.agent.inventory import load_inventory
from netsbom.agent.publish import Publisher
from netsbom.agent.run import RunSummary, run_once
from netsbom.agent.spool import Spool
from netsbom.collector.auth import add_agent, load_tokens
from netsbom.collector.sbom.validate import validate_cyclonedx_json, validate_cyclonedx_xml
from netsbom.collector.server import CollectorConfig, start_collector
from netsbom.collector.store import open_store
from netsbom.core.cli import cli
from netsbom.lab.definition import LabDefinition, default_definition_path, load_lab
from netsbom.lab.runner import Lab
from netsbom.topology.links import normalize_interface

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def lab_definition() -> LabDefinition:
    return load_lab(default_definition_path())


@pytest.fixture(scope="module")
def lab(lab_definition: LabDefinition, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    with Lab(lab_definition, tmp_path_factory.mktemp("lab"), port=0) as running:
        yield running


def _inventory_with_bad_targets(lab: Lab, directory: Path) -> Path:
    """The lab's inventory plus a device that is not there and one with a wrong community."""
    path = lab.write_inventory(directory / "inventory.yaml")
    inventory = yaml.safe_load(path.read_text())
    wrong = directory / "wrong.community"
    wrong.write_text("not-the-community")
    first = {k: v for k, v in inventory["targets"][0].items() if k != "ssh"}  # SNMP failures
    inventory["targets"] += [
        {
            "name": "ghost",
            "address": "127.0.1.250",
            "labels": dict(first["labels"]),
            "snmp": {**first["snmp"], "timeout": 0.3, "retries": 0},
        },
        {
            "name": "wrong-community",
            "address": first["address"],
            "labels": dict(first["labels"]),
            "snmp": {**first["snmp"], "community": f"file:{wrong}", "timeout": 0.3, "retries": 0},
        },
    ]
    path.write_text(yaml.safe_dump(inventory))
    return path


@pytest.fixture(params=["sqlite", "postgresql"])
def collected(
    request: pytest.FixtureRequest, lab: Lab, tmp_path: Path
) -> Iterator[tuple[str, RunSummary]]:
    """One agent run against the lab, reported to a real collector; yields (store URL, summary)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'netsbom.db'}"
    else:
        url = request.getfixturevalue("store_url_postgresql")
    inventory = load_inventory(_inventory_with_bad_targets(lab, tmp_path))
    token = add_agent(tmp_path / "tokens.yaml", inventory.agent_id)
    store = open_store(url)

    async def run() -> RunSummary:
        config = CollectorConfig("127.0.0.1:0", auth=load_tokens(tmp_path / "tokens.yaml"))
        collector = await start_collector(store, config)
        try:
            spool = Spool(tmp_path / "spool")
            publisher = Publisher(f"127.0.0.1:{collector.port}", spool, token=Secret("test", token))
            return await run_once(inventory, publisher, spool, give_up_after=10)
        finally:
            await collector.stop(1)

    try:
        yield url, asyncio.run(run())
    finally:
        store.close()


@pytest.fixture
def store_url_postgresql(postgres_url: str) -> Iterator[str]:
    yield postgres_url
    from sqlalchemy import create_engine, text

    from netsbom.collector.store.schema import metadata

    engine = create_engine(postgres_url)
    with engine.begin() as connection:
        metadata.drop_all(connection)  # every table, whichever migration made it
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    engine.dispose()


def _export(url: str, fmt: str, out: Path, *extra: str) -> bytes:
    result = CliRunner().invoke(
        cli,
        [
            "sbom",
            "export",
            "--db",
            url,
            "--network",
            "lab",
            "--format",
            fmt,
            "--out",
            str(out),
            *extra,
        ],
    )
    assert result.exit_code == 0, result.output
    return out.read_bytes()


def port(name: str) -> str | None:
    """Port names compare as one device may write them (Te1/1/1 == TenGigabitEthernet1/1/1)."""
    return normalize_interface(name)


def _devices(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["name"]: c for c in document["components"] if c["type"] == "device"}


def _props(component: dict[str, Any]) -> dict[str, str]:
    return {p["name"]: p["value"] for p in component.get("properties", [])}


def test_lab_to_sbom(
    collected: tuple[str, RunSummary], lab_definition: LabDefinition, tmp_path: Path
) -> None:
    url, summary = collected
    assert summary.unsent == 0
    by_name = {r.target.id: r for r in summary.records}
    for device in lab_definition.devices:
        assert by_name[device.name].complete, by_name[device.name].errors
    assert not by_name["ghost"].complete and by_name["ghost"].errors
    assert not by_name["wrong-community"].complete

    raw = _export(url, "cyclonedx-json", tmp_path / "lab.cdx.json")
    validate_cyclonedx_json(raw)
    document = json.loads(raw)
    assert document["specVersion"] == "1.6"
    assert document["metadata"]["component"]["name"] == "lab"

    devices = _devices(document)
    for device in lab_definition.devices:
        component = devices[device.hostname]
        properties = _props(component)
        assert component["manufacturer"]["name"] == device.vendor, device.name
        assert device.serial in json.dumps(component), f"{device.name}: serial"
        assert device.model in json.dumps(component), f"{device.name}: model"
        systems = [
            c
            for c in component.get("components", [])
            if c["type"] in ("operating-system", "firmware") and c.get("version")
        ]
        assert device.os.version in [c["version"] for c in systems], (device.name, systems)
        assert properties, device.name

    # every lab link, both port names, and nothing more between lab devices
    expected = {
        frozenset({(link.a.device, port(link.a.port)), (link.b.device, port(link.b.port))})
        for link in lab_definition.links
    }
    found = set()
    for service in document.get("services", []):
        props = _props(service)
        ends = {
            (props[f"netsbom:link:{side}:device"], port(props[f"netsbom:link:{side}:port"]))
            for side in ("a", "b")
        }
        found.add(frozenset(ends))
        assert props["netsbom:link:one_sided"] == "false"
    assert found == expected

    # compositions: the polled lab devices complete, the failed targets incomplete
    aggregates = {c["aggregate"]: c for c in document["compositions"]}
    assert "incomplete" in aggregates and "complete" in aggregates

    # deterministic: the same store state gives the same bytes
    assert _export(url, "cyclonedx-json", tmp_path / "again.cdx.json") == raw
    validate_cyclonedx_xml(_export(url, "cyclonedx-xml", tmp_path / "lab.cdx.xml"))


def test_export_errors_are_one_clear_line(
    collected: tuple[str, RunSummary], tmp_path: Path
) -> None:
    url, _ = collected
    runner = CliRunner()
    unknown = runner.invoke(cli, ["sbom", "export", "--db", url, "--network", "nope"])
    assert unknown.exit_code == 1
    assert "no observations for network 'nope'" in unknown.output
    early = runner.invoke(
        cli, ["sbom", "export", "--db", url, "--network", "lab", "--at", "2001-01-01"]
    )
    assert early.exit_code == 1
    assert "before the first observation" in early.output
    assert "Traceback" not in early.output + unknown.output
