"""VEX in the exports (``--with-vulnerabilities``), on the real feeds in ../shared/vuln.

CycloneDX 1.6 JSON (JSON schema) and XML (XSD), SPDX 3.0.1 JSON-LD (the 3.0.1 JSON schema from
../shared/schemas) and SPDX 2.3 (spdx-tools) for a Cisco IOS XE campus switch, a Juniper MX,
and IOS XR routers on two platforms (CVE-2020-3566 needs ASR 9000 hardware per NVD).
"""

from __future__ import annotations

import functools
import json
import warnings
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from netsbom.collector.export import assess_records, render_sbom
from netsbom.collector.sbom.cyclonedx import to_cyclonedx
from netsbom.collector.sbom.spdx2 import render_spdx2
from netsbom.collector.sbom.spdx3 import render_spdx3, to_spdx3
from netsbom.collector.sbom.validate import validate_cyclonedx_json, validate_cyclonedx_xml
from netsbom.collector.sbom.vulnerabilities import _decimal, cyclonedx_vulnerabilities
from netsbom.core.record import Component, DeviceRecord, Identifiers, OsInfo, Target
from netsbom.topology.configuration import Configuration, build_configuration
from netsbom.vuln.assess import Assessment, assess
from netsbom.vuln.feeds import Feeds, load_feeds
from tests.conftest import SPDX3_SCHEMAS, VULN_DATA, make_record

AT = "2026-11-26T08:00:00Z"
SPDX3_SCHEMA = SPDX3_SCHEMAS / "schema.json"
HARDWARE_CVE = "CVE-2020-3566"  # IOS XR DVMRP: NVD pairs the OS with ASR 9000 h: CPEs (KEV)
REBUILD_CVE = "CVE-2024-20510"  # Cisco lists IOS XE 17.12.3 as affected, not the 17.12.3a rebuild


@pytest.fixture(scope="module")
def feeds() -> Feeds:
    path = VULN_DATA
    return load_feeds(path)


def iosxr(name: str, model: str, chassis: str) -> DeviceRecord:
    """An IOS XR router as the SSH driver writes it (show version / show inventory)."""
    return DeviceRecord(
        target=Target(name, "10.20.0.1", 22, "ssh", (("network", "wan"), ("role", "core"))),
        agent_id="agent-wan",
        collected_at="2026-11-26T07:59:30Z",
        report_id=f"report-{name}",
        hostname=name,
        vendor="Cisco",
        model=model,
        serial=f"FOX{chassis}",
        chassis_id=f"00:a7:42:00:00:{chassis[-2:]}",
        description=f"Cisco IOS XR Software, Version 6.4.2 {model}",
        os=OsInfo(family="iosxr", version="6.4.2", name="Cisco IOS XR Software"),
        components=(
            Component(index="1", cls="chassis", name="Rack 0", model=model, serial=f"FOX{chassis}"),
        ),
        identifiers=Identifiers(os_cpe="cpe:2.3:o:cisco:ios_xr:6.4.2:*:*:*:*:*:*:*"),
    )


@pytest.fixture(scope="module")
def config(lab: Any) -> Configuration:
    records = [
        lab.cisco_c9300(),  # IOS XE 17.9.4a on a C9300 (SNMP)
        lab.juniper_mx204(),  # Junos 21.4R3-S5 on an MX204 (SSH)
        make_record("edge1", version="17.12.3"),
        replace(  # the 17.12.3a rebuild, another chassis
            make_record("edge2", version="17.12.3a"),
            serial="FOC2240X1ZZ",
            chassis_id="00:1b:54:aa:02:02",
        ),
        iosxr("core1", "NCS-5501", "2201AB"),
        iosxr("core2", "ASR-9006", "2202CD"),
    ]
    return build_configuration("wan", AT, records)


_ASSESSED: dict[tuple[int, int], list[Assessment]] = {}


