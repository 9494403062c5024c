"""Identity: one physical device is one node, contradictions are flagged and never fatal."""

from __future__ import annotations

from dataclasses import replace

import pytest

from netsbom.collector.sbom.cyclonedx import to_cyclonedx
from netsbom.core.record import (
    Component,
    DeviceRecord,
    Neighbor,
    OsInfo,
    Provenance,
    Software,
    Target,
)
from netsbom.topology.configuration import build_configuration
from netsbom.topology.identity import check_links, resolve_identities, same_device
from netsbom.topology.links import derive_topology

AT = "2026-11-26T08:00:00Z"


def view(
    target_id: str,
    transport: str,
    address: str = "10.0.0.1",
    **fields: object,
) -> DeviceRecord:
    return DeviceRecord(
        target=Target(
            target_id, address, 161 if transport == "snmp" else 22, transport, (("network", "lab"),)
        ),
        agent_id=f"agent-{transport}",
        collected_at=fields.pop("collected_at", "2026-11-26T07:00:00Z"),  # type: ignore[arg-type]
        report_id=f"{target_id}-{transport}",
        **fields,  # type: ignore[arg-type]
    )


def test_snmp_and_ssh_views_of_one_box_are_one_device() -> None:
    snmp = view(
        "sw1-snmp",
        "snmp",
        hostname="sw1.par1.example.net",
        chassis_id="70:1f:53:aa:00:01",
        os=OsInfo(family="ios-xe", version="17.9.4a"),
        provenance=(Provenance("os.version", "snmp", "sysDescr"),),
    )
    ssh = view(
        "sw1",
        "ssh",
        hostname="sw1",
        serial="FOC2231X0AB",
        model="C9300-48P",
        os=OsInfo(family="ios-xe", version="17.9.4a", build="fc3"),
        software=(Software("rpbase", "17.9.4a"),),
    )
    resolution = resolve_identities([snmp, ssh])
    assert len(resolution.records) == 1
    merged = resolution.records[0]
    assert merged.hostname == "sw1"  # SSH wins per field
    assert merged.serial == "FOC2231X0AB"
    assert merged.chassis_id == "70:1f:53:aa:00:01"  # only SNMP knew it
    assert merged.os.build == "fc3"
    assert merged.software == (Software("rpbase", "17.9.4a"),)
    sources = [p.source for p in merged.provenance if p.field == "identity"]
    assert len(sources) == 2 and any("sw1-snmp" in s for s in sources)
    assert resolution.flags == ()


def test_one_serial_merges_two_agents_even_at_two_addresses() -> None:
    a = view("r1", "snmp", "10.0.0.1", hostname="r1", serial="JN123")
    b = view("r1-oob", "snmp", "192.0.2.1", hostname="r1.example.net", serial="JN123")
    assert same_device(a, b)
    assert len(resolve_identities([a, b]).records) == 1


def test_two_chassis_claiming_one_serial_stay_two_and_are_flagged() -> None:
    a = view(
        "r1", "snmp", "10.0.0.1", hostname="r1", serial="JN123", chassis_id="00:00:00:00:00:01"
    )
    b = view(
        "r2", "snmp", "10.0.0.2", hostname="r2", serial="JN123", chassis_id="00:00:00:00:00:02"
    )
    resolution = resolve_identities([a, b])
    assert len(resolution.records) == 2
    assert [f.kind for f in resolution.flags] == ["duplicate-serial"]
    assert resolution.flags[0].devices == ("r1", "r2")


def test_same_name_different_serial_is_two_devices_and_a_name_conflict() -> None:
    old = view("r1", "snmp", "10.0.0.1", hostname="r1", serial="OLD1")
    new = view("r1-ssh", "ssh", "10.0.0.1", hostname="r1", serial="NEW2")
    assert not same_device(old, new)
    resolution = resolve_identities([old, new])
    assert len(resolution.records) == 2
    assert [f.kind for f in resolution.flags] == ["name-conflict"]


def test_factory_default_names_alone_do_not_merge() -> None:
    a = view("a", "snmp", "10.0.0.1", hostname="Switch")
    b = view("b", "snmp", "10.0.0.2", hostname="Switch")
    assert len(resolve_identities([a, b]).records) == 2


@pytest.mark.parametrize(
    "placeholder",
    ["Not Specified", "000000000000", "XXXXXX", "1234567890", "SERIALNO", "N/A", "Not Present"],
)
def test_placeholder_serials_are_not_identity(placeholder: str) -> None:
    a = view("a", "snmp", "10.0.0.1", hostname="a", serial=placeholder)
    b = view("b", "snmp", "10.0.0.2", hostname="b", serial=placeholder.lower())
    resolution = resolve_identities([a, b])
    assert len(resolution.records) == 2 and resolution.flags == ()


def test_neighbour_naming_an_unknown_port_is_flagged_not_fatal() -> None:
    ports = tuple(Component(index=str(i), cls="port", name=f"Ethernet{i}") for i in (1, 2))
    a = view("a", "snmp", "10.0.0.1", hostname="a", components=ports)
    b = view(
        "b",
        "snmp",
        "10.0.0.2",
        hostname="b",
        neighbors=(
            Neighbor("lldp", "Gi0/1", remote_name="a", remote_port="Ethernet9"),
            Neighbor("lldp", "Gi0/2", remote_name="a", remote_port="Ethernet2"),
        ),
    )
    flags = check_links([a, b], derive_topology([a, b]))
    assert [(f.kind, f.devices) for f in flags] == [("unknown-port", ("a", "b"))]
    assert "Ethernet9" in flags[0].message
    config = build_configuration("lab", AT, [a, b])
    assert [f.kind for f in config.flags] == ["unknown-port"]
    doc = to_cyclonedx(config)  # exports carry the flag and still build
    device = next(c for c in doc["components"] if c["name"] == "a")
    assert any(
        p["name"] == "netsbom:flag" and "unknown-port" in p["value"] for p in device["properties"]
    )


def test_merging_is_order_independent() -> None:
    records = [
        view("sw1-snmp", "snmp", hostname="sw1", chassis_id="aa:bb:cc:00:00:01"),
        view("sw1", "ssh", hostname="sw1", serial="S1"),
        view("sw2", "ssh", "10.0.0.2", hostname="sw2", serial="S2"),
    ]
    first = resolve_identities(records)
    second = resolve_identities(list(reversed(records)))
    assert first == second
    assert [r.name for r in first.records] == ["sw1", "sw2"]


def test_merged_complete_if_any_view_is() -> None:
    a = view("x", "snmp", hostname="x", complete=False)
    b = replace(view("x-ssh", "ssh", hostname="x"), complete=True)
    assert resolve_identities([a, b]).records[0].complete
