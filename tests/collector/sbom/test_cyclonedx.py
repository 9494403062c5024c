"""CycloneDX 1.6 export: shape, schema validity (JSON and XML), determinism."""

from __future__ import annotations

import dataclasses
import json
import uuid
import xml.etree.ElementTree as ET
from typing import Any

import pytest

from netsbom.collector.export import render_sbom
from netsbom.collector.sbom.cyclonedx import to_cyclonedx
from netsbom.collector.sbom.validate import validate_cyclonedx_json, validate_cyclonedx_xml
from netsbom.core.record import (
    Component,
    DeviceRecord,
    ErrorInfo,
    Neighbor,
    OsInfo,
    Software,
    Target,
)
from netsbom.topology.configuration import Configuration, build_configuration, fingerprint

NS = {"c": "http://cyclonedx.org/schema/bom/1.6"}
AT = "2026-11-26T08:00:00Z"
NETWORK = "paris-campus"


def export(config: Configuration) -> dict[str, Any]:
    """Render both formats, validate both against the 1.6 schemas, return the parsed JSON."""
    as_json = render_sbom(config, "cyclonedx-json")
    as_xml = render_sbom(config, "cyclonedx-xml")
    validate_cyclonedx_json(as_json)
    validate_cyclonedx_xml(as_xml)
    doc: dict[str, Any] = json.loads(as_json)
    assert doc == to_cyclonedx(config)
    return doc


@pytest.fixture(scope="module")
def config(lab: Any) -> Configuration:
    return build_configuration(NETWORK, AT, lab.campus())


@pytest.fixture(scope="module")
def doc(config: Configuration) -> dict[str, Any]:
    return export(config)


def walk(components: list[dict[str, Any]]) -> list[dict[str, Any]]:
    result = []
    for component in components:
        result.append(component)
        result += walk(component.get("components", []))
    return result


def by_ref(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["bom-ref"]: c for c in walk(doc["components"])}


def props(item: dict[str, Any]) -> dict[str, list[str]]:
    result: dict[str, list[str]] = {}
    for prop in item.get("properties", []):
        result.setdefault(prop["name"], []).append(prop["value"])
    return result


def deps(doc: dict[str, Any]) -> dict[str, list[str]]:
    return {d["ref"]: d.get("dependsOn", []) for d in doc["dependencies"]}


# --- header ----------------------------------------------------------------------------------


def test_header_follows_from_the_configuration(config: Configuration, doc: dict[str, Any]) -> None:
    fp = fingerprint(config)
    assert doc["bomFormat"] == "CycloneDX"
    assert doc["specVersion"] == "1.6"
    assert doc["version"] == 1
    assert doc["serialNumber"].startswith("urn:uuid:")
    assert uuid.UUID(doc["serialNumber"][9:]).version == 5
    metadata = doc["metadata"]
    assert metadata["timestamp"] == AT
    assert metadata["lifecycles"] == [{"phase": "operations"}, {"phase": "discovery"}]
    assert metadata["tools"]["components"][0]["name"] == "netsbom"
    network = metadata["component"]
    assert network["type"] == "platform"
    assert network["name"] == NETWORK
    assert network["version"] == f"{AT}@{fp[:12]}"
    assert props(network)["netsbom:fingerprint"] == [f"sha256:{fp}"]


def test_serial_number_follows_the_fingerprint_not_the_time(lab: Any) -> None:
    first = to_cyclonedx(build_configuration(NETWORK, AT, lab.campus()))
    later = to_cyclonedx(build_configuration(NETWORK, "2026-12-01T00:00:00Z", lab.campus()))
    assert first["serialNumber"] == later["serialNumber"]
    assert later["metadata"]["timestamp"] == "2026-12-01T00:00:00Z"

    upgraded = lab.campus()
    upgraded[0] = dataclasses.replace(upgraded[0], os=OsInfo(family="ios-xe", version="17.9.5"))
    changed = to_cyclonedx(build_configuration(NETWORK, AT, upgraded))
    assert changed["serialNumber"] != first["serialNumber"]


# --- devices ---------------------------------------------------------------------------------