def vex(config: Configuration, feeds: Feeds) -> list[Assessment]:
    """Every (device, CVE) assessment of ``config`` (computed once per feeds)."""
    key = (id(config), id(feeds))
    if key not in _ASSESSED:
        _ASSESSED[key] = list(assess(config.records, feeds))
    return _ASSESSED[key]


@pytest.fixture(scope="module")
def cdx(config: Configuration, feeds: Feeds) -> dict[str, Any]:
    return to_cyclonedx(config, vex(config, feeds))


@pytest.fixture(scope="module")
def small_feeds(feeds: Feeds, cdx: dict[str, Any]) -> Feeds:
    """The feeds cut to a few CVEs of each VEX status (and the two named ones): the SPDX 3
    JSON schema costs ~40 ms an element in jsonschema, so the full graph would take 30 s."""
    wanted = {HARDWARE_CVE, REBUILD_CVE}
    seen: dict[tuple[str, str | None], int] = {}
    for entry in cdx["vulnerabilities"]:
        status = (entry["analysis"]["state"], entry["analysis"].get("justification"))
        if seen.get(status, 0) < 3:
            seen[status] = seen.get(status, 0) + 1
            wanted.add(entry["id"])
    return Feeds(
        cves={k: v for k, v in feeds.cves.items() if k in wanted},
        kev={k: v for k, v in feeds.kev.items() if k in wanted},
        epss={k: v for k, v in feeds.epss.items() if k in wanted},
    )


def entries_for(doc: dict[str, Any], cve: str) -> list[dict[str, Any]]:
    return [v for v in doc["vulnerabilities"] if v["id"] == cve]


def device_refs(doc: dict[str, Any]) -> dict[str, str]:
    """Device name -> the ref VEX names: its OS component, which carries version and CPE
    (issue 17.3); the device itself when it has no OS component."""
    out = {}
    for c in doc["components"]:
        if c["type"] == "device":
            os = [k for k in c.get("components", ()) if k["bom-ref"] == f"{c['bom-ref']}/os"]
            out[c["name"]] = os[0]["bom-ref"] if os else c["bom-ref"]
    return out


def test_every_vex_ref_resolves_to_a_component_with_version_and_cpe(
    config: Configuration, feeds: Feeds
) -> None:
    """Loaded into cyclonedx-python-lib's model, every ``affects`` ref resolves to a component
    of the document that carries the version and CPE the assessment used."""
    from cyclonedx.model.bom import Bom

    data = render_sbom(config, "cyclonedx-json", vex(config, feeds))
    bom = Bom.from_json(json.loads(data))  # type: ignore[attr-defined]
    components = {str(c.bom_ref): c for c in bom._get_all_components()}
    assert bom.vulnerabilities
    for vulnerability in bom.vulnerabilities:
        for target in vulnerability.affects:
            component = components[str(target.ref)]
            assert component.version and component.cpe, str(target.ref)
            assert component.type.value in ("operating-system", "firmware")


# --- CycloneDX -----------------------------------------------------------------------------------


def test_cyclonedx_json_carries_vex_and_validates(cdx: dict[str, Any]) -> None:
    validate_cyclonedx_json(cdx)
    states = {
        (v["analysis"]["state"], v["analysis"].get("justification")) for v in cdx["vulnerabilities"]
    }
    assert ("exploitable", None) in states
    assert ("not_affected", "code_not_present") in states
    assert ("not_affected", "requires_environment") in states
    refs = device_refs(cdx)
    names = ("sw1.par1.example.net", "core1.par1.example.net", "edge1", "edge2")
    polled = {refs[name] for name in names}
    polled |= {refs["core1"], refs["core2"]}
    for entry in cdx["vulnerabilities"]:
        assert entry["bom-ref"].startswith(f"vuln:{entry['id']}:")
        assert [r["method"] for r in entry["ratings"]] == ["SSVC"]
        affects = [a["ref"] for a in entry["affects"]]
        assert affects and set(affects) <= polled and len(set(affects)) == len(affects)
        # one analysis per entry: every device under it has that status
        want = {"exploitable": "affected", "not_affected": "unaffected", "in_triage": "unknown"}
        statuses = {v["status"] for a in entry["affects"] for v in a.get("versions", ())}
        assert statuses <= {want[entry["analysis"]["state"]]}


