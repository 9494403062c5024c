"""Links from LLDP/CDP neighbour tables: merging both ends, one-sided, parallel, external."""

from __future__ import annotations

import uuid

import pytest

from netsbom.core.record import DeviceRecord, Neighbor, Target
from netsbom.topology.links import (
    Link,
    LinkEnd,
    derive_topology,
    normalize_chassis_id,
    normalize_device_name,
    normalize_interface,
)


def device(
    name: str,
    address: str,
    *neighbors: Neighbor,
    chassis_id: str | None = None,
    hostname: str | None = "",
) -> DeviceRecord:
    return DeviceRecord(
        target=Target(id=name, address=address, port=161, transport="snmp"),
        agent_id="agent-par1",
        collected_at="2026-11-26T08:00:00Z",
        report_id=str(uuid.uuid5(uuid.NAMESPACE_DNS, name)),
        hostname=name if hostname == "" else hostname,
        chassis_id=chassis_id,
        neighbors=neighbors,
    )


def lldp(local: str | None, name: str | None, port: str | None, **extra: str) -> Neighbor:
    return Neighbor(protocol="lldp", local_port=local, remote_name=name, remote_port=port, **extra)


def cdp(local: str | None, name: str | None, port: str | None, **extra: str) -> Neighbor:
    return Neighbor(protocol="cdp", local_port=local, remote_name=name, remote_port=port, **extra)


def derive_links(records: list[DeviceRecord]) -> list[Link]:
    return list(derive_topology(records).links)


def end(name: str, port: str | None, external: bool = False) -> LinkEnd:
    """The end on the node of that name (names are unique here)."""
    return LinkEnd(name, name, port, external)


def only(links: list[Link]) -> Link:
    assert len(links) == 1, links
    return links[0]


def test_lldp_and_cdp_from_both_ends_merge_into_one_link() -> None:
    sw1 = device(
        "sw1",
        "10.0.0.11",
        lldp("Gi1/0/1", "sw2.example.net", "Gi1/0/24", remote_chassis_id="70:1f:53:00:00:02"),
        cdp(
            "GigabitEthernet1/0/1",
            "sw2.example.net",
            "GigabitEthernet1/0/24",
            remote_description="cisco C9300-24T, Cisco IOS XE Software, Version 17.9.4a",
        ),
        chassis_id="70:1f:53:00:00:01",
    )
    sw2 = device(
        "sw2",
        "10.0.0.12",
        lldp("Gi1/0/24", "sw1.example.net", "Gi1/0/1"),
        cdp("GigabitEthernet1/0/24", "sw1.example.net", "GigabitEthernet1/0/1"),
        chassis_id="70:1f:53:00:00:02",
    )

    link = only(derive_links([sw1, sw2]))

    assert link.a == end("sw1", "GigabitEthernet1/0/1")
    assert link.b == end("sw2", "GigabitEthernet1/0/24")
    assert link.protocols == ("cdp", "lldp")
    assert not link.one_sided
    assert len(link.observations) == 4
    assert {o.reporter for o in link.observations} == {"sw1", "sw2"}
    assert link.chassis_ids == ("70:1f:53:00:00:02",)
    assert link.remote_descriptions == ("cisco C9300-24T, Cisco IOS XE Software, Version 17.9.4a",)


def test_ports_keep_the_spelling_of_the_device_that_owns_them() -> None:
    core = device("core1", "10.0.0.1", lldp("xe-0/1/0", "leaf1", "Ethernet1"))
    leaf = device("leaf1", "10.0.0.21", lldp("Et1", "core1", "xe-0/1/0.0"))

    link = only(derive_links([core, leaf]))

    # leaf1 calls its port "Et1", core1 saw "Ethernet1": matched, written as leaf1 wrote it.
    assert link.b == end("leaf1", "Et1")
    assert link.a == end("core1", "xe-0/1/0")
    assert not link.one_sided


def test_seen_from_one_side_only_is_kept_and_marked() -> None:
    core = device("core1", "10.0.0.1", lldp("xe-0/1/0", "sw1", "Te1/1/1"))
    sw1 = device("sw1", "10.0.0.11")  # polled, but LLDP is off

    link = only(derive_links([core, sw1]))

    assert link.one_sided
    assert link.a == end("core1", "xe-0/1/0")
    assert link.b == end("sw1", "Te1/1/1")
    assert link.protocols == ("lldp",)


