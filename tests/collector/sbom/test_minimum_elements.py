"""Minimum elements (issue 17 point 1): versions, suppliers, authors, filenames, CPEs of module
firmware; ntia-conformance-checker (NTIA and CISA FSCT3 minimum) on the lab's SPDX exports."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from netsbom.collector.export import SbomOptions, parse_entity, render_sbom
from netsbom.collector.sbom.build import build_document
from netsbom.collector.sbom.licences import load_licence_rules
from netsbom.collector.sbom.model import Entity, walk
from netsbom.core.cli import cli
from netsbom.core.errors import ExportError
from netsbom.core.record import record_to_dict
from netsbom.topology.configuration import Configuration, build_configuration

AUTHOR = "Audit Team,https://audit.example,sbom@audit.example"
SUPPLIER = "Example Operator,https://operator.example"


@pytest.fixture(scope="module")
def fleet(lab: Any) -> Configuration:
    """The lab's devices (the fleet generator's profiles are the lab's)."""
    from netsbom.lab.fleet import synthetic_fleet

    return build_configuration("lab-fleet", lab.at, synthetic_fleet(12, links=18))


def test_versions_suppliers_filenames_and_module_cpes(lab: Any) -> None:
    config = build_configuration(lab.network, lab.at, lab.campus())
    doc = build_document(config)
    by_ref = {c.ref: c for c, _ in walk(doc.components)}
    sw1 = by_ref["device:sw1.par1.example.net"]
    assert (sw1.version, sw1.prop("netsbom:version_source")) == ("V02", "hardware_rev")
    assert sw1.supplier == Entity("Cisco")
    leaf = by_ref["device:leaf1"]
    assert leaf.version == "11.01"
    eos = by_ref["device:leaf1/os"]
    assert eos.filename == "EOS-4.30.2F.swi" and eos.supplier == Entity("Arista Networks")
    psu = by_ref["device:leaf1/hw:100"]  # no vendor of its own: the chassis vendor supplies it
    assert psu.supplier == Entity("Arista Networks")
    junos_pkg = by_ref["device:core1.par1.example.net/sw:jsd@21.4R3-S5-jet-1"]
    assert junos_pkg.supplier == Entity("Juniper Networks")  # origin: the device's own OS
    # module firmware that is the device's OS release carries the OS CPE; ROMMON does not
    uplink_fw = by_ref["device:sw1.par1.example.net/hw:1040/firmware"]
    assert uplink_fw.cpe == "cpe:2.3:o:cisco:ios_xe:17.9.4a:*:*:*:*:*:*:*"
    chassis_sw = by_ref["device:sw1.par1.example.net/hw:1000/software"]  # 17.09.04a
    assert chassis_sw.cpe == uplink_fw.cpe
    assert by_ref["device:sw1.par1.example.net/hw:1000/firmware"].cpe is None  # 17.6.1r[FC2]


def test_debian_packages_are_supplied_by_the_distribution(fleet: Configuration) -> None:
    doc = build_document(fleet)
    debs = [c for c, _ in walk(doc.components) if (c.purl or "").startswith("pkg:deb/debian/")]
    assert debs and {c.supplier for c in debs} == {Entity("Debian GNU/Linux")}


def test_entity_parsing() -> None:
    assert parse_entity(AUTHOR, "--author") == Entity(
        "Audit Team", "https://audit.example", "sbom@audit.example"
    )
    assert parse_entity("Ops", "--supplier") == Entity("Ops")
    with pytest.raises(ExportError, match="--author"):
        parse_entity("Ops,not a url", "--author")


RULES = Path(__file__).parents[2] / "data" / "licences" / "lab-fleet.yaml"


def _check(
    fleet: Configuration, tmp_path: Path, fmt: str, compliance: str, licences: Path | None = None
) -> Any:
    from ntia_conformance_checker.sbom_checker import SbomChecker

    options = SbomOptions(
        authors=(parse_entity(AUTHOR, "--author"),),
        supplier=parse_entity(SUPPLIER, "--supplier"),
        licences=load_licence_rules(licences) if licences else None,
    )
    spec = "spdx3" if fmt == "spdx3-jsonld" else "spdx2"
    path = tmp_path / ("lab.jsonld" if spec == "spdx3" else "lab.spdx.json")
    path.write_bytes(render_sbom(fleet, fmt, None, options))
    return SbomChecker(str(path), compliance=compliance, sbom_spec=spec)


@pytest.mark.parametrize("fmt", ["spdx-json", "spdx3-jsonld"])
def test_ntia_conformance_checker_says_conformant(
    fleet: Configuration, tmp_path: Path, fmt: str
) -> None:
    checker = _check(fleet, tmp_path, fmt, "ntia")
    report = checker.output_json()
    assert report["totalNumberComponents"] > 100  # the devices, OS, modules, packages
    assert checker.compliant, {k: v for k, v in report.items() if k != "componentNames"}


