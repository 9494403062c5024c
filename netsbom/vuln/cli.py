"""``netsbom vuln``: assess deployed firmware against CVE feeds, report, fetch feeds.

Register in ``netsbom/cli.py`` with ``from netsbom.vuln.cli import vuln; cli.add_command(vuln)``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from netsbom.cli_options import DB_HELP
from netsbom.errors import NetsbomError
from netsbom.topology.record import DeviceRecord, record_from_dict
from netsbom.vuln.assess import Assessment, assess
from netsbom.vuln.errors import VulnError
from netsbom.vuln.feeds import load_feeds
from netsbom.vuln.report import render_table, sort_by_priority
from netsbom.vuln.verdict import Verdict


class _Group(click.Group):
    """netsbom errors as one `error: ...` line, also when this group runs on its own."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except NetsbomError as exc:
            raise click.ClickException(str(exc)) from None


@click.group("vuln", cls=_Group)
def vuln() -> None:
    """Which deployed firmware is vulnerable, and what to fix first."""


_F = TypeVar("_F", bound=Callable[..., Any])


def _inputs(command: _F) -> _F:
    options = [
        click.option(
            "--records",
            "records_path",
            type=click.Path(path_type=Path, dir_okay=False),
            help="Device records, one JSON per line (`netsbom agent poll --json`).",
        ),
        click.option("--network", help="Network name in the store (instead of --records)."),
        click.option("--at", "at_text", help="Point in time with --network (ISO 8601)."),
        click.option(
            "--db",
            envvar="NETSBOM_DB",
            default="sqlite:///netsbom.db",
            show_default=True,
            help=DB_HELP,
        ),
        click.option(
            "--feeds",
            "feeds_dir",
            type=click.Path(path_type=Path, file_okay=False),
            required=True,
            help="Feeds directory: nvd/, cve/, kev.json, epss.csv.",
        ),
        click.option(
            "--all",
            "everything",
            is_flag=True,
            help="Also the (device, CVE) pairs that are not affected.",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


@vuln.command("assess")
@_inputs
@click.option("--json", "as_json", is_flag=True, help="JSON Lines, one per (device, CVE).")
@click.option(
    "--details", is_flag=True, help="With --json: add target, basis, kev_due_date, epss_percentile."
)
def assess_command(
    *,
    records_path: Path | None,
    network: str | None,
    at_text: str | None,
    db: str,
    feeds_dir: Path,
    everything: bool,
    as_json: bool,
    details: bool,
) -> None:
    """Assess every device against the feeds (affected or undecidable; --all: every pair)."""
    results = _run(
        records_path=records_path,
        network=network,
        at_text=at_text,
        db=db,
        feeds_dir=feeds_dir,
        everything=everything,
    )
    if not as_json:
        click.echo(render_table(results), nl=False)
        return
    out = sys.stdout
    for item in results:
        out.write(json.dumps(item.to_json(details), sort_keys=False, ensure_ascii=False) + "\n")


@vuln.command("report")
@_inputs
def report_command(
    *,
    records_path: Path | None,
    network: str | None,
    at_text: str | None,
    db: str,
    feeds_dir: Path,
    everything: bool,
) -> None:
    """A table for people, highest priority first (affected, SSVC, EPSS, KEV)."""
    results = _run(
        records_path=records_path,
        network=network,
        at_text=at_text,
        db=db,
        feeds_dir=feeds_dir,
        everything=everything,
    )
    click.echo(render_table(sort_by_priority(results)), nl=False)


@vuln.command("fetch")
@click.option(
    "--feeds",
    "feeds_dir",
    type=click.Path(path_type=Path, file_okay=False),
    required=True,
    help="Directory to write kev.json, epss.csv, cve/, nvd/ into.",
)
@click.option("--cve", "cves", multiple=True, help="Also fetch this CVE's CVE and NVD records.")
def fetch_command(feeds_dir: Path, cves: tuple[str, ...]) -> None:
    """Download the KEV catalog, EPSS scores and chosen CVE records (needs a network)."""
    from netsbom.vuln.fetch import fetch_feeds

    fetch_feeds(feeds_dir, cves, echo=lambda line: click.echo(line, err=True))


def _run(
    *,
    records_path: Path | None,
    network: str | None,
    at_text: str | None,
    db: str,
    feeds_dir: Path,
    everything: bool,
) -> list[Assessment]:
    if (records_path is None) == (network is None):
        raise click.UsageError("give either --records FILE or --network NAME")
    if at_text is not None and network is None:
        raise click.UsageError("--at goes with --network")
    records = _read_records(records_path) if records_path else _store_records(db, network, at_text)
    feeds = load_feeds(feeds_dir)
    for problem in feeds.problems:
        click.echo(f"warning: {problem}", err=True)
    return list(assess(records, feeds, keep=None if everything else _not_unaffected))


def _not_unaffected(verdict: Verdict) -> bool:
    return verdict.affected is not False


def _read_records(path: Path) -> list[DeviceRecord]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise VulnError(f"cannot read records {path}: {exc.strerror or exc}") from exc
    records = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            records.append(record_from_dict(json.loads(line)))
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            click.echo(f"warning: {path}:{number}: not a device record ({exc}); skipped", err=True)
    return records


def _store_records(db: str, network: str | None, at_text: str | None) -> list[DeviceRecord]:
    from netsbom.collector.export import configuration_at, parse_at
    from netsbom.collector.store import open_store

    assert network is not None
    store = open_store(db)
    try:
        return list(configuration_at(store, network=network, at=parse_at(at_text)).records)
    finally:
        store.close()
