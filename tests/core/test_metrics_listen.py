"""/metrics has no authentication: a non-loopback address needs --metrics-public."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from netsbom.core.cli import cli
from netsbom.core.errors import ConfigError
from netsbom.core.metrics import serve_metrics


@pytest.mark.parametrize("address", ["0.0.0.0:0", "[::]:0", "192.0.2.1:9464", "host:9464"])
def test_a_non_loopback_metrics_address_is_refused_without_the_flag(address: str) -> None:
    with pytest.raises(ConfigError, match="--metrics-public"):
        serve_metrics(address)


@pytest.mark.parametrize("command", [["collector", "serve", "--no-auth"], ["agent", "run"]])
def test_commands_refuse_before_starting(command: list[str], tmp_path: Path) -> None:
    inventory = tmp_path / "inventory.yaml"
    inventory.write_text("targets: [{name: a, address: 127.0.0.1, snmp: {community: env:X}}]\n")
    extra = (
        ["--inventory", str(inventory), "--collector", "127.0.0.1:1", "--spool", str(tmp_path)]
        if command[0] == "agent"
        else ["--db", f"sqlite:///{tmp_path / 'c.db'}"]
    )
    result = CliRunner().invoke(cli, [*command, *extra, "--metrics-listen", "0.0.0.0:0"])
    assert result.exit_code == 1
    assert result.output.startswith("Error: refusing to serve metrics on 0.0.0.0:0")
    assert not (tmp_path / "c.db").exists()
