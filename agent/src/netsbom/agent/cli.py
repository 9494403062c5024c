"""``netsbom agent``: poll an inventory and report (``run``), poll or replay devices (``poll``),
record a device (``record``).

This module only declares the commands: what they run is imported when they run, so
``netsbom agent --help`` stays cheap.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import click

from netsbom.core.cli.options import (
    MetricsEndpoint,
    Output,
    metrics_options,
    option_group,
    output_options,
)
from netsbom.core.errors import ConfigError, ExitCode, NetsbomError

if TYPE_CHECKING:
    from netsbom.agent.inventory import Inventory, TargetSpec
    from netsbom.core.record import DeviceRecord

_AUTH = click.Choice(["md5", "sha", "sha224", "sha256", "sha384", "sha512"])
_PRIV = click.Choice(["des", "3des", "aes128", "aes192", "aes256"])
_INVENTORY_FORMATS = click.Choice(["auto", "netsbom", "nornir", "ansible"])


@click.group("agent")
def agent() -> None:
    """Poll devices over SNMP and SSH and report to the collector."""


# --- option groups -------------------------------------------------------------------------------


def _set_only(**values: Any) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value is not None}


snmp_options = option_group(
    "snmp",
    _set_only,
    click.option(
        "--community", metavar="REF", help="v2c community reference (env:VAR or file:PATH)."
    ),
    click.option(
        "--snmp-version",
        "version",
        type=click.Choice(["2c", "3"]),
        default=None,
        help="SNMP version (default: the inventory's, else 2c).",
    ),
    click.option("--user", help="SNMPv3 user name."),
    click.option("--auth-protocol", type=_AUTH, help="SNMPv3 authentication protocol."),
    click.option("--auth-key", metavar="REF", help="SNMPv3 auth key reference."),
    click.option("--priv-protocol", type=_PRIV, help="SNMPv3 privacy protocol."),
    click.option("--priv-key", metavar="REF", help="SNMPv3 privacy key reference."),
    click.option("--context", default=None, help="SNMPv3 context name."),
    click.option(
        "--timeout", type=float, default=None, help="SNMP: seconds per request (default 2)."
    ),
    click.option(
        "--retries", type=int, default=None, help="SNMP: retries per request (default 1)."
    ),
    click.option("--max-repetitions", type=int, default=None, help="SNMP GETBULK max-repetitions."),
)
"""SNMP settings given on the command line: a dict of the ones set (inventory field names)."""


def _mibs(mibs: tuple[Path, ...]) -> tuple[Path, ...]:
    if mibs:
        from netsbom.agent.snmp.mibs import set_mib_dirs

        set_mib_dirs(mibs)
    return mibs


mibs_option = option_group(
    "mibs",
    _mibs,
    click.option(
        "--mibs",
        type=click.Path(path_type=Path, file_okay=False),
        multiple=True,
        help="Folder of vendor MIBs and IANA's enterprise registry (their product names, identity "
        "objects and registrants add to the tables netsbom ships); env NETSBOM_MIBS.",
    ),
)
"""``--mibs DIR``: applied as soon as the command starts."""


@dataclass(frozen=True, slots=True)
class CollectorConnection:
    """How to reach the collector: address, token reference, TLS."""

    address: str
    token_ref: str | None
    tls_ca: Path | None
    tls_cert: Path | None
    tls_key: Path | None
    use_tls: bool
    insecure: bool

    def tls(self) -> Any:
        """The client TLS settings, or None for plaintext (refused off loopback)."""
        from netsbom.agent.publish import ClientTls
        from netsbom.core.net import is_loopback

        if self.use_tls or self.tls_ca or self.tls_cert or self.tls_key:
            return ClientTls(ca=self.tls_ca, cert=self.tls_cert, key=self.tls_key)
        if not is_loopback(self.address) and not self.insecure:
            raise click.UsageError(
                f"refusing plaintext to {self.address}: use --tls/--tls-ca, or --insecure"
            )
        return None


_EXISTING = click.Path(path_type=Path, exists=True, dir_okay=False)
collector_options = option_group(
    "connection",
    lambda collector, **rest: CollectorConnection(address=collector, **rest),
    click.option("--collector", required=True, help="Collector address HOST:PORT."),
    click.option(
        "--token",
        "token_ref",
        envvar="NETSBOM_AGENT_TOKEN",
        help="Agent token reference: env:VAR or file:PATH (env NETSBOM_AGENT_TOKEN).",
    ),
    click.option(
        "--tls-ca", type=_EXISTING, help="CA bundle to verify the collector (enables TLS)."
    ),
    click.option("--tls-cert", type=_EXISTING, help="Client certificate for mTLS."),
    click.option("--tls-key", type=_EXISTING, help="Client key for mTLS."),
    click.option("--tls", "use_tls", is_flag=True, help="TLS with the system's CA roots."),
    click.option(
        "--insecure", is_flag=True, help="Allow plaintext to a collector that is not on loopback."
    ),
)

inventory_options = option_group(
    "inventory",
    lambda inventory_path, inventory_format: (inventory_path, inventory_format),
    click.option(
        "--inventory",
        "inventory_path",
        type=click.Path(path_type=Path),
        help="Inventory: netsbom YAML, a Nornir SimpleInventory (hosts.yaml or its folder) or an "
        "Ansible YAML inventory (docs/inventories.md).",
    ),
    click.option(
        "--inventory-format",
        type=_INVENTORY_FORMATS,
        default="auto",
        show_default=True,
        help="Format of --inventory; auto detects it.",
    ),
)


# --- run -----------------------------------------------------------------------------------------


@agent.command("run")
@inventory_options
@collector_options
@click.option("--once", is_flag=True, help="Poll every target once, send, and exit.")
@click.option(
    "--interval",
    type=click.FloatRange(min=1),
    default=900,
    show_default=True,
    help="Seconds between polling rounds (without --once).",
)
@click.option(
    "--spool",
    "spool_dir",
    type=click.Path(path_type=Path),
    default=Path(".netsbom/spool"),
    show_default=True,
    help="Directory of reports not yet acknowledged.",
)
@click.option(
    "--send-timeout",
    type=click.FloatRange(min=0),
    default=60,
    show_default=True,
    help="Seconds to keep retrying an unreachable collector before leaving reports "
    "in the spool for the next run.",
)
@click.option(
    "--spool-max-bytes",
    type=click.IntRange(min=1024),
    default=1024**3,
    show_default=True,
    help="Spool bound: past it the oldest reports are dropped (each drop logged).",
)
@metrics_options
@mibs_option
def run_command(
    inventory: tuple[Path | None, str],
    connection: CollectorConnection,
    once: bool,
    interval: float,
    spool_dir: Path,
    send_timeout: float,
    spool_max_bytes: int,
    metrics: MetricsEndpoint,
    mibs: tuple[Path, ...],
) -> None:
    """Poll every inventory target and stream the reports to the collector.

    Exit status (with --once; docs/cli.md): 0 every report stored, 3 some left in the spool
    (collector unreachable), 4 some targets failed (each named on stderr, unresolved
    credentials included), 5 the collector rejected reports, 1 an error (bad inventory,
    unusable spool, reports lost), 2 usage.
    """
    import asyncio
    import time

    from netsbom.agent.credentials import resolve
    from netsbom.agent.inventory_sources import load_any_inventory
    from netsbom.agent.publish import Publisher
    from netsbom.agent.run import run_once
    from netsbom.agent.spool import Spool
    from netsbom.core.progress import Progress

    inventory_path, inventory_format = inventory
    if inventory_path is None:
        raise click.UsageError("--inventory is required")
    loaded = load_any_inventory(inventory_path, inventory_format)
    token = resolve(connection.token_ref) if connection.token_ref else None
    tls = connection.tls()
    spool = Spool(spool_dir / loaded.agent_id, max_bytes=spool_max_bytes)
    metrics.serve()

    current = loaded
    read_at = time.monotonic()

    async def main() -> int:
        nonlocal current, read_at
        while True:
            if current.refresh and time.monotonic() - read_at >= current.refresh:
                current, read_at = (
                    _reread(inventory_path, inventory_format, current),
                    time.monotonic(),
                )
            publisher = Publisher(connection.address, spool, token=token, tls=tls)
            with Progress(len(current.targets), "polling") as progress:
                summary = await run_once(
                    current,
                    publisher,
                    spool,
                    give_up_after=send_timeout,
                    on_record=lambda _record: progress.advance(),
                )
            for record in summary.incomplete:
                for error in record.errors:
                    click.echo(
                        f"target {record.target.id}: {error.kind}: {error.message}", err=True
                    )
            click.echo(summary.line(), err=True)
            if once:
                return summary.exit_code
            await asyncio.sleep(interval)

    raise SystemExit(asyncio.run(main()))


def _reread(path: Path, fmt: str, previous: Inventory) -> Inventory:
    """The inventory read again (a NetBox source's ``refresh``); on failure, the previous one."""
    from netsbom.agent.inventory_sources import load_any_inventory
    from netsbom.core.errors import NetsbomError

    try:
        fresh: Inventory = load_any_inventory(path, fmt)
    except NetsbomError as exc:
        click.echo(
            f"Warning: {exc}; polling the {len(previous.targets)} targets read before", err=True
        )
        return previous
    return fresh


# --- poll ----------------------------------------------------------------------------------------


@agent.command("poll")
@click.argument("targets", nargs=-1)
@inventory_options
@click.option(
    "--replay",
    is_flag=True,
    help="Treat TARGETs as recordings (.snmprec files, SSH device directories) and parse offline.",
)
@output_options(["text", "json"], json_alias=True, out=False)
@snmp_options
@click.option(
    "--deadline",
    type=float,
    default=60.0,
    show_default=True,
    help="Seconds for the whole poll of one device.",
)
@click.option("--agent-id", default=None, help="Agent id written into records.")
@mibs_option
def poll_command(
    targets: tuple[str, ...],
    inventory: tuple[Path | None, str],
    replay: bool,
    output: Output,
    snmp: dict[str, Any],
    deadline: float,
    agent_id: str | None,
    mibs: tuple[Path, ...],
) -> None:
    """Poll TARGETs and print one record per device (`--format json`: one JSON line each).

    TARGET is snmp://HOST[:PORT] (credentials from the options, as references: env:VAR or
    file:PATH) or the name of a target in --inventory (polled with every transport it has: SNMP
    and SSH, merged; SNMP options override its SNMP settings, and give a target without any
    only with --community or --user). With --replay, TARGETs are
    .snmprec files, SSH device recordings (directories with device.yaml and one file per
    command) or directories of either.

    Exit status: 0 when every record is complete, 4 when a record is incomplete (the device was
    unreachable or part of the collection failed; the record says what) or a recording could not
    be read (one `Error:` line each; the others are still parsed), 1 on bad options or inventory.
    """
    import asyncio

    from netsbom.core.record import record_to_dict

    if not targets:
        raise click.UsageError("give at least one TARGET (snmp://HOST[:PORT], name or path)")
    as_json = output.format == "json"
    failed = False
    if replay:
        records = []
        for path in _recordings(targets):
            try:
                records.append(_replay(path, agent_id or "replay"))
            except Exception as exc:  # one bad recording never stops the batch
                failed = True
                message = str(exc) if isinstance(exc, NetsbomError) else type(exc).__name__
                where = "" if message.startswith(str(path)) else f"{path}: "
                click.echo(f"Error: {where}{message}", err=True)
    else:
        from netsbom.agent.inventory_sources import load_any_inventory

        inventory_path, inventory_format = inventory
        loaded = load_any_inventory(inventory_path, inventory_format) if inventory_path else None
        specs = [_spec(t, loaded, snmp, deadline) for t in targets]
        concurrency = loaded.concurrency if loaded else 32
        agent_name = agent_id or (loaded.agent_id if loaded else "cli")
        records = asyncio.run(_poll_all(specs, agent_name, concurrency, machine_output=as_json))
    for record in records:
        if as_json:
            click.echo(json.dumps(record_to_dict(record), sort_keys=True))
        else:
            click.echo(summary(record))
    if failed or any(not record.complete for record in records):
        raise SystemExit(ExitCode.PARTIAL)


def _replay(path: Path, agent_id: str) -> DeviceRecord:
    """An SNMP recording (.snmprec), an SSH device recording (a directory with device.yaml), a
    gNMI recording (.gnmi.json) or a NETCONF one (a directory with hello.txt)."""
    if path.name.endswith(".gnmi.json"):
        from netsbom.agent.gnmi.poll import replay_gnmi

        return replay_gnmi(path, agent_id=agent_id)
    if path.is_dir() and (path / "hello.txt").is_file():
        from netsbom.agent.netconf.poll import replay_netconf

        return replay_netconf(path, agent_id=agent_id)
    if path.is_dir():
        from netsbom.agent.ssh.poll import replay_ssh

        return replay_ssh(path, agent_id=agent_id)
    from netsbom.agent.snmp.poll import replay_snmp

    return replay_snmp(path, agent_id=agent_id)


def _recordings(paths: Iterable[str]) -> list[Path]:
    """Recordings named by PATHs: .snmprec files, SSH device directories (device.yaml), or
    directories holding any number of either."""
    found: list[Path] = []
    for text in paths:
        path = Path(text)
        if path.is_dir():
            if (path / "device.yaml").is_file() or (path / "hello.txt").is_file():
                found.append(path)
                continue
            files = sorted(
                p
                for p in path.rglob("*")
                if p.name.endswith((".snmprec", ".snmprec.bz2", ".gnmi.json"))
                or (p.name in ("device.yaml", "hello.txt") and p.is_file())
            )
            if not files:
                raise ConfigError(f"{path}: no .snmprec files or SSH device recordings here")
            found.extend(p.parent if p.name in ("device.yaml", "hello.txt") else p for p in files)
        elif path.is_file():
            found.append(path)
        else:
            raise ConfigError(f"{path}: no such file or directory")
    return found


def _spec(
    target: str, loaded: Inventory | None, snmp: dict[str, Any], deadline: float
) -> TargetSpec:
    """The target to poll: an ``snmp://`` URL, or an inventory target with ``snmp`` applied to
    its SNMP settings (its SSH settings stay as they are)."""

    if target.startswith("snmp://"):
        parts = urlsplit(target)
        try:
            host, port = parts.hostname, parts.port
        except ValueError as exc:
            raise ConfigError(f"{target}: {exc}") from None
        if not host or parts.path not in ("", "/"):
            raise ConfigError(f"{target}: expected snmp://HOST[:PORT]")
        return _validated(parts.netloc, {"address": host, "deadline": deadline,
                                         "snmp": {**snmp, "port": port or 161}})  # fmt: skip
    if "://" in target:
        raise ConfigError(f"{target}: only snmp:// URLs and inventory names are targets")
    if loaded is None:
        raise ConfigError(f"{target}: not an snmp:// URL and no --inventory given")
    spec: TargetSpec | None = next((s for s in loaded.targets if s.name == target), None)
    if spec is None:
        raise ConfigError(f"{target}: no such target in the inventory")
    if not snmp:
        return spec
    if spec.snmp is None and not ({"community", "user"} & set(snmp)):
        given = ", ".join(f"--{name.replace('_', '-')}" for name in sorted(snmp))
        raise click.UsageError(
            f"{target} has no SNMP settings for {given} to change "
            "(add --community or --user to poll it over SNMP too)"
        )
    fields = spec.model_dump()
    fields["snmp"] = {**(fields.get("snmp") or {}), **snmp}
    return _validated(spec.name, fields)


def _validated(name: str, fields: dict[str, Any]) -> TargetSpec:
    from pydantic import ValidationError

    from netsbom.agent.inventory import TargetSpec

    try:
        return TargetSpec.model_validate({**fields, "name": name})
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(p) for p in error["loc"]) or "target"
        message = error["msg"].removeprefix("Value error, ")
        raise ConfigError(f"{name}: {where}: {message}") from None