def test_each_record_is_a_device_component(doc: dict[str, Any]) -> None:
    devices = [c for c in doc["components"] if c["bom-ref"].startswith("device:")]
    assert [d["name"] for d in devices] == [
        "core1.par1.example.net",
        "leaf1",
        "sw1.par1.example.net",
    ]
    sw1 = by_ref(doc)["device:sw1.par1.example.net"]
    assert sw1["type"] == "device"
    assert sw1["manufacturer"] == {"name": "Cisco"}
    assert sw1["description"] == "C9300-48P"
    assert sw1["cpe"] == "cpe:2.3:h:cisco:catalyst_9300-48p:-:*:*:*:*:*:*:*"
    assert sw1["version"] == "V02"  # the chassis' hardware revision (issue 17.1)
    assert sw1["supplier"] == {"name": "Cisco"}
    p = props(sw1)
    assert p["netsbom:version_source"] == ["hardware_rev"]
    assert p["netsbom:model"] == ["C9300-48P"]
    assert p["netsbom:serial"] == ["FOC2231X0AB"]
    assert p["netsbom:collected_at"] == ["2026-11-26T07:58:12Z"]
    assert p["netsbom:report_id"] == ["3f6c1b8e-2d7a-4b61-9a0e-6f1b2c3d4e5f"]
    assert p["netsbom:complete"] == ["false"]
    assert p["netsbom:errors"] == [
        "timeout: walk of hrSWInstalledTable timed out after 3 retries [1.3.6.1.2.1.25.6.3]"
    ]
    assert p["netsbom:label:site"] == ["par1"]
    assert p["netsbom:method"] == ["snmp"]
    assert p["netsbom:provenance:model"] == ["snmp 1.3.6.1.2.1.47.1.1.1.1.13.1000"]
    assert sw1["evidence"]["identity"][0]["field"] == "name"
    leaf = by_ref(doc)["device:leaf1"]
    assert "netsbom:errors" not in props(leaf)
    assert props(leaf)["netsbom:complete"] == ["true"]


def test_operating_system_with_version_and_cpe(doc: dict[str, Any]) -> None:
    refs = by_ref(doc)
    for device, name, version, cpe in [
        (
            "sw1.par1.example.net",
            "Cisco IOS XE Software",
            "17.9.4a",
            "cpe:2.3:o:cisco:ios_xe:17.9.4a:*:*:*:*:*:*:*",
        ),
        (
            "core1.par1.example.net",
            "Junos OS",
            "21.4R3-S5",
            "cpe:2.3:o:juniper:junos:21.4:r3-s5:*:*:*:*:*:*",
        ),
        ("leaf1", "Arista EOS", "4.30.2F", "cpe:2.3:o:arista:eos:4.30.2f:*:*:*:*:*:*:*"),
    ]:
        os = refs[f"device:{device}/os"]
        assert os in refs[f"device:{device}"]["components"]
        assert os["type"] == "operating-system"
        assert (os["name"], os["version"], os["cpe"]) == (name, version, cpe)
    sw1_os = refs["device:sw1.par1.example.net/os"]
    assert props(sw1_os)["netsbom:os:family"] == ["ios-xe"]
    assert props(sw1_os)["netsbom:provenance:os.version"] == [
        "snmp 1.3.6.1.2.1.1.1.0 (confidence 0.9)"
    ]
    (identity,) = sw1_os["evidence"]["identity"]
    assert identity["field"] == "version"
    assert identity["confidence"] == 0.9
    assert identity["methods"] == [
        {"technique": "other", "confidence": 0.9, "value": "snmp 1.3.6.1.2.1.1.1.0"}
    ]


