"""Option groups: several click options that build one typed config object for a command.

    store = option_group("store", StoreOptions, click.option("--db", ...))

    @click.command()
    @store
    def export(store: StoreOptions) -> None: ...

A group is declared once and used by every command that takes it, so ``--db`` or the SNMP
credential options mean the same everywhere. ``output_options`` is the one ``--format``/``--out``
pair; ``--json`` stays as a short alias of ``--format json`` where commands had it.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import click

from netsbom.core.errors import ConfigError

__all__ = ["MetricsEndpoint", "Output", "metrics_options", "option_group", "output_options"]

_F = TypeVar("_F", bound=Callable[..., Any])
Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]


def option_group(name: str, build: Callable[..., Any], *options: Decorator) -> Callable[[_F], _F]:
    """A decorator adding ``options`` to a command and passing ``build(**their values)`` as the
    keyword argument ``name`` instead of the single values."""

    def probe() -> None: ...

    for option in options:
        option(probe)
    params: list[click.Parameter] = getattr(probe, "__click_params__", [])
    names = [param.name for param in params if param.name]

    def decorate(function: _F) -> _F:
        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            values = {key: kwargs.pop(key) for key in names}
            kwargs[name] = build(**values)
            return function(*args, **kwargs)

        decorated: Any = wrapper
        for option in reversed(options):
            decorated = option(decorated)
        return decorated  # type: ignore[no-any-return]

    return decorate


@dataclass(frozen=True, slots=True)
class Output:
    """Where and how a command writes its result."""

    format: str
    path: Path | None = None

    def write(self, data: bytes | str) -> None:
        """The result to ``--out`` (atomically: a temporary file renamed) or to stdout."""
        payload = data.encode() if isinstance(data, str) else data
        if self.path is None:
            sys.stdout.buffer.write(payload)
            sys.stdout.flush()
            return
        temporary = self.path.with_name(f".{self.path.name}.tmp")
        try:
            temporary.write_bytes(payload)
            temporary.replace(self.path)
        except OSError as exc:
            with contextlib.suppress(OSError):
                temporary.unlink(missing_ok=True)
            raise ConfigError(f"cannot write {self.path}: {exc.strerror or exc}") from None
        click.echo(f"wrote {self.path} ({len(payload)} bytes)", err=True)

    def check(self) -> None:
        """Fail before any work when ``--out`` cannot be written (its folder is missing, not a
        folder, or not writable); :meth:`write` still reports what only writing can show."""
        if self.path is None:
            return
        folder = self.path.parent
        if not folder.is_dir():
            raise ConfigError(f"cannot write {self.path}: {folder} is not a directory")
        if not os.access(folder, os.W_OK):
            raise ConfigError(f"cannot write {self.path}: {folder} is not writable")


def output_options(
    formats: Sequence[str],
    *,
    default: str | None = None,
    json_alias: bool = False,
    out: bool = True,
) -> Callable[[_F], _F]:
    """``--format`` (one of ``formats``) and ``--out FILE``; ``json_alias`` adds ``--json``."""
    chosen = default or formats[0]
    options: list[Decorator] = [
        click.option(
            "--format",
            "fmt",
            type=click.Choice(list(formats)),
            default=chosen,
            show_default=True,
            help="Output format.",
        )
    ]
    if json_alias:
        options.append(
            click.option("--json", "as_json", is_flag=True, help="Same as --format json.")
        )
    if out:
        options.append(
            click.option(
                "--out",
                type=click.Path(path_type=Path, dir_okay=False),
                help="Output file (default: stdout).",
            )
        )

    def build(fmt: str, as_json: bool = False, out: Path | None = None) -> Output:
        output = Output("json" if as_json else fmt, out)
        output.check()
        return output

    return option_group("output", build, *options)


@dataclass(frozen=True, slots=True)
class MetricsEndpoint:
    """``--metrics-listen HOST:PORT`` (opt-in) and ``--metrics-public`` (allow non-loopback)."""

    listen: str | None = None
    public: bool = False

    def serve(self) -> int | None:
        """Start serving /metrics if asked; returns the port (None when not asked)."""
        if self.listen is None:
            return None
        from netsbom.core.metrics import serve_metrics

        return serve_metrics(self.listen, public=self.public)


def _metrics(metrics_listen: str | None, metrics_public: bool) -> MetricsEndpoint:
    return MetricsEndpoint(listen=metrics_listen, public=metrics_public)


metrics_options = option_group(
    "metrics",
    _metrics,
    click.option(
        "--metrics-listen",
        metavar="HOST:PORT",
        help="Serve Prometheus metrics over HTTP here (opt-in; e.g. 127.0.0.1:9464).",
    ),
    click.option(
        "--metrics-public",
        is_flag=True,
        help="Allow --metrics-listen on an address that is not loopback (e.g. 0.0.0.0): "
        "/metrics has no authentication.",
    ),
)
"""The Prometheus endpoint of long-running commands (``agent run``, ``collector serve``)."""
