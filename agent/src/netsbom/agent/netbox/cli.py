"""``netsbom netbox sync``: write what polls found (OS version, serial, firmware) to NetBox.

Declares the command only; NetBox, the poll and pynetbox are imported when it runs.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from netsbom.core.cli.options import Output, output_options
from netsbom.core.errors import ConfigError, ExitCode


@click.group("netbox")
def netbox() -> None:
    """NetBox as a target source (inventory `source: netbox`) and as a sink of what polls found."""


@netbox.command("sync")
@click.option(
    "--inventory",
    "inventory_path",
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    required=True,
    help="The `source: netbox` inventory: which NetBox, which devices, which custom fields.",
)
@click.option(
    "--records",
    "records_path",
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    help="Records to sync (JSON Lines, `netsbom agent poll --format json`); "
    "without it every NetBox target is polled now.",
)
@click.option("--apply", is_flag=True, help="Write the changes (default: show them only).")
@output_options(["text", "json"], json_alias=True, out=False)
def sync_command(
    inventory_path: Path, records_path: Path | None, apply: bool, output: Output
) -> None:
    """Show (or with --apply write) the changes that bring NetBox up to what devices report:
    the device serial and the custom fields of the OS version and firmware.

    Exit status: 0 done, 1 a configuration or NetBox error, 4 NetBox refused some updates.
    """
    import asyncio

    from netsbom.agent.inventory import read_yaml
    from netsbom.agent.netbox.source import is_netbox, source_config
    from netsbom.agent.netbox.sync import run_sync
    from netsbom.core.record import read_records

    raw = read_yaml(inventory_path)
    if not isinstance(raw, dict) or not is_netbox(raw):
        raise ConfigError(f"{inventory_path}: not a `source: netbox` inventory")
    config = source_config(raw, source=str(inventory_path))
    if records_path is not None:
        records = read_records(records_path, warn=lambda line: click.echo(line, err=True))
    else:
        from netsbom.agent.inventory_sources import load_any_inventory
        from netsbom.agent.run import poll_all

        records = asyncio.run(poll_all(load_any_inventory(inventory_path, "netsbom")))
    result = run_sync(config, records, apply=apply)
    if output.format == "json":
        click.echo(json.dumps({
            "applied": apply,
            "changes": [{"device_id": c.device_id, "device": c.device, "field": c.field,
                         "old": c.old, "new": c.new} for c in result.changes],
            "notes": list(result.notes),
            "failures": list(result.failures),
        }, sort_keys=True))  # fmt: skip
    else:
        for change in result.changes:
            click.echo(change.describe())
        for note in result.notes:
            click.echo(f"note: {note}", err=True)
        devices = len({c.device_id for c in result.changes})
        done = "written" if apply else "dry run: nothing written; --apply writes them"
        click.echo(f"{len(result.changes)} change(s) on {devices} device(s) ({done})", err=True)
    for failure in result.failures:
        click.echo(f"Error: {failure}", err=True)
    if result.failures:
        raise SystemExit(ExitCode.PARTIAL)
