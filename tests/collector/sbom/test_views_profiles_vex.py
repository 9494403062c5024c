"""The flat view (Dependency-Track), the BSI TR-03183-2 profile, VEX as a document of its own
(CycloneDX VEX and OpenVEX linked by BOM-Link), and `sbom validate`."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from netsbom.collector.export import SbomOptions, build_sbom, parse_entity, render_sbom
from netsbom.collector.sbom.checks import check_file
from netsbom.collector.sbom.validate import validate_cyclonedx_json
from netsbom.collector.sbom.vex import bom_link, cyclonedx_vex, openvex, render_vex
from netsbom.core.cli import cli
from netsbom.core.errors import ExportError
from netsbom.core.record import record_to_dict
from netsbom.topology.configuration import Configuration, build_configuration
from tests.conftest import VULN_DATA

AUTHOR = parse_entity("Audit Team,sbom@audit.example", "--author")
BSI = SbomOptions(
    authors=(AUTHOR,), supplier=parse_entity("Operator", "--supplier"), profile="bsi-tr-03183-2"
)


@pytest.fixture(scope="module")
def config(lab: Any) -> Configuration:
    return build_configuration(lab.network, lab.at, lab.campus())


@pytest.fixture(scope="module")
def assessed(config: Configuration) -> list[Any]:
    from netsbom.vuln.assess import assess
    from netsbom.vuln.feeds import load_feeds

    return list(assess(config.records, load_feeds(VULN_DATA)))


def _walk(components: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for c in components:
        out.append(c)
        out += _walk(c.get("components") or [])
    return out


# --- flat view ---------------------------------------------------------------------------------


def test_flat_view_has_unique_names_and_keeps_the_tree_in_dependencies(
    config: Configuration,
) -> None:
    nested = json.loads(render_sbom(config, "cyclonedx-json"))
    flat = json.loads(render_sbom(config, "cyclonedx-json", None, SbomOptions(view="flat")))
    validate_cyclonedx_json(flat)
    assert all("components" not in c for c in flat["components"])
    names = Counter(c["name"] for c in flat["components"])
    assert max(names.values()) == 1  # Dependency-Track keys on name (+ version)
    assert {c["bom-ref"] for c in flat["components"]} == {
        c["bom-ref"] for c in _walk(nested["components"])
    }
    deps = {d["ref"]: set(d.get("dependsOn", ())) for d in flat["dependencies"]}
    for parent in _walk(nested["components"]):  # every nesting is now a dependency
        for child in parent.get("components") or ():
            assert child["bom-ref"] in deps[parent["bom-ref"]]
    by_ref = {c["bom-ref"]: c for c in flat["components"]}
    assert by_ref["device:leaf1/hw:100"]["name"] == "leaf1 / DCS-7050SX3-48YC8 / PowerSupply1"


# --- BSI TR-03183-2 ------------------------------------------------------------------------------


def test_bsi_profile_states_what_it_cannot_meet_and_validates(
    config: Configuration, tmp_path: Path
) -> None:
    data = render_sbom(config, "cyclonedx-json", None, BSI)
    from netsbom.collector.sbom.validate import validate_cyclonedx_xml

    validate_cyclonedx_xml(render_sbom(config, "cyclonedx-xml", None, BSI))  # authors, supplier
    doc = json.loads(data)
    props = [(p["name"], p["value"]) for p in doc["metadata"]["properties"]]
    assert ("netsbom:profile", "bsi-tr-03183-2") in props
    unmet = [v for k, v in props if k == "netsbom:profile:unmet"]
    assert any(v.startswith("licences:") for v in unmet) and len(unmet) == 3
    path = tmp_path / "bsi.cdx.json"
    path.write_bytes(data)
    report = check_file(path, "bsi-tr-03183-2")
    # The campus has modules that report no revision at all (a fan tray): named, not hidden.
    assert report.problems and all("without a version" in p for p in report.problems)
    assert "Fan Tray 0" in report.problems[0]
    assert any("licences" in n for n in report.notes)


def test_bsi_profile_refuses_what_the_guideline_excludes(
    config: Configuration, assessed: list[Any]
) -> None:
    with pytest.raises(ExportError, match=r"CycloneDX 1\.6 or SPDX 3\.0\.1"):
        render_sbom(config, "spdx-json", None, BSI)
    with pytest.raises(ExportError, match="e-mail address or URL"):
        render_sbom(config, "cyclonedx-json", None, SbomOptions(profile="bsi-tr-03183-2"))
    with pytest.raises(ExportError, match="sbom vex"):
        render_sbom(config, "cyclonedx-json", assessed, BSI)


def test_bsi_profile_spdx3(config: Configuration, tmp_path: Path, spdx3_problems: Any) -> None:
    data = render_sbom(config, "spdx3-jsonld", None, BSI)
    assert spdx3_problems(data) == []
    path = tmp_path / "bsi.jsonld"
    path.write_bytes(data)
    report = check_file(path, "bsi-tr-03183-2")
    assert all("without a version" in p for p in report.problems)
    assert any("schema not checked" in n for n in report.notes)


# --- VEX as its own document ---------------------------------------------------------------------


def test_cyclonedx_vex_links_every_statement_to_an_sbom_component(
    config: Configuration, assessed: list[Any]
) -> None:
    sbom = json.loads(render_sbom(config, "cyclonedx-json"))  # without VEX
    model = build_sbom(config, assessed, SbomOptions(authors=(AUTHOR,)))
    vex = cyclonedx_vex(model)
    validate_cyclonedx_json(vex)
    serial = sbom["serialNumber"].removeprefix("urn:uuid:")
    refs = {c["bom-ref"] for c in _walk(sbom["components"])}
    link = vex["metadata"]["component"]["externalReferences"][0]
    assert link == {
        "type": "bom",
        "url": f"urn:cdx:{serial}/1",
        "comment": "the SBOM these statements are about",
    }
    assert vex["serialNumber"] != sbom["serialNumber"] and vex["vulnerabilities"]
    for entry in vex["vulnerabilities"]:
        for affect in entry["affects"]:
            prefix, _, ref = affect["ref"].partition("#")
            assert prefix == f"urn:cdx:{serial}/1"
            assert ref.replace("%3A", ":").replace("%2F", "/") in refs


def test_openvex_statements(config: Configuration, assessed: list[Any]) -> None:
    model = build_sbom(config, assessed, SbomOptions(authors=(AUTHOR,)))
    doc = openvex(model)
    assert doc["@context"] == "https://openvex.dev/ns/v0.2.0"
    assert doc["author"] == "Audit Team" and doc["timestamp"] == config.at
    statuses = {s["status"] for s in doc["statements"]}
    assert {"affected", "not_affected"} <= statuses
    for statement in doc["statements"]:
        assert statement["vulnerability"]["name"].startswith("CVE-")
        assert all(p["@id"].startswith(bom_link(model) + "#") for p in statement["products"])
        assert all("cpe23" in p["identifiers"] for p in statement["products"])  # the OS
        if statement["status"] == "not_affected":
            assert statement["justification"] in (
                "vulnerable_code_not_present",
                "component_not_present",
            )
        if statement["status"] == "affected":
            assert statement["action_statement"]
    assert render_vex(model, "openvex") == render_vex(model, "openvex")  # deterministic


def test_no_vex_without_statements(config: Configuration) -> None:
    with pytest.raises(ExportError, match="no VEX statements"):
        cyclonedx_vex(build_sbom(config, [], SbomOptions()))


# --- the CLI -------------------------------------------------------------------------------------


def test_cli_export_vex_and_validate(config: Configuration, tmp_path: Path) -> None:
    records = tmp_path / "records.jsonl"
    records.write_text("".join(json.dumps(record_to_dict(r)) + "\n" for r in config.records))
    runner = CliRunner()
    sbom = tmp_path / "sbom.cdx.json"
    base = ["--records", str(records)]
    result = runner.invoke(cli, ["sbom", "export", *base, "--out", str(sbom)])
    assert result.exit_code == 0, result.output
    vex = tmp_path / "vex.json"
    result = runner.invoke(
        cli,
        [
            *("sbom", "vex", *base, "--feeds", str(VULN_DATA), "--format", "openvex"),
            *("--out", str(vex), "--author", "Audit Team,sbom@audit.example"),
        ],
    )
    assert result.exit_code == 0, result.output
    serial = json.loads(sbom.read_bytes())["serialNumber"].removeprefix("urn:uuid:")
    assert serial in vex.read_text()

    ok = runner.invoke(cli, ["sbom", "validate", str(sbom)])
    assert ok.exit_code == 0 and "valid CycloneDX 1.6 JSON" in ok.output
    broken = tmp_path / "broken.cdx.json"
    doc = json.loads(sbom.read_bytes())
    doc["components"][0]["type"] = "router"
    doc["dependencies"].append(doc["dependencies"][0])
    broken.write_text(json.dumps(doc))
    bad = runner.invoke(cli, ["sbom", "validate", str(broken)])
    assert bad.exit_code == 1
    assert "$.components[0].type" in bad.output and "non-unique" in bad.output
    spdx = tmp_path / "sbom.spdx.json"
    runner.invoke(cli, ["sbom", "export", *base, "--format", "spdx-json", "--out", str(spdx)])
    assert runner.invoke(cli, ["sbom", "validate", str(spdx)]).exit_code == 0
    xml = tmp_path / "sbom.cdx.xml"
    runner.invoke(cli, ["sbom", "export", *base, "--format", "cyclonedx-xml", "--out", str(xml)])
    assert runner.invoke(cli, ["sbom", "validate", str(xml)]).exit_code == 0
    profile = runner.invoke(cli, ["sbom", "validate", str(sbom), "--profile", "bsi-tr-03183-2"])
    assert profile.exit_code == 1 and "creator" in profile.output
    usage = runner.invoke(
        cli, ["sbom", "export", *base, "--format", "spdx-json", "--profile", "bsi-tr-03183-2"]
    )
    assert usage.exit_code != 0 and "SPDX 3.0.1" in usage.output


def test_vendor_sboms_and_document_properties_render_valid(
    config: Configuration, tmp_path: Path, spdx3_problems: Any, spdx2_problems: Any
) -> None:
    """Fields other parts fill (vendor product SBOMs, policy results) stay schema-valid."""
    from dataclasses import replace

    from netsbom.collector.export import write_document
    from netsbom.collector.sbom.build import build_document
    from netsbom.collector.sbom.model import ExternalBom, Hash

    digest = Hash("SHA-256", "ab" * 32)
    doc = replace(
        build_document(config),
        external_boms=(
            ExternalBom("urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/1", "NOS SBOM", (digest,)),
            ExternalBom("https://vendor.example/eos.cdx.json", None, (digest,), "device:leaf1/os"),
        ),
        properties=(("netsbom:policy:compliant", "2"),),
    )
    cdx = json.loads(write_document(doc, "cyclonedx-json"))
    validate_cyclonedx_json(cdx)
    assert cdx["metadata"]["component"]["externalReferences"][0]["type"] == "bom"
    assert cdx["metadata"]["properties"] == [{"name": "netsbom:policy:compliant", "value": "2"}]
    from netsbom.collector.sbom.validate import validate_cyclonedx_xml

    validate_cyclonedx_xml(write_document(doc, "cyclonedx-xml"))
    spdx3 = write_document(doc, "spdx3-jsonld")
    assert spdx3_problems(spdx3) == [] and b"ExternalMap" in spdx3
    assert spdx2_problems(write_document(doc, "spdx-json"), tmp_path) == []


def test_a_shared_segment_is_one_service_with_every_end(
    tmp_path: Path, spdx2_problems: Any, spdx3_problems: Any
) -> None:
    """Four devices whose mgmt0 ports share a switch that speaks no LLDP, and a console nobody
    polls on the same segment: one service depended on by five ends, not a mesh of links."""
    from netsbom.collector.sbom.reader import read_cyclonedx, snapshot_of
    from netsbom.core.record import Neighbor
    from tests.conftest import make_record

    names = ("m1", "m2", "m3", "m4")
    records = [
        make_record(
            name,
            neighbors=(
                *(
                    Neighbor("lldp", "mgmt0", remote_name=o, remote_port="mgmt0")
                    for o in names
                    if o != name
                ),
                Neighbor("lldp", "mgmt0", remote_name="console", remote_port="eth0"),
            ),
        )
        for name in names
    ]
    config = build_configuration("lab", "2026-11-26T08:00:00Z", records)
    assert len(config.segments) == 1 and not config.links
    data = render_sbom(config, "cyclonedx-json")
    validate_cyclonedx_json(data)
    doc = json.loads(data)
    (service,) = doc["services"]
    ends = {d["ref"]: d.get("dependsOn", []) for d in doc["dependencies"]}[service["bom-ref"]]
    assert ends == sorted([*(f"device:{n}" for n in names), "external:console"])
    assert len([p for p in service["properties"] if p["name"] == "netsbom:segment:end"]) == 5
    assert spdx2_problems(render_sbom(config, "spdx-json"), tmp_path) == []
    assert spdx3_problems(render_sbom(config, "spdx3-jsonld")) == []
    view = snapshot_of(read_cyclonedx(doc))
    assert view.links == {"console eth0 | m1 mgmt0 | m2 mgmt0 | m3 mgmt0 | m4 mgmt0 (lldp segment)"}


def test_validate_refuses_to_run_spdx_tools_for_hours(tmp_path: Path) -> None:
    """spdx-tools is quadratic: a fleet-size SPDX 2.3 file is reported as not validated."""
    from netsbom.collector.sbom.checks import SPDX2_MAX_PACKAGES

    path = tmp_path / "big.spdx.json"
    packages = [{"SPDXID": f"SPDXRef-{i}", "name": str(i)} for i in range(SPDX2_MAX_PACKAGES + 1)]
    path.write_text(json.dumps({"spdxVersion": "SPDX-2.3", "packages": packages}))
    report = check_file(path)
    assert report.problems == [report.problems[0]] and "not validated" in report.problems[0]
