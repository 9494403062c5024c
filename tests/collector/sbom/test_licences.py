"""Concluded licences and copyright texts (issue 17 point 1, CISA FSCT3): where each comes
from (device, package manager, registry, hardware, operator), the operator's rules file, and
all four formats schema-valid with them."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from netsbom.agent.platforms.linux import parse_apk, parse_rpm
from netsbom.collector.export import SbomOptions, render_sbom
from netsbom.collector.sbom.build import build_document
from netsbom.collector.sbom.licences import load_licence_rules, spdx_expression
from netsbom.collector.sbom.model import Component, walk
from netsbom.collector.sbom.validate import validate_cyclonedx_json, validate_cyclonedx_xml
from netsbom.core.cli import cli
from netsbom.core.errors import ExportError
from netsbom.core.record import DeviceRecord, OsInfo, record_to_dict
from netsbom.topology.configuration import Configuration, build_configuration
from tests.collector.sbom.test_spdx import validate_spdx2, validate_spdx3
from tests.conftest import make_record

RULES = Path(__file__).parents[2] / "data" / "licences" / "lab-fleet.yaml"
NXOS_SYSDESCR = (
    "Cisco NX-OS(tm) n7700, Software (n7700-s2-dk9), Version 8.4(3), RELEASE SOFTWARE"
    " Copyright (c) 2002-2020 by Cisco Systems, Inc. Compiled 9/4/2020 23:00:00"
)
# rpm -qa --qf '%{NAME}\t%{VERSION}-%{RELEASE}\t%{ARCH}\t%{LICENSE}\n': Fedora 39 writes SPDX
# expressions, RHEL 9 its older names ("zlib and Boost"), gpg-pubkey "pubkey"
RPM_OUTPUT = (
    "bash\t5.2.26-1.fc39\tx86_64\tGPL-3.0-or-later\n"
    "zlib\t1.2.11-40.el9\tx86_64\tzlib and Boost\n"
    "gpg-pubkey\t3228467c-613798eb\t(none)\tpubkey\n"
    "tzdata\t2024a-1.fc39\tnoarch\t(none)\n"
)


def _components(doc: Any) -> dict[str, Component]:
    return {c.ref: c for c, _ in walk(doc.components)}


def _config(*records: DeviceRecord) -> Configuration:
    return build_configuration("lab", "2026-11-20T10:00:00Z", list(records))


# apk list --installed on Alpine 3.19
APK_OUTPUT = """alpine-baselayout-3.4.3-r2 x86_64 {alpine-baselayout} (GPL-2.0-only) [installed]
ca-certificates-bundle-20230506-r0 x86_64 {ca-certificates} (MPL-2.0 AND MIT) [installed]
libcrypto3-3.1.4-r2 x86_64 {openssl} (Apache-2.0) [installed]
musl-1.2.4_git20230717-r4 x86_64 {musl} (MIT) [installed]
"""


def test_apk_reports_each_package_licence() -> None:
    found = [(s.name, s.version, s.licence, s.purl) for s in parse_apk(APK_OUTPUT).software]
    assert found[1] == (
        "ca-certificates-bundle",
        "20230506-r0",
        "MPL-2.0 AND MIT",
        "pkg:apk/ca-certificates-bundle@20230506-r0?arch=x86_64",
    )
    assert [f[:3] for f in found[2:]] == [
        ("libcrypto3", "3.1.4-r2", "Apache-2.0"),
        ("musl", "1.2.4_git20230717-r4", "MIT"),
    ]
    assert parse_apk("-bash: apk: command not found\n").software == ()


def test_rpm_reports_each_package_licence() -> None:
    found = {s.name: s.licence for s in parse_rpm(RPM_OUTPUT).software}
    assert found == {
        "bash": "GPL-3.0-or-later",
        "zlib": "zlib and Boost",
        "gpg-pubkey": "pubkey",
        "tzdata": None,
    }
    assert parse_rpm("zlib 1.2.11-40.el9 x86_64\n").software[0].licence is None  # no tabs


def test_sources_device_registry_hardware_and_package_manager() -> None:
    base = make_record("edge1")
    record = replace(
        base,
        description=NXOS_SYSDESCR,
        software=tuple(parse_rpm(RPM_OUTPUT).software),
    )
    by_ref = _components(build_document(_config(record)))
    os = by_ref["device:edge1/os"]
    assert os.copyright == "Copyright (c) 2002-2020 by Cisco Systems, Inc."  # its sysDescr
    assert os.prop("netsbom:copyright_source") == "device"
    assert (os.licence, os.prop("netsbom:licence_source")) == (
        "LicenseRef-Cisco-EULA",
        "registry",
    )
    device = by_ref["device:edge1"]
    assert (device.licence, device.copyright) == ("NONE", "NONE")
    assert device.prop("netsbom:licence_source") == "hardware"
    chassis = by_ref["device:edge1/hw:1"]
    assert (chassis.licence, chassis.prop("netsbom:copyright_source")) == ("NONE", "hardware")
    bash = next(c for c in by_ref.values() if c.name == "bash")
    assert (bash.licence, bash.prop("netsbom:licence_source")) == (
        "GPL-3.0-or-later",
        "package-manager",
    )
    zlib = next(c for c in by_ref.values() if c.name == "zlib")
    # "Boost" is no SPDX id: the declaration is shown, not concluded from
    assert zlib.prop("netsbom:licence:declared") == "zlib and Boost"
    assert zlib.prop("netsbom:licence_source") != "package-manager"


def test_the_devices_own_show_version_notice_wins_over_sysdescr() -> None:
    record = replace(
        make_record("edge1"),
        description=NXOS_SYSDESCR,
        os=OsInfo("ios-xe", "17.9.4a", name="Cisco IOS XE", copyright="Copyright (c) 2023 X"),
    )
    os = _components(build_document(_config(record)))["device:edge1/os"]
    assert os.copyright == "Copyright (c) 2023 X"


def test_without_registry_terms_nothing_is_asserted() -> None:
    record = replace(
        make_record("fw1"),
        vendor="Stormshield",
        os=OsInfo("ns-bsd", "4.3.21", name="Stormshield SNS"),
    )
    os = _components(build_document(_config(record)))["device:fw1/os"]
    assert (os.licence, os.copyright) == (None, None)
    assert os.prop("netsbom:licence_source") is None
    virtual = replace(record, virtual=True)
    device = _components(build_document(_config(virtual)))["device:fw1"]
    assert device.licence is None  # a VM is no hardware: no NONE for it


def test_operator_rules_win_first_match_and_leave_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "licences.yaml"
    path.write_text(
        "licences:\n"
        "  - {id: LicenseRef-Our-Cisco-Contract, name: Our Cisco contract, text: contract C-1}\n"
        "rules:\n"
        "  - match: {kind: os, vendor: cisco*, model: C9300-*}\n"
        "    licence: LicenseRef-Our-Cisco-Contract\n"
        "  - match: {kind: os}\n"
        "    licence: MIT\n"
        "    copyright: never used for the OS licence above, but for its copyright\n"
    )
    rules = load_licence_rules(path)
    doc = build_document(_config(make_record("edge1")), licences=rules)
    os = _components(doc)["device:edge1/os"]
    assert (os.licence, os.prop("netsbom:licence_source")) == (
        "LicenseRef-Our-Cisco-Contract",
        "operator",
    )
    # the first matching rule said nothing of copyright: the registry's holder stays
    assert os.prop("netsbom:copyright_source") == "registry"
    firmware = _components(doc)["device:edge1/hw:2/firmware"]  # no rule for it: the registry's
    assert firmware.licence == "LicenseRef-Cisco-EULA"
    assert [c.id for c in doc.licences] == [
        "LicenseRef-Cisco-EULA",
        "LicenseRef-Our-Cisco-Contract",
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("rules:\n  - {match: {kind: os}, licence: GPLv2+}\n", "rules.0.licence"),
        ("rules:\n  - {match: {kind: os}, licence: MIT OR}\n", "not a licence expression"),
        ("rules:\n  - {match: {kind: os}, licence: LicenseRef-Nowhere}\n", "not defined"),
        ("rules:\n  - {match: {colour: red}, licence: MIT}\n", "colour"),
        ("rules:\n  - {match: {kind: chassis}, licence: MIT}\n", "kind"),
        ("rules: {}\n", "list of `rules`"),
        ("licences: [{id: LicenseRef-A, name: A}]\nrules: []\n", "text or the url"),
        ("rules: [\n", "not valid YAML"),
    ],
)
def test_invalid_rules_are_refused_clearly(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "licences.yaml"
    path.write_text(content)
    with pytest.raises(ExportError, match=message) as error:
        load_licence_rules(path)
    assert str(path) in str(error.value)


def test_expressions_are_canonical() -> None:
    assert spdx_expression("gpl-2.0+ and mit") == "GPL-2.0-or-later AND MIT"
    assert spdx_expression("NONE") == "NONE"
    with pytest.raises(ValueError, match="Boost"):
        spdx_expression("zlib and Boost")


@pytest.mark.parametrize("fmt", ["cyclonedx-json", "cyclonedx-xml", "spdx-json", "spdx3-jsonld"])
def test_every_format_stays_valid_with_licences(tmp_path: Path, fmt: str) -> None:
    from netsbom.lab.fleet import synthetic_fleet

    records = synthetic_fleet(12, links=18)
    rpm_host = replace(
        make_record("rpm1"),
        description=NXOS_SYSDESCR,
        software=tuple(parse_rpm(RPM_OUTPUT).software),
    )
    config = build_configuration("lab-fleet", "2026-11-20T10:00:00Z", [*records, rpm_host])
    data = render_sbom(config, fmt, None, SbomOptions(licences=load_licence_rules(RULES)))
    if fmt == "cyclonedx-json":
        validate_cyclonedx_json(data)
        doc = json.loads(data)
        licences = [c.get("licenses") for c in doc["components"][0]["components"]]
        assert any(licences)
    elif fmt == "cyclonedx-xml":
        validate_cyclonedx_xml(data)
        assert b'<license acknowledgement="concluded">' in data and b"<copyright>" in data
    elif fmt == "spdx-json":
        assert validate_spdx2(data, tmp_path) == []
        doc = json.loads(data)
        ids = {e["licenseId"] for e in doc["hasExtractedLicensingInfos"]}
        assert {"LicenseRef-Cisco-EULA", "LicenseRef-Arista-EULA"} <= ids
    else:
        assert validate_spdx3(data) == []


def test_cli_licences_option(tmp_path: Path) -> None:
    from netsbom.lab.fleet import synthetic_fleet

    records = tmp_path / "records.jsonl"
    fleet = synthetic_fleet(6, links=6)
    records.write_text("".join(json.dumps(record_to_dict(r)) + "\n" for r in fleet))
    out = tmp_path / "lab.cdx.json"
    args = ["sbom", "export", "--records", str(records), "--out", str(out)]
    result = CliRunner().invoke(cli, [*args, "--licences", str(RULES)])
    assert result.exit_code == 0, result.output
    doc = json.loads(out.read_bytes())
    network = doc["metadata"]["component"]
    assert {"name": "netsbom:copyright_source", "value": "operator"} in network["properties"]
    assert "licenses" not in network  # NONE: CycloneDX has no such statement, the source says it
    bad = tmp_path / "bad.yaml"
    bad.write_text("rules:\n  - {match: {kind: os}, licence: GPLv2+}\n")
    refused = CliRunner().invoke(cli, [*args, "--licences", str(bad)])
    assert refused.exit_code != 0 and "GPLv2+" in refused.output and str(bad) in refused.output


def test_bsi_profile_lists_licences_as_unmet_only_while_some_are_missing(tmp_path: Path) -> None:
    from netsbom.collector.export import parse_entity
    from netsbom.collector.sbom.checks import check_file
    from netsbom.lab.fleet import synthetic_fleet

    config = build_configuration("lab-fleet", "2026-11-20T10:00:00Z", synthetic_fleet(12, links=18))
    author = (parse_entity("Audit,sbom@audit.example", "--author"),)
    for rules, gap in ((None, True), (load_licence_rules(RULES), False)):
        options = SbomOptions(authors=author, profile="bsi-tr-03183-2", licences=rules)
        data = render_sbom(config, "cyclonedx-json", None, options)
        props = json.loads(data)["metadata"]["properties"]
        unmet = [p["value"] for p in props if p["name"] == "netsbom:profile:unmet"]
        assert any(u.startswith("licences: ") for u in unmet) == gap, unmet
        assert any(u.startswith("SHA-512") for u in unmet)
        path = tmp_path / "bsi.cdx.json"
        path.write_bytes(data)
        notes = check_file(path, "bsi-tr-03183-2").notes
        assert any("licences: " in n for n in notes) == gap, notes
