"""Neighbour parsers of the platform drivers: every output form, the port-name rule, never raising.

(The SuzieQ replay, tests/integration/test_suzieq_topologies.py, runs them over real captures.)
"""

from __future__ import annotations

import json

import pytest

from netsbom.agent.platforms import (
    PLATFORMS,
    _cisco,
    eos,
    junos,
    linux,
    nxos,
    parse_outputs,
)
from netsbom.agent.platforms.neighbors import is_port_name, port_name
from netsbom.core.record import Neighbor, Provenance


def test_port_name_prefers_the_id_when_it_is_a_name() -> None:
    assert port_name("swp5", "to spine") == "swp5"
    assert port_name("Ethernet1", "uplink", "interfaceName") == "Ethernet1"
    assert port_name("516", "xe-0/0/0") == "xe-0/0/0"  # an ifIndex
    assert port_name("52:54:00:ed:7f:6e", "eth0") == "eth0"  # a MAC address
    assert port_name("ge-0/0/1", "ge-0/0/1.0", "Locally assigned") == "ge-0/0/1.0"
    assert port_name("526", None, "Locally assigned") == "526"  # nothing better to say
    assert port_name('"Ethernet2"', None) == "Ethernet2"  # EOS quotes its ids
    assert port_name(None, "N/A") is None
    assert not is_port_name("0050.5600.0001") and is_port_name("Gi0/1")


LLDPCTL = """\
-------------------------------------------------------------------------------
LLDP neighbors:
-------------------------------------------------------------------------------
Interface:    eth1, via: LLDP, RID: 1, Time: 0 day, 00:02:35
  Chassis:
    ChassisID:    mac 52:54:00:75:f2:54
    SysName:      exit01
    SysDescr:     Cumulus Linux version 3.7.12
    MgmtIP:       10.0.0.101
    MgmtIP:       fe80::5054:ff:fe75:f254
  Port:
    PortID:       ifname swp5
    PortDescr:    swp5
-------------------------------------------------------------------------------
Interface:    eth2, via: LLDP, RID: 2, Time: 0 day, 00:02:35
  Chassis:
    ChassisID:    mac 52:54:00:ed:7f:6e
    SysName:      junos1
  Port:
    PortID:       local 516
    PortDescr:    xe-0/0/0
-------------------------------------------------------------------------------
"""


def test_lldpctl_text_prefers_the_port_description_for_ifindex_ids() -> None:
    partial = linux.PLATFORM.commands[-1].parse(LLDPCTL)
    assert partial.errors == ()
    assert partial.neighbors == (
        Neighbor(
            "lldp",
            "eth1",
            "52:54:00:75:f2:54",
            "exit01",
            "swp5",
            "10.0.0.101",
            "Cumulus Linux version 3.7.12",
        ),
        Neighbor("lldp", "eth2", "52:54:00:ed:7f:6e", "junos1", "xe-0/0/0"),
    )


def test_lldpctl_keyvalue() -> None:
    text = (
        "lldp.eth0.via=LLDP\n"
        "lldp.eth0.chassis.mac=52:54:00:75:f2:54\n"
        "lldp.eth0.chassis.name=exit01\n"
        "lldp.eth0.chassis.mgmt-ip=10.0.0.101\n"
        "lldp.eth0.port.local=516\n"
        "lldp.eth0.port.descr=xe-0/0/0\n"
    )
    assert linux.parse_lldpctl(text).neighbors == (
        Neighbor("lldp", "eth0", "52:54:00:75:f2:54", "exit01", "xe-0/0/0", "10.0.0.101"),
    )


def test_lldpctl_json_keyed_by_interface_and_system_name() -> None:
    data = {
        "lldp": {
            "interface": {
                "eth0": {
                    "chassis": {"spine1": {"id": {"type": "mac", "value": "44:38:39:00:00:01"}}},
                    "port": {"id": {"type": "mac", "value": "44:38:39:00:00:02"}, "descr": "swp1"},
                }
            }
        }
    }
    assert linux.parse_lldpctl(json.dumps(data)).neighbors == (
        Neighbor("lldp", "eth0", "44:38:39:00:00:01", "spine1", "swp1"),
    )


def test_cumulus_net_show_lldp_json() -> None:
    data = {
        "lldp": [
            {
                "interface": [
                    {
                        "name": "swp1",
                        "chassis": [
                            {
                                "id": [{"type": "mac", "value": "52:54:00:cb:03:66"}],
                                "name": [{"value": "leaf01"}],
                                "mgmt-ip": [{"value": "10.0.0.11"}, {"value": "fe80::1"}],
                            }
                        ],
                        "port": [
                            {
                                "id": [{"type": "ifname", "value": "swp51"}],
                                "descr": [{"value": "to spine"}],
                            }
                        ],
                    }
                ]
            }
        ]
    }
    assert linux.parse_lldpctl(json.dumps(data)).neighbors == (
        Neighbor("lldp", "swp1", "52:54:00:cb:03:66", "leaf01", "swp51", "10.0.0.11"),
    )