async def _poll_all(
    specs: Sequence[TargetSpec], agent_id: str, concurrency: int, *, machine_output: bool
) -> list[DeviceRecord]:
    """Poll every target; a progress bar on a terminal (stderr) unless the output is JSON."""
    import asyncio

    from netsbom.agent.run import poll_target
    from netsbom.core.progress import Progress, progress_enabled

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


# --- record --------------------------------------------------------------------------------------


ssh_options = option_group(
    "ssh",
    _set_only,
    click.option("--platform", help="ssh://: the device's OS family or netmiko device_type."),
    click.option("--username", envvar="NETSBOM_SSH_USERNAME", help="ssh://: login (or USER@)."),
    click.option(
        "--password",
        envvar="NETSBOM_SSH_PASSWORD",
        metavar="REF",
        help="ssh://: password reference env:VAR or file:PATH (env NETSBOM_SSH_PASSWORD).",
    ),
    click.option("--key-file", type=_EXISTING, help="ssh://: private key."),
    click.option("--known-hosts", help="ssh://: known_hosts file (default ~/.ssh/known_hosts)."),
    click.option("--tofu", is_flag=True, default=None, help="ssh://: pin an unknown host key."),
    click.option(
        "--legacy-algorithms",
        is_flag=True,
        default=None,
        help="ssh://: allow diffie-hellman-group14-sha1 / ssh-rsa for this device.",
    ),
)
"""SSH settings of ``agent record ssh://``: a dict of the ones set."""


