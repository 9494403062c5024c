"""The lab definition loader: the shipped file loads; broken files fail naming file and field."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from netsbom.core.errors import ConfigError
from netsbom.lab.definition import default_definition_path, load_lab, parse_lab
from tests.conftest import LAB_DATA

LAB_YAML = LAB_DATA / "lab.yaml"


@pytest.fixture(scope="module")
def raw() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(LAB_YAML.read_text(encoding="utf-8"))
    return data


def _write(tmp_path: Path, data: dict[str, Any]) -> Path:
    path = tmp_path / "lab.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_shipped_definition_loads() -> None:
    lab = load_lab(LAB_YAML)
    assert lab.network == "lab"
    assert len(lab.devices) >= 8
    assert len({d.vendor for d in lab.devices}) >= 4
    assert {d.os.family for d in lab.devices} >= {"ios-xe", "nxos", "junos", "eos"}
    for device in lab.devices:
        assert device.address.startswith("127.")
        assert lab.recording_path(device).is_file()
        assert device.components[0].model == device.model
        assert device.components[0].serial == device.serial
        assert len(device.components) + len(device.interfaces) >= 5
        assert device.labels.network == "lab"


def test_shipped_topology_is_connected() -> None:
    lab = load_lab(LAB_YAML)
    names = {d.name for d in lab.devices}
    adjacent: dict[str, set[str]] = {n: set() for n in names}
    for link in lab.links:
        adjacent[link.a.device].add(link.b.device)
        adjacent[link.b.device].add(link.a.device)
    seen, todo = set(), [lab.devices[0].name]
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(adjacent[name] - seen)
    assert seen == names


def test_default_definition_path_finds_the_lab(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NETSBOM_LAB_DEFINITION", raising=False)
    assert default_definition_path().resolve() == LAB_YAML.resolve()
    monkeypatch.setenv("NETSBOM_LAB_DEFINITION", "/elsewhere/lab.yaml")
    assert default_definition_path() == Path("/elsewhere/lab.yaml")


def _break(raw: dict[str, Any], edit: Any) -> dict[str, Any]:
    data = copy.deepcopy(raw)
    edit(data)
    return data


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            lambda d: d["devices"][4]["os"].update(family="nx-os"),
            "device 'leaf-1' (devices[4]): field 'os.family'",
        ),
        (
            lambda d: d["devices"][0].update(address="192.0.2.1"),
            "device 'edge-r1' (devices[0]): field 'address': the lab serves devices on loopback",
        ),
        (
            lambda d: d["devices"][1].pop("serial"),
            "device 'edge-r2' (devices[1]): field 'serial': Field required",
        ),
        (
            lambda d: d["devices"][2].update(chassis_id="00-00-5E-00-53-21"),
            "device 'spine-1' (devices[2]): field 'chassis_id'",
        ),
        (
            lambda d: d["devices"][6]["components"][1].update(parent="Switch 9"),
            "device 'acc-1' (devices[6]): field 'components': 'Switch 1 - Power Supply A' "
            "has unknown parent 'Switch 9'",
        ),
        (
            lambda d: d["devices"][3]["labels"].update(network="other"),
            "field 'devices[3].labels.network'",
        ),
        (
            lambda d: d["links"][0]["a"].update(port="et-9/9/9"),
            "field 'links[0].a.port': 'edge-r1' has no interface 'et-9/9/9'",
        ),
        (
            lambda d: d["links"][1]["b"].update(device="nope"),
            "field 'links[1].b.device': unknown device 'nope'",
        ),
        (
            lambda d: d["links"][0].update(protocols=["lldp", "cdp"]),
            "field 'links[0].protocols': cdp runs between Cisco devices only",
        ),
        (
            lambda d: d["links"].append(copy.deepcopy(d["links"][0])),
            "used twice",
        ),
        (
            lambda d: d["devices"][8].update(name="acc-1"),
            "field 'devices': duplicate name ['acc-1']",
        ),
        (
            lambda d: d["devices"][0]["snmp"].update(recording="/etc/passwd"),
            "device 'edge-r1' (devices[0]): field 'snmp.recording'",
        ),
        (
            lambda d: d["devices"][0].update(sys_object_id="iso.3.6"),
            "device 'edge-r1' (devices[0]): field 'sys_object_id': 'iso.3.6' is not a numeric OID",
        ),
        (
            lambda d: d["devices"][0].update(colour="red"),
            "device 'edge-r1' (devices[0]): field 'colour': Extra inputs are not permitted",
        ),
    ],
)
def test_errors_name_file_device_and_field(
    tmp_path: Path, raw: dict[str, Any], edit: Any, expected: str
) -> None:
    path = _write(tmp_path, _break(raw, edit))
    with pytest.raises(ConfigError) as caught:
        load_lab(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ")
    assert expected in message


def test_unreadable_and_malformed_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read lab definition"):
        load_lab(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("network: [lab\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"bad.yaml: line \d+ not valid YAML"):
        load_lab(bad)
    bad.write_text("- just a list\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="a lab definition is a mapping"):
        load_lab(bad)


def test_parse_without_file_uses_source_name(raw: dict[str, Any]) -> None:
    data = _break(raw, lambda d: d.pop("network"))
    with pytest.raises(ConfigError, match=r"^<lab>: field 'network': Field required"):
        parse_lab(data)
