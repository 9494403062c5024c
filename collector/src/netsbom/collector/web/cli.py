"""``netsbom web``: the NOC console and HTTP API over a store, beside or without a collector."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from netsbom.collector.cli.options import StoreOptions, store_option

if TYPE_CHECKING:
    from fastapi import FastAPI

    from netsbom.collector.store import Store
    from netsbom.collector.web.server import HttpConfig

_F = TypeVar("_F", bound=Callable[..., Any])
_EXISTING = click.Path(path_type=Path, exists=True, dir_okay=False)


def web_options(f: _F) -> _F:
    """The console's own options, shared by ``netsbom web`` and ``collector serve --http``."""
    for option in reversed(
        [
            click.option(
                "--feeds",
                "feeds_dir",
                type=click.Path(path_type=Path, file_okay=False),
                help="Vulnerability feeds directory (as `netsbom vuln assess --feeds`).",
            ),
            click.option(
                "--policy",
                "policy_path",
                type=_EXISTING,
                help="Golden-firmware policy: the Firmware page's compliance column.",
            ),
        ]
    ):
        f = option(f)
    return f


@click.command("web")
@store_option
@click.option("--http", "listen", default="127.0.0.1:8080", show_default=True, help="HOST:PORT.")
@click.option(
    "--tokens",
    "tokens_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Console tokens file (hashes, roles viewer/admin); without it: read-only for everyone.",
)
@click.option("--tls-cert", type=_EXISTING, help="Server certificate (PEM).")
@click.option("--tls-key", type=_EXISTING, help="Server key (PEM).")
@click.option("--insecure", is_flag=True, help="Allow plaintext HTTP on a non-loopback address.")
@web_options
@click.option(
    "--new-token",
    "new_token",
    metavar="NAME",
    help="Add a token for NAME to --tokens, print it once and exit.",
)
@click.option(
    "--role",
    type=click.Choice(["viewer", "admin"]),
    default="viewer",
    show_default=True,
    help="Role of --new-token.",
)
def web(
    store: StoreOptions,
    listen: str,
    tokens_path: Path | None,
    tls_cert: Path | None,
    tls_key: Path | None,
    insecure: bool,
    feeds_dir: Path | None,
    policy_path: Path | None,
    new_token: str | None,
    role: str,
) -> None:
    """Serve the NOC console and the HTTP API (/api/v1, schema at /api/openapi.json).

    Pages: Networks, Firmware, Device, Topology, Vulnerabilities, SBOM. Read-only unless a
    token with the admin role is presented (saving topology positions)."""
    from netsbom.collector.web.server import HttpConfig

    if new_token is not None:
        from netsbom.collector.web.auth import add_user

        if tokens_path is None:
            raise click.UsageError("--new-token needs --tokens FILE")
        click.echo(add_user(tokens_path, new_token, role))
        return
    http = HttpConfig(listen, tls_cert, tls_key, insecure)
    http.check()
    app, opened = build_app(store, tokens_path, feeds_dir, policy_path, secure=http.tls)
    try:
        run(app, http)
    finally:
        opened.close()


def build_app(
    store: StoreOptions | Store,
    tokens_path: Path | None,
    feeds_dir: Path | None,
    policy_path: Path | None,
    *,
    secure: bool,
) -> tuple[FastAPI, Store]:
    """The console's app over ``store`` (StoreOptions: opened here, schema checked, never
    migrated; a Store: used as it is) and the store to close."""
    from netsbom.collector.store import open_store
    from netsbom.core.errors import ConfigError

    try:
        from netsbom.collector.web.app import create_app
    except ImportError as exc:  # the collector without its `web` extra
        raise ConfigError(
            f"the console needs {exc.name or 'FastAPI'}: pip install 'netsbom-collector[web]'"
        ) from None
    from netsbom.collector.web.auth import WebTokens
    from netsbom.collector.web.console import Console

    tokens = WebTokens(tokens_path) if tokens_path is not None else None
    policy = None
    if policy_path is not None:
        from netsbom.collector.web.compliance import load

        policy = load(policy_path)
    if isinstance(store, StoreOptions):
        opened = open_store(store.url, migrate=False)
        try:
            opened.check_schema()
        except Exception:
            opened.close()
            raise
    else:
        opened = store
    console = Console(opened, feeds_dir=feeds_dir, policy=policy)
    return create_app(console, tokens, secure_cookies=secure), opened


def run(app: FastAPI, http: HttpConfig, echo: Callable[[str], None] | None = None) -> None:
    """Serve until SIGTERM/SIGINT, printing the console's address once it listens."""
    import asyncio
    import signal

    from netsbom.collector.web.server import serve_until

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        say = echo or (lambda line: click.echo(line, err=True))
        await serve_until(app, http, stop, lambda url: say(f"console at {url} (Ctrl-C stops)"))

    asyncio.run(main())
