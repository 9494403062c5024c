"""``netsbom vuln``: assess deployed firmware against CVE feeds, report, fetch feeds."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from netsbom.collector.cli.options import Selection, StoreOptions, selection_options, store_option
from netsbom.core.cli.options import Output, option_group, output_options

if TYPE_CHECKING:
    from netsbom.core.record import DeviceRecord
    from netsbom.vuln.assess import Assessment
    from netsbom.vuln.verdict import Verdict


@click.group("vuln")
def vuln() -> None:
    """Which deployed firmware is vulnerable, and what to fix first."""


feeds_options = option_group(
    "feeds",
    lambda feeds_dir, everything: (feeds_dir, everything),
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
)


@vuln.command("assess")
@store_option
@selection_options
@feeds_options
@output_options(["table", "json"], json_alias=True, out=False)
@click.option(
    "--details", is_flag=True, help="With --json: add target, basis, kev_due_date, epss_percentile."
)
def assess_command(
    store: StoreOptions,
    selection: Selection,
    feeds: tuple[Path, bool],
    output: Output,
    details: bool,
) -> None:
    """Assess every device against the feeds (affected or undecidable; --all: every pair).

    `--format json`: JSON Lines, one per (device, CVE)."""
    from netsbom.vuln.report import render_table

    results = _run(store, selection, *feeds)
    if output.format != "json":
        click.echo(render_table(results), nl=False)
        return
    for item in results:
        sys.stdout.write(json.dumps(item.to_json(details), ensure_ascii=False) + "\n")


@vuln.command("report")
@store_option
@selection_options
@feeds_options
def report_command(store: StoreOptions, selection: Selection, feeds: tuple[Path, bool]) -> None:
    """A table for people, highest priority first (affected, SSVC, EPSS, KEV)."""
    from netsbom.vuln.report import render_table, sort_by_priority

    click.echo(render_table(sort_by_priority(_run(store, selection, *feeds))), nl=False)


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
    store: StoreOptions, selection: Selection, feeds_dir: Path, everything: bool
) -> list[Assessment]:
    from netsbom.vuln.assess import assess
    from netsbom.vuln.feeds import load_feeds

    if selection.records_path is not None and (selection.network or selection.select):
        raise click.UsageError("give either --records FILE or --network/--select")
    if selection.records_path is not None and selection.at_text:
        raise click.UsageError("--at goes with --network")
    records: list[DeviceRecord] = (
        selection.records()
        if selection.records_path
        else list(selection.configuration(store).records)
    )
    feeds = load_feeds(feeds_dir)
    for problem in feeds.problems:
        click.echo(f"warning: {problem}", err=True)
    return list(assess(records, feeds, keep=None if everything else _not_unaffected))


def _not_unaffected(verdict: Verdict) -> bool:
    return verdict.affected is not False