def _lacking(report: dict[str, Any], element: str) -> set[str]:
    return set(report[element].get("nonconformantComponents") or ())


@pytest.mark.parametrize("fmt", ["spdx-json", "spdx3-jsonld"])
def test_fsct3_minimum_without_conclusions_lacks_only_unregistered_vendors(
    fleet: Configuration, tmp_path: Path, fmt: str
) -> None:
    """Without the auditor's rules: hardware is NONE, Cisco's and Juniper's software carries
    their EULA and notice from the registry; the software of vendors the registry states no
    terms for (Arista, Nokia, Huawei, Debian's packages) and the network stay NOASSERTION."""
    checker = _check(fleet, tmp_path, fmt, "fsct3-min")
    report = checker.output_json()
    for element in ("componentVersions", "componentSuppliers", "componentIdentifiers"):
        assert report[element]["allProvided"], element
    assert report["authorNameProvided"] and report["timestampProvided"]
    assert report["dependencyRelationshipsProvided"]
    doc = build_document(fleet)
    vendor = {c.name: d.supplier for d in doc.components for c, _ in walk([d])}
    lacking = _lacking(report, "componentConcludedLicenses")
    assert lacking == _lacking(report, "componentCopyrightTexts")
    assert "lab-fleet" in lacking and "Arista EOS" in lacking and "openssl" in lacking
    covered = {n for n, v in vendor.items() if v in (Entity("Cisco"), Entity("Juniper"))}
    assert covered and not covered & lacking  # Cisco's and Juniper's devices: all stated
    assert not checker.compliant


@pytest.mark.parametrize("fmt", ["spdx-json", "spdx3-jsonld"])
def test_fsct3_minimum_with_the_auditors_conclusions(
    fleet: Configuration, tmp_path: Path, fmt: str
) -> None:
    """With the auditor's conclusions for the rest (tests/data/licences/lab-fleet.yaml): FSCT3
    minimum passes on SPDX 3.0.1. On SPDX 2.3 every element holds but the SBOM type, which
    ntia-conformance-checker 6.0.0 (the latest) reads from SPDX 3 only (its SPDX 2 adapter's
    get_sbom_types returns [])."""
    checker = _check(fleet, tmp_path, fmt, "fsct3-min", RULES)
    report = checker.output_json()
    for element in (
        "componentVersions",
        "componentSuppliers",
        "componentIdentifiers",
        "componentConcludedLicenses",
        "componentCopyrightTexts",
    ):
        assert report[element]["allProvided"], (element, _lacking(report, element))
    assert not report["validationMessages"]
    if fmt == "spdx3-jsonld":
        assert [t.rsplit("/", 1)[-1] for t in checker.sbom_gen_context] == ["deployed"]
        assert checker.compliant
    else:
        assert checker.sbom_gen_context == []  # the one element the checker cannot read
        assert not checker.compliant


def test_without_a_supplier_the_checker_says_which_is_missing(
    fleet: Configuration, tmp_path: Path
) -> None:
    """The network's supplier is the operator: only the user can name it."""
    from ntia_conformance_checker.sbom_checker import SbomChecker

    path = tmp_path / "lab.spdx.json"
    path.write_bytes(render_sbom(fleet, "spdx-json"))
    checker = SbomChecker(str(path), compliance="ntia", sbom_spec="spdx2")
    assert not checker.compliant
    missing = checker.output_json()["componentSuppliers"]["nonconformantComponents"]
    assert missing == ["lab-fleet"]


def test_cli_author_supplier_compact(fleet: Configuration, tmp_path: Path) -> None:
    records = tmp_path / "records.jsonl"
    records.write_text("".join(json.dumps(record_to_dict(r)) + "\n" for r in fleet.records[:3]))
    out = tmp_path / "lab.cdx.json"
    args = ["sbom", "export", "--records", str(records), "--out", str(out)]
    result = CliRunner().invoke(
        cli, [*args, "--author", AUTHOR, "--supplier", SUPPLIER, "--compact"]
    )
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    assert b"\n  " not in data  # compact: no indentation
    doc = json.loads(data)
    assert doc["metadata"]["authors"] == [{"name": "Audit Team", "email": "sbom@audit.example"}]
    assert doc["metadata"]["supplier"]["name"] == "Example Operator"
    from netsbom.collector.sbom.validate import validate_cyclonedx_json

    validate_cyclonedx_json(data)
    bad = CliRunner().invoke(cli, [*args, "--author", "x,y,z,w"])
    assert bad.exit_code != 0 and "--author" in bad.output