def test_modules_follow_the_physical_tree_with_their_firmware(doc: dict[str, Any]) -> None:
    refs = by_ref(doc)
    sw1 = refs["device:sw1.par1.example.net"]
    # stack -> chassis -> (power supply through its container, uplink module, fan); no ports/sensors
    (stack,) = [c for c in sw1["components"] if c["type"] == "device"]
    assert stack["name"] == "c93xx Stack"
    (chassis,) = stack["components"]
    assert props(chassis)["netsbom:serial"] == ["FOC2231X0AB"]
    assert props(chassis)["netsbom:hardware_rev"] == ["V02"]
    firmware = {c["name"]: c for c in chassis["components"] if c["type"] == "firmware"}
    assert firmware["C9300-48P firmware"]["version"] == "17.6.1r[FC2]"
    assert firmware["C9300-48P software"]["version"] == "17.09.04a"
    modules = [c["name"] for c in chassis["components"] if c["type"] == "device"]
    assert modules == [
        "Switch 1 - Power Supply A",
        "Switch 1 - FRU Uplink Module 1",
        "Switch 1 - Fan 1",
    ]
    uplink = refs["device:sw1.par1.example.net/hw:1040"]
    assert props(uplink)["netsbom:model"] == ["C9300-NM-8X"]
    assert props(uplink)["netsbom:is_fru"] == ["true"]
    (uplink_fw,) = uplink["components"]
    assert (uplink_fw["type"], uplink_fw["version"]) == ("firmware", "17.9.4a")
    assert deps(doc)[uplink["bom-ref"]] == [uplink_fw["bom-ref"]]
    names = {c["name"] for c in walk(sw1["components"])}
    assert "TenGigabitEthernet1/1/1" not in names
    assert "Switch 1 - Temp Sensor 0" not in names

    core_xcvr = refs["device:core1.par1.example.net/hw:5"]
    assert core_xcvr in refs["device:core1.par1.example.net/hw:4"]["components"]
    assert refs["device:core1.par1.example.net/hw:2/firmware"]["version"] == (
        "U-Boot 2016.01 JNPR-1.1"
    )


def test_software_is_nested_and_depends_on_the_os(doc: dict[str, Any]) -> None:
    refs = by_ref(doc)
    core = refs["device:core1.par1.example.net"]
    software = {c["name"]: c for c in core["components"] if c["bom-ref"].count("/sw:")}
    assert set(software) == {"jsd", "junos", "junos-libs-compat32"}
    assert software["jsd"]["type"] == "library"
    assert software["junos"]["type"] == "firmware"
    assert software["junos"]["cpe"] == "cpe:2.3:o:juniper:junos:21.4:r3-s5:*:*:*:*:*:*"
    assert props(software["jsd"])["netsbom:software:source"] == ["junos"]
    leaf_ext = refs["device:leaf1/sw:TerminAttr-core@v1.26.0"]
    assert leaf_ext["type"] == "application"

    graph = deps(doc)
    assert graph["device:core1.par1.example.net"] == ["device:core1.par1.example.net/os"]
    assert graph["device:core1.par1.example.net/os"] == sorted(
        c["bom-ref"] for c in software.values()
    )
    assert graph[software["jsd"]["bom-ref"]] == []
    assert graph["network:paris-campus"] == [
        "device:core1.par1.example.net",
        "device:leaf1",
        "device:sw1.par1.example.net",
    ]


def test_every_component_has_a_dependency_entry(doc: dict[str, Any]) -> None:
    graph = deps(doc)
    for ref in by_ref(doc):
        assert ref in graph
    for service in doc["services"]:
        assert service["bom-ref"] in graph


# --- links -----------------------------------------------------------------------------------