def test_hardware_constraint_is_requires_environment(cdx: dict[str, Any]) -> None:
    refs = device_refs(cdx)
    by_state = {v["analysis"]["state"]: v for v in entries_for(cdx, HARDWARE_CVE)}
    assert [a["ref"] for a in by_state["exploitable"]["affects"]] == [refs["core2"]]
    not_affected = by_state["not_affected"]
    assert not_affected["analysis"]["justification"] == "requires_environment"
    assert [a["ref"] for a in not_affected["affects"]] == [refs["core1"]]
    assert "asr_9006" in not_affected["analysis"]["detail"]
    properties = {p["name"]: p["value"] for p in not_affected["properties"]}
    assert properties["netsbom:vuln:kev"] == "true"
    assert properties["netsbom:vuln:kev:dueDate"] == "2022-05-03"
    assert float(properties["netsbom:vuln:epss:score"]) > 0


def test_version_rebuild_is_code_not_present(cdx: dict[str, Any]) -> None:
    refs = device_refs(cdx)
    by_state = {v["analysis"]["state"]: v for v in entries_for(cdx, REBUILD_CVE)}
    affected = {a["ref"]: a["versions"] for a in by_state["exploitable"]["affects"]}
    assert affected[refs["edge1"]] == [{"version": "17.12.3", "status": "affected"}]
    assert refs["sw1.par1.example.net"] in affected  # Cisco lists 17.9.4a too
    fixed = by_state["not_affected"]
    assert fixed["analysis"]["justification"] == "code_not_present"
    assert [a["ref"] for a in fixed["affects"]] == [refs["edge2"]]
    assert fixed["affects"][0]["versions"] == [{"version": "17.12.3a", "status": "unaffected"}]


def test_juniper_and_kev_entries(cdx: dict[str, Any]) -> None:
    juniper = device_refs(cdx)["core1.par1.example.net"]
    mine = [v for v in cdx["vulnerabilities"] if any(a["ref"] == juniper for a in v["affects"])]
    assert any(v["analysis"]["state"] == "exploitable" for v in mine)
    assert any(v["analysis"].get("justification") == "code_not_present" for v in mine)
    kev = [
        v
        for v in cdx["vulnerabilities"]
        if {"name": "netsbom:vuln:kev", "value": "true"} in v["properties"]
    ]
    assert kev and all(
        any(p["name"] == "netsbom:vuln:kev:dueDate" for p in v["properties"]) for v in kev
    )


def test_cyclonedx_xml_validates_in_xsd_order(config: Configuration, feeds: Feeds) -> None:
    from lxml import etree

    data = render_sbom(config, "cyclonedx-xml", vex(config, feeds))
    validate_cyclonedx_xml(data)
    ns = {"c": "http://cyclonedx.org/schema/bom/1.6"}
    root = etree.fromstring(data)
    children = [etree.QName(e).localname for e in root]
    assert children[-2:] == ["compositions", "vulnerabilities"]
    vulns = root.findall("c:vulnerabilities/c:vulnerability", ns)
    doc = json.loads(render_sbom(config, "cyclonedx-json", vex(config, feeds)))
    assert [v.get("bom-ref") for v in vulns] == [v["bom-ref"] for v in doc["vulnerabilities"]]
    first = [etree.QName(e).localname for e in vulns[0]]
    assert first == ["id", "source", "ratings", "analysis", "affects", "properties"]


