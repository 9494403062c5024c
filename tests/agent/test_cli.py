from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from netsbom.core.cli import cli
from netsbom.core.errors import ExitCode
from tests.harness.snmpd import Snmpd
from tests.harness.sshd import Sshd

RECORDING = (
    "1.3.6.1.2.1.1.1.0|4|Arista Networks EOS version 4.30.2F running on an Arista Networks X\n"
    "1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.30065.1.1\n"
    "1.3.6.1.2.1.1.5.0|4|leaf9\n"
)


def test_replay_json_lines(tmp_path: Path) -> None:
    (tmp_path / "a.snmprec").write_text(RECORDING)
    (tmp_path / "b.snmprec").write_text(RECORDING)
    result = CliRunner().invoke(cli, ["agent", "poll", "--replay", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [r["target"]["id"] for r in lines] == ["a", "b"]
    assert lines[0]["os"]["version"] == "4.30.2F" and lines[0]["hostname"] == "leaf9"


def test_replay_summary_and_incomplete_exit_code(tmp_path: Path) -> None:
    path = tmp_path / "broken.snmprec"
    path.write_text(RECORDING + "not a line\n")
    result = CliRunner().invoke(cli, ["agent", "poll", "--replay", str(path)])
    assert result.exit_code == ExitCode.PARTIAL
    assert "vendor Arista  os eos 4.30.2F" in result.output
    assert "error [parse]" in result.output


def test_bad_options_give_one_line_and_no_traceback(tmp_path: Path) -> None:
    runner = CliRunner()
    cases = [
        ["snmp://127.0.0.1"],  # no community
        ["snmp://127.0.0.1", "--community", "public"],  # literal secret
        ["r1"],  # no inventory
        ["http://127.0.0.1"],
        ["--replay", str(tmp_path / "nope")],
    ]
    for args in cases:
        result = runner.invoke(cli, ["agent", "poll", *args])
        assert result.exit_code == 1, (args, result.output)
        assert result.output.startswith("Error: ") and result.output.count("\n") == 1
        assert "Traceback" not in result.output


def test_inventory_errors(tmp_path: Path) -> None:
    inventory = tmp_path / "inv.yaml"
    inventory.write_text("targets:\n  - name: r1\n    address: 127.0.0.1\n    snmp: {port: 0}\n")
    result = CliRunner().invoke(cli, ["agent", "poll", "r1", "--inventory", str(inventory)])
    assert result.exit_code == 1
    assert "inv.yaml" in result.output and "snmp.port" in result.output


def test_missing_credential_is_a_record_error(tmp_path: Path, monkeypatch: object) -> None:
    inventory = tmp_path / "inv.yaml"
    inventory.write_text(
        "targets:\n  - name: r1\n    address: 127.0.0.1\n"
        "    snmp: {community: 'env:NETSBOM_TEST_UNSET_VAR', port: 9}\n"
    )
    result = CliRunner().invoke(
        cli, ["agent", "poll", "r1", "--inventory", str(inventory), "--json"]
    )
    assert result.exit_code == ExitCode.PARTIAL
    record = json.loads(result.output)
    assert record["errors"][0]["kind"] == "auth"
    assert "NETSBOM_TEST_UNSET_VAR" in record["errors"][0]["message"]


def test_replay_batch_goes_on_past_a_bad_recording(tmp_path: Path) -> None:
    """A recording that cannot be read is one error line; every other one still gives a record."""
    (tmp_path / "a.snmprec").write_text(RECORDING)
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "device.yaml").write_text("platform: no-such-os\n")
    (tmp_path / "odd.snmprec").write_text(
        RECORDING + "1.3.6.1.2.1.47.1.1.1.1.2|4|row without index\n1.3.6.1.2.1.47.1.1.1.1.5|2|1\n"
    )
    (tmp_path / "z.snmprec").write_text(RECORDING)
    result = CliRunner().invoke(cli, ["agent", "poll", "--replay", str(tmp_path), "--json"])
    assert result.exit_code == ExitCode.PARTIAL
    assert "Traceback" not in result.output
    errors = [line for line in result.output.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1 and "no-such-os" in errors[0]
    records = [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]
    assert [r["target"]["id"] for r in records] == ["a", "odd", "z"]


def _inventory(path: Path, snmpd: Snmpd | None, sshd: Sshd, tmp_path: Path) -> Path:
    target: dict[str, Any] = {
        "name": "this-host", "address": "127.0.0.1",
        "ssh": {"port": sshd.port, "username": sshd.user, "key_file": str(sshd.user_key),
                "platform": "linux", "known_hosts": str(tmp_path / "known_hosts"),
                "host_key_policy": "tofu"},
    }  # fmt: skip
    if snmpd is not None:
        target["snmp"] = {"port": snmpd.port, "community": "env:NSB_CLI_COMMUNITY"}
    path.write_text(yaml.safe_dump({"agent_id": "cli-test", "targets": [target]}))
    return path


@pytest.mark.integration
def test_an_ssh_only_inventory_target_is_polled_over_ssh(
    openssh_server: Sshd, tmp_path: Path
) -> None:
    inventory = _inventory(tmp_path / "inv.yaml", None, openssh_server, tmp_path)
    result = CliRunner().invoke(
        cli, ["agent", "poll", "this-host", "--inventory", str(inventory), "--json"]
    )
    assert result.exit_code == 0, result.output
    record = json.loads(result.output)
    assert record["target"]["transport"] == "ssh" and record["errors"] == []
    assert any(s["kind"] == "kernel" for s in record["software"])
    # an SNMP option alone cannot apply to a target without SNMP: a usage error, not a guess
    result = CliRunner().invoke(
        cli, ["agent", "poll", "this-host", "--inventory", str(inventory), "--timeout", "3"]
    )
    assert result.exit_code == ExitCode.USAGE and "has no SNMP settings" in result.output


@pytest.mark.integration
def test_an_snmp_option_keeps_the_ssh_half_of_a_dual_target(
    net_snmp: Snmpd, openssh_server: Sshd, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NSB_CLI_COMMUNITY", net_snmp.community)
    inventory = _inventory(tmp_path / "inv.yaml", net_snmp, openssh_server, tmp_path)
    result = CliRunner().invoke(
        cli,
        ["agent", "poll", "this-host", "--inventory", str(inventory), "--timeout", "3", "--json"],
    )
    assert result.exit_code == 0, result.output
    record = json.loads(result.output)
    assert record["target"]["transport"] == "snmp+ssh", record["errors"]
    assert record["sys_object_id"] and record["os"]["family"] != "linux"  # SNMP's and SSH's
    kernels = [s for s in record["software"] if s["kind"] == "kernel"]
    assert len(kernels) == 1 and kernels[0]["source"] == "uname -r"
    names = [(s["name"], s["version"], s["purl"]) for s in record["software"]]
    assert len(names) == len(set(names))  # each package once


def test_an_snmp_poll_and_read_commands_load_no_heavy_modules() -> None:
    """Start-up stays cheap (issue 18: `agent poll` of one device <= 0.5 s CPU): polling over
    SNMP loads no SSH driver, netmiko, gRPC or pysnmp engine code; `topology` loads neither
    Alembic nor networkx. Checked in a fresh interpreter."""
    import subprocess
    import sys

    probe = (
        "import sys, netsbom.agent.run, netsbom.agent.snmp.walk, netsbom.collector.cli.queries,"
        " netsbom.collector.store.store, netsbom.topology.graph, netsbom.topology.configuration;"
        " print(' '.join(sorted(sys.modules)))"
    )
    loaded = set(
        subprocess.run(
            [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
        ).stdout.split()
    )
    for heavy in ("netmiko", "paramiko", "grpc", "pysnmp.hlapi.v3arch.asyncio", "pysmi",
                  "alembic", "networkx", "netsbom.agent.platforms.ios_xe",
                  "netsbom.agent.publish"):  # fmt: skip
        assert heavy not in loaded, heavy
