"""CycloneDX 1.6 ``vulnerabilities`` (VEX) from assessments, validated against the schema."""

from __future__ import annotations

import json

from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator

from netsbom.vuln.assess import assess
from netsbom.vuln.feeds import Feeds
from netsbom.vuln.vex import vulnerabilities_for_cyclonedx

from .conftest import record


def test_vex_entries_are_valid_cyclonedx_16(feeds: Feeds) -> None:
    devices = [
        record("ios-xe", "17.12.3", name="edge1", model="C9300-48P"),
        record("ios-xe", "17.12.3a", name="edge2", model="C9300-48P"),
        record("iosxr", "6.4.2", name="core1", model="NCS-5501"),
    ]
    results = list(assess(devices, feeds))
    refs = {"edge1": "device-edge1", "edge2": "device-edge2", "core1": "device-core1"}
    entries = vulnerabilities_for_cyclonedx(results, refs)
    by_id = {e["id"]: e for e in entries}
    rebuild = by_id["CVE-2024-20510"]
    assert rebuild["analysis"]["state"] == "exploitable"
    statuses = {a["ref"]: a["versions"][0]["status"] for a in rebuild["affects"]}
    assert statuses == {"device-edge1": "affected", "device-edge2": "unaffected"}
    assert rebuild["ratings"][0]["method"] == "SSVC"
    kev = by_id["CVE-2023-20198"]
    names = {p["name"]: p["value"] for p in kev["properties"]}
    assert names["netsbom:vuln:kev"] == "true" and "netsbom:vuln:epss:score" in names
    hardware = [e for e in entries if e["analysis"].get("justification") == "requires_environment"]
    assert "CVE-2020-3566" in {e["id"] for e in hardware}  # NVD: IOS XR 6.4.2 on ASR 9000 only
    doc = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "version": 1,
        "components": [{"type": "device", "name": n, "bom-ref": r} for n, r in refs.items()],
        "vulnerabilities": entries,
    }
    errors = JsonStrictValidator(SchemaVersion.V1_6).validate_str(json.dumps(doc))
    assert errors is None, errors
    assert vulnerabilities_for_cyclonedx(results, refs) == entries  # deterministic


def test_not_affected_justifications() -> None:
    from netsbom.vuln.assess import Assessment

    def item(device: str, basis: str) -> Assessment:
        return Assessment(
            device=device,
            target_id=device,
            cve="CVE-2000-0001",
            os_version="1.0",
            affected=False,
            reason="r",
            sources=("nvd",),
            basis=basis,
            kev=False,
            kev_due_date=None,
            epss=None,
            epss_percentile=None,
            ssvc={"decision": "Track"},
        )

    version = vulnerabilities_for_cyclonedx([item("a", "version")], {"a": "ref-a"})
    hardware = vulnerabilities_for_cyclonedx([item("a", "hardware")], {"a": "ref-a"})
    assert version[0]["analysis"]["justification"] == "code_not_present"
    assert hardware[0]["analysis"]["justification"] == "requires_environment"
    assert vulnerabilities_for_cyclonedx([item("a", "product")], {"a": "ref-a"}) == []
