"""System Exposure from the topology, on the lab's recordings (replayed as the agent reads them)
and the labels an inventory gives."""

from __future__ import annotations

from dataclasses import replace

import pytest

from netsbom.agent.snmp.poll import replay_snmp
from netsbom.core.record import DeviceRecord, Neighbor, Target
from netsbom.topology.configuration import build_configuration
from netsbom.topology.exposure import Exposure, exposures
from tests.conftest import LAB_DATA, make_record

AT = "2026-11-20T10:00:00Z"


@pytest.fixture(scope="module")
def lab_records() -> list[DeviceRecord]:
    records = [replay_snmp(path) for path in sorted((LAB_DATA / "snmp").glob("*.snmprec"))]
    assert len(records) == 9 and all(r.neighbors for r in records)
    return records


def labelled(record: DeviceRecord, **labels: str) -> DeviceRecord:
    merged = {**dict(record.target.labels), **labels}
    return replace(record, target=replace(record.target, labels=tuple(sorted(merged.items()))))


def exposure_of(records: list[DeviceRecord]) -> dict[str, Exposure]:
    config = build_configuration("lab", AT, records)
    return exposures(config.records, config.links, config.segments)


def test_the_lab_without_labels_is_small_everywhere(lab_records: list[DeviceRecord]) -> None:
    found = exposure_of(lab_records)
    assert set(found) == {r.name for r in lab_records}
    assert {e.level for e in found.values()} == {"small"}
    assert "leaf-1" in found["spine-1"].reason and "edge-r1" in found["spine-1"].reason


def test_internet_facing_edge_opens_itself_and_controls_its_neighbours(
    lab_records: list[DeviceRecord],
) -> None:
    records = [
        labelled(r, internet_facing="true") if r.name == "edge-r1" else r for r in lab_records
    ]
    found = exposure_of(records)
    assert found["edge-r1"].level == "open"
    assert "internet-facing" in found["edge-r1"].reason
    for spine in ("spine-1", "spine-2"):  # cabled to edge-r1 (lab.yaml links)
        assert found[spine].level == "controlled"
        assert "edge-r1" in found[spine].reason and "internet-facing" in found[spine].reason
    assert found["leaf-1"].level == "small"  # two hops away, behind the spines
    assert found["edge-r2"].level == "small"


def test_a_neighbour_outside_the_inventory_is_controlled(
    lab_records: list[DeviceRecord],
) -> None:
    found = exposure_of([r for r in lab_records if r.name != "edge-r2"])
    for spine in ("spine-1", "spine-2"):
        assert found[spine].level == "controlled"
        assert "edge-r2" in found[spine].reason and "not in the inventory" in found[spine].reason
    assert "edge-r2" not in found


def test_untrusted_zones_on_a_port_or_the_management(lab_records: list[DeviceRecord]) -> None:
    leaf2_port = next(
        n.local_port
        for n in next(r for r in lab_records if r.name == "leaf-2").neighbors
        if n.remote_name and "acc-3" in n.remote_name
    )
    records = [
        labelled(r, management_zone="guest")
        if r.name == "acc-3"
        else labelled(r, **{f"zone.{leaf2_port}": "untrusted"})
        if r.name == "leaf-2"
        else r
        for r in lab_records
    ]
    found = exposure_of(records)
    assert found["acc-3"].level == "open" and "management" in found["acc-3"].reason
    assert found["leaf-2"].level == "open"
    assert f"zone.{leaf2_port}" in found["leaf-2"].reason


def test_management_port_cabled_outside_the_inventory_is_open() -> None:
    device = make_record(
        "core1",
        neighbors=(
            Neighbor(protocol="lldp", local_port="mgmt0", remote_name="oob-switch-7"),
            Neighbor(protocol="lldp", local_port="Ethernet1/1", remote_name="core2"),
        ),
    )
    peer = replace(
        make_record(
            "core2",
            neighbors=(Neighbor(protocol="lldp", local_port="Ethernet1/1", remote_name="core1"),),
        ),
        chassis_id="00:1b:54:aa:09:09",
        serial="FOC0000ZZZ9",
    )
    found = exposure_of([device, peer])
    assert found["core1"].level == "open"
    assert (
        "management port mgmt0" in found["core1"].reason and "oob-switch-7" in found["core1"].reason
    )
    assert found["core2"].level == "small"


def test_no_neighbour_and_no_label_gives_no_exposure() -> None:
    lonely = make_record("lonely")
    assert exposure_of([lonely]) == {}
    facing = replace(lonely, target=Target("lonely", "127.0.1.1", 161, "snmp", (("zone", "dmz"),)))
    assert exposure_of([facing])["lonely"].level == "open"


def test_a_shared_segment_makes_its_ports_neighbours() -> None:
    """m3 and m4 have no cable of their own: only their management ports on a shared segment,
    where a console server nobody polls also sits."""
    from tests.topology.test_graph import management_network

    records = management_network()
    config = build_configuration("lab", AT, records)
    assert len(config.segments) == 1
    found = exposures(config.records, config.links, config.segments)
    for name in ("m3", "m4"):
        assert found[name].level == "open"
        assert "management port mgmt0 -> console, which is not in the inventory" in (
            found[name].reason
        )
    without = exposures(config.records, config.links)  # the segment left out: nothing known
    assert "m3" not in without and "m4" not in without
