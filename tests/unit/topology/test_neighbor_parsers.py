"""Neighbour parsers: each output family, the port-id subtleties, never raising."""

from __future__ import annotations

import json

import pytest

from netsbom.topology.neighbor_parsers import parse_neighbor_output, platform_family
from netsbom.topology.record import Neighbor

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
    parsed = parse_neighbor_output("linux", "sudo lldpctl", LLDPCTL)
    assert parsed.errors == ()
    assert parsed.neighbors == (
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
    parsed = parse_neighbor_output("cumulus", "net show lldp json", json.dumps(data))
    assert parsed.neighbors == (
        Neighbor("lldp", "swp1", "52:54:00:cb:03:66", "leaf01", "swp51", "10.0.0.11"),
    )


def test_empty_lldp_is_no_neighbours() -> None:
    assert parse_neighbor_output("cumulus", "net show lldp json", '{"lldp": [{}]}').neighbors == ()
    assert parse_neighbor_output("linux", "lldpctl", "").neighbors == ()


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
    parsed = parse_neighbor_output("eos", "show lldp neighbors detail", json.dumps(data))
    assert [(n.local_port, n.remote_name, n.remote_port) for n in parsed.neighbors] == [
        ("Ethernet1", "spine01", "Ethernet1"),
        ("Ethernet4", "dcedge01", "xe-0/0/0"),
    ]


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
                    }
                ]
            }
        ]
    }
    parsed = parse_neighbor_output(
        "junos-qfx", "show lldp neighbors detail | display json", json.dumps(data)
    )
    assert parsed.neighbors == (
        Neighbor("lldp", "xe-0/0/0", "44:38:39:33:d8:43", "exit01", "Ethernet4"),
    )


def test_nxos_summary_lldp_and_cdp_json() -> None:
    lldp = {
        "TABLE_nbor": {
            "ROW_nbor": [
                {
                    "chassis_type": "Locally Assigned",
                    "chassis_id": "leaf1-ios",
                    "l_port_id": "Eth1/1",
                    "port_id": "Gi0/0",
                    "mgmt_addr": "10.1.1.2",
                }
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
    assert parse_neighbor_output(
        "nxos", "show lldp neighbors | json native", json.dumps(lldp)
    ).neighbors == (Neighbor("lldp", "Eth1/1", None, "leaf1-ios", "Gi0/0", "10.1.1.2"),)
    assert parse_neighbor_output(
        "cisco_nxos", "show cdp neighbors | json", json.dumps(cdp)
    ).neighbors == (
        Neighbor("cdp", "mgmt0", None, "spine2-nxos(9E9J7Y9EK82)", "mgmt0", None, "N9K-C9300v"),
    )


IOS_SUMMARY = """
Capability codes:
    (R) Router, (B) Bridge, (T) Telephone, (C) DOCSIS Cable Device

Device ID           Local Intf     Hold-time  Capability      Port ID
spine1-nxos         Gi0/0          120        B,R             Ethernet1/1
a-very-long-device-name.example.net
                    Gi0/1          120        B,R             Ethernet1/2

Total entries displayed: 2
"""

IOS_CDP_DETAIL = """
-------------------------
Device ID: core1.example.net
Entry address(es):
  IP address: 10.0.0.1
Platform: cisco WS-C3850-24T,  Capabilities: Router Switch IGMP
Interface: GigabitEthernet1/0/1,  Port ID (outgoing port): TenGigabitEthernet1/1/1
Holdtime : 150 sec
"""


def test_ios_lldp_summary_and_cdp_detail() -> None:
    summary = parse_neighbor_output("ios", "show lldp neighbors", IOS_SUMMARY).neighbors
    assert [(n.remote_name, n.local_port, n.remote_port) for n in summary] == [
        ("spine1-nxos", "Gi0/0", "Ethernet1/1"),
        ("a-very-long-device-name.example.net", "Gi0/1", "Ethernet1/2"),
    ]
    detail = parse_neighbor_output("cisco_xe", "show cdp neighbors detail", IOS_CDP_DETAIL)
    assert detail.neighbors == (
        Neighbor(
            "cdp",
            "GigabitEthernet1/0/1",
            None,
            "core1.example.net",
            "TenGigabitEthernet1/1/1",
            "10.0.0.1",
            "cisco WS-C3850-24T",
        ),
    )


@pytest.mark.parametrize("platform", ["linux", "eos", "nxos", "junos-mx", "ios"])
@pytest.mark.parametrize("garbage", ["{", "[1, 2", "% Invalid input", "\x00\xff", '{"a": 1}'])
def test_odd_output_never_raises(platform: str, garbage: str) -> None:
    parsed = parse_neighbor_output(platform, "show lldp neighbors", garbage)
    assert isinstance(parsed.neighbors, tuple)


def test_unknown_platform_is_an_error_not_an_exception() -> None:
    parsed = parse_neighbor_output("plan9", "show lldp", "x")
    assert parsed.neighbors == () and "plan9" in parsed.errors[0]
    assert platform_family("JUNOS-EX") == "junos"
