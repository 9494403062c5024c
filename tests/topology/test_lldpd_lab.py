"""lldpd on a real (namespaced) network: the topology netsbom derives is the wiring.

Four devices in network namespaces (tests/harness/lldp_lab.py): a chain r1 - r2 - r3 of veth
pairs and a shared segment (a Linux bridge that forwards LLDP, like a switch that speaks none)
joining r1, r3 and r4. Each device runs Net-SNMP's snmpd with lldpd's AgentX subagent and sshd.
The agent polls them from the management namespace over SNMP (LLDP-MIB), over SSH
(``lldpctl -f json``) and over both (merged): every time the links are the cables, with the port
names of both ends, and the bridge is one segment with the three ports on it.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from netsbom.core.record import DeviceRecord, record_from_dict
from netsbom.topology.configuration import Configuration, build_configuration
from tests.harness.lldp_lab import LldpLab, Wiring

pytestmark = pytest.mark.integration
AT = "2030-01-01T00:00:00Z"
TRANSPORTS = ("snmp", "ssh", "both")


def inventory(lab: LldpLab, folder: Path, transports: str) -> Path:
    targets = []
    for device in lab.wiring.devices:
        target: dict[str, Any] = {"name": device, "address": lab.address(device)}
        if transports in ("snmp", "both"):
            target["snmp"] = {"community": "env:NSB_LAB_COMMUNITY", "timeout": 3}
        if transports in ("ssh", "both"):
            target["ssh"] = {
                "username": "root", "key_file": str(lab.user_key), "platform": "linux",
                "known_hosts": str(folder / "known_hosts"), "host_key_policy": "tofu",
            }  # fmt: skip
        targets.append(target)
    path = folder / f"inventory-{transports}.yaml"
    path.write_text(yaml.safe_dump({"agent_id": "lab-agent", "targets": targets}))
    return path


def poll(lab: LldpLab, folder: Path, transports: str) -> list[DeviceRecord]:
    """``netsbom agent poll`` every device, run inside the management namespace."""
    command = [sys.executable, "-m", "netsbom.core", "agent", "poll", *lab.wiring.devices,
               "--inventory", str(inventory(lab, folder, transports)), "--json"]  # fmt: skip
    env = {**os.environ, "NSB_LAB_COMMUNITY": lab.community}
    result = lab.run_in_mgmt(command, env=env)
    assert result.returncode == 0, (result.returncode, result.stderr[-2000:])
    return [record_from_dict(json.loads(line)) for line in result.stdout.splitlines()]


@pytest.fixture(scope="module")
def polled(
    lldp_network: LldpLab, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, list[DeviceRecord]]:
    folder = tmp_path_factory.mktemp("polls")
    return {transports: poll(lldp_network, folder, transports) for transports in TRANSPORTS}


def cables(config: Configuration) -> set[frozenset[tuple[str, str | None]]]:
    return {frozenset({(x.a.node, x.a.port), (x.b.node, x.b.port)}) for x in config.links}


def wired(wiring: Wiring) -> set[frozenset[tuple[str, str | None]]]:
    return {frozenset(cable) for cable in wiring.cables}


@pytest.mark.parametrize("transports", TRANSPORTS)
def test_the_topology_is_the_wiring(
    lldp_network: LldpLab, polled: dict[str, list[DeviceRecord]], transports: str
) -> None:
    records = polled[transports]
    assert [r.hostname for r in records] == list(lldp_network.wiring.devices)
    assert all(r.complete for r in records), [r.errors for r in records]
    config = build_configuration("lab", AT, records)
    assert config.nodes == lldp_network.wiring.devices
    assert cables(config) == wired(lldp_network.wiring)  # port names on both ends
    assert not any(x.one_sided or x.a.external or x.b.external for x in config.links)
    assert [{(e.node, e.port) for e in s.ends} for s in config.segments] == [
        set(segment) for segment in lldp_network.wiring.segments
    ]
    assert all(not e.external for s in config.segments for e in s.ends)
    assert config.flags == ()


def test_both_transports_make_one_record_per_device(
    polled: dict[str, list[DeviceRecord]],
) -> None:
    for merged, snmp, ssh in zip(polled["both"], polled["snmp"], polled["ssh"], strict=True):
        assert merged.target.transport == "snmp+ssh"
        assert merged.chassis_id == snmp.chassis_id and merged.chassis_id
        kernels = [s for s in merged.software if s.kind == "kernel"]
        assert len(kernels) == 1 and kernels[0].version == os.uname().release
        packages = {(s.name, s.version, s.purl) for s in ssh.software}
        assert {(s.name, s.version, s.purl) for s in merged.software} == packages
        assert merged.os.family == ssh.os.family and merged.sys_object_id == snmp.sys_object_id


def test_the_topology_command_shows_the_bridge_as_a_segment(
    lldp_network: LldpLab, polled: dict[str, list[DeviceRecord]], tmp_path: Path
) -> None:
    from click.testing import CliRunner

    from netsbom.core.cli import cli
    from netsbom.core.record import record_to_dict

    path = tmp_path / "records.jsonl"
    path.write_text("".join(json.dumps(record_to_dict(r)) + "\n" for r in polled["both"]))
    result = CliRunner().invoke(cli, ["topology", "--records", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    (segment,) = [n["id"] for n in doc["nodes"] if n["segment"]]
    on_segment = {
        (x["a"]["device"], x["a"]["port"]) for x in doc["links"] if x["b"]["device"] == segment
    }
    assert on_segment == set(lldp_network.wiring.segments[0])
    devices = {n["id"] for n in doc["nodes"] if not n["segment"]}
    assert devices == set(lldp_network.wiring.devices)
