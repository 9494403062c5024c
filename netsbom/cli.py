"""The `netsbom` command: one group per concern, errors as one clear line, never a traceback."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from pathlib import Path
from typing import Any

import click

from netsbom import __version__
from netsbom.cli_options import DB_HELP, mibs_option
from netsbom.errors import NetsbomError

DEFAULT_DB = "sqlite:///netsbom.db"


class _Group(click.Group):
    """Turns netsbom errors into one `error: ...` line and exit status 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except NetsbomError as exc:
            raise click.ClickException(str(exc)) from None
        except KeyboardInterrupt:
            raise click.Abort() from None


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="netsbom")
@click.option(
    "--log-level",
    type=click.Choice(["debug", "info", "warning", "error"]),
    default="warning",
    show_default=True,
    envvar="NETSBOM_LOG_LEVEL",
    help="Logging to stderr.",
)
def cli(log_level: str) -> None:
    """netsbom: what software runs in a live network, as a topology-aware system SBOM."""
    logging.basicConfig(
        level=getattr(logging, log_level.upper()),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )


# --- agent -----------------------------------------------------------------------------------


@cli.group(cls=_Group)
def agent() -> None:
    """Poll devices and report to the collector."""


@agent.command("run")
@click.option(
    "--inventory",
    "inventory_path",
    type=click.Path(path_type=Path),
    required=True,
    help="Inventory YAML (targets, labels, credential references).",
)
@click.option(
    "--inventory-format",
    type=click.Choice(["auto", "netsbom", "nornir", "ansible"]),
    default="auto",
    show_default=True,
    help="netsbom YAML, a Nornir SimpleInventory (hosts.yaml or its folder) or an Ansible YAML "
    "inventory (docs/inventories.md); auto detects it.",
)
@click.option("--collector", required=True, help="Collector address HOST:PORT.")
@click.option("--once", is_flag=True, help="Poll every target once, send, and exit.")
@click.option(
    "--interval",
    type=click.FloatRange(min=1),
    default=900,
    show_default=True,
    help="Seconds between polling rounds (without --once).",
)
@click.option(
    "--token",
    "token_ref",
    envvar="NETSBOM_AGENT_TOKEN",
    help="Agent token reference: env:VAR or file:PATH (env NETSBOM_AGENT_TOKEN).",
)
@click.option(
    "--tls-ca",
    type=click.Path(path_type=Path, exists=True),
    help="CA bundle to verify the collector (enables TLS).",
)
@click.option(
    "--tls-cert", type=click.Path(path_type=Path, exists=True), help="Client certificate for mTLS."
)
@click.option(
    "--tls-key", type=click.Path(path_type=Path, exists=True), help="Client key for mTLS."
)
@click.option("--tls", "use_tls", is_flag=True, help="TLS with the system's CA roots.")
@click.option(
    "--insecure", is_flag=True, help="Allow plaintext to a collector that is not on loopback."
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
    "--metrics-listen",
    metavar="HOST:PORT",
    help="Serve Prometheus metrics over HTTP here (opt-in; e.g. 127.0.0.1:9464).",
)
@mibs_option
def agent_run(
    inventory_path: Path,
    inventory_format: str,
    collector: str,
    once: bool,
    interval: float,
    token_ref: str | None,
    tls_ca: Path | None,
    tls_cert: Path | None,
    tls_key: Path | None,
    use_tls: bool,
    insecure: bool,
    spool_dir: Path,
    send_timeout: float,
    metrics_listen: str | None,
    mibs: tuple[Path, ...],
) -> None:
    """Poll every inventory target and stream the reports to the collector.

    Exit status: 0 when every report was acknowledged, 3 when some stay in the spool
    (collector unreachable), 1 on a configuration error.
    """
    from netsbom.agent.credentials import resolve
    from netsbom.agent.inventory_sources import load_any_inventory
    from netsbom.agent.publish import ClientTls, Publisher
    from netsbom.agent.run import run_once
    from netsbom.agent.snmp.mibs import set_mib_dirs
    from netsbom.agent.spool import Spool
    from netsbom.collector.server import is_loopback
    from netsbom.progress import Progress

    if mibs:
        set_mib_dirs(mibs)
    inventory = load_any_inventory(inventory_path, inventory_format)
    token = resolve(token_ref) if token_ref else None
    tls = None
    if use_tls or tls_ca or tls_cert or tls_key:
        tls = ClientTls(ca=tls_ca, cert=tls_cert, key=tls_key)
    elif not is_loopback(collector) and not insecure:
        raise click.UsageError(
            f"refusing plaintext to {collector}: use --tls/--tls-ca, or --insecure"
        )
    spool = Spool(spool_dir / inventory.agent_id)
    if metrics_listen:
        from netsbom.metrics import serve_metrics

        serve_metrics(metrics_listen)

    async def main() -> int:
        while True:
            publisher = Publisher(collector, spool, token=token, tls=tls)
            with Progress(len(inventory.targets), "polling") as progress:
                summary = await run_once(
                    inventory,
                    publisher,
                    spool,
                    give_up_after=send_timeout,
                    on_record=lambda _record: progress.advance(),
                )
            stats = summary.publish
            assert stats is not None
            click.echo(
                f"polled {len(summary.records)} targets ({len(summary.incomplete)} incomplete); "
                f"stored {stats.stored}, duplicates {stats.duplicates}, rejected {stats.rejected}, "
                f"waiting in spool {summary.unsent}",
                err=True,
            )
            if once:
                return 3 if summary.unsent else 0
            await asyncio.sleep(interval)

    sys.exit(asyncio.run(main()))