def test_vex_changes_the_serial_but_not_the_components(
    config: Configuration, cdx: dict[str, Any]
) -> None:
    plain = to_cyclonedx(config)
    assert "vulnerabilities" not in plain
    assert plain["serialNumber"] != cdx["serialNumber"]
    assert plain["components"] == cdx["components"]
    assert to_cyclonedx(config, []) == plain  # assessed, nothing applies: no VEX section


# --- SPDX ----------------------------------------------------------------------------------------


@functools.cache
def spdx3_validator() -> Any:
    import jsonschema

    return jsonschema.Draft202012Validator(json.loads(SPDX3_SCHEMA.read_text(encoding="utf-8")))


def test_spdx3_security_elements_validate(config: Configuration, small_feeds: Feeds) -> None:
    data = render_spdx3(config, vex(config, small_feeds))
    document = json.loads(data)
    errors = [f"{e.json_path}: {e.message[:200]}" for e in spdx3_validator().iter_errors(document)]
    assert errors == []
    graph = document["@graph"]
    by_type: dict[str, list[dict[str, Any]]] = {}
    for element in graph:
        by_type.setdefault(element["type"], []).append(element)
    for kind in (
        "security_Vulnerability",
        "security_VexAffectedVulnAssessmentRelationship",
        "security_VexNotAffectedVulnAssessmentRelationship",
        "security_VexUnderInvestigationVulnAssessmentRelationship",
        "security_EpssVulnAssessmentRelationship",
        "security_ExploitCatalogVulnAssessmentRelationship",
        "security_SsvcVulnAssessmentRelationship",
    ):
        assert by_type.get(kind), kind
    devices = {  # VEX names the OS (its version and CPE were assessed)
        e["spdxId"]
        for e in by_type["software_Package"]
        if e["software_primaryPurpose"] == "operatingSystem"
    }
    vulns = {e["spdxId"]: e["name"] for e in by_type["security_Vulnerability"]}
    rel_type = {
        "security_VexAffectedVulnAssessmentRelationship": "affects",
        "security_VexNotAffectedVulnAssessmentRelationship": "doesNotAffect",
        "security_VexUnderInvestigationVulnAssessmentRelationship": "underInvestigationFor",
    }
    for element in graph:
        if element["type"].startswith("security_") and element["type"].endswith("Relationship"):
            assert element["from"] in vulns and set(element["to"]) <= devices
            expected = rel_type.get(element["type"], "hasAssessmentFor")
            assert element["relationshipType"] == expected
    not_affected = by_type["security_VexNotAffectedVulnAssessmentRelationship"]
    assert {e["security_justificationType"] for e in not_affected} == {
        "vulnerableCodeNotPresent",
        "componentNotPresent",
    }
    hardware = [
        e
        for e in not_affected
        if vulns[e["from"]] == HARDWARE_CVE
        and e["security_justificationType"] == "componentNotPresent"
    ]
    assert len(hardware) == 1 and "asr_9006" in hardware[0]["security_impactStatement"]
    assert all(
        e["security_actionStatement"]
        for e in by_type["security_VexAffectedVulnAssessmentRelationship"]
    )
    kev = [
        e
        for e in by_type["security_ExploitCatalogVulnAssessmentRelationship"]
        if vulns[e["from"]] == HARDWARE_CVE
    ]
    assert kev and kev[0]["security_catalogType"] == "kev" and kev[0]["security_exploited"] is True
    assert kev[0]["security_locator"].startswith("https://www.cisa.gov/")
    for epss in by_type["security_EpssVulnAssessmentRelationship"]:
        assert 0 <= float(epss["security_probability"]) <= 1
        assert "e" not in epss["security_probability"] + epss["security_percentile"]
    decisions = {
        e["security_decisionType"] for e in by_type["security_SsvcVulnAssessmentRelationship"]
    }
    assert decisions and decisions <= {"act", "attend", "track", "trackStar"}
    sbom = by_type["software_Sbom"][0]
    assert "security" in sbom["profileConformance"]
    listed = set(sbom["element"])
    assert all(e["spdxId"] in listed for e in graph if e["type"].startswith("security_"))


