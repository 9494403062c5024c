"""SPDX 2.3 (validated with spdx-tools) and SPDX 3.0.1 JSON-LD (validated against the 3.0.1
JSON schema from the shared schemas folder): same content as CycloneDX, deterministic."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import pytest

from netsbom.collector.export import render_sbom
from netsbom.collector.sbom.cyclonedx import to_cyclonedx
from netsbom.collector.sbom.spdx2 import render_spdx2, to_spdx2
from netsbom.collector.sbom.spdx3 import render_spdx3, to_spdx3
from netsbom.core.record import DeviceRecord, Neighbor, Target
from netsbom.topology.configuration import Configuration, build_configuration
from tests.conftest import SPDX3_SCHEMAS, make_record

SPDX3_SCHEMA = SPDX3_SCHEMAS / "schema.json"


@pytest.fixture
def config(lab: Any) -> Configuration:
    return build_configuration(lab.network, lab.at, lab.campus())


def validate_spdx2(data: bytes, tmp_path: Path) -> list[str]:
    from spdx_tools.spdx.parser.parse_anything import parse_file
    from spdx_tools.spdx.validation.document_validator import validate_full_spdx_document

    path = tmp_path / "doc.spdx.json"
    path.write_bytes(data)
    document = parse_file(str(path))
    return [m.validation_message for m in validate_full_spdx_document(document)]


@functools.cache
def spdx3_validator() -> Any:
    import jsonschema

    schema = json.loads(SPDX3_SCHEMA.read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)


def validate_spdx3(data: bytes) -> list[str]:
    errors = spdx3_validator().iter_errors(json.loads(data))
    return [f"{e.json_path}: {e.message[:200]}" for e in errors]


def _component_names(config: Configuration) -> set[tuple[str, str | None]]:
    def walk(components: list[dict[str, Any]]) -> list[dict[str, Any]]:
        out = []
        for c in components:
            out.append(c)
            out += walk(c.get("components") or [])
        return out

    doc = to_cyclonedx(config)
    return {(c["name"], c.get("version")) for c in walk(doc.get("components") or [])}


def test_spdx2_validates_with_spdx_tools(config: Configuration, tmp_path: Path) -> None:
    assert validate_spdx2(render_spdx2(config), tmp_path) == []


def test_spdx2_same_content_as_cyclonedx(config: Configuration) -> None:
    doc = to_spdx2(config)
    packages = {(p["name"], p.get("versionInfo")) for p in doc["packages"]}
    assert _component_names(config) <= packages
    purposes = {p["primaryPackagePurpose"] for p in doc["packages"]}
    assert {"DEVICE", "OPERATING-SYSTEM", "OTHER"} <= purposes
    kinds = {r["relationshipType"] for r in doc["relationships"]}
    assert {"DESCRIBES", "CONTAINS", "DEPENDS_ON", "OTHER"} <= kinds
    links = [r for r in doc["relationships"] if r["relationshipType"] == "OTHER"]
    assert len(links) == len(config.links) and all("link" in r["comment"] for r in links)
    # how each component was learned travels as a comment and an annotation
    devices = [p for p in doc["packages"] if p["primaryPackagePurpose"] == "DEVICE"]
    assert any("provenance" in (p.get("comment") or "") for p in devices)
    assert all(p["annotations"][0]["annotator"].startswith("Tool: netsbom") for p in devices)
    assert any("netsbom:serial" in p["annotations"][0]["comment"] for p in devices)
    cpes = [
        r
        for p in doc["packages"]
        for r in p.get("externalRefs", ())
        if r["referenceType"] == "cpe23Type"
    ]
    assert cpes


def test_spdx3_validates_against_the_301_schema(config: Configuration) -> None:
    assert validate_spdx3(render_spdx3(config)) == []


def test_spdx3_deployed_sbom_same_content(config: Configuration) -> None:
    doc = to_spdx3(config)
    graph = doc["@graph"]
    sbom = next(e for e in graph if e["type"] == "software_Sbom")
    assert sbom["software_sbomType"] == ["deployed"]
    packages = [e for e in graph if e["type"] == "software_Package"]
    assert _component_names(config) <= {
        (p["name"], p.get("software_packageVersion")) for p in packages
    }
    purposes = {p["software_primaryPurpose"] for p in packages}
    assert {"device", "operatingSystem", "platform"} <= purposes
    relationships = [e for e in graph if e["type"] == "Relationship"]
    assert {"contains", "dependsOn", "other"} <= {r["relationshipType"] for r in relationships}
    assert {r.get("completeness") for r in relationships} >= {"complete", "incomplete"}
    annotations = [e for e in graph if e["type"] == "Annotation"]
    assert len(annotations) >= len(
        [p for p in packages if p["software_primaryPurpose"] == "device"]
    )
    ids = {e.get("spdxId") for e in graph}
    ids.add("expandedlicensing_NoneLicense")  # SPDX's individual: hardware has no licence
    for element in graph:  # every reference resolves inside the document
        for key in ("from", "subject", "suppliedBy"):
            if key in element:
                assert element[key] in ids
        for target in element.get("to", ()):
            assert target in ids
    concluded = [r for r in relationships if r["relationshipType"] == "hasConcludedLicense"]
    licensed = {r["from"] for r in concluded}
    devices = {p["spdxId"] for p in packages if p["software_primaryPurpose"] == "device"}
    outside = {i for i in devices if "/package/external-" in i}  # neighbours nobody polled
    assert outside and devices - outside <= licensed and not outside & licensed
    eula = next(
        e
        for e in graph
        if e.get("name") == "Cisco End User License Agreement (Cisco General Terms)"
    )
    assert eula["type"] == "expandedlicensing_CustomLicense"  # the campus has Cisco devices
    assert eula["expandedlicensing_seeAlso"][0].startswith("https://www.cisco.com/")
    assert eula["spdxId"] in {t for r in concluded for t in r["to"]}


@pytest.mark.parametrize("fmt", ["spdx-json", "spdx3-jsonld"])
def test_same_input_same_bytes(fmt: str, lab: Any) -> None:
    one = build_configuration(lab.network, lab.at, lab.campus())
    two = build_configuration(lab.network, lab.at, list(reversed(lab.campus())))
    assert render_sbom(one, fmt) == render_sbom(two, fmt)


def test_bare_odd_and_external_devices_stay_valid(tmp_path: Path) -> None:
    records = [
        DeviceRecord(
            Target("a(b)\x01", "192.0.2.1", 161, "snmp"),
            "agent",
            "2026-11-26T07:00:00Z",
            "r1",
            vendor="Odd (Vendor) Ltd",
            neighbors=(
                Neighbor("lldp", "eth0", remote_name="ext ünï"),
                Neighbor("cdp"),
            ),
        ),
        make_record("edge1", complete=False),
    ]
    config = build_configuration("odd network/1", "2026-11-26T08:00:00Z", records)
    assert validate_spdx2(render_spdx2(config), tmp_path) == []
    assert validate_spdx3(render_spdx3(config)) == []