def _register_poll() -> None:
    from netsbom.agent.cli_poll import poll, record

    agent.add_command(poll)
    agent.add_command(record)  # snmp:// here; ssh:// handed on to the SSH recorder


# --- collector -------------------------------------------------------------------------------


@cli.group(cls=_Group)
def collector() -> None:
    """Receive reports and keep every observation."""


@collector.command("serve")
@click.option("--db", envvar="NETSBOM_DB", default=DEFAULT_DB, show_default=True, help=DB_HELP)
@click.option("--listen", default="127.0.0.1:50051", show_default=True, help="HOST:PORT.")
@click.option(
    "--tokens",
    "tokens_path",
    type=click.Path(path_type=Path),
    help="Agent tokens file (hashes; see `netsbom collector token`).",
)
@click.option("--no-auth", is_flag=True, help="Accept agents without a token (labs only).")
@click.option("--tls-cert", type=click.Path(path_type=Path, exists=True), help="Server cert.")
@click.option("--tls-key", type=click.Path(path_type=Path, exists=True), help="Server key.")
@click.option(
    "--tls-client-ca",
    type=click.Path(path_type=Path, exists=True),
    help="Require agent certificates signed by this CA (mTLS).",
)
@click.option("--insecure", is_flag=True, help="Allow plaintext on a non-loopback address.")
@click.option(
    "--metrics-listen",
    metavar="HOST:PORT",
    help="Serve Prometheus metrics over HTTP here (opt-in; e.g. 127.0.0.1:9464).",
)
def collector_serve(
    db: str,
    listen: str,
    tokens_path: Path | None,
    no_auth: bool,
    tls_cert: Path | None,
    tls_key: Path | None,
    tls_client_ca: Path | None,
    insecure: bool,
    metrics_listen: str | None,
) -> None:
    """Serve the gRPC Collector service and grpc.health.v1 until SIGTERM/SIGINT."""
    from netsbom.collector.auth import load_tokens
    from netsbom.collector.server import CollectorConfig, TlsFiles, start_collector
    from netsbom.collector.store import open_store

    if bool(tls_cert) != bool(tls_key):
        raise click.UsageError("--tls-cert and --tls-key go together")
    config = CollectorConfig(
        listen=listen,
        tls=TlsFiles(tls_cert, tls_key, tls_client_ca) if tls_cert and tls_key else None,
        auth=load_tokens(tokens_path) if tokens_path else None,
        allow_plaintext=insecure,
        allow_no_auth=no_auth,
    )
    config.check()
    store = open_store(db)
    if metrics_listen:
        from netsbom.metrics import serve_metrics

        serve_metrics(metrics_listen)

    async def main() -> None:
        running = await start_collector(store, config)
        click.echo(f"collector listening on {listen} (port {running.port})", err=True)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await stop.wait()
        click.echo("collector: draining and stopping", err=True)
        await running.stop(grace=10)

    try:
        asyncio.run(main())
    finally:
        store.close()


@collector.command("token")
@click.argument("agent_id")
@click.option(
    "--tokens",
    "tokens_path",
    type=click.Path(path_type=Path),
    required=True,
    help="Tokens file to add the token's hash to (created if missing).",
)
def collector_token(agent_id: str, tokens_path: Path) -> None:
    """Create a token for AGENT_ID: its hash goes to the tokens file, the token to stdout once."""
    from netsbom.collector.auth import add_agent

    click.echo(add_agent(tokens_path, agent_id))


