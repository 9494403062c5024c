"""A small, realistic campus network as device records (values as the devices write them).

Tests get it through the ``lab`` fixture (the test run uses ``--import-mode=importlib``, so helper
modules next to the tests are not importable).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

import pytest

from netsbom.core.record import (
    Component,
    DeviceRecord,
    ErrorInfo,
    Identifiers,
    Neighbor,
    OsInfo,
    Provenance,
    Software,
    Target,
)

AT = "2026-11-26T08:00:00Z"
NETWORK = "paris-campus"


def _target(id_: str, address: str, port: int, transport: str, role: str) -> Target:
    return Target(
        id=id_,
        address=address,
        port=port,
        transport=transport,
        labels=(("network", NETWORK), ("role", role), ("site", "par1")),
    )


def cisco_c9300() -> DeviceRecord:
    """Catalyst 9300 on IOS XE 17.9.4a, polled over SNMP; the software table timed out."""
    return DeviceRecord(
        target=_target("par1-sw1", "10.10.0.11", 161, "snmp", "access"),
        agent_id="agent-par1",
        collected_at="2026-11-26T07:58:12Z",
        report_id="3f6c1b8e-2d7a-4b61-9a0e-6f1b2c3d4e5f",
        hostname="sw1.par1.example.net",
        vendor="Cisco",
        model="C9300-48P",
        serial="FOC2231X0AB",
        chassis_id="70:1f:53:aa:00:01",
        description=(
            "Cisco IOS Software [Cupertino], Catalyst L3 Switch Software (CAT9K_IOSXE), "
            "Version 17.9.4a, RELEASE SOFTWARE (fc3)"
        ),
        sys_object_id="1.3.6.1.4.1.9.1.2494",
        os=OsInfo(family="ios-xe", version="17.9.4a", name="Cisco IOS XE Software"),
        components=(
            Component(index="1", cls="stack", name="c93xx Stack", description="c93xx Stack"),
            Component(
                index="1000",
                parent="1",
                cls="chassis",
                name="Switch 1",
                description="C9300-48P",
                vendor="Cisco",
                model="C9300-48P",
                serial="FOC2231X0AB",
                hardware_rev="V02",
                firmware_rev="17.6.1r[FC2]",
                software_rev="17.09.04a",
                is_fru=True,
            ),
            Component(
                index="1001", parent="1000", cls="container", name="Switch 1 - Power Supply A"
            ),
            Component(
                index="1013",
                parent="1001",
                cls="power-supply",
                name="Switch 1 - Power Supply A",
                description="Switch 1 - Power Supply A",
                vendor="Cisco",
                model="PWR-C1-715WAC",
                serial="DCB2231G0AA",
                hardware_rev="V02",
                is_fru=True,
            ),
            Component(
                index="1040",
                parent="1000",
                cls="module",
                name="Switch 1 - FRU Uplink Module 1",
                description="8x10G Uplink Module",
                vendor="Cisco",
                model="C9300-NM-8X",
                serial="FOC22334LMN",
                hardware_rev="V01",
                firmware_rev="17.9.4a",
                is_fru=True,
            ),
            Component(index="1042", parent="1040", cls="port", name="TenGigabitEthernet1/1/1"),
            Component(index="1100", parent="1000", cls="sensor", name="Switch 1 - Temp Sensor 0"),
            Component(index="1200", parent="1000", cls="fan", name="Switch 1 - Fan 1", is_fru=True),
        ),
        software=(),
        neighbors=(
            Neighbor(
                protocol="lldp",
                local_port="Te1/1/1",
                remote_chassis_id="b0:33:a6:12:34:00",
                remote_name="core1.par1.example.net",
                remote_port="xe-0/1/0",
                remote_mgmt_address="10.10.0.1",
                remote_description=(
                    "Juniper Networks, Inc. mx204 internet router, kernel JUNOS 21.4R3-S5"
                ),
            ),
            Neighbor(
                protocol="lldp",
                local_port="Te1/1/3",
                remote_chassis_id="44:4c:a8:00:21:00",
                remote_name="leaf1",
                remote_port="Ethernet1",
                remote_description=(
                    "Arista Networks EOS version 4.30.2F running on DCS-7050SX3-48YC8"
                ),
            ),
            Neighbor(
                protocol="lldp",
                local_port="Te1/1/4",
                remote_chassis_id="44:4c:a8:00:21:00",
                remote_name="leaf1",
                remote_port="Ethernet2",
            ),
            Neighbor(
                protocol="cdp",
                local_port="GigabitEthernet1/0/5",
                remote_name="SEP001122334455",
                remote_port="Port 1",
                remote_mgmt_address="10.10.40.55",
                remote_description="Cisco IP Phone 8845, sip8845_65.14-2-1-0001-14",
            ),
        ),
        identifiers=Identifiers(
            os_cpe="cpe:2.3:o:cisco:ios_xe:17.9.4a:*:*:*:*:*:*:*",
            hardware_cpe="cpe:2.3:h:cisco:catalyst_9300-48p:-:*:*:*:*:*:*:*",
        ),
        provenance=(
            Provenance(field="hostname", method="snmp", source="1.3.6.1.2.1.1.5.0"),
            Provenance(
                field="os.version", method="snmp", source="1.3.6.1.2.1.1.1.0", confidence=0.9
            ),
            Provenance(field="model", method="snmp", source="1.3.6.1.2.1.47.1.1.1.1.13.1000"),
            Provenance(field="components", method="snmp", source="1.3.6.1.2.1.47.1.1.1"),
            Provenance(field="neighbors", method="snmp", source="1.0.8802.1.1.2.1.4.1"),
        ),
        errors=(
            ErrorInfo(
                kind="timeout",
                message="walk of hrSWInstalledTable timed out after 3 retries",
                source="1.3.6.1.2.1.25.6.3",
            ),
        ),
        complete=False,
    )


def juniper_mx204() -> DeviceRecord:
    """MX204 on Junos 21.4R3-S5, polled over SSH."""
    return DeviceRecord(
        target=_target("par1-core1", "10.10.0.1", 22, "ssh", "core"),
        agent_id="agent-par1",
        collected_at="2026-11-26T07:58:40Z",
        report_id="8d0f4a6c-9b1e-4f2a-8c3d-1e2f3a4b5c6d",
        hostname="core1.par1.example.net",
        vendor="Juniper Networks",
        model="MX204",
        serial="BH1234AA0012",
        chassis_id="b0:33:a6:12:34:00",
        os=OsInfo(family="junos", version="21.4R3-S5", name="Junos OS"),
        components=(
            Component(
                index="1",
                cls="chassis",
                name="Chassis",
                vendor="Juniper Networks",
                model="MX204",
                serial="BH1234AA0012",
                hardware_rev="REV 07",
            ),
            Component(
                index="2",
                parent="1",
                cls="module",
                name="Routing Engine 0",
                vendor="Juniper Networks",
                model="RE-S-1600x8",
                serial="BUILTIN",
                firmware_rev="U-Boot 2016.01 JNPR-1.1",
            ),
            Component(
                index="3",
                parent="1",
                cls="module",
                name="FPC 0",
                vendor="Juniper Networks",
                model="MPC-BUILTIN",
                serial="BUILTIN",
                hardware_rev="REV 07",
            ),
            Component(
                index="4",
                parent="3",
                cls="module",
                name="PIC 1",
                vendor="Juniper Networks",
                model="8XGE-SFPP",
                serial="BUILTIN",
            ),
            Component(
                index="5",
                parent="4",
                cls="module",
                name="Xcvr 0",
                vendor="Juniper Networks",
                model="SFP+-10G-LR",
                serial="1ACQ51200A1",
                hardware_rev="REV 01",
            ),
            Component(
                index="6",
                parent="1",
                cls="power-supply",
                name="PEM 0",
                vendor="Juniper Networks",
                model="JPSU-650W-AC-AFO",
                serial="1EDB9180012",
            ),
            Component(index="7", parent="1", cls="fan", name="Fan Tray 0"),
        ),
        software=(
            Software(
                name="junos",
                version="21.4R3-S5",
                kind="image",
                source="junos",
                cpe="cpe:2.3:o:juniper:junos:21.4:r3-s5:*:*:*:*:*:*",
            ),
            Software(name="jsd", version="21.4R3-S5-jet-1", kind="os-package", source="junos"),
            Software(
                name="junos-libs-compat32", version="21.4R3-S5", kind="os-package", source="junos"
            ),
        ),
        neighbors=(
            Neighbor(
                protocol="lldp",
                local_port="xe-0/1/0",
                remote_chassis_id="70:1f:53:aa:00:01",
                remote_name="sw1.par1.example.net",
                remote_port="TenGigabitEthernet1/1/1",
                remote_description="Cisco IOS Software [Cupertino], Version 17.9.4a",
            ),
            Neighbor(
                protocol="lldp",
                local_port="et-0/0/0",
                remote_chassis_id="44:4c:a8:00:21:00",
                remote_name="leaf1",
                remote_port="Ethernet49/1",
            ),
            Neighbor(
                protocol="lldp",
                local_port="et-0/0/1",
                remote_chassis_id="00:a7:42:11:22:33",
                remote_name="pe1.isp.example",
                remote_port="HundredGigE0/0/0/5",
                remote_description="Cisco IOS XR Software, Version 7.9.2",
            ),
        ),
        identifiers=Identifiers(
            os_cpe="cpe:2.3:o:juniper:junos:21.4:r3-s5:*:*:*:*:*:*",
            hardware_cpe="cpe:2.3:h:juniper:mx204:-:*:*:*:*:*:*:*",
        ),
        provenance=(
            Provenance(field="hostname", method="ssh", source="show version"),
            Provenance(field="os.version", method="ssh", source="show version"),
            Provenance(field="components", method="ssh", source="show chassis hardware"),
            Provenance(field="software", method="ssh", source="show version detail"),
            Provenance(field="neighbors", method="ssh", source="show lldp neighbors detail"),
        ),
    )


def arista_7050() -> DeviceRecord:
    """7050SX3 on EOS 4.30.2F with an extension, polled over SSH."""
    return DeviceRecord(
        target=_target("par1-leaf1", "10.10.0.21", 22, "ssh", "leaf"),
        agent_id="agent-par1",
        collected_at="2026-11-26T07:59:02Z",
        report_id="c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f",
        hostname="leaf1",
        vendor="Arista Networks",
        model="DCS-7050SX3-48YC8",
        serial="JPE21130123",
        chassis_id="44:4c:a8:00:21:00",
        os=OsInfo(family="eos", version="4.30.2F", name="Arista EOS", image="EOS-4.30.2F.swi"),
        components=(
            Component(
                index="1",
                cls="chassis",
                name="DCS-7050SX3-48YC8",
                vendor="Arista Networks",
                model="DCS-7050SX3-48YC8",
                serial="JPE21130123",
                hardware_rev="11.01",
                firmware_rev="Aboot-norcal9-9.0.3-4core-23123456",
            ),
            Component(
                index="100",
                parent="1",
                cls="power-supply",
                name="PowerSupply1",
                model="PWR-500AC-F",
                serial="EEWT2090123",
            ),
        ),
        software=(
            Software(name="TerminAttr-core", version="v1.26.0", kind="extension", source="eos"),
            Software(name="EOS", version="4.30.2F", kind="image", source="eos"),
        ),
        neighbors=(
            Neighbor(
                protocol="lldp",
                local_port="Ethernet1",
                remote_chassis_id="701f.53aa.0001",
                remote_name="sw1.par1.example.net",
                remote_port="Te1/1/3",
            ),
            Neighbor(
                protocol="lldp",
                local_port="Ethernet2",
                remote_chassis_id="701f.53aa.0001",
                remote_name="sw1.par1.example.net",
                remote_port="Te1/1/4",
            ),
            Neighbor(
                protocol="lldp",
                local_port="Ethernet49/1",
                remote_chassis_id="b033.a612.3400",
                remote_name="core1.par1.example.net",
                remote_port="et-0/0/0",
            ),
        ),
        identifiers=Identifiers(
            os_cpe="cpe:2.3:o:arista:eos:4.30.2f:*:*:*:*:*:*:*",
            hardware_cpe="cpe:2.3:h:arista:dcs-7050sx3-48yc8:-:*:*:*:*:*:*:*",
        ),
        provenance=(
            Provenance(field="os.version", method="ssh", source="show version"),
            Provenance(field="software", method="ssh", source="show extensions"),
        ),
    )


def campus() -> list[DeviceRecord]:
    return [cisco_c9300(), juniper_mx204(), arista_7050()]


class Lab:
    """The sample network's builders, handed to tests by the ``lab`` fixture."""

    at = AT
    network = NETWORK
    cisco_c9300 = staticmethod(cisco_c9300)
    juniper_mx204 = staticmethod(juniper_mx204)
    arista_7050 = staticmethod(arista_7050)
    campus = staticmethod(campus)


