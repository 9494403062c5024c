"""``netsbom lab``, ``netsbom demo``, ``netsbom generate-fleet``: the simulated lab and a
synthetic fleet, for trying netsbom and for its tests and benchmarks.

    netsbom lab up [--definition FILE] [--port 11161] [--state-dir DIR] [--inventory-out FILE]
    netsbom lab status [--state-dir DIR]
    netsbom lab generate [--definition FILE] [--check]
    netsbom demo [--dir DIR] [--web [--http HOST:PORT]]
    netsbom generate-fleet --devices N --db URL
"""

from __future__ import annotations

import json
import os
import signal
import threading
from pathlib import Path
from types import FrameType

import click

DEFAULT_PORT = 11161
STATE_ENV = "NETSBOM_LAB_STATE"


def default_state_dir() -> Path:
    """``$NETSBOM_LAB_STATE``, else ``.netsbom/lab`` under the current directory."""
    return Path(os.environ.get(STATE_ENV) or Path.cwd() / ".netsbom" / "lab")


def _definition_option(value: Path | None) -> Path:
    from netsbom.lab.definition import default_definition_path

    return value or default_definition_path()


@click.group()
def lab() -> None:
    """The simulated lab: SNMP agents on loopback for every device of the lab definition."""


@lab.command()
@click.option(
    "--definition",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Lab definition (default: the packaged lab, data/lab.yaml).",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=DEFAULT_PORT,
    show_default=True,
    help="UDP port on every device address; 0 picks a free one.",
)
@click.option(
    "--state-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help=f"Runtime files (default: ${STATE_ENV} or ./.netsbom/lab).",
)
@click.option(
    "--inventory-out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where to write the agent inventory (default: STATE_DIR/inventory.yaml).",
)
@click.option(
    "--start-timeout",
    type=click.FloatRange(min=1),
    default=60.0,
    show_default=True,
    help="Seconds the simulators may take to answer.",
)
def up(
    definition: Path | None,
    port: int,
    state_dir: Path | None,
    inventory_out: Path | None,
    start_timeout: float,
) -> None:
    """Start the lab and keep it running until Ctrl-C or SIGTERM."""
    from netsbom.lab.definition import load_lab
    from netsbom.lab.runner import Lab

    definition_path = _definition_option(definition)
    state = (state_dir or default_state_dir()).resolve()
    stop = threading.Event()

    def _on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {s: signal.signal(s, _on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        spec = load_lab(definition_path)
        with Lab(spec, state, port=port, start_timeout=start_timeout) as running:
            inventory = running.write_inventory(inventory_out or state / "inventory.yaml")
            count = len(running.devices)
            click.echo(f"lab {spec.network!r} from {definition_path}: {count} devices")
            click.echo(f"{'DEVICE':<10} {'ADDRESS':<16} {'PORT':>5}  {'VENDOR':<8} {'OS':<7} MODEL")
            for device in running.devices:
                d = device.definition
                click.echo(
                    f"{device.name:<10} {device.address:<16} {device.port:>5}  "
                    f"{d.vendor:<8} {d.os.family:<7} {d.model}"
                )
            click.echo(f"inventory: {inventory.resolve()}")
            click.echo("running; Ctrl-C to stop", err=True)
            while not stop.wait(0.5):
                dead = running.dead_processes()
                if dead:
                    raise click.ClickException("; ".join(dead))
        click.echo("lab stopped", err=True)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


@lab.command()
@click.option(
    "--state-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help=f"Runtime files of `lab up` (default: ${STATE_ENV} or ./.netsbom/lab).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=1.0,
    show_default=True,
    help="Seconds to wait for each device's answer.",
)
def status(state_dir: Path | None, timeout: float) -> None:
    """Show whether a lab started by `netsbom lab up` answers (exit 1 if not)."""
    from netsbom.lab.runner import SYS_NAME, snmp_get

    state = (state_dir or default_state_dir()).resolve()
    try:
        info = json.loads((state / "lab.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise click.ClickException(f"no running lab recorded in {state}") from None
    down = 0
    for device in info["devices"]:
        answer = snmp_get(device["address"], device["port"], device["community"], SYS_NAME, timeout)
        down += answer is None
        mark = f"up (sysName {answer})" if answer is not None else "DOWN"
        click.echo(f"{device['name']:<10} {device['address']}:{device['port']:<6} {mark}")
    if down:
        raise SystemExit(1)


@lab.command()
@click.option(
    "--definition",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Lab definition (default: the packaged lab, data/lab.yaml).",
)
@click.option("--check", is_flag=True, help="Only report stale recordings (exit 1 if any).")
def generate(definition: Path | None, check: bool) -> None:
    """Regenerate the lab's SNMP and SSH recordings from the lab definition."""
    from netsbom.lab.definition import load_lab
    from netsbom.lab.snmprec import stale, write_all
    from netsbom.lab.ssh_lab import render_all

    path = _definition_option(definition)
    spec = load_lab(path)
    changed = stale(spec) if check else write_all(spec)
    changed += render_all(path, path.parent / "ssh", check=check)
    for changed_path in changed:
        click.echo(f"{'stale' if check else 'wrote'}: {changed_path}", err=check)
    if check and changed:
        raise SystemExit(1)


@click.command("demo")
@click.option(
    "--dir",
    "workdir",
    type=click.Path(path_type=Path),
    default=Path("netsbom-demo"),
    show_default=True,
    help="Where the store, spool and SBOM go.",
)
@click.option("--web", is_flag=True, help="Then serve the NOC console on the demo's store.")
@click.option(
    "--http",
    "listen",
    default="127.0.0.1:8080",
    show_default=True,
    help="HOST:PORT of the console (--web); loopback only.",
)
def demo(workdir: Path, web: bool, listen: str) -> None:
    """Start the simulated lab, poll it, ingest into a SQLite collector, write the system SBOM;
    with --web, serve the console on the result until Ctrl-C (its address is printed)."""
    from netsbom.lab.demo import run_demo

    http = None
    if web:
        from netsbom.collector.web.server import HttpConfig

        http = HttpConfig(listen)
        http.check()  # a bad --http fails before the lab starts
    run_demo(workdir, echo=click.echo)
    if http is not None:
        from netsbom.collector.cli.options import StoreOptions
        from netsbom.collector.web.cli import build_app, run

        store = StoreOptions(f"sqlite:///{(workdir / 'netsbom.db').resolve()}")
        app, opened = build_app(store, None, None, None, secure=False)
        try:
            run(app, http, echo=click.echo)
        finally:
            opened.close()


@click.command("generate-fleet")
@click.option(
    "--devices", type=click.IntRange(min=1, max=1_000_000), required=True, help="How many devices."
)
@click.option(
    "--db",
    envvar="NETSBOM_DB",
    required=True,
    help="Store URL: sqlite:///PATH or postgresql+psycopg://USER@HOST/DB.",
)
@click.option(
    "--links",
    type=click.IntRange(min=0),
    default=None,
    help="LLDP links between them (default 1.5 per device).",
)
@click.option("--network", default="fleet", show_default=True, help="`network` label.")
@click.option(
    "--seed",
    type=int,
    default=1,
    show_default=True,
    help="Same seed, same records (and report ids: a rerun stores nothing new).",
)
@click.option(
    "--at",
    "collected_at",
    default="2026-11-20T10:00:00Z",
    show_default=True,
    help="collected_at of every record (RFC 3339 UTC).",
)
def generate_fleet(
    devices: int, db: str, links: int | None, network: str, seed: int, collected_at: str
) -> None:
    """Fill a store with a synthetic multi-vendor fleet (components, packages, LLDP links).

    For benchmarks and for trying netsbom at size, e.g. then
    `netsbom sbom export --db URL --network fleet --out fleet.cdx.json`."""
    from netsbom.core.progress import Progress
    from netsbom.core.record import format_time, parse_time
    from netsbom.lab.fleet import write_fleet

    try:
        moment = format_time(parse_time(collected_at))
    except ValueError:
        raise click.BadParameter(f"{collected_at!r} is not an RFC 3339 time") from None
    with Progress(devices, "storing") as progress:
        stored, again = write_fleet(
            db, devices, links=links, network=network, seed=seed, collected_at=moment,
            on_batch=progress.advance,
        )  # fmt: skip
    click.echo(f"network {network!r}: {stored} reports stored, {again} already there", err=True)