def test_empty_lldp_is_no_neighbours() -> None:
    assert linux.parse_lldpctl('{"lldp": [{}]}').neighbors == ()
    assert linux.PLATFORM.commands[-1].parse("").neighbors == ()


def test_eos_local_port_ids_are_quoted_and_replaced_by_the_description() -> None:
    data = {
        "lldpNeighbors": {
            "Management1": {"lldpNeighborInfo": []},
            "Ethernet4": {
                "lldpNeighborInfo": [
                    {
                        "chassisId": "0205.8671.f000",
                        "systemName": "dcedge01",
                        "neighborInterfaceInfo": {
                            "interfaceIdType": "local",
                            "interfaceId": '"516"',
                            "interfaceDescription": "xe-0/0/0",
                        },
                    }
                ]
            },
            "Ethernet1": {
                "lldpNeighborInfo": [
                    {
                        "chassisId": "4438.39fa.7846",
                        "systemName": "spine01",
                        "neighborInterfaceInfo": {
                            "interfaceIdType": "interfaceName",
                            "interfaceId": '"Ethernet1"',
                        },
                    }
                ]
            },
        }
    }
    neighbors = eos.parse_lldp_detail(json.dumps(data)).neighbors
    assert [(n.local_port, n.remote_name, n.remote_port) for n in neighbors] == [
        ("Ethernet1", "spine01", "Ethernet1"),
        ("Ethernet4", "dcedge01", "xe-0/0/0"),
    ]
    assert neighbors[0].remote_chassis_id == "44:38:39:fa:78:46"


def test_junos_detail_uses_the_interface_name_not_the_ifindex() -> None:
    data = {
        "lldp-neighbors-information": [
            {
                "lldp-neighbor-information": [
                    {
                        "lldp-local-interface": [{"data": "xe-0/0/0"}],
                        "lldp-local-port-id": [{"data": "516"}],
                        "lldp-remote-chassis-id": [{"data": "44:38:39:33:d8:43"}],
                        "lldp-remote-port-id-subtype": [{"data": "Interface name"}],
                        "lldp-remote-port-id": [{"data": "Ethernet4"}],
                        "lldp-remote-system-name": [{"data": "exit01"}],
                        "lldp-remote-management-address": [{"data": "10.0.0.31"}],
                    }
                ]
            }
        ]
    }
    brief = {
        "lldp-neighbors-information": [
            {
                "lldp-neighbor-information": [
                    {
                        "lldp-local-port-id": [{"data": "ge-0/0/4"}],
                        "lldp-remote-chassis-id": [{"data": "2c:6b:f5:7d:f6:c0"}],
                        "lldp-remote-port-id-subtype": [{"data": "Locally assigned"}],
                        "lldp-remote-port-id": [{"data": "526"}],
                        "lldp-remote-system-name": [{"data": "rt01"}],
                    }
                ]
            }
        ]
    }
    assert junos.parse_lldp(json.dumps(data)).neighbors == (
        Neighbor("lldp", "xe-0/0/0", "44:38:39:33:d8:43", "exit01", "Ethernet4", "10.0.0.31"),
    )
    assert junos.parse_lldp(json.dumps(brief)).neighbors == (
        Neighbor("lldp", "ge-0/0/4", "2c:6b:f5:7d:f6:c0", "rt01", "526"),
    )


def test_nxos_summary_lldp_and_cdp_json() -> None:
    lldp = {
        "TABLE_nbor": {
            "ROW_nbor": [
                {
                    "chassis_type": "Locally Assigned",
                    "chassis_id": "leaf1-ios",
                    "l_port_id": "Eth1/1",
                    "hold_time": 120,
                    "port_id": "Gi0/0",
                    "mgmt_addr": "10.1.1.2",
                },
                {
                    "chassis_type": "Locally Assigned",
                    "chassis_id": "leaf3-qfx",
                    "l_port_id": "Eth1/3",
                    "port_type": "Locally Assigned",
                    "port_id": "521",
                    "mgmt_addr": "not advertised",
                },
            ]
        }
    }
    cdp = {
        "TABLE_cdp_neighbor_brief_info": {
            "ROW_cdp_neighbor_brief_info": {
                "device_id": "spine2-nxos(9E9J7Y9EK82)",
                "intf_id": "mgmt0",
                "port_id": "mgmt0",
                "platform_id": "N9K-C9300v",
            }
        }
    }
    assert nxos.parse_lldp(json.dumps(lldp)).neighbors == (
        Neighbor("lldp", "Eth1/1", None, "leaf1-ios", "Gi0/0", "10.1.1.2"),
        Neighbor("lldp", "Eth1/3", None, "leaf3-qfx", "521"),
    )
    assert nxos.parse_cdp(json.dumps(cdp)).neighbors == (
        Neighbor("cdp", "mgmt0", None, "spine2-nxos", "mgmt0", None, "N9K-C9300v"),
    )