@agent.command("record")
@click.argument("url")
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    required=True,
    help="snmp://: the .snmprec file to write; ssh://: the recording directory.",
)
@snmp_options
@ssh_options
@click.option(
    "--deadline", type=float, default=120.0, show_default=True, help="Seconds for the device."
)
def record_command(
    url: str, out: Path, snmp: dict[str, Any], ssh: dict[str, Any], deadline: float
) -> None:
    """Record what the agent reads from one device, to send us a device we get wrong.

    snmp://HOST[:PORT] writes a snmpsim .snmprec of exactly the varbinds a poll reads;
    ssh://[USER@]HOST[:PORT] --platform P writes a directory with device.yaml and one file per
    command answered. Replay either with `netsbom agent poll --replay PATH`. Exit status 4 when
    the device answered only in part.
    """
    scheme = urlsplit(url).scheme
    if scheme == "ssh":
        if snmp:
            raise click.UsageError(f"SNMP options do not apply to {url}")
        from netsbom.agent.ssh.recording import record_device

        written, errors = record_device(url, out, ssh, deadline=deadline)
        for line in errors:
            click.echo(line, err=True)
        click.echo(f"recorded {written} command(s) into {out}")
        if errors:
            raise SystemExit(ExitCode.PARTIAL)
        return
    if scheme != "snmp":
        raise click.UsageError(f"{url}: expected snmp://HOST[:PORT] or ssh://HOST[:PORT]")
    if ssh:
        raise click.UsageError(f"SSH options do not apply to {url}")
    from netsbom.agent.snmp.record import record_device as record_snmp

    spec = _spec(url, None, snmp, deadline)
    assert spec.snmp is not None
    count, errors = record_snmp(spec.address, spec.snmp, out, deadline=spec.deadline)
    click.echo(f"recorded {count} varbinds into {out}")
    for line in errors:
        click.echo(line, err=True)
    if errors:
        raise SystemExit(ExitCode.PARTIAL)
