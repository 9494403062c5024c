"""Options and help texts several commands share (light: no agent or store imports)."""

from __future__ import annotations

from pathlib import Path

import click

DB_HELP = "Store URL: sqlite:///PATH or postgresql+psycopg://USER@HOST/DB (env NETSBOM_DB)."

mibs_option = click.option(
    "--mibs",
    type=click.Path(path_type=Path, file_okay=False),
    multiple=True,
    help="Folder of vendor registration MIBs and IANA's enterprise registry; env NETSBOM_MIBS.",
)
