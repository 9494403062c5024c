"""``netsbom collector``: serve the gRPC ingest, create agent tokens, migrate the store."""

from __future__ import annotations

import math
import signal
from pathlib import Path

import click

from netsbom.collector.cli.options import StoreOptions, store_option
from netsbom.collector.web.cli import web_options
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
    "--http",
    "http_listen",
    metavar="HOST:PORT",
    help="Also serve the NOC console and HTTP API here (TLS with --tls-cert/--tls-key).",
)
@click.option(
    "--http-tokens",
    "http_tokens",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Console tokens file (roles viewer/admin; see `netsbom web`); without: read-only.",
)
@click.option(
    "--rate-limit",
    type=RateLimit(),
    default="5000/s",
    show_default=True,
    envvar="NETSBOM_COLLECTOR_RATE_LIMIT",
    help="Reports per second per agent (all its streams; one second of burst): N/s, or off. "
    "Faster agents are slowed down, never refused. Env: NETSBOM_COLLECTOR_RATE_LIMIT.",
)
@web_options
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
    http_listen: str | None,
    http_tokens: Path | None,
    feeds_dir: Path | None,
    policy_path: Path | None,
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
    http = None
    if http_listen is not None:
        from netsbom.collector.web.server import HttpConfig

        http = HttpConfig(http_listen, tls_cert, tls_key, insecure)
        http.check()
    metrics.serve()
    opened = store.open()
    app = None
    if http is not None:
        from netsbom.collector.web.cli import build_app

        try:
            app, _ = build_app(opened, http_tokens, feeds_dir, policy_path, secure=http.tls)
        except Exception:
            opened.close()
            raise

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
        console = None
        if http is not None and app is not None:  # the console in this process, this store
            from netsbom.collector.web.server import serve_until

            console = asyncio.create_task(
                serve_until(app, http, stop, lambda url: click.echo(f"console at {url}", err=True))
            )
            console.add_done_callback(lambda _: stop.set())  # it failed to bind: stop all
        await stop.wait()
        click.echo("collector: draining and stopping", err=True)
        if watcher is not None:
            watcher.cancel()
        await running.stop(grace=10)
        if console is not None:
            await console

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