def test_parallel_links_between_two_devices_stay_distinct() -> None:
    sw1 = device(
        "sw1",
        "10.0.0.11",
        lldp("Te1/1/3", "leaf1", "Ethernet1"),
        lldp("Te1/1/4", "leaf1", "Ethernet2"),
    )
    leaf = device(
        "leaf1",
        "10.0.0.21",
        lldp("Ethernet2", "sw1", "TenGigabitEthernet1/1/4"),
        lldp("Ethernet1", "sw1", "TenGigabitEthernet1/1/3"),
    )

    links = derive_links([sw1, leaf])

    assert [(link.a, link.b) for link in links] == [
        (end("leaf1", "Ethernet1"), end("sw1", "Te1/1/3")),
        (end("leaf1", "Ethernet2"), end("sw1", "Te1/1/4")),
    ]
    assert not any(link.one_sided for link in links)


def test_a_neighbour_that_is_no_record_is_an_external_device() -> None:
    core = device(
        "core1",
        "10.0.0.1",
        lldp(
            "et-0/0/1",
            "pe1.isp.example",
            "HundredGigE0/0/0/5",
            remote_chassis_id="00:a7:42:11:22:33",
            remote_description="Cisco IOS XR Software, Version 7.9.2",
        ),
    )

    link = only(derive_links([core]))

    assert link.a == end("core1", "et-0/0/1")
    assert link.b == end("pe1.isp.example", "HundredGigE0/0/0/5", external=True)
    assert link.one_sided


def test_external_neighbour_known_only_by_chassis_id() -> None:
    sw = device("sw1", "10.0.0.11", lldp("Gi1/0/7", None, "ens3", remote_chassis_id="52:54:00:ab"))

    link = only(derive_links([sw]))

    assert link.a == end("52:54:00:ab", "ens3", external=True)
    assert link.b == end("sw1", "Gi1/0/7")


@pytest.mark.parametrize(
    "neighbor",
    [
        # by chassis id, whatever the MAC notation
        lldp("Gi1/0/1", None, "xe-0/1/0", remote_chassis_id="B033.A612.3400"),
        # by sysName with a domain and another case
        lldp("Gi1/0/1", "CORE1.example.net", "xe-0/1/0"),
        # NX-OS style CDP device id with the serial in parentheses
        cdp("Gi1/0/1", "core1(JN12345ABC)", "xe-0/1/0"),
        # by management address only
        lldp("Gi1/0/1", "unknown-name", "xe-0/1/0", remote_mgmt_address="10.0.0.1"),
    ],
)
def test_neighbours_resolve_to_records(neighbor: Neighbor) -> None:
    core = device("core1", "10.0.0.1", chassis_id="b0:33:a6:12:34:00")
    sw1 = device("sw1", "10.0.0.11", neighbor)

    link = only(derive_links([core, sw1]))

    assert link.a == end("core1", "xe-0/1/0")
    assert link.b == end("sw1", "Gi1/0/1")


def test_a_record_without_hostname_is_named_by_target_id() -> None:
    core = device("core1", "10.0.0.1", hostname=None, chassis_id="b0:33:a6:12:34:00")
    sw1 = device(
        "sw1", "10.0.0.11", lldp("Gi1/0/1", None, "xe-0/1/0", remote_chassis_id="b033a6123400")
    )

    link = only(derive_links([core, sw1]))

    assert link.a.device == "core1"
    assert not link.a.external


def test_a_missing_remote_port_pairs_when_unambiguous() -> None:
    sw1 = device("sw1", "10.0.0.11", lldp("Gi1/0/1", "sw2", None))
    sw2 = device("sw2", "10.0.0.12", lldp("Gi1/0/24", "sw1", "GigabitEthernet1/0/1"))

    link = only(derive_links([sw1, sw2]))

    assert not link.one_sided
    assert (link.a, link.b) == (end("sw1", "Gi1/0/1"), end("sw2", "Gi1/0/24"))


def test_a_missing_remote_port_does_not_guess_between_parallel_links() -> None:
    sw1 = device("sw1", "10.0.0.11", lldp("Gi1/0/1", "sw2", None), lldp("Gi1/0/2", "sw2", None))
    sw2 = device("sw2", "10.0.0.12", lldp("Gi1/0/24", "sw1", None))

    links = derive_links([sw1, sw2])

    assert len(links) == 3
    assert all(link.one_sided for link in links)


