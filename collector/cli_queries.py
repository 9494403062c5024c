"""CLI commands over configurations: ``topology``, ``sbom diff``, ``inventory ...``.

Registered on the main ``netsbom`` group by :mod:`netsbom.cli`. Every command takes the network
the same way (``--network``, ``--select``; see :mod:`netsbom.topology.selection`) and ``--at``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

import click

from netsbom.cli_options import DB_HELP
from netsbom.errors import ConfigError, ExportError
from netsbom.topology.configuration import Configuration

DEFAULT_DB = "sqlite:///netsbom.db"
SELECT_HELP = (
    "Label terms KEY=VALUE[|VALUE...], comma-separated, all must hold (site=dc1,role=leaf)."
)
AT_HELP = "Point in time (ISO 8601, UTC if no zone); default: latest."


def _emit(data: bytes, out: Path | None) -> None:
    if out is None:
        sys.stdout.buffer.write(data)
    else:
        out.write_bytes(data)
        click.echo(f"wrote {out} ({len(data)} bytes)", err=True)


def load_configuration(
    *,
    db: str,
    network: str | None,
    select: str | None,
    at_text: str | None,
    records_path: Path | None = None,
) -> Configuration:
    """The configuration asked for on the command line: from agent records or from the store."""
    from netsbom.collector.export import configuration_at, parse_at
    from netsbom.topology.configuration import build_configuration
    from netsbom.topology.record import format_time
    from netsbom.topology.selection import latest_records, parse_selector, read_records

    at = parse_at(at_text)
    if records_path is not None:
        records = latest_records(read_records(records_path), at)
        if network or select:
            selector = parse_selector(network, select)
            records = [r for r in records if selector.matches(r)]
            name = selector.name
        else:
            networks = sorted({r.target.label("network") or "" for r in records} - {""})
            name = networks[0] if len(networks) == 1 else records_path.stem
        if not records:
            raise ExportError(f"{records_path}: no device records to build a topology from")
        moment = format_time(at) if at is not None else max(r.collected_at for r in records)
        return build_configuration(name, moment, records)
    from netsbom.collector.store import open_store

    selector = parse_selector(network, select)
    store = open_store(db)
    try:
        return configuration_at(store, at=at, select=selector)
    finally:
        store.close()


# --- topology ----------------------------------------------------------------------------------


@click.command("topology")
@click.option(
    "--records",
    "records_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Agent records, JSON Lines (`netsbom agent poll ... --json`); no collector.",
)
@click.option("--db", envvar="NETSBOM_DB", default=DEFAULT_DB, show_default=True, help=DB_HELP)
@click.option("--network", help="Network name (the targets' `network` label).")
@click.option("--select", help=SELECT_HELP)
@click.option("--at", "at_text", help=AT_HELP)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "graphml", "svg", "png"]),
    default="json",
    show_default=True,
)
@click.option("--out", type=click.Path(path_type=Path), help="Output file (default: stdout).")
def topology(
    records_path: Path | None,
    db: str,
    network: str | None,
    select: str | None,
    at_text: str | None,
    fmt: str,
    out: Path | None,
) -> None:
    """The network's devices and links: JSON, GraphML or a picture (SVG/PNG).

    From --records (agent JSON Lines) or from the store (--network/--select)."""
    from netsbom.topology.graph import render_graphml, render_picture, render_topology_json

    if records_path is None and not (network or select):
        raise click.UsageError("give --records FILE, or --network/--select to read the store")
    config = load_configuration(
        db=db, network=network, select=select, at_text=at_text, records_path=records_path
    )
    if fmt == "json":
        data = render_topology_json(config)
    elif fmt == "graphml":
        data = render_graphml(config)
    else:
        data = render_picture(config, "svg" if fmt == "svg" else "png")
    _emit(data, out)


# --- sbom diff ---------------------------------------------------------------------------------


@click.command("diff")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--db", envvar="NETSBOM_DB", default=DEFAULT_DB, show_default=True, help=DB_HELP)
@click.option("--network", help="Network name (the targets' `network` label).")
@click.option("--select", help=SELECT_HELP)
@click.option("--from", "from_text", help="Earlier time (ISO 8601).")
@click.option("--to", "to_text", help="Later time (ISO 8601); default: latest.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def sbom_diff(
    files: tuple[Path, ...],
    db: str,
    network: str | None,
    select: str | None,
    from_text: str | None,
    to_text: str | None,
    as_json: bool,
) -> None:
    """What changed: `--network X --from T1 [--to T2]` in the store, or between two exported
    CycloneDX JSON files `A B`."""
    from netsbom.collector.sbom.cyclonedx import to_cyclonedx
    from netsbom.topology.diff import (
        diff_json,
        diff_snapshots,
        diff_table,
        load_snapshot,
        snapshot_from_cyclonedx,
    )

    if files:
        if len(files) != 2 or network or select or from_text or to_text:
            raise click.UsageError("give two SBOM files, or --network/--select with --from/--to")
        before, after = load_snapshot(files[0]), load_snapshot(files[1])
    else:
        if not (network or select):
            raise click.UsageError("give --network/--select with --from (and --to), or two files")
        if not from_text:
            raise click.UsageError("--from is required when comparing the store")
        first = load_configuration(db=db, network=network, select=select, at_text=from_text)
        second = load_configuration(db=db, network=network, select=select, at_text=to_text)
        before = snapshot_from_cyclonedx(to_cyclonedx(first))
        after = snapshot_from_cyclonedx(to_cyclonedx(second))
    changes = diff_snapshots(before, after)
    if as_json:
        click.echo(json.dumps(diff_json(before, after, changes), indent=2, ensure_ascii=False))
    else:
        click.echo(diff_table(before, after, changes), nl=False)


# --- inventory ---------------------------------------------------------------------------------


@click.group("inventory")
def inventory() -> None:
    """Fleet queries: devices, firmware versions, drift."""


def _query(name: str, help_text: str) -> Callable[[Callable[..., None]], click.Command]:
    def decorate(function: Callable[..., None]) -> click.Command:
        for option in reversed(
            [
                click.option(
                    "--db", envvar="NETSBOM_DB", default=DEFAULT_DB, show_default=True, help=DB_HELP
                ),
                click.option(
                    "--records",
                    "records_path",
                    type=click.Path(path_type=Path, dir_okay=False),
                    help="Read agent records (JSON Lines) instead of the store.",
                ),
                click.option("--network", help="Network name (the targets' `network` label)."),
                click.option("--select", help=SELECT_HELP),
                click.option("--at", "at_text", help=AT_HELP),
                click.option(
                    "--format",
                    "fmt",
                    type=click.Choice(["table", "json", "csv"]),
                    default="table",
                    show_default=True,
                ),
            ]
        ):
            function = option(function)
        return inventory.command(name, help=help_text)(function)

    return decorate


def _rows_command(
    kind: str,
    db: str,
    records_path: Path | None,
    network: str | None,
    select: str | None,
    at_text: str | None,
    fmt: str,
) -> None:
    from netsbom.topology import inventory as queries

    if records_path is None and not (network or select):
        raise ConfigError("select a network: --network NAME and/or --select KEY=VALUE,...")
    config = load_configuration(
        db=db, network=network, select=select, at_text=at_text, records_path=records_path
    )
    columns, rows = {
        "devices": (queries.DEVICE_COLUMNS, queries.devices_rows),
        "firmware": (queries.FIRMWARE_COLUMNS, queries.firmware_rows),
        "drift": (queries.DRIFT_COLUMNS, queries.drift_rows),
    }[kind]
    click.echo(queries.render_rows(columns, rows(config), fmt), nl=False)


@_query("devices", "One row per device: identity, OS version, labels, flags.")
def inventory_devices(**options: object) -> None:
    _rows_command("devices", **options)  # type: ignore[arg-type]


@_query("firmware", "Firmware (OS) versions by vendor, model and family, with counts.")
def inventory_firmware(**options: object) -> None:
    _rows_command("firmware", **options)  # type: ignore[arg-type]


@_query("drift", "Devices of one model (and role) not on their group's majority version.")
def inventory_drift(**options: object) -> None:
    _rows_command("drift", **options)  # type: ignore[arg-type]


def register(cli: click.Group, sbom: click.Group) -> None:
    """Add ``topology``, ``inventory`` and ``sbom diff`` to the netsbom command."""
    cli.add_command(topology)
    cli.add_command(inventory)
    sbom.add_command(sbom_diff)
