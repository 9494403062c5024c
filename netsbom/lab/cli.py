"""``netsbom lab``: run the simulated lab in the foreground.

Registered in ``netsbom/cli.py``: ``from netsbom.lab.cli import lab``; ``cli.add_command(lab)``.

    netsbom lab up [--definition FILE] [--port 11161] [--state-dir DIR] [--inventory-out FILE]
    netsbom lab status [--state-dir DIR]
    netsbom lab generate [--definition FILE] [--check]
"""

from __future__ import annotations

import json
import os
import signal
import threading
from pathlib import Path
from types import FrameType

import click

from netsbom.errors import NetsbomError
from netsbom.lab.definition import default_definition_path, load_lab
from netsbom.lab.runner import SYS_NAME, Lab, snmp_get
from netsbom.lab.snmprec import stale, write_all

DEFAULT_PORT = 11161
STATE_ENV = "NETSBOM_LAB_STATE"


def default_state_dir() -> Path:
    """``$NETSBOM_LAB_STATE``, else ``.netsbom/lab`` under the current directory."""
    return Path(os.environ.get(STATE_ENV) or Path.cwd() / ".netsbom" / "lab")


def _definition_option(value: Path | None) -> Path:
    try:
        return value or default_definition_path()
    except NetsbomError as exc:
        raise click.ClickException(str(exc)) from None


@click.group()
def lab() -> None:
    """The simulated lab: SNMP agents on loopback for every device of the lab definition."""


@lab.command()
@click.option(
    "--definition",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Lab definition (default: the packaged deploy/lab/lab.yaml).",
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
@click.option("--start-timeout", type=click.FloatRange(min=1), default=60.0, show_default=True)
def up(
    definition: Path | None,
    port: int,
    state_dir: Path | None,
    inventory_out: Path | None,
    start_timeout: float,
) -> None:
    """Start the lab and keep it running until Ctrl-C or SIGTERM."""
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
    except NetsbomError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


@lab.command()
@click.option("--state-dir", type=click.Path(file_okay=False, path_type=Path), default=None)
@click.option("--timeout", type=click.FloatRange(min=0.1), default=1.0, show_default=True)
def status(state_dir: Path | None, timeout: float) -> None:
    """Show whether a lab started by `netsbom lab up` answers (exit 1 if not)."""
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
@click.option("--definition", type=click.Path(dir_okay=False, path_type=Path), default=None)
@click.option("--check", is_flag=True, help="Only report stale recordings (exit 1 if any).")
def generate(definition: Path | None, check: bool) -> None:
    """Regenerate the SNMP recordings from the lab definition."""
    try:
        spec = load_lab(_definition_option(definition))
    except NetsbomError as exc:
        raise click.ClickException(str(exc)) from None
    if check:
        outdated = stale(spec)
        for path in outdated:
            click.echo(f"stale: {path}", err=True)
        if outdated:
            raise SystemExit(1)
        return
    for path in write_all(spec):
        click.echo(f"wrote {path}")
