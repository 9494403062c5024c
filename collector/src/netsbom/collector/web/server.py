"""Serving the console with uvicorn: alone (``netsbom web``) or in the collector's event loop
(``netsbom collector serve --http``). Plaintext only on loopback unless ``insecure``; TLS with
the same certificate files as the gRPC side."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from netsbom.core.errors import ConfigError
from netsbom.core.net import is_loopback

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class HttpConfig:
    listen: str  # HOST:PORT
    tls_cert: Path | None = None
    tls_key: Path | None = None
    insecure: bool = False

    @property
    def tls(self) -> bool:
        return self.tls_cert is not None and self.tls_key is not None

    def host_port(self) -> tuple[str, int]:
        host, sep, port = self.listen.rpartition(":")
        if not sep or not port.isdigit() or not host:
            raise ConfigError(f"--http {self.listen!r}: expected HOST:PORT (127.0.0.1:8080)")
        return host.strip("[]"), int(port)

    def check(self) -> None:
        self.host_port()
        if bool(self.tls_cert) != bool(self.tls_key):
            raise ConfigError("--tls-cert and --tls-key go together")
        if not self.tls and not self.insecure and not is_loopback(self.listen):
            raise ConfigError(
                f"refusing plaintext HTTP on {self.listen}: give --tls-cert/--tls-key,"
                " listen on loopback, or pass --insecure"
            )

    def url(self, port: int | None = None) -> str:
        host, configured = self.host_port()
        shown = f"[{host}]" if ":" in host else host
        return f"{'https' if self.tls else 'http'}://{shown}:{port or configured}/"


def uvicorn_server(app: object, config: HttpConfig) -> object:
    """A uvicorn Server for ``app`` (not started); signals are left to the caller."""
    import uvicorn

    config.check()
    host, port = config.host_port()
    settings = uvicorn.Config(
        app,  # type: ignore[arg-type]
        host=host,
        port=port,
        ssl_certfile=str(config.tls_cert) if config.tls_cert else None,
        ssl_keyfile=str(config.tls_key) if config.tls_key else None,
        log_level="warning",
        access_log=False,  # request lines carry query strings; the console logs its own errors
        server_header=False,
        lifespan="off",
    )
    return _quiet_server(uvicorn.Server)(settings)


def _quiet_server(base: type) -> type:
    """uvicorn's Server without its own signal handlers: the caller's loop owns the signals
    (the collector stops gRPC and HTTP together)."""

    class Server(base):  # type: ignore[misc]
        @contextlib.contextmanager
        def capture_signals(self) -> Iterator[None]:
            yield

    return Server


async def serve_until(
    app: object,
    config: HttpConfig,
    stop: asyncio.Event,
    on_started: Callable[[str], None] | None = None,
) -> None:
    """Serve until ``stop`` is set (in the running loop, beside the gRPC server); once listening,
    ``on_started`` gets the console's address. ConfigError when the address cannot be bound."""
    server = uvicorn_server(app, config)
    task = asyncio.create_task(_serve(server, config))
    while not getattr(server, "started", False) and not task.done():
        await asyncio.sleep(0.02)
    if task.done():
        task.result()
        raise ConfigError(f"cannot serve HTTP on {config.listen}")
    if on_started is not None:
        on_started(config.url(bound_port(server)))
    console = getattr(getattr(app, "state", None), "console", None)
    if console is not None:  # the tables of the latest views, built before the first visitor
        threading.Thread(target=console.warm, name="console-warm-up", daemon=True).start()
    waiter = asyncio.create_task(stop.wait())
    await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
    server.should_exit = True  # type: ignore[attr-defined]
    waiter.cancel()
    await task


async def _serve(server: object, config: HttpConfig) -> None:
    try:
        await server.serve()  # type: ignore[attr-defined]
    except SystemExit:  # uvicorn exits when it cannot bind
        raise ConfigError(f"cannot serve HTTP on {config.listen} (address in use?)") from None


def bound_port(server: object) -> int | None:
    """The port a started uvicorn server listens on (for ``--http HOST:0``)."""
    for listener in getattr(server, "servers", []) or []:
        for sock in listener.sockets:
            return int(sock.getsockname()[1])
    return None
