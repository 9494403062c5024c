"""``netsbom collector``: serve the gRPC ingest, create agent tokens, migrate the store."""

from __future__ import annotations

import math
import signal
from pathlib import Path

import click

from netsbom.collector.cli.options import StoreOptions, store_option
from netsbom.core.cli.options import MetricsEndpoint, metrics_options

_EXISTING = click.Path(path_type=Path, exists=True, dir_okay=False)


class RateLimit(click.ParamType[float]):
    """Reports per second per agent: ``N/s`` or ``N`` (a positive number), or ``off``."""

    name = "rate"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> float:
        if isinstance(value, float):
            return value
        text = str(value).strip().lower()
        if text in ("off", "none", "unlimited"):
            return math.inf
        try:
            rate = float(text.removesuffix("/s"))
        except ValueError:
            rate = math.nan
        if not rate > 0 or math.isinf(rate):
            self.fail(
                f"{value!r} is not a rate: give reports per second as N/s (e.g. 5000/s) or off"
            )
        return rate


@click.group("collector")
def collector() -> None:
    """Receive reports and keep every observation."""


@collector.command("serve")
@store_option
@click.option("--listen", default="127.0.0.1:50051", show_default=True, help="HOST:PORT.")
@click.option(
    "--tokens",
    "tokens_path",
    type=click.Path(path_type=Path),
    help="Agent tokens file (hashes; see `netsbom collector token`).",
)
@click.option("--no-auth", is_flag=True, help="Accept agents without a token (labs only).")
@click.option("--tls-cert", type=_EXISTING, help="Server certificate (PEM).")
@click.option("--tls-key", type=_EXISTING, help="Server key (PEM).")
@click.option(
    "--tls-client-ca", type=_EXISTING, help="Require agent certificates signed by this CA (mTLS)."
)
@click.option("--insecure", is_flag=True, help="Allow plaintext on a non-loopback address.")
@click.option(
    "--rate-limit",
    type=RateLimit(),
    default="5000/s",
    show_default=True,
    envvar="NETSBOM_COLLECTOR_RATE_LIMIT",
    help="Reports per second per agent (all its streams; one second of burst): N/s, or off. "
    "Faster agents are slowed down, never refused. Env: NETSBOM_COLLECTOR_RATE_LIMIT.",
)
@metrics_options
def serve_command(
    store: StoreOptions,
    listen: str,
    tokens_path: Path | None,
    no_auth: bool,
    tls_cert: Path | None,
    tls_key: Path | None,
    tls_client_ca: Path | None,
    insecure: bool,
    rate_limit: float,
    metrics: MetricsEndpoint,
) -> None:
    """Serve the gRPC Collector service and grpc.health.v1 until SIGTERM/SIGINT.

    The tokens file is reloaded when it changes and on SIGHUP: a removed token stops working
    within seconds, on open streams too."""
    import asyncio

    from netsbom.collector.auth import TokenFile
    from netsbom.collector.server import CollectorConfig, Limits, TlsFiles, start_collector

    if bool(tls_cert) != bool(tls_key):
        raise click.UsageError("--tls-cert and --tls-key go together")
    tokens = TokenFile(tokens_path) if tokens_path else None
    config = CollectorConfig(
        listen=listen,
        tls=TlsFiles(tls_cert, tls_key, tls_client_ca) if tls_cert and tls_key else None,
        auth=tokens,
        allow_plaintext=insecure,
        allow_no_auth=no_auth,
        limits=Limits(reports_per_second=rate_limit),
    )
    config.check()
    metrics.serve()
    opened = store.open()

    async def main() -> None:
        running = await start_collector(opened, config)
        click.echo(f"collector listening on {listen} (port {running.port})", err=True)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        watcher = None
        if tokens is not None:
            loop.add_signal_handler(signal.SIGHUP, tokens.reload)
            watcher = asyncio.create_task(tokens.watch())
        await stop.wait()
        click.echo("collector: draining and stopping", err=True)
        if watcher is not None:
            watcher.cancel()
        await running.stop(grace=10)

    try:
        asyncio.run(main())
    finally:
        opened.close()


@collector.command("token")
@click.argument("agent_id")
@click.option(
    "--tokens",
    "tokens_path",
    type=click.Path(path_type=Path),
    required=True,
    help="Tokens file to add the token's hash to (created if missing).",
)
def token_command(agent_id: str, tokens_path: Path) -> None:
    """Create a token for AGENT_ID: its hash goes to the tokens file, the token to stdout once."""
    from netsbom.collector.auth import add_agent

    click.echo(add_agent(tokens_path, agent_id))


@collector.command("migrate")
@store_option
def migrate_command(store: StoreOptions) -> None:
    """Create or upgrade the store's schema (serve does this too)."""
    opened = store.open()
    try:
        click.echo(f"store at latest schema; {opened.count()} observations")
    finally:
        opened.close()