def test_spdx3_conforms_to_the_shacl_model(config: Configuration, small_feeds: Feeds) -> None:
    """What the SPDX project checks too: the 3.0.1 SHACL shapes (needs pyshacl, optional)."""
    from pyshacl import validate
    from rdflib import Graph

    model = SPDX3_SCHEMAS / "spdx-model.ttl"
    context = SPDX3_SCHEMAS / "spdx-context.jsonld"
    document = to_spdx3(config, vex(config, small_feeds))
    document["@context"] = json.loads(context.read_text(encoding="utf-8"))["@context"]
    with warnings.catch_warnings():  # rdflib/pyshacl deprecations are not ours
        warnings.simplefilter("ignore", DeprecationWarning)
        data = Graph().parse(data=json.dumps(document), format="json-ld")
        shapes = Graph().parse(str(model), format="turtle")
        conforms, _, text = validate(data, shacl_graph=shapes, ont_graph=shapes, inference="none")
    assert conforms, text[:2000]


def test_spdx3_without_assessments_is_unchanged(config: Configuration) -> None:
    assert to_spdx3(config) == to_spdx3(config, None)
    kinds = {e["type"] for e in to_spdx3(config)["@graph"]}
    assert not any(kind.startswith("security_") for kind in kinds)


def test_spdx2_advisories_stay_valid(config: Configuration, feeds: Feeds, tmp_path: Path) -> None:
    from spdx_tools.spdx.parser.parse_anything import parse_file
    from spdx_tools.spdx.validation.document_validator import validate_full_spdx_document

    data = render_spdx2(config, vex(config, feeds))
    path = tmp_path / "doc.spdx.json"
    path.write_bytes(data)
    messages = validate_full_spdx_document(parse_file(str(path)))
    assert [m.validation_message for m in messages] == []
    packages = {p["SPDXID"]: p for p in json.loads(data)["packages"]}
    os_of = {  # VEX is on each device's OS package (issue 17.3)
        r["spdxElementId"]: packages[r["relatedSpdxElement"]]
        for r in json.loads(data)["relationships"]
        if r["relationshipType"] == "CONTAINS"
        and packages[r["relatedSpdxElement"]]["primaryPackagePurpose"] == "OPERATING-SYSTEM"
    }
    packages = {p["name"]: os_of.get(p["SPDXID"], p) for p in packages.values()}
    core2 = packages["core2"]
    advisories = [r for r in core2["externalRefs"] if r["referenceType"] == "advisory"]
    assert any(
        HARDWARE_CVE in r["referenceLocator"] and "CISA KEV" in r["comment"] for r in advisories
    )
    core1 = packages["core1"]
    assert not any(HARDWARE_CVE in r["referenceLocator"] for r in core1.get("externalRefs", ()))
    notes = [a["comment"] for a in core1["annotations"] if a["annotationType"] == "REVIEW"]
    assert f"{HARDWARE_CVE}: not_affected (requires_environment)" in notes[0]


@pytest.mark.parametrize("fmt", ["cyclonedx-json", "cyclonedx-xml", "spdx-json", "spdx3-jsonld"])
def test_same_input_same_bytes(config: Configuration, feeds: Feeds, fmt: str) -> None:
    first = render_sbom(config, fmt, vex(config, feeds))
    assert render_sbom(config, fmt, assess_records(config.records, feeds)) == first
    assert render_sbom(config, fmt) != first


# --- refs, grouping, fleet -----------------------------------------------------------------------


def _assessment(device: str, target: str, affected: bool | None, **kwargs: Any) -> Assessment:
    values: dict[str, Any] = {
        "device": device,
        "target_id": target,
        "cve": "CVE-2024-0001",
        "os_version": "1.0",
        "affected": affected,
        "reason": f"{device} reason",
        "sources": ("cna:cisco",),
        "basis": None if affected is not False else "version",
        "kev": False,
        "kev_due_date": None,
        "epss": 0.00004,
        "epss_percentile": 0.01,
        "ssvc": {"decision": "Track"},
    }
    values.update(kwargs)
    return Assessment(**values)


