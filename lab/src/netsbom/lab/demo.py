"""`netsbom demo`: the whole value chain once, on the simulated lab, with embedded defaults.

lab (snmpsim on loopback) -> agent (SNMP) -> gRPC (token) -> collector (SQLite) -> CycloneDX SBOM
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path

from netsbom.agent.credentials import Secret
from netsbom.agent.inventory import load_inventory
from netsbom.agent.publish import Publisher
from netsbom.agent.run import RunSummary, run_once
from netsbom.agent.spool import Spool
from netsbom.collector.auth import add_agent, load_tokens
from netsbom.collector.export import configuration_at, render_sbom
from netsbom.collector.sbom.validate import validate_cyclonedx_json
from netsbom.collector.server import CollectorConfig, start_collector
from netsbom.collector.store import Store, open_store
from netsbom.lab.definition import load_lab
from netsbom.lab.runner import Lab, default_definition_path


def run_demo(workdir: Path, *, echo: Callable[[str], None] = print) -> Path:
    """Run the demo in ``workdir``; returns the SBOM's path."""
    workdir = workdir.resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    definition = load_lab(default_definition_path())
    echo(f"starting the lab: {len(definition.devices)} simulated devices on loopback ...")
    with Lab(definition, workdir / "lab", port=0) as lab:
        inventory_path = workdir / "inventory.yaml"
        lab.write_inventory(inventory_path)
        inventory = load_inventory(inventory_path)
        store = open_store(f"sqlite:///{workdir / 'netsbom.db'}")
        try:
            summary = asyncio.run(_collect(workdir, store, inventory))
            config = configuration_at(store, network=definition.network, at=None)
        finally:
            store.close()
    out = workdir / f"{definition.network}.cdx.json"
    document = render_sbom(config, "cyclonedx-json")
    validate_cyclonedx_json(document)
    out.write_bytes(document)
    _report(echo, summary, config, out, json.loads(document))
    return out


async def _collect(workdir: Path, store: Store, inventory: object) -> RunSummary:
    from netsbom.agent.inventory import Inventory

    assert isinstance(inventory, Inventory)
    tokens = workdir / "tokens.yaml"
    token = add_agent(tokens, inventory.agent_id)
    config = CollectorConfig(listen="127.0.0.1:0", auth=load_tokens(tokens))
    collector = await start_collector(store, config)
    try:
        spool = Spool(workdir / "spool" / inventory.agent_id)
        publisher = Publisher(
            f"127.0.0.1:{collector.port}", spool, token=Secret("generated", token)
        )
        return await run_once(inventory, publisher, spool, give_up_after=30)
    finally:
        await collector.stop(grace=2)


def _report(
    echo: Callable[[str], None],
    summary: RunSummary,
    config: object,
    out: Path,
    document: dict[str, object],
) -> None:
    from netsbom.topology.configuration import Configuration, fingerprint

    assert isinstance(config, Configuration)
    stats = summary.publish
    echo(
        f"polled {len(summary.records)} devices over SNMP and SSH; collector stored "
        f"{stats.stored if stats else 0} reports"
    )
    echo("")
    rows = [("device", "vendor", "model", "os", "version", "modules", "neighbours")]
    for r in config.records:
        modules = sum(1 for c in r.components if c.cls not in ("port", "sensor", "container"))
        rows.append(
            (
                r.name,
                r.vendor or "?",
                r.model or "?",
                r.os.family or "?",
                r.os.version or "?",
                str(modules),
                str(len(r.neighbors)),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
    for r in config.records:
        if not r.complete:
            echo(f"{r.name}: incomplete: " + "; ".join(e.message for e in r.errors))
    echo("")
    components = document.get("components")
    services = document.get("services")
    echo(
        f"system SBOM (CycloneDX 1.6, schema-valid): {out}\n"
        f"  network {config.network} at {config.at}, fingerprint {fingerprint(config)[:16]}\n"
        f"  {len(components) if isinstance(components, list) else 0} devices, "
        f"{len(services) if isinstance(services, list) else 0} links "
        f"({sum(1 for link in config.links if link.one_sided)} seen from one side only)"
    )
