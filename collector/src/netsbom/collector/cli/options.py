"""Option groups the collector's commands share: the store and the network asked for."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

from netsbom.core.cli.options import option_group
from netsbom.core.errors import ConfigError, ExportError

if TYPE_CHECKING:
    from netsbom.collector.store import Store
    from netsbom.core.record import DeviceRecord
    from netsbom.topology.configuration import Configuration
    from netsbom.topology.selection import Selector

DEFAULT_DB = "sqlite:///netsbom.db"
DB_HELP = "Store URL: sqlite:///PATH or postgresql+psycopg://USER@HOST/DB (env NETSBOM_DB)."


@dataclass(frozen=True, slots=True)
class StoreOptions:
    url: str

    def open(self, *, read_only: bool = False, omit: frozenset[str] = frozenset()) -> Store:
        from netsbom.collector.store import open_store

        return open_store(self.url, read_only=read_only, omit=omit)


def _store(db: str) -> StoreOptions:
    return StoreOptions(db)


store_option = option_group(
    "store",
    _store,
    click.option("--db", envvar="NETSBOM_DB", default=DEFAULT_DB, show_default=True, help=DB_HELP),
)


@dataclass(frozen=True, slots=True)
class Selection:
    """Which devices, when: agent records from a file, or a network of the store at a time."""

    records_path: Path | None
    network: str | None
    select: str | None
    at_text: str | None

    @property
    def from_store(self) -> bool:
        return self.records_path is None

    def require(self) -> None:
        if self.records_path is None and not (self.network or self.select):
            raise click.UsageError(
                "select a network: --network NAME and/or --select KEY=VALUE,... (or --records FILE)"
            )

    def selector(self) -> Selector:
        from netsbom.topology.selection import parse_selector

        return parse_selector(self.network, self.select)

    def configuration(
        self, store: StoreOptions, at_text: str | None = None, *, omit: frozenset[str] = frozenset()
    ) -> Configuration:
        """The configuration asked for, at ``at_text`` (default: ``--at``); ``omit``: what of
        the records the caller never looks at (``netsbom.proto.convert.OMITTABLE``: left out
        when read from the store)."""
        from netsbom.collector.export import configuration_at, parse_at
        from netsbom.core.record import format_time
        from netsbom.topology.configuration import build_configuration
        from netsbom.topology.selection import latest_records

        self.require()
        at = parse_at(at_text if at_text is not None else self.at_text)
        if self.records_path is not None:
            records = latest_records(self.records(), at)
            if self.network or self.select:
                selector = self.selector()
                records = [r for r in records if selector.matches(r)]
                name = selector.name
            else:
                networks = sorted({r.target.label("network") or "" for r in records} - {""})
                name = networks[0] if len(networks) == 1 else self.records_path.stem
            if not records:
                raise ExportError(f"{self.records_path}: no device records to build from")
            moment = format_time(at) if at is not None else max(r.collected_at for r in records)
            return build_configuration(name, moment, records)
        opened = store.open(read_only=True, omit=omit)
        try:
            return configuration_at(opened, at=at, select=self.selector())
        finally:
            opened.close()

    def records(self) -> list[DeviceRecord]:
        """The device records of ``--records`` (unreadable lines are warned about, skipped)."""
        from netsbom.core.record import read_records

        assert self.records_path is not None
        return read_records(
            self.records_path, warn=lambda line: click.echo(f"warning: {line}", err=True)
        )


def _selection(
    records_path: Path | None, network: str | None, select: str | None, at_text: str | None
) -> Selection:
    return Selection(records_path, network, select, at_text)


selection_options = option_group(
    "selection",
    _selection,
    click.option(
        "--records",
        "records_path",
        type=click.Path(path_type=Path, dir_okay=False),
        help="Agent records, JSON Lines (`netsbom agent poll ... --format json`), not the store.",
    ),
    click.option("--network", help="Network name (the targets' `network` label)."),
    click.option(
        "--select",
        help="Label terms KEY=VALUE[|VALUE...], comma-separated, all must hold "
        "(site=dc1,role=leaf).",
    ),
    click.option(
        "--at", "at_text", help="Point in time (ISO 8601, UTC if no zone); default: latest."
    ),
)


def require_file(path: Path | None, what: str) -> Path:
    if path is None:
        raise ConfigError(f"{what} is required")
    return path