def test_mismatched_ports_are_not_merged() -> None:
    # sw1: Gi1/0/1 <-> sw2 Gi1/0/24; sw2: Gi1/0/23 <-> sw1 Gi1/0/2. Two cables, each seen once.
    sw1 = device("sw1", "10.0.0.11", lldp("Gi1/0/1", "sw2", "Gi1/0/24"))
    sw2 = device("sw2", "10.0.0.12", lldp("Gi1/0/23", "sw1", "Gi1/0/2"))

    links = derive_links([sw1, sw2])

    assert len(links) == 2
    assert all(link.one_sided for link in links)


def test_output_does_not_depend_on_input_order() -> None:
    records = [
        device(
            "sw1", "10.0.0.11", lldp("Te1/1/3", "leaf1", "Et1"), lldp("Te1/1/4", "leaf1", "Et2")
        ),
        device("leaf1", "10.0.0.21", lldp("Et1", "sw1", "Te1/1/3"), lldp("Et3", "ext", "p1")),
        device("core1", "10.0.0.1", lldp("xe-0/1/0", "sw1", "Te1/1/1")),
    ]

    assert derive_links(records) == derive_links(list(reversed(records)))


def test_no_neighbours_no_links() -> None:
    assert derive_links([device("sw1", "10.0.0.11")]) == []
    assert derive_links([]) == []


@pytest.mark.parametrize(
    ("short", "long"),
    [
        ("Gi1/0/1", "GigabitEthernet1/0/1"),
        ("gi1/0/1", "GigabitEthernet 1/0/1"),
        ("Et1", "Ethernet1"),
        ("Eth1/1", "Ethernet1/1"),
        ("Te1/1/1", "TenGigabitEthernet1/1/1"),
        ("Twe1/0/1", "TwentyFiveGigE1/0/1"),
        ("Hu0/0/0/1", "HundredGigE0/0/0/1"),
        ("Po10", "Port-channel10"),
        ("Ma1", "Management1"),
        ("xe-0/1/0", "XE-0/1/0"),
        ("xe-0/1/0", "xe-0/1/0.0"),
    ],
)
def test_interface_names_normalise_for_matching(short: str, long: str) -> None:
    assert normalize_interface(short) == normalize_interface(long)


def test_different_interfaces_stay_different() -> None:
    assert normalize_interface("Gi1/0/1") != normalize_interface("Te1/0/1")
    assert normalize_interface("Tw1/0/1") != normalize_interface("Twe1/0/1")
    assert normalize_interface(None) is None


@pytest.mark.parametrize("mac", ["e6:09:c5:df:cc:dc", "FA-16-3E-00-00-01", "ea7b.5ceb.f643"])
def test_a_mac_port_id_is_never_read_as_an_abbreviated_name(mac: str) -> None:
    """lldpd names ports by MAC by default; one starting with ``e`` or ``fa`` is not Ethernet."""
    key = normalize_interface(mac)
    assert key == mac.lower().replace(":", "").replace("-", "").replace(".", "")
    assert not key.startswith(("ethernet", "fastethernet"))


def test_a_shared_segment_of_mac_named_ports_is_one_segment() -> None:
    """Three devices on a bridge, each port known to the others only by a MAC (lldpd's default
    port id), MACs starting with letters that abbreviate interface names."""
    macs = {"r1": "e6:09:c5:df:cc:dc", "r3": "fa:16:3e:00:00:03", "r4": "ea:7b:5c:eb:f6:43"}
    local = {"r1": "eth2", "r3": "eth2", "r4": "eth1"}
    records = [
        device(name, f"10.0.0.{n}", *[lldp(local[name], other, mac)
                                      for other, mac in macs.items() if other != name])
        for n, name in enumerate(macs, start=1)
    ]  # fmt: skip
    topology = derive_topology(records)
    assert topology.links == ()
    assert [{(e.node, e.port) for e in s.ends} for s in topology.segments] == [
        {("r1", "eth2"), ("r3", "eth2"), ("r4", "eth1")}
    ]


def test_chassis_id_and_name_normalisation() -> None:
    assert normalize_chassis_id("00-1C-73-AA-BB-CC") == normalize_chassis_id("001c.73aa.bbcc")
    assert normalize_chassis_id("JN12345ABC") == "jn12345abc"
    assert normalize_device_name("SW1(FOC2231X0AB)") == "sw1"