def test_links_are_services_that_depend_on_both_ends(doc: dict[str, Any]) -> None:
    services = {s["bom-ref"]: s for s in doc["services"]}
    assert sorted(services) == sorted(
        [
            "link:core1.par1.example.net:et-0/0/0--leaf1:Ethernet49/1",
            "link:core1.par1.example.net:et-0/0/1--pe1.isp.example:HundredGigE0/0/0/5",
            "link:core1.par1.example.net:xe-0/1/0--sw1.par1.example.net:Te1/1/1",
            "link:SEP001122334455:Port 1--sw1.par1.example.net:GigabitEthernet1/0/5",
            "link:leaf1:Ethernet1--sw1.par1.example.net:Te1/1/3",
            "link:leaf1:Ethernet2--sw1.par1.example.net:Te1/1/4",
        ]
    )
    uplink = services["link:core1.par1.example.net:xe-0/1/0--sw1.par1.example.net:Te1/1/1"]
    p = props(uplink)
    assert p["netsbom:link:a:device"] == ["core1.par1.example.net"]
    assert p["netsbom:link:a:port"] == ["xe-0/1/0"]
    assert p["netsbom:link:b:port"] == ["Te1/1/1"]
    assert p["netsbom:link:protocols"] == ["lldp"]
    assert p["netsbom:link:one_sided"] == ["false"]
    assert p["netsbom:link:b:chassis_id"] == ["70:1f:53:aa:00:01"]  # core1 saw sw1's chassis id
    assert p["netsbom:link:a:chassis_id"] == ["b0:33:a6:12:34:00"]
    assert len(p["netsbom:link:observation"]) == 2
    assert deps(doc)[uplink["bom-ref"]] == [
        "device:core1.par1.example.net",
        "device:sw1.par1.example.net",
    ]

    isp = services["link:core1.par1.example.net:et-0/0/1--pe1.isp.example:HundredGigE0/0/0/5"]
    assert props(isp)["netsbom:link:one_sided"] == ["true"]
    assert props(isp)["netsbom:link:b:external"] == ["true"]
    assert deps(doc)[isp["bom-ref"]] == [
        "device:core1.par1.example.net",
        "external:pe1.isp.example",
    ]


def test_external_neighbours_are_devices_of_unknown_composition(doc: dict[str, Any]) -> None:
    refs = by_ref(doc)
    pe1 = refs["external:pe1.isp.example"]
    assert pe1["type"] == "device"
    assert props(pe1)["netsbom:external"] == ["true"]
    assert props(pe1)["netsbom:sys_descr"] == ["Cisco IOS XR Software, Version 7.9.2"]
    assert props(pe1)["netsbom:chassis_id"] == ["00:a7:42:11:22:33"]
    assert props(pe1)["netsbom:seen_by"] == ["lldp core1.par1.example.net"]
    phone = refs["external:SEP001122334455"]
    assert props(phone)["netsbom:mgmt_address"] == ["10.10.40.55"]


def test_compositions_mark_complete_and_incomplete_devices(doc: dict[str, Any]) -> None:
    assert doc["compositions"] == [
        {
            "aggregate": "complete",
            "assemblies": ["device:core1.par1.example.net", "device:leaf1"],
        },
        {"aggregate": "incomplete", "assemblies": ["device:sw1.par1.example.net"]},
        {
            "aggregate": "unknown",
            "assemblies": ["external:SEP001122334455", "external:pe1.isp.example"],
        },
    ]


def test_empty_compositions_are_left_out(lab: Any) -> None:
    doc = export(build_configuration(NETWORK, AT, [lab.arista_7050()]))
    assert [c["aggregate"] for c in doc["compositions"]] == ["complete", "unknown"]
    doc = export(build_configuration(NETWORK, AT, []))
    assert "compositions" not in doc
    assert "components" not in doc
    assert "services" not in doc


# --- XML -------------------------------------------------------------------------------------


def test_xml_carries_the_same_document(config: Configuration, doc: dict[str, Any]) -> None:
    root = ET.fromstring(render_sbom(config, "cyclonedx-xml"))
    assert root.get("serialNumber") == doc["serialNumber"]
    assert root.get("version") == "1"
    assert root.findtext("c:metadata/c:timestamp", namespaces=NS) == AT
    assert root.findtext("c:metadata/c:component/c:name", namespaces=NS) == NETWORK
    xml_refs = [e.get("bom-ref", "") for e in root.iterfind(".//c:component", NS)]
    assert len(xml_refs) == len(set(xml_refs))
    assert set(xml_refs) == {*by_ref(doc), "tool:netsbom", "network:paris-campus"}
    xml_links = sorted(e.get("bom-ref", "") for e in root.iterfind("c:services/c:service", NS))
    assert xml_links == sorted(s["bom-ref"] for s in doc["services"])
    os = root.find(".//c:component[@bom-ref='device:leaf1/os']", NS)
    assert os is not None
    assert os.findtext("c:version", namespaces=NS) == "4.30.2F"
    assert os.findtext("c:cpe", namespaces=NS) == "cpe:2.3:o:arista:eos:4.30.2f:*:*:*:*:*:*:*"


