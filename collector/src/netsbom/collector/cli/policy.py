"""``netsbom policy check``: the golden-firmware policy against a network's configuration."""

from __future__ import annotations

from pathlib import Path

import click

from netsbom.collector.cli.options import Selection, StoreOptions, selection_options, store_option
from netsbom.core.cli.options import Output, output_options


@click.group("policy")
def policy() -> None:
    """Golden firmware: which releases devices and modules should run (docs/policy.md)."""


@policy.command("check")
@click.option(
    "--policy",
    "policy_path",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help="The policy file (YAML, docs/policy.md).",
)
@store_option
@selection_options
@output_options(["table", "json", "csv"])
def check_command(
    policy_path: Path, store: StoreOptions, selection: Selection, output: Output
) -> None:
    """Compliant, non-compliant or no rule for every device's OS and every module's firmware,
    with a summary by model and role. Exit 0 when nothing is non-compliant, 4 when something
    is (devices without a rule do not change the exit status)."""
    from netsbom.collector.policy import (
        evaluate,
        load_policy,
        render_csv,
        render_json,
        render_table,
    )
    from netsbom.core.errors import ExitCode

    rules = load_policy(policy_path)  # a bad policy fails before the store is read
    selection.require()
    config = selection.configuration(store)
    results = evaluate(rules, config)
    render = {"json": render_json, "csv": render_csv, "table": render_table}[output.format]
    output.write(render(results))
    if any(r.status == "non-compliant" for r in results):
        raise SystemExit(ExitCode.PARTIAL)