@collector.command("migrate")
@click.option("--db", envvar="NETSBOM_DB", default=DEFAULT_DB, show_default=True, help=DB_HELP)
def collector_migrate(db: str) -> None:
    """Create or upgrade the store's schema (serve does this too)."""
    from netsbom.collector.store import open_store

    store = open_store(db)
    click.echo(f"store at latest schema; {store.count()} observations")
    store.close()


# --- sbom ------------------------------------------------------------------------------------


@cli.group(cls=_Group)
def sbom() -> None:
    """Export the system SBOM of a network."""


@sbom.command("export")
@click.option("--db", envvar="NETSBOM_DB", default=DEFAULT_DB, show_default=True, help=DB_HELP)
@click.option("--network", help="Network name (the targets' `network` label).")
@click.option(
    "--select", help="Label terms KEY=VALUE[|VALUE...], comma-separated (site=dc1,role=leaf)."
)
@click.option("--at", "at_text", help="Point in time (ISO 8601, UTC if no zone); default: latest.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["cyclonedx-json", "cyclonedx-xml", "spdx-json", "spdx3-jsonld"]),
    default="cyclonedx-json",
    show_default=True,
)
@click.option("--out", type=click.Path(path_type=Path), help="Output file (default: stdout).")
@click.option(
    "--with-vulnerabilities",
    is_flag=True,
    help="Add VEX: CycloneDX `vulnerabilities`, SPDX 3 security relationships (needs --feeds).",
)
@click.option(
    "--feeds",
    "feeds_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Feeds directory for --with-vulnerabilities: nvd/, cve/, kev.json, epss.csv "
    "(as `netsbom vuln assess --feeds`).",
)
def sbom_export(
    db: str,
    network: str | None,
    select: str | None,
    at_text: str | None,
    fmt: str,
    out: Path | None,
    with_vulnerabilities: bool,
    feeds_dir: Path | None,
) -> None:
    """Write the system SBOM of a network as deployed at --at.

    Formats: CycloneDX 1.6 (JSON, XML), SPDX 2.3 JSON, SPDX 3.0.1 JSON-LD. With
    --with-vulnerabilities --feeds DIR the firmware is assessed against the feeds (offline) and
    the document carries the VEX statements (docs/sbom.md)."""
    from netsbom.collector.export import (
        assess_configuration,
        configuration_at,
        parse_at,
        render_sbom,
    )
    from netsbom.collector.store import open_store
    from netsbom.perf import gc_paused
    from netsbom.progress import Progress
    from netsbom.topology.selection import parse_selector

    if with_vulnerabilities and feeds_dir is None:
        raise click.UsageError("--with-vulnerabilities needs --feeds DIR")
    if feeds_dir is not None and not with_vulnerabilities:
        raise click.UsageError("--feeds goes with --with-vulnerabilities")
    selector = parse_selector(network, select)
    at = parse_at(at_text)
    warnings: list[str] = []
    store = open_store(db)
    try:
        with gc_paused(), Progress(4 if feeds_dir else 3, "export") as progress:
            progress.stage("reading observations, deriving links")
            config = configuration_at(store, at=at, select=selector)
            assessments = None
            if feeds_dir is not None:
                progress.stage("loading vulnerability feeds")
                assessments = assess_configuration(config, feeds_dir, warn=warnings.append)
            progress.stage(f"rendering {len(config.records)} devices")
            data = render_sbom(config, fmt, assessments)
            progress.stage("writing")
    finally:
        store.close()
    for warning in warnings:
        click.echo(f"warning: feeds: {warning}", err=True)
    if out is None:
        sys.stdout.buffer.write(data)
    else:
        out.write_bytes(data)
        click.echo(f"wrote {out} ({len(data)} bytes)", err=True)


# --- demo ------------------------------------------------------------------------------------


@cli.command("demo")
@click.option(
    "--dir",
    "workdir",
    type=click.Path(path_type=Path),
    default=Path("netsbom-demo"),
    show_default=True,
    help="Where the store, spool and SBOM go.",
)
def demo(workdir: Path) -> None:
    """Start the simulated lab, poll it, ingest into a SQLite collector, write the system SBOM."""
    from netsbom.demo import run_demo

    run_demo(workdir, echo=click.echo)


def _register_optional() -> None:
    _register_poll()
    from netsbom.collector.cli_queries import register

    register(cli, sbom)
    from netsbom.lab.cli import lab

    cli.add_command(lab)
    from netsbom.vuln.cli import vuln

    cli.add_command(vuln)
    from netsbom.fleet import generate_fleet

    cli.add_command(generate_fleet)


_register_optional()


def main() -> None:
    cli(prog_name="netsbom")