def test_nxos_detail_json_names_local_port_ids_by_their_description() -> None:
    data = {
        "TABLE_nbor_detail": {
            "ROW_nbor_detail": {
                "chassis_id": "2c6b.f57d.f6c0",
                "port_type": "Locally Assigned",
                "port_id": "521",
                "port_desc": "xe-0/0/3",
                "l_port_id": "Eth1/3",
                "sys_name": "leaf3-qfx",
                "mgmt_addr": "not advertised",
            }
        }
    }
    assert nxos.parse_lldp(json.dumps(data)).neighbors == (
        Neighbor("lldp", "Eth1/3", "2c:6b:f5:7d:f6:c0", "leaf3-qfx", "xe-0/0/3"),
    )


IOS_LLDP_SUMMARY = """
Capability codes:
    (R) Router, (B) Bridge, (T) Telephone, (C) DOCSIS Cable Device
    (W) WLAN Access Point, (P) Repeater, (S) Station, (O) Other

Device ID           Local Intf     Hold-time  Capability      Port ID
spine1-nxos         Gi0/0          120        B,R             Ethernet1/1
spine2-nxos         Gi0/1          120        B,R             Ethernet1/1

Total entries displayed: 2
"""

IOS_CDP_SUMMARY = """
Capability Codes: R - Router, T - Trans Bridge, B - Source Route Bridge
                  S - Switch, H - Host, I - IGMP, r - Repeater, P - Phone,
                  D - Remote, C - CVTA, M - Two-port Mac Relay

Device ID        Local Intrfce     Holdtme    Capability  Platform  Port ID
spine1-nxos.example.net(9E9J7Y9EK82)
                 Gig 0/0           143              R S C N9K-C9300v Eth 1/1

Total cdp entries displayed : 1
"""

IOS_CDP_DETAIL = """
-------------------------
Device ID: core1.example.net
Entry address(es):
  IP address: 10.0.0.1
Platform: cisco WS-C3850-24T,  Capabilities: Router Switch IGMP
Interface: GigabitEthernet1/0/1,  Port ID (outgoing port): TenGigabitEthernet1/1/1
Holdtime : 150 sec

Version :
Cisco IOS Software, IOS-XE Software, Catalyst L3 Switch Software (CAT3K_CAA-UNIVERSALK9-M)

advertisement version: 2
"""


def test_ios_summary_and_detail_forms() -> None:
    summary = _cisco.parse_lldp(IOS_LLDP_SUMMARY).neighbors
    assert [(n.remote_name, n.local_port, n.remote_port) for n in summary] == [
        ("spine1-nxos", "Gi0/0", "Ethernet1/1"),
        ("spine2-nxos", "Gi0/1", "Ethernet1/1"),
    ]
    assert _cisco.parse_cdp(IOS_CDP_SUMMARY).neighbors == (
        Neighbor("cdp", "Gig 0/0", None, "spine1-nxos.example.net", "Eth 1/1", None, "N9K-C9300v"),
    )
    (detail,) = _cisco.parse_cdp(IOS_CDP_DETAIL).neighbors
    assert (detail.local_port, detail.remote_name, detail.remote_port) == (
        "GigabitEthernet1/0/1",
        "core1.example.net",
        "TenGigabitEthernet1/1/1",
    )
    assert detail.remote_mgmt_address == "10.0.0.1"


def test_the_summary_answers_when_the_detail_is_not_supported() -> None:
    outputs = {"show lldp neighbors detail": None, "show lldp neighbors": IOS_LLDP_SUMMARY}
    partial, provenance = parse_outputs(PLATFORMS["ios"], outputs)
    assert len(partial.neighbors) == 2 and partial.errors == ()
    assert Provenance("neighbors", "ssh", "show lldp neighbors") in provenance


@pytest.mark.parametrize("platform", sorted(PLATFORMS))
@pytest.mark.parametrize("garbage", ["{", "[1, 2", "% Invalid input", "\x00\xff", '{"a": 1}'])
def test_odd_output_never_raises(platform: str, garbage: str) -> None:
    for command in PLATFORMS[platform].commands:
        partial = command.parse(garbage)
        assert isinstance(partial.neighbors, tuple)
