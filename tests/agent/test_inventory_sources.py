"""Nornir SimpleInventory and Ansible YAML inventories -> netsbom targets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from netsbom.agent.inventory import parse_inventory
from netsbom.agent.inventory_sources import (
    detect_format,
    from_ansible,
    from_nornir,
    load_any_inventory,
    read_inventory,
)
from netsbom.core.errors import ConfigError

SNMP = {"version": "2c", "community": "env:SNMP_COMMUNITY"}


def _write(path: Path, data: object) -> Path:
    path.write_text(yaml.safe_dump(data))
    return path


def test_nornir_host_group_defaults_resolution() -> None:
    hosts = {
        "r1": {"hostname": "192.0.2.1", "groups": ["edge", "par1"], "data": {"role": "pe"}},
        "r2": {
            "groups": ["par1"],
            "platform": "eos",
            "username": "ops",
            "data": {"netsbom": {"ssh": {"password": "env:SSH_PW"}}},
        },
    }
    groups = {
        "edge": {"data": {"role": "edge", "netsbom": {"labels": {"tier": "1"}}}},
        "par1": {"groups": ["europe"], "data": {"site": "par1"}},
        "europe": {"data": {"region": "eu", "netsbom": {"snmp": SNMP}}},
    }
    defaults = {"data": {"network": "core", "netsbom": {"agent_id": "site-a", "concurrency": 8}}}
    raw = from_nornir(hosts, groups, defaults)
    assert raw["agent_id"] == "site-a" and raw["concurrency"] == 8
    r1, r2 = raw["targets"]
    assert r1["address"] == "192.0.2.1"
    assert r1["labels"] == {
        "role": "pe",
        "site": "par1",
        "region": "eu",
        "network": "core",
        "groups": "edge,par1",
        "tier": "1",
    }
    assert r1["snmp"] == SNMP and "ssh" not in r1
    assert r2["address"] == "r2"  # no hostname: the name
    assert r2["ssh"] == {"password": "env:SSH_PW", "username": "ops", "platform": "eos"}
    inventory = parse_inventory(raw, source="nornir")
    assert [t.name for t in inventory.targets] == ["r1", "r2"]
    assert inventory.targets[1].ssh is not None and inventory.targets[1].ssh.platform == "eos"
    assert inventory.targets[0].labels["site"] == "par1"


def test_nornir_unknown_group_is_named() -> None:
    with pytest.raises(ConfigError, match="unknown group 'nowhere'"):
        from_nornir({"r1": {"groups": ["nowhere"]}}, {}, {})


@pytest.mark.parametrize(
    ("host", "groups", "defaults", "field"),
    [
        ({"password": "hunter2"}, {}, {}, "password"),
        ({"groups": ["g"]}, {"g": {"password": "hunter2"}}, {}, "password"),
        ({}, {}, {"password": "hunter2"}, "password"),
        (
            {"connection_options": {"netmiko": {"password": "hunter2"}}},
            {},
            {},
            "connection_options.netmiko.password",
        ),
    ],
    ids=["host", "group", "defaults", "connection-options"],
)
def test_nornir_literal_password_is_refused(
    host: dict[str, Any], groups: dict[str, Any], defaults: dict[str, Any], field: str
) -> None:
    entry = {**host, "username": "u", "data": {"netsbom": {"snmp": SNMP, "ssh": {}}}}
    with pytest.raises(ConfigError) as caught:
        from_nornir({"r1": entry}, groups, defaults, source="hosts.yaml")
    assert f"hosts.yaml: host 'r1': field '{field}': a literal secret" in str(caught.value)
    assert "hunter2" not in str(caught.value)


def test_nornir_password_reference_fills_the_ssh_section() -> None:
    raw = from_nornir(
        {"r1": {"password": "env:PW", "username": "u", "data": {"netsbom": {"ssh": {}}}}}
    )
    assert raw["targets"][0]["ssh"] == {"password": "env:PW", "username": "u"}


@pytest.mark.parametrize(
    "variable", ["ansible_password", "ansible_ssh_pass", "ansible_become_pass"]
)
def test_ansible_literal_passwords_are_refused(variable: str) -> None:
    raw = {"all": {"vars": {variable: "hunter2"}, "hosts": {"r1": {"netsbom_snmp": SNMP}}}}
    with pytest.raises(ConfigError) as caught:
        from_ansible(raw, source="hosts.yml")
    assert f"hosts.yml: host 'r1': field '{variable}': a literal secret" in str(caught.value)
    assert "hunter2" not in str(caught.value)


def test_ansible_password_reference_fills_the_ssh_section() -> None:
    raw = {"all": {"hosts": {"r1": {"ansible_password": "file:/run/pw", "ansible_user": "u",
                                    "netsbom_ssh": {}}}}}  # fmt: skip
    assert from_ansible(raw)["targets"][0]["ssh"] == {"password": "file:/run/pw", "username": "u"}


def test_ansible_precedence_and_mapping() -> None:
    raw = {
        "all": {
            "vars": {"network": "core", "netsbom_snmp": SNMP, "netsbom_agent_id": "ans"},
            "children": {
                "routers": {
                    "vars": {"role": "router", "ansible_network_os": "cisco.ios.ios"},
                    "children": {
                        "edge": {
                            "vars": {"role": "edge"},
                            "hosts": {
                                "r1": {
                                    "ansible_host": "192.0.2.1",
                                    "site": "par1",
                                    "ansible_user": "ops",
                                    "ansible_port": 2222,
                                    "netsbom_ssh": {"password": "env:PW"},
                                }
                            },
                        }
                    },
                },
                "switches": {"hosts": {"s1": None}},
            },
        }
    }
    converted = from_ansible(raw)
    assert converted["agent_id"] == "ans"
    r1, s1 = converted["targets"]
    assert r1["address"] == "192.0.2.1"
    assert r1["labels"] == {
        "site": "par1",
        "role": "edge",
        "network": "core",
        "groups": "edge,routers",
    }
    assert r1["ssh"] == {
        "password": "env:PW",
        "username": "ops",
        "port": 2222,
        "platform": "cisco.ios.ios",  # an Ansible network_os: a registry alias
    }
    assert s1 == {
        "name": "s1",
        "address": "s1",
        "labels": {"network": "core", "groups": "switches"},
        "snmp": SNMP,
    }
    inventory = parse_inventory(converted, source="ansible")
    assert inventory.agent_id == "ans"
    assert inventory.targets[0].ssh is not None and inventory.targets[0].ssh.port == 2222
    assert inventory.targets[0].ssh.platform == "ios"


def test_ansible_without_all_and_bad_shapes() -> None:
    raw = from_ansible({"core": {"hosts": {"c1": {"netsbom_snmp": SNMP}}}})
    assert raw["targets"][0]["labels"] == {"groups": "core"}
    with pytest.raises(ConfigError, match="hosts must be a mapping"):
        from_ansible({"all": {"hosts": ["a", "b"]}})


def test_detection_and_loading(tmp_path: Path) -> None:
    netsbom_file = _write(
        tmp_path / "inv.yaml", {"targets": [{"name": "a", "address": "192.0.2.9", "snmp": SNMP}]}
    )
    ansible_file = _write(
        tmp_path / "ansible.yaml", {"all": {"hosts": {"a": {"netsbom_snmp": SNMP}}}}
    )
    nornir_dir = tmp_path / "nornir"
    nornir_dir.mkdir()
    hosts = _write(nornir_dir / "hosts.yaml", {"a": {"hostname": "192.0.2.7", "groups": ["g"]}})
    _write(nornir_dir / "groups.yaml", {"g": {"data": {"netsbom": {"snmp": SNMP}}}})
    _write(nornir_dir / "defaults.yml", {"data": {"site": "lon1"}})
    assert detect_format(netsbom_file) == "netsbom"
    assert detect_format(ansible_file) == "ansible"
    assert detect_format(nornir_dir) == "nornir"
    assert detect_format(hosts) == "nornir"
    for path in (netsbom_file, ansible_file, nornir_dir, hosts):
        inventory = load_any_inventory(path, "auto")
        assert inventory.targets[0].name == "a"
    nornir = load_any_inventory(hosts, "nornir")
    assert nornir.targets[0].address == "192.0.2.7"
    assert nornir.targets[0].labels == {"site": "lon1", "groups": "g"}
    with pytest.raises(ConfigError, match="unknown inventory format"):
        read_inventory(hosts, "csv")


def test_undetectable_inventory_says_which_option(tmp_path: Path) -> None:
    path = _write(tmp_path / "odd.yaml", {"something": [1, 2]})
    with pytest.raises(ConfigError, match="--inventory-format"):
        detect_format(path)


def test_invalid_converted_target_is_named(tmp_path: Path) -> None:
    path = _write(tmp_path / "ansible.yaml", {"all": {"hosts": {"a": {}}}})
    with pytest.raises(ConfigError, match=r"target 'a'.*snmp"):
        load_any_inventory(path, "ansible")


def test_agent_run_reads_an_ansible_inventory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from netsbom.agent.snmp import mibs
    from netsbom.core.cli import cli

    monkeypatch.setenv("SNMP_COMMUNITY", "public")
    inventory = _write(tmp_path / "hosts.yml", {"all": {"hosts": {"nobody": {
        "ansible_host": "127.0.0.1",
        "netsbom_agent_id": "ans-agent",
        "netsbom_snmp": {**SNMP, "port": 9, "timeout": 0.2, "retries": 0},
        "netsbom_deadline": 5,
    }}}})  # fmt: skip
    (tmp_path / "mibs").mkdir()
    try:
        result = CliRunner().invoke(cli, [
            "agent", "run", "--inventory", str(inventory), "--inventory-format", "ansible",
            "--collector", "127.0.0.1:9", "--once", "--send-timeout", "0",
            "--spool", str(tmp_path / "spool"), "--mibs", str(tmp_path / "mibs"),
        ])  # fmt: skip
        assert mibs.mib_dirs() == (tmp_path / "mibs",)
    finally:
        mibs.set_mib_dirs(None)
    assert result.exit_code == 3, result.output  # polled, report left in the spool
    assert "polled 1 targets (1 incomplete)" in result.output
    assert (tmp_path / "spool" / "ans-agent").is_dir()
