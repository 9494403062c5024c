"""``netsbom agent poll``: poll devices over SNMP, or replay snmprec recordings, print records."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import click
from pydantic import ValidationError

from netsbom.agent.inventory import Inventory, SnmpSettings, TargetSpec
from netsbom.agent.inventory_sources import load_any_inventory
from netsbom.agent.run import poll_target
from netsbom.agent.snmp.mibs import set_mib_dirs
from netsbom.agent.snmp.poll import replay_snmp
from netsbom.agent.snmp.record import write_snmprec
from netsbom.agent.snmp.walk import collect
from netsbom.cli_options import mibs_option
from netsbom.errors import ConfigError, CredentialError
from netsbom.progress import Progress, progress_enabled
from netsbom.topology.record import DeviceRecord, record_to_dict

EXIT_INCOMPLETE = 2
_AUTH = click.Choice(["md5", "sha", "sha224", "sha256", "sha384", "sha512"])
_PRIV = click.Choice(["des", "3des", "aes128", "aes192", "aes256"])


@click.command("poll")
@click.argument("targets", nargs=-1)
@click.option(
    "--inventory",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Inventory YAML; TARGET may then be a target name.",
)
@click.option(
    "--inventory-format",
    type=click.Choice(["auto", "netsbom", "nornir", "ansible"]),
    default="auto",
    show_default=True,
    help="netsbom's own file, a Nornir SimpleInventory (hosts.yaml) or an Ansible YAML inventory.",
)
@click.option(
    "--replay",
    is_flag=True,
    help="Treat TARGETs as recordings (.snmprec files, SSH device directories) and parse offline.",
)
@click.option("--json", "as_json", is_flag=True, help="One JSON record per device per line.")
@click.option("--community", metavar="REF", help="v2c community reference (env:VAR or file:PATH).")
@click.option("--snmp-version", type=click.Choice(["2c", "3"]), default=None)
@click.option("--user", help="SNMPv3 user name.")
@click.option("--auth-protocol", type=_AUTH)
@click.option("--auth-key", metavar="REF", help="SNMPv3 auth key reference.")
@click.option("--priv-protocol", type=_PRIV)
@click.option("--priv-key", metavar="REF", help="SNMPv3 privacy key reference.")
@click.option("--context", default=None, help="SNMPv3 context name.")
@click.option("--timeout", type=float, default=None, help="Seconds per request (default 2).")
@click.option("--retries", type=int, default=None, help="Retries per request (default 1).")
@click.option("--max-repetitions", type=int, default=None, help="GETBULK max-repetitions.")
@click.option(
    "--deadline",
    type=float,
    default=60.0,
    show_default=True,
    help="Seconds for the whole poll of one device.",
)
@click.option("--agent-id", default=None, help="Agent id written into records.")
@mibs_option
def poll(
    targets: tuple[str, ...],
    inventory: Path | None,
    inventory_format: str,
    replay: bool,
    as_json: bool,
    community: str | None,
    snmp_version: str | None,
    user: str | None,
    auth_protocol: str | None,
    auth_key: str | None,
    priv_protocol: str | None,
    priv_key: str | None,
    context: str | None,
    timeout: float | None,
    retries: int | None,
    max_repetitions: int | None,
    deadline: float,
    agent_id: str | None,
    mibs: tuple[Path, ...],
) -> None:
    """Poll TARGETs over SNMP and print one record per device.

    TARGET is snmp://HOST[:PORT] (credentials from the options, as references: env:VAR or
    file:PATH) or the name of a target in --inventory (polled with every transport it has: SNMP
    and SSH, merged). With --replay, TARGETs are .snmprec files, SSH device recordings
    (directories with device.yaml and one file per command) or directories of either.

    Exit status: 0 when every record is complete, 2 when a record is incomplete (the device was
    unreachable or part of the collection failed; the record says what), 1 on bad options or
    inventory.
    """
    if not targets:
        raise click.ClickException("give at least one TARGET (snmp://HOST[:PORT], name or path)")
    if mibs:
        set_mib_dirs(mibs)
    if replay:
        records = [_replay(path, agent_id or "replay") for path in _recordings(targets)]
    else:
        overrides: dict[str, Any] = {
            "version": snmp_version, "community": community, "user": user,
            "auth_protocol": auth_protocol, "auth_key": auth_key,
            "priv_protocol": priv_protocol, "priv_key": priv_key, "context": context,
            "timeout": timeout, "retries": retries, "max_repetitions": max_repetitions,
        }  # fmt: skip
        overrides = {k: v for k, v in overrides.items() if v is not None}
        try:
            loaded = load_any_inventory(inventory, inventory_format) if inventory else None
            specs = [_spec(t, loaded, overrides, deadline) for t in targets]
        except ConfigError as exc:
            raise click.ClickException(str(exc)) from None
        concurrency = loaded.concurrency if loaded else 32
        records = asyncio.run(
            _poll_all(specs, agent_id or _agent_id(loaded), concurrency, machine_output=as_json)
        )
    for record in records:
        if as_json:
            click.echo(json.dumps(record_to_dict(record), sort_keys=True))
        else:
            click.echo(summary(record))
    if any(not record.complete for record in records):
        raise SystemExit(EXIT_INCOMPLETE)


def _agent_id(loaded: Inventory | None) -> str:
    return loaded.agent_id if loaded else "cli"


def _replay(path: Path, agent_id: str) -> DeviceRecord:
    """An SNMP recording (.snmprec) or an SSH device recording (a directory with device.yaml)."""
    if path.is_dir():
        from netsbom.agent.ssh.poll import replay_ssh

        return replay_ssh(path, agent_id=agent_id)
    return replay_snmp(path, agent_id=agent_id)


def _recordings(paths: Iterable[str]) -> list[Path]:
    """Recordings named by PATHs: .snmprec files, SSH device directories (device.yaml), or
    directories holding any number of either."""
    found: list[Path] = []
    for text in paths:
        path = Path(text)
        if path.is_dir():
            if (path / "device.yaml").is_file():
                found.append(path)
                continue
            files = sorted(
                p
                for p in path.rglob("*")
                if p.name.endswith((".snmprec", ".snmprec.bz2"))
                or (p.name == "device.yaml" and p.is_file())
            )
            if not files:
                raise click.ClickException(
                    f"{path}: no .snmprec files or SSH device recordings in this directory"
                )
            found.extend(p.parent if p.name == "device.yaml" else p for p in files)
        elif path.is_file():
            found.append(path)
        else:
            raise click.ClickException(f"{path}: no such file or directory")
    return found


def _spec(
    target: str, loaded: Inventory | None, overrides: dict[str, Any], deadline: float
) -> TargetSpec:
    if target.startswith("snmp://"):
        parts = urlsplit(target)
        try:
            host, port = parts.hostname, parts.port
        except ValueError as exc:
            raise ConfigError(f"{target}: {exc}") from None
        if not host or parts.path not in ("", "/"):
            raise ConfigError(f"{target}: expected snmp://HOST[:PORT]")
        fields = {**overrides, "port": port or 161}
        return _validated(parts.netloc, host, fields, deadline, labels={})
    if "://" in target:
        raise ConfigError(f"{target}: only snmp:// targets are supported")
    if loaded is None:
        raise ConfigError(f"{target}: not an snmp:// URL and no --inventory given")
    for spec in loaded.targets:
        if spec.name == target:
            if not overrides and spec.snmp is not None:
                return spec
            base = spec.snmp.model_dump() if spec.snmp else {}
            return _validated(
                spec.name, spec.address, {**base, **overrides}, spec.deadline, spec.labels
            )
    raise ConfigError(f"{target}: no such target in the inventory")


def _validated(
    name: str, address: str, snmp: dict[str, Any], deadline: float, labels: dict[str, str]
) -> TargetSpec:
    try:
        settings = SnmpSettings.model_validate(snmp)
        return TargetSpec(
            name=name, address=address, snmp=settings, deadline=deadline, labels=labels
        )
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(p) for p in error["loc"]) or "snmp"
        message = error["msg"].removeprefix("Value error, ")
        raise ConfigError(f"{name}: {where}: {message}") from None


async def _poll_all(
    specs: Sequence[TargetSpec], agent_id: str, concurrency: int, *, machine_output: bool
) -> list[DeviceRecord]:
    """Poll every target; a progress bar on a terminal (stderr) unless the output is JSON."""
    gate = asyncio.Semaphore(concurrency)
    enabled = len(specs) > 1 and progress_enabled(machine_output=machine_output)

    with Progress(len(specs), "polling", enabled=enabled) as progress:

        async def one(spec: TargetSpec) -> DeviceRecord:
            async with gate:
                record = await poll_target(spec, agent_id)
            progress.advance()
            return record

        return list(await asyncio.gather(*(one(spec) for spec in specs)))


def summary(record: DeviceRecord) -> str:
    """A few human lines about one record."""
    os_text = " ".join(p for p in (record.os.family, record.os.version) if p) or "-"
    lines = [
        f"{record.target.id}: {record.hostname or '-'}  vendor {record.vendor or '-'}  os {os_text}"
        f"  model {record.model or '-'}  serial {record.serial or '-'}",
        f"  components {len(record.components)}  software {len(record.software)}"
        f"  neighbors {len(record.neighbors)}  {'complete' if record.complete else 'INCOMPLETE'}",
    ]
    lines += [
        f"  error [{e.kind}] {e.source + ': ' if e.source else ''}{e.message}"
        for e in record.errors
    ]
    return "\n".join(lines)


_SNMP_RECORD_OPTIONS = (
    click.option(
        "--community", metavar="REF", help="v2c community reference (env:VAR or file:PATH)."
    ),
    click.option("--snmp-version", type=click.Choice(["2c", "3"]), default=None),
    click.option("--user", help="SNMPv3 user name."),
    click.option("--auth-protocol", type=_AUTH),
    click.option("--auth-key", metavar="REF", help="SNMPv3 auth key reference."),
    click.option("--priv-protocol", type=_PRIV),
    click.option("--priv-key", metavar="REF", help="SNMPv3 privacy key reference."),
    click.option("--context", default=None, help="SNMPv3 context name."),
    click.option("--timeout", type=float, default=None, help="Seconds per request (default 2)."),
    click.option("--retries", type=int, default=None, help="Retries per request (default 1)."),
    click.option("--max-repetitions", type=int, default=None, help="GETBULK max-repetitions."),
)


def _with_options(function: Any) -> Any:
    for option in reversed(_SNMP_RECORD_OPTIONS):
        function = option(function)
    return function


@click.command(
    "record", context_settings={"ignore_unknown_options": True, "allow_extra_args": True}
)
@click.argument("url")
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    required=True,
    help="snmp://: the .snmprec file to write; ssh://: the recording directory.",
)
@_with_options
@click.option(
    "--deadline", type=float, default=120.0, show_default=True, help="Seconds for the device."
)
@click.pass_context
def record(
    ctx: click.Context,
    url: str,
    out: Path,
    community: str | None,
    snmp_version: str | None,
    user: str | None,
    auth_protocol: str | None,
    auth_key: str | None,
    priv_protocol: str | None,
    priv_key: str | None,
    context: str | None,
    timeout: float | None,
    retries: int | None,
    max_repetitions: int | None,
    deadline: float,
) -> None:
    """Record what the agent reads from one device, to send us a device we get wrong.

    snmp://HOST[:PORT] writes a snmpsim .snmprec of exactly the varbinds a poll reads (replay it
    with `netsbom agent poll --replay FILE`). ssh://... is handed to the SSH recorder (its own
    options follow the URL). Exit status 2 when the device answered only in part.
    """
    scheme = urlsplit(url).scheme
    if scheme == "ssh":
        _record_ssh(ctx, url, out)
        return
    if scheme != "snmp":
        raise click.ClickException(f"{url}: expected snmp://HOST[:PORT] or ssh://HOST[:PORT]")
    if ctx.args:
        raise click.ClickException(f"unknown option(s) for snmp://: {' '.join(ctx.args)}")
    overrides: dict[str, Any] = {
        "version": snmp_version, "community": community, "user": user,
        "auth_protocol": auth_protocol, "auth_key": auth_key,
        "priv_protocol": priv_protocol, "priv_key": priv_key, "context": context,
        "timeout": timeout, "retries": retries, "max_repetitions": max_repetitions,
    }  # fmt: skip
    overrides = {k: v for k, v in overrides.items() if v is not None}
    try:
        spec = _spec(url, None, overrides, deadline)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    assert spec.snmp is not None
    try:
        view = asyncio.run(collect(spec.address, spec.snmp, deadline=spec.deadline))
    except CredentialError as exc:
        raise click.ClickException(f"cannot resolve SNMP credential: {exc}") from None
    if not view.values:
        reasons = "; ".join(e.message for e in view.errors) or "no answer"
        raise click.ClickException(f"{url}: nothing recorded ({reasons})")
    count = write_snmprec(view, out)
    click.echo(f"recorded {count} varbinds into {out}")
    for error in view.errors:
        click.echo(f"  error [{error.kind}] {error.source or ''} {error.message}", err=True)
    if view.errors:
        raise SystemExit(EXIT_INCOMPLETE)


def _record_ssh(ctx: click.Context, url: str, out: Path) -> None:
    """Delegate ``ssh://`` to the SSH recorder when it is installed."""
    try:
        from netsbom.agent.ssh import cli as ssh_cli
    except ImportError:
        raise click.ClickException("ssh:// recording is not available in this build") from None
    command = getattr(ssh_cli, "record", None)
    if not isinstance(command, click.Command):
        raise click.ClickException("ssh:// recording is not available in this build")
    ctx.invoke(
        command,
        **command.make_context("record", [url, "--out", str(out), *ctx.args], parent=ctx).params,
    )