@pytest.fixture(scope="session")
def lab() -> type[Lab]:
    return Lab


# --- validators the SBOM tests share (fixtures: helper modules are not importable here) -------


def _spdx2_problems(data: bytes, tmp_path: Any) -> list[str]:
    """spdx-tools' full validation of an SPDX 2.3 JSON document."""
    from spdx_tools.spdx.parser.parse_anything import parse_file
    from spdx_tools.spdx.validation.document_validator import validate_full_spdx_document

    path = tmp_path / "doc.spdx.json"
    path.write_bytes(data)
    document = parse_file(str(path))
    return [m.validation_message for m in validate_full_spdx_document(document)]


@functools.cache
def _spdx3_validator() -> Any:
    import jsonschema

    from tests.conftest import SPDX3_SCHEMAS

    schema = json.loads((SPDX3_SCHEMAS / "schema.json").read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)


def _spdx3_problems(data: bytes) -> list[str]:
    """The SPDX 3.0.1 JSON schema's findings (the schema is generated from the model)."""
    errors = _spdx3_validator().iter_errors(json.loads(data))
    return [f"{e.json_path}: {e.message[:200]}" for e in errors]


@pytest.fixture(scope="session")
def spdx2_problems() -> Callable[[bytes, Any], list[str]]:
    return _spdx2_problems


@pytest.fixture(scope="session")
def spdx3_problems() -> Callable[[bytes], list[str]]:
    return _spdx3_problems
