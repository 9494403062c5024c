"""The recordings: up to date with lab.yaml, sorted, well tagged, neighbour tables that agree."""

from __future__ import annotations

import re

import pytest

from netsbom.lab.definition import LabDefinition, load_lab
from netsbom.lab.snmprec import decode, entity_rows, oid_key, parse, stale
from tests.conftest import LAB_DATA

LAB_YAML = LAB_DATA / "lab.yaml"
TAGS = {"2", "4", "4x", "6", "64", "65", "66", "67", "70"}
LLDP_REM = "1.0.8802.1.1.2.1.4.1.1"
CDP = "1.3.6.1.4.1.9.9.23.1.2.1.1"


@pytest.fixture(scope="module")
def lab() -> LabDefinition:
    return load_lab(LAB_YAML)


def _table(rows: dict[str, tuple[str, str]], entry: str) -> dict[str, dict[int, str]]:
    """index suffix -> {column: decoded value} for the rows under ``entry``."""
    out: dict[str, dict[int, str]] = {}
    for oid, (tag, value) in rows.items():
        if oid.startswith(entry + "."):
            column, _, index = oid[len(entry) + 1 :].partition(".")
            out.setdefault(index, {})[int(column)] = decode(tag, value) if tag[0] == "4" else value
    return out


def _recording(lab: LabDefinition, name: str) -> dict[str, tuple[str, str]]:
    return parse(lab.recording_path(lab.device(name)).read_text(encoding="ascii"))


def test_recordings_are_up_to_date(lab: LabDefinition) -> None:
    assert stale(lab) == [], "run: netsbom lab generate"


def test_recordings_are_sorted_and_well_formed(lab: LabDefinition) -> None:
    for device in lab.devices:
        text = lab.recording_path(device).read_text(encoding="ascii")
        oids = []
        for line in text.splitlines():
            oid, tag, value = line.split("|", 2)
            assert re.fullmatch(r"[0-9]+(\.[0-9]+)+", oid), line
            assert tag in TAGS, line
            if tag in {"2", "65", "66", "67", "70"}:
                int(value)
            if tag == "4x":
                bytes.fromhex(value)
            if tag == "6":
                assert re.fullmatch(r"[0-9]+(\.[0-9]+)+", value), line
            oids.append(oid_key(oid))
        assert oids == sorted(oids), device.name
        assert len(set(oids)) == len(oids), device.name


def test_system_group_and_entity_table(lab: LabDefinition) -> None:
    for device in lab.devices:
        rows = _recording(lab, device.name)
        assert decode(*rows["1.3.6.1.2.1.1.1.0"]) == device.sys_descr
        assert rows["1.3.6.1.2.1.1.2.0"] == ("6", device.sys_object_id)
        assert rows["1.3.6.1.2.1.1.5.0"] == ("4", device.hostname)
        for column in range(1, 8):
            assert f"1.3.6.1.2.1.1.{column}.0" in rows
        entity = _table(rows, "1.3.6.1.2.1.47.1.1.1.1")
        assert len(entity) >= 5
        chassis = [row for row in entity.values() if row[5] == "3"]
        assert len(chassis) == 1
        assert chassis[0][13] == device.model
        assert chassis[0][11] == device.serial
        assert chassis[0][4] == "0"
        indexes = {int(i) for i in entity}
        for row in entity.values():
            assert row[4] == "0" or int(row[4]) in indexes  # containedIn points inside the tree
        if_names = {row[1] for row in _table(rows, "1.3.6.1.2.1.31.1.1.1").values()}
        assert if_names == {i.name for i in device.interfaces}


def test_entity_rows_follow_the_definition(lab: LabDefinition) -> None:
    device = lab.device("acc-1")
    rows = entity_rows(device)
    assert rows[0][0] == 1000 and rows[0][1] == 0
    ports = [(index, parent) for index, parent, c in rows if c.cls == "port"]
    assert len(ports) == len(device.interfaces)
    assert all(parent == 1064 for _, parent in ports)  # under the uplink module


def test_lldp_tables_agree_both_ways(lab: LabDefinition) -> None:
    views: dict[str, set[tuple[str, str, str, str]]] = {}
    for device in lab.devices:
        rows = _recording(lab, device.name)
        local_ports = {
            index: row[3] for index, row in _table(rows, "1.0.8802.1.1.2.1.3.7.1").items()
        }
        assert rows["1.0.8802.1.1.2.1.3.2.0"] == ("4x", device.chassis_id.replace(":", ""))
        assert rows["1.0.8802.1.1.2.1.3.3.0"] == ("4", device.hostname)
        seen = set()
        for index, row in _table(rows, LLDP_REM).items():
            _time_mark, local_num, _rem = index.split(".")
            peer = next(d for d in lab.devices if d.hostname == row[9])
            assert row[4] == "4" and row[6] == "5"
            assert row[5] == bytes.fromhex(peer.chassis_id.replace(":", "")).decode("latin-1")
            assert peer.interface(row[7]) is not None  # remote port id is the peer's ifName
            seen.add((local_ports[local_num], peer.name, row[7], device.name))
        views[device.name] = seen
    expected = 0
    for link in lab.links:
        if "lldp" not in link.protocols:
            continue
        expected += 2
        a, b = link.a, link.b
        assert (a.port, b.device, b.port, a.device) in views[a.device]
        assert (b.port, a.device, a.port, b.device) in views[b.device]
    assert sum(len(v) for v in views.values()) == expected


def test_cdp_tables_agree_both_ways(lab: LabDefinition) -> None:
    cdp_links = [link for link in lab.links if "cdp" in link.protocols]
    assert cdp_links
    seen: set[tuple[str, str, str, str]] = set()
    for device in lab.devices:
        rows = _recording(lab, device.name)
        by_index = {str(i.index): i.name for i in device.interfaces}
        for index, row in _table(rows, CDP).items():
            if_index, _dev = index.split(".")
            peer = next(d for d in lab.devices if d.hostname == row[6])
            assert row[7] in {i.name for i in peer.interfaces}
            assert row[8] == f"cisco {peer.model}"
            assert row[4] == "".join(chr(int(p)) for p in peer.address.split("."))
            seen.add((device.name, by_index[if_index], peer.name, row[7]))
    expected = set()
    for link in cdp_links:
        expected.add((link.a.device, link.a.port, link.b.device, link.b.port))
        expected.add((link.b.device, link.b.port, link.a.device, link.a.port))
    assert seen == expected


def test_hex_encoding_for_non_printable_values(lab: LabDefinition) -> None:
    rows = _recording(lab, "edge-r2")
    tag, value = rows["1.3.6.1.2.1.1.1.0"]
    assert tag == "4x"
    assert "\r\n" in decode(tag, value)
