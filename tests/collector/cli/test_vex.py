"""`netsbom sbom export --with-vulnerabilities --feeds DIR` end to end: records in a SQLite store,
the real feeds from ../shared/vuln, every format validated."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from netsbom.collector.sbom.validate import validate_cyclonedx_json, validate_cyclonedx_xml
from netsbom.collector.store import open_store
from netsbom.core.cli import cli
from netsbom.core.record import DeviceRecord, Identifiers, OsInfo, Target
from tests.conftest import REPO, VULN_DATA, make_record

HARDWARE_CVE = "CVE-2020-3566"


def _router(
    name: str, model: str, serial: str, vendor: str, family: str, version: str
) -> DeviceRecord:
    return DeviceRecord(
        target=Target(name, "10.30.0.1", 22, "ssh", (("network", "wan"),)),
        agent_id="agent-wan",
        collected_at="2026-11-26T07:59:30Z",
        report_id=f"report-{name}",
        hostname=name,
        vendor=vendor,
        model=model,
        serial=serial,
        os=OsInfo(family=family, version=version),
        identifiers=Identifiers(),
    )


@pytest.fixture
def store_db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    store = open_store(url)
    try:
        store.write(
            [
                make_record("edge1", version="17.12.3", network="wan"),
                _router("core1", "NCS-5501", "FOX2201AB", "Cisco", "iosxr", "6.4.2"),
                _router("core2", "ASR-9006", "FOX2202CD", "Cisco", "iosxr", "6.4.2"),
                _router("mx1", "MX480", "JN1234AB", "Juniper Networks", "junos", "21.4R3-S1"),
            ]
        )
    finally:
        store.close()
    return url


@pytest.fixture
def feeds_dir() -> Path:
    path = VULN_DATA
    return path


def export(db: str, *args: str) -> tuple[int, bytes, str]:
    result = CliRunner().invoke(cli, ["sbom", "export", "--db", db, "--network", "wan", *args])
    return result.exit_code, result.stdout_bytes, result.stderr


@pytest.mark.parametrize("fmt", ["cyclonedx-json", "cyclonedx-xml"])
def test_cyclonedx_with_vulnerabilities(store_db: str, feeds_dir: Path, fmt: str) -> None:
    code, data, err = export(
        store_db, "--format", fmt, "--with-vulnerabilities", "--feeds", str(feeds_dir)
    )
    assert code == 0, err
    if fmt == "cyclonedx-xml":
        validate_cyclonedx_xml(data)
        assert b"<vulnerabilities>" in data and b"<state>exploitable</state>" in data
        assert b"<justification>requires_environment</justification>" in data
        return
    validate_cyclonedx_json(data)
    doc = json.loads(data)
    refs = {c["name"]: f"{c['bom-ref']}/os" for c in doc["components"]}  # VEX names the OS
    by_state = {
        v["analysis"]["state"]: v for v in doc["vulnerabilities"] if v["id"] == HARDWARE_CVE
    }
    assert [a["ref"] for a in by_state["exploitable"]["affects"]] == [refs["core2"]]
    assert by_state["not_affected"]["analysis"]["justification"] == "requires_environment"
    assert [a["ref"] for a in by_state["not_affected"]["affects"]] == [refs["core1"]]
    juniper = [
        v for v in doc["vulnerabilities"] if any(a["ref"] == refs["mx1"] for a in v["affects"])
    ]
    assert any(v["analysis"]["state"] == "exploitable" for v in juniper)
    assert any(v["analysis"].get("justification") == "code_not_present" for v in juniper)


def test_spdx3_with_vulnerabilities_to_file(store_db: str, feeds_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "wan.spdx3.json"
    args = ["--format", "spdx3-jsonld", "--with-vulnerabilities", "--feeds", str(feeds_dir)]
    code, _, err = export(store_db, *args, "--out", str(out))
    assert code == 0, err
    assert f"wrote {out}" in err
    graph = json.loads(out.read_bytes())["@graph"]
    kinds = {e["type"] for e in graph}
    assert {
        "security_Vulnerability",
        "security_VexAffectedVulnAssessmentRelationship",
        "security_VexNotAffectedVulnAssessmentRelationship",
        "security_ExploitCatalogVulnAssessmentRelationship",
        "security_EpssVulnAssessmentRelationship",
        "security_SsvcVulnAssessmentRelationship",
    } <= kinds
    again = tmp_path / "again.json"
    assert export(store_db, *args, "--out", str(again))[0] == 0
    assert again.read_bytes() == out.read_bytes()


def test_with_vulnerabilities_needs_feeds(store_db: str, tmp_path: Path) -> None:
    code, data, err = export(store_db, "--with-vulnerabilities")
    assert code == 2 and data == b""
    assert "--with-vulnerabilities needs --feeds DIR" in err
    code, _, err = export(store_db, "--feeds", str(tmp_path))
    assert code == 2 and "--feeds goes with --with-vulnerabilities" in err


def test_missing_feeds_directory_is_one_line(store_db: str, tmp_path: Path) -> None:
    code, _, err = export(store_db, "--with-vulnerabilities", "--feeds", str(tmp_path / "nowhere"))
    assert code == 1
    assert err.strip().startswith("Error:") and "does not exist" in err
    assert "Traceback" not in err


def test_vex_states_its_feeds_and_their_dates(store_db: str, feeds_dir: Path) -> None:
    kev = json.loads((feeds_dir / "kev.json").read_text())
    code, data, err = export(
        store_db, "--format", "cyclonedx-json", "--with-vulnerabilities", "--feeds", str(feeds_dir)
    )
    assert code == 0, err
    stated = {p["name"]: p["value"] for p in json.loads(data)["metadata"]["properties"]}
    assert f"version {kev['catalogVersion']}" in stated["netsbom:feeds:kev"]
    assert "CVE JSON 5 records, newest update" in stated["netsbom:feeds:cve"]
    assert "scores of" in stated["netsbom:feeds:epss"]
    result = CliRunner().invoke(
        cli,
        [*("sbom", "vex", "--db", store_db, "--network", "wan", "--feeds", str(feeds_dir)),
         *("--format", "openvex")],
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert f"version {kev['catalogVersion']}" in json.loads(result.stdout)["tooling"]
    result = CliRunner().invoke(
        cli,
        [*("sbom", "vex", "--db", store_db, "--network", "wan", "--feeds", str(feeds_dir)),
         *("--format", "cyclonedx-vex")],
    )  # fmt: skip
    names = [p["name"] for p in json.loads(result.stdout)["metadata"]["properties"]]
    assert {"netsbom:feeds:cve", "netsbom:feeds:kev"} <= set(names)


def test_policy_vendor_sboms_and_virtual_reach_the_export(store_db: str, tmp_path: Path) -> None:
    """What the other commands add to a network (a golden-firmware policy, vendor SBOMs
    attached with `sbom attach`, a virtual appliance) is in the SBOM, on the right device."""
    from dataclasses import replace

    vendor_sbom = REPO / "tests" / "data" / "vendor-sboms" / "pysnmp-7.1.30-environment.cdx.json"
    attached = CliRunner().invoke(
        cli,
        ["sbom", "attach", "--db", store_db, "--vendor-sbom", str(vendor_sbom),
         "--match", "model=NCS-55*,version=6.4.2"],
    )  # fmt: skip
    assert attached.exit_code == 0, attached.output
    store = open_store(store_db)
    try:
        virtual = _router("vsrx1", "vSRX", "VSRX01", "Juniper Networks", "junos", "21.4R3-S1")
        store.write([replace(virtual, virtual=True, report_id="report-vsrx1")])
    finally:
        store.close()
    policy = tmp_path / "golden.yaml"
    policy.write_text(
        "version: 1\nrules:\n  - {name: xr, platforms: [iosxr], preferred: '7.9.2'}\n"
    )
    code, data, err = export(store_db, "--format", "cyclonedx-json", "--policy", str(policy))
    assert code == 0, err
    validate_cyclonedx_json(data)
    devices = {c["name"]: c for c in json.loads(data)["components"]}
    props = {
        d: {p["name"]: p["value"] for p in c.get("properties", [])} for d, c in devices.items()
    }
    assert props["core1"]["netsbom:policy:status"] == "non-compliant"
    assert props["core1"]["netsbom:policy:preferred"] == "7.9.2"
    assert props["mx1"]["netsbom:policy:status"] == "no-rule"
    assert props["vsrx1"]["netsbom:virtual"] == "true" and "netsbom:virtual" not in props["mx1"]
    (reference,) = devices["core1"]["externalReferences"]
    assert reference["type"] == "bom" and reference["url"].startswith("urn:cdx:")
    assert {h["alg"] for h in reference["hashes"]} == {"SHA-256", "SHA-512"}
    assert "externalReferences" not in devices["core2"]  # an ASR-9006: not matched