# --- determinism -----------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["cyclonedx-json", "cyclonedx-xml"])
def test_same_configuration_same_bytes(fmt: str, lab: Any) -> None:
    records = lab.campus()
    first = render_sbom(build_configuration(NETWORK, AT, records), fmt)
    again = render_sbom(build_configuration(NETWORK, AT, records), fmt)
    shuffled = [
        dataclasses.replace(
            r,
            components=tuple(reversed(r.components)),
            software=tuple(reversed(r.software)),
            neighbors=tuple(reversed(r.neighbors)),
            provenance=tuple(reversed(r.provenance)),
        )
        for r in reversed(records)
    ]
    reordered = render_sbom(build_configuration(NETWORK, AT, shuffled), fmt)
    assert first == again == reordered


def test_json_is_sorted_indented_utf8(config: Configuration) -> None:
    data = render_sbom(config, "cyclonedx-json")
    assert data == (
        json.dumps(json.loads(data), sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    ).encode("utf-8")


# --- awkward inputs --------------------------------------------------------------------------


def bare(target_id: str, **fields: Any) -> DeviceRecord:
    return DeviceRecord(
        target=Target(id=target_id, address="192.0.2.10", port=161, transport="snmp"),
        agent_id="agent-lab",
        collected_at="2026-11-26T07:00:00Z",
        report_id=str(uuid.uuid5(uuid.NAMESPACE_DNS, target_id)),
        **fields,
    )


def test_a_record_with_nothing_but_a_target_is_valid() -> None:
    doc = export(
        build_configuration(
            "lab",
            AT,
            [
                bare(
                    "unreachable-1",
                    complete=False,
                    errors=(ErrorInfo(kind="unreachable", message="no answer to sysDescr.0"),),
                )
            ],
        )
    )
    (device,) = doc["components"]
    assert device["name"] == "unreachable-1"
    assert "components" not in device
    assert deps(doc)["device:unreachable-1"] == []


def test_duplicate_names_get_unique_refs_and_odd_text_survives() -> None:
    control = "Linux sw \x01\x07 build\nsecond line — ünïcode ✓"
    records = [
        bare(
            "a\x02",
            hostname="Switch",
            description=control,
            os=OsInfo(family="firmware", version="2.1.0"),
            software=(
                Software(name="busybox", version="1.36.1"),
                Software(name="busybox", version="1.36.1"),
            ),
        ),
        bare(
            "b",
            hostname="Switch",
            vendor="Ubiquiti & Co <AG>",
            components=(
                Component(index="1", parent="2", cls="module", model="X"),
                Component(index="2", parent="1", cls="module", model="Y"),
            ),
            neighbors=(
                Neighbor(
                    protocol="lldp", local_port="eth0", remote_name="Switch", remote_port="eth1"
                ),
                Neighbor(protocol="lldp"),
            ),
        ),
        bare("odd\x03name", neighbors=(Neighbor(protocol="cdp", remote_name="ext\x04"),)),
    ]
    doc = export(build_configuration("lab", AT, records))
    refs = [c["bom-ref"] for c in walk(doc["components"])]
    assert len(refs) == len(set(refs))
    assert "device:Switch" in refs
    assert "device:Switch#2" in refs
    assert by_ref(doc)["device:Switch/os"]["type"] == "firmware"
    # modules whose parents loop are kept, once each
    looped = [c["name"] for c in walk(by_ref(doc)["device:Switch#2"]["components"])]
    assert looped == ["X", "Y"]
    service_refs = [s["bom-ref"] for s in doc["services"]]
    assert len(service_refs) == len(set(service_refs))


def test_many_devices_stay_valid_and_unique(lab: Any) -> None:
    records = []
    for i in range(60):
        base = [lab.cisco_c9300(), lab.juniper_mx204(), lab.arista_7050()][i % 3]
        records.append(
            dataclasses.replace(
                base,
                hostname=f"{base.hostname}-{i}",
                target=dataclasses.replace(base.target, id=f"{base.target.id}-{i}"),
                chassis_id=None,
            )
        )
    doc = export(build_configuration(NETWORK, AT, records))
    refs = [c["bom-ref"] for c in walk(doc["components"])] + [s["bom-ref"] for s in doc["services"]]
    assert len(refs) == len(set(refs))
