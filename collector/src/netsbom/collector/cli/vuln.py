"""``netsbom vuln``: assess deployed firmware against CVE feeds, report, fetch feeds."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import click

from netsbom.collector.cli.options import Selection, StoreOptions, selection_options, store_option
from netsbom.core.cli.options import Output, option_group, output_options

if TYPE_CHECKING:
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
    "--details",
    is_flag=True,
    help="With --json: add target, exposure_reason, basis, kev_due_date, epss_percentile, needs.",
)
def assess_command(
    store: StoreOptions,
    selection: Selection,
    feeds: tuple[Path, bool],
    output: Output,
    details: bool,
) -> None:
    """Assess every device against the feeds (affected or undecidable; --all: every pair).

    `--format json`: JSON Lines, one per (device, CVE), written as they are decided (devices in
    name order, CVEs by id). The table lists them most urgent first."""
    pairs = _Pairs(store, selection, *feeds)
    if output.format != "json":
        _write_table(pairs)
        return
    for chunk in pairs.lines(details):
        sys.stdout.write(chunk)


@vuln.command("report")
@store_option
@selection_options
@feeds_options
@output_options(["table", "json"], json_alias=True, out=False)
def report_command(
    store: StoreOptions, selection: Selection, feeds: tuple[Path, bool], output: Output
) -> None:
    """What to fix first: KEV (earliest due date first), then the SSVC decision (Act, Attend,
    Track*, Track), then EPSS; undecidable pairs among them with what would decide them.

    `--format json`: JSON Lines in that order, one row per (device, CVE) with its rank."""
    from netsbom.vuln.report import priority_rows

    pairs = _Pairs(store, selection, *feeds)
    if output.format != "json":
        _write_table(pairs)
        return
    rows = priority_rows(pairs.kept())
    for row in rows:
        sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
    if pairs.everything:
        rank = len(rows)
        for row in priority_rows(pairs.not_affected()):
            rank += 1
            sys.stdout.write(json.dumps({**row, "rank": rank}, ensure_ascii=False) + "\n")


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


class _Pairs:
    """The (device, CVE) assessments of a selection, produced as they are decided; the
    configuration's topology gives each device its System Exposure."""

    def __init__(
        self, store: StoreOptions, selection: Selection, feeds_dir: Path, everything: bool
    ) -> None:
        from netsbom.topology.exposure import exposures
        from netsbom.vuln.feeds import load_feeds

        if selection.records_path is not None and (selection.network or selection.select):
            raise click.UsageError("give either --records FILE or --network/--select")
        if selection.records_path is not None and selection.at_text:
            raise click.UsageError("--at goes with --network")
        self.config = selection.configuration(store)
        self.feeds = load_feeds(feeds_dir)
        for problem in self.feeds.problems:
            click.echo(f"warning: {problem}", err=True)
        self.exposure = exposures(self.config.records, self.config.links, self.config.segments)
        self.everything = everything

    def _assess(self, keep: Callable[[Verdict], bool] | None) -> Iterator[Assessment]:
        from netsbom.vuln.assess import assess

        return assess(self.config.records, self.feeds, keep=keep, exposure=self.exposure)

    def lines(self, details: bool) -> Iterator[str]:
        """Every pair asked for (``--all``: also those not affected), as JSON Lines."""
        from netsbom.vuln.assess import json_lines

        keep = None if self.everything else _applies
        return json_lines(self.config.records, self.feeds, keep, self.exposure, details)

    def kept(self) -> Iterator[Assessment]:
        """The pairs that apply or cannot be decided."""
        return self._assess(_applies)

    def not_affected(self) -> Iterator[Assessment]:
        return self._assess(_not_affected)


def _write_table(pairs: _Pairs) -> None:
    """The table, most urgent first; with --all the pairs that do not apply follow, streamed
    (never held in memory)."""
    from netsbom.vuln.report import decision_text, render_table

    click.echo(render_table(pairs.kept()), nl=False)
    if pairs.everything:
        for item in pairs.not_affected():
            click.echo(f"{decision_text(item)}  {item.device}  {item.cve}  no  {item.reason}")


def _applies(verdict: Verdict) -> bool:
    return verdict.affected is not False


def _not_affected(verdict: Verdict) -> bool:
    return verdict.affected is False
