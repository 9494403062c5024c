"""The ``netsbom`` command: a root that finds its command groups in the installed distributions.

Each distribution registers its groups under the entry-point group ``netsbom.commands``
(``agent`` by netsbom-agent; ``collector``, ``sbom``, ``inventory``, ``topology``, ``vuln`` by
netsbom-collector; ``lab``, ``demo``, ``generate-fleet`` by netsbom-lab), so an agent-only host
has exactly the agent's commands. A group's module is imported only when that group is used or
when ``--help`` lists it; the work behind a command imports what it needs when it runs.

Errors are printed here, once, for every command: a :class:`NetsbomError` becomes one
``Error: ...`` line and the exit status its class stands for (:class:`ExitCode`); usage errors
exit 2. No traceback reaches the user.
"""

from __future__ import annotations

import logging
import sys
from importlib.metadata import EntryPoint, entry_points
from typing import Any

import click

from netsbom.core import __version__
from netsbom.core.errors import NetsbomError

__all__ = ["ENTRY_POINT_GROUP", "RootGroup", "cli", "main"]

ENTRY_POINT_GROUP = "netsbom.commands"


class RootGroup(click.Group):
    """Lazy subcommands from entry points; the one place that turns errors into exit codes."""

    def _entry_points(self) -> dict[str, EntryPoint]:
        found = getattr(self, "_found", None)
        if found is None:
            found = {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}
            self._found = found
        return found

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *self._entry_points()})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.commands:
            return self.commands[cmd_name]
        entry = self._entry_points().get(cmd_name)
        if entry is None:
            return None
        command = entry.load()
        if not isinstance(command, click.Command):
            raise click.ClickException(f"entry point {entry.value} is not a click command")
        self.commands[cmd_name] = command
        return command

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except NetsbomError as exc:
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            raise click.Abort() from None


@click.group(cls=RootGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="netsbom")
@click.option(
    "--log-level",
    type=click.Choice(["debug", "info", "warning", "error"]),
    default="warning",
    show_default=True,
    envvar="NETSBOM_LOG_LEVEL",
    help="Logging to stderr.",
)
def cli(log_level: str) -> None:
    """netsbom: what software runs in a live network, as a topology-aware system SBOM.

    \b
    Exit status (every command):
      0  done; every report stored          3  reports left in the spool (collector away)
      1  error (one line on stderr)         4  some targets failed or credentials unresolved
      2  usage error                        5  the collector rejected reports
    """
    logging.basicConfig(
        level=getattr(logging, log_level.upper()),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )


def main() -> None:
    cli(prog_name="netsbom")