def test_duplicate_hostnames_get_their_own_refs(feeds: Feeds) -> None:
    first = make_record("sw1", version="17.12.3")
    second = replace(
        make_record("sw1", version="17.12.3a"),
        target=Target("sw1-b", "127.0.1.2", 161, "snmp", (("network", "lab"),)),
        serial="FOC9999Z9ZZ",
        chassis_id="00:1b:54:bb:02:02",
        components=(),
    )
    config = build_configuration("lab", AT, [first, second])
    doc = to_cyclonedx(config, assess(config.records, feeds))
    validate_cyclonedx_json(doc)
    refs = sorted(c["bom-ref"] for c in doc["components"] if c["type"] == "device")
    assert refs == ["device:sw1", "device:sw1#2"]
    by_state = {v["analysis"]["state"]: v for v in entries_for(doc, REBUILD_CVE)}
    affected = by_state["exploitable"]["affects"]
    fixed = by_state["not_affected"]["affects"]
    assert len(affected) == 1 and len(fixed) == 1 and affected[0]["ref"] != fixed[0]["ref"]
    assert "sw1 [" in by_state["exploitable"]["analysis"]["detail"]


def test_grouping_by_status_and_ssvc_outcome() -> None:
    refs = {("a", "a"): "device:a", ("b", "b"): "device:b", ("c", "c"): "device:c"}
    items = [
        _assessment("a", "a", True),
        _assessment("b", "b", True, ssvc={"decision": "Attend"}),
        _assessment("c", "c", False, basis="hardware"),
        _assessment("c", "c", False, cve="CVE-2024-0002", basis="product"),
        _assessment("zz", "zz", True),  # not in the document
    ]
    entries = cyclonedx_vulnerabilities(items, refs)
    assert [(e["bom-ref"], [a["ref"] for a in e["affects"]]) for e in entries] == [
        ("vuln:CVE-2024-0001:exploitable", ["device:b"]),
        ("vuln:CVE-2024-0001:exploitable#2", ["device:a"]),
        ("vuln:CVE-2024-0001:requires_environment", ["device:c"]),
    ]
    assert {e["ratings"][0]["justification"] for e in entries[:2]} == {
        "CISA coordinator decision Track",
        "CISA coordinator decision Attend",
    }


def test_decimals_never_use_exponents() -> None:
    assert _decimal("4e-05") == "0.00004"
    assert _decimal("0.94") == "0.94"
    assert _decimal("nan") is None and _decimal("x") is None and _decimal(None) is None


def test_assess_records_matches_assess(feeds: Feeds) -> None:
    records = [
        make_record("a1", version="17.9.4"),
        make_record("a2", version="17.9.4"),
        make_record("b1", version="17.9.4a"),
        replace(
            make_record("a3", version="17.9.4"),
            target=Target("a3", "127.0.1.3", 161, "snmp", (("mission", "essential"),)),
        ),
    ]
    expected = [
        a for a in assess(records, feeds) if not (a.affected is False and a.basis == "product")
    ]
    assert list(assess_records(records, feeds)) == expected


def test_one_vulnerability_entry_lists_every_affected_device(feeds: Feeds) -> None:
    records = [
        make_record(f"sw{i:04d}", report_id=f"r{i}", version="17.12.3" if i % 2 else "17.12.3a")
        for i in range(300)
    ]
    config = build_configuration("fleet", AT, records)
    doc = to_cyclonedx(config, assess_records(config.records, feeds))
    entry = entries_for(doc, REBUILD_CVE)[0]
    assert entry["analysis"]["state"] == "exploitable" and len(entry["affects"]) == 150
