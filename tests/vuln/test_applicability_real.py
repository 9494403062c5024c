"""Applicability against the real CVE, NVD and KEV records in ../shared/vuln.

Expectations are read from the records themselves at test time (which versions the vendor
lists, where its fixes are), so the tests check netsbom against what the records say.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from netsbom.vuln.applicability import applicability
from netsbom.vuln.feeds import CveData, Feeds
from netsbom.vuln.verdict import BASIS_HARDWARE, BASIS_VERSION

from .conftest import cna_record, facts


def vendor_only(feeds: Feeds, cve: str) -> CveData:
    data = feeds.cves[cve]
    return CveData(
        cve,
        cna_affected=data.cna_affected,
        assigner=data.assigner,
        cna_vendor_names=data.cna_vendor_names,
    )


def nvd_only(feeds: Feeds, cve: str) -> CveData:
    data = feeds.cves[cve]
    assert data.nvd_configurations, f"{cve} has NVD configurations"
    return CveData(cve, nvd_configurations=data.nvd_configurations)


def listed(shared: Path, cve: str, product: str) -> set[str]:
    for entry in cna_record(shared, cve)["containers"]["cna"]["affected"]:
        if entry["product"] == product:
            return {v["version"] for v in entry["versions"] if v["status"] == "affected"}
    raise AssertionError(f"{product} not in {cve}")


def entry_of(shared: Path, cve: str, product: str) -> dict[str, Any]:
    for entry in cna_record(shared, cve)["containers"]["cna"]["affected"]:
        if entry["product"] == product:
            return dict(entry)
    raise AssertionError(f"{product} not in {cve}")


# --- Cisco: exact enumerations, rebuild letters -------------------------------------------


@pytest.mark.parametrize(
    ("cve", "release"), [("CVE-2024-20510", "17.12.3"), ("CVE-2024-20324", "17.3.1")]
)
def test_ios_xe_rebuild_is_not_its_base_release(
    vuln_data: Path, feeds: Feeds, cve: str, release: str
) -> None:
    versions = listed(vuln_data, cve, "Cisco IOS XE Software")
    assert release in versions and release + "a" not in versions  # what the vendor says
    base = applicability(vendor_only(feeds, cve), facts("ios-xe", release, model="C9300-48P"))
    rebuild = applicability(vendor_only(feeds, cve), facts("ios-xe", release + "a"))
    assert base.affected is True
    assert rebuild.affected is False and rebuild.basis == BASIS_VERSION
    assert "not affected" in rebuild.reason


@pytest.mark.parametrize(
    ("family", "product"),
    [
        ("ios", "IOS"),
        ("ios-xe", "Cisco IOS XE Software"),
        ("nxos", "Cisco NX-OS Software"),
        ("iosxr", "Cisco IOS XR Software"),
        ("asa", "Cisco Adaptive Security Appliance (ASA) Software"),
        ("ftd", "Cisco Firepower Threat Defense Software"),
    ],
)
def test_cisco_enumerations_are_exact_sets(
    vuln_data: Path, feeds: Feeds, family: str, product: str
) -> None:
    cves = sorted(
        (
            c
            for c in feeds.cves.values()
            if any(e.get("product") == product and e.get("versions") for e in c.cna_affected or ())
        ),
        key=lambda c: c.id,
    )
    assert cves, f"no {product} record"
    cve = cves[-1].id
    versions = sorted(listed(vuln_data, cve, product))
    for version in versions:
        assert applicability(vendor_only(feeds, cve), facts(family, version)).affected is True
    # a release of a listed train that the vendor does not list is not affected
    first = facts(family, versions[0]).version
    assert first is not None
    unlisted = _unlisted_neighbour(family, versions)
    if unlisted is not None:
        verdict = applicability(vendor_only(feeds, cve), facts(family, unlisted))
        assert verdict.affected is False, verdict.reason


def _unlisted_neighbour(family: str, versions: list[str]) -> str | None:
    for version in versions:
        candidate = re.sub(r"(\d+)(?!.*\d)", lambda m: str(int(m.group(1)) + 97), version)
        if candidate not in versions and facts(family, candidate).version is not None:
            return candidate
    return None


# --- Juniper: branch-aware fixes, Evolved, platforms -------------------------------------


def _juniper_branch_cases(feeds: Feeds) -> list[tuple[str, str, str, list[str]]]:
    cases = []
    for cve in sorted(feeds.cves):
        for entry in feeds.cves[cve].cna_affected or ():
            family = {"Junos OS": "junos", "Junos OS Evolved": "junos-evolved"}.get(
                str(entry.get("product"))
            )
            if family is None or entry.get("platforms"):
                continue
            for item in entry.get("versions") or ():
                fixes = [f.strip() for f in str(item.get("lessThan") or "").split(",") if f.strip()]
                if len(fixes) >= 2 and item.get("status") == "affected":
                    cases.append((cve, family, str(item["version"]), fixes))
    return cases


def test_junos_fixes_apply_per_branch(feeds: Feeds) -> None:
    cases = _juniper_branch_cases(feeds)
    assert len(cases) >= 20
    checked = 0
    for cve, family, _start, fixes in cases:
        data = vendor_only(feeds, cve)
        for fix in fixes:
            match = re.fullmatch(r"(\d+\.\d+R)(\d+)(?:-S(\d+))?(-EVO)?", fix)
            if not match:
                continue
            evo = match[4] or ""
            assert (
                applicability(data, facts(family, fix, vendor="Juniper Networks")).affected is False
            ), (cve, fix)
            if match[3]:  # the service release just before the fix on the same branch
                before = f"{match[1]}{match[2]}-S{int(match[3]) - 1}{evo}"
                if int(match[3]) == 1:
                    before = f"{match[1]}{match[2]}{evo}"
                verdict = applicability(data, facts(family, before, vendor="Juniper Networks"))
                assert verdict.affected is True, (cve, before, verdict.reason)
                checked += 1
    assert checked >= 10


def test_junos_22_3r3_is_affected_when_its_branch_is_fixed_only_in_s1(feeds: Feeds) -> None:
    cases = [
        (c, f, fixes)
        for c, f, _s, fixes in _juniper_branch_cases(feeds)
        if any(re.fullmatch(r"\d+\.\d+R\d+-S1(-EVO)?", x) for x in fixes[1:])
    ]
    assert cases
    cve, family, fixes = cases[0]
    branch_start = re.sub(r"-S1(-EVO)?$", r"\1", fixes[1])  # 22.3R3 when the fix is 22.3R3-S1
    verdict = applicability(
        vendor_only(feeds, cve), facts(family, branch_start, vendor="Juniper Networks")
    )
    assert verdict.affected is True, verdict.reason


def test_junos_platforms_restrict_hardware(vuln_data: Path, feeds: Feeds) -> None:
    entry = entry_of(vuln_data, "CVE-2023-44198", "Junos OS")
    assert set(entry["platforms"]) == {"SRX Series", "MX Series"}
    data = vendor_only(feeds, "CVE-2023-44198")
    juniper = {"vendor": "Juniper Networks"}
    assert applicability(data, facts("junos", "21.4R3-S1", model="MX480", **juniper)).affected
    ex = applicability(data, facts("junos", "21.4R3-S1", model="EX4300-48T", **juniper))
    assert ex.affected is False and ex.basis == BASIS_HARDWARE
    assert applicability(data, facts("junos", "21.4R3-S1", **juniper)).affected is None


# --- Palo Alto: hotfixes across entries ----------------------------------------------------


def test_panos_hotfix_fix_covers_its_maintenance_release(vuln_data: Path, feeds: Feeds) -> None:
    entry = entry_of(vuln_data, "CVE-2024-0010", "PAN-OS")
    ends = {v.get("lessThan") for v in entry["versions"]}
    assert {"10.1.11-h1", "10.1.12"} <= ends
    data = vendor_only(feeds, "CVE-2024-0010")
    pan = {"vendor": "Palo Alto Networks"}
    assert applicability(data, facts("panos", "10.1.11", **pan)).affected is True
    assert applicability(data, facts("panos", "10.1.11-h1", **pan)).affected is False
    assert applicability(data, facts("panos", "10.1.11-h4", **pan)).affected is False
    assert applicability(data, facts("panos", "10.1.12", **pan)).affected is False
    assert applicability(data, facts("panos", "10.1.10-h9", **pan)).affected is True


# --- Fortinet, Citrix, SonicWall: ranges at their boundaries ------------------------------


def test_fortios_less_than_or_equal_boundaries(vuln_data: Path, feeds: Feeds) -> None:
    entry = entry_of(vuln_data, "CVE-2022-41328", "FortiOS")
    for item in entry["versions"]:
        last = item["lessThanOrEqual"]
        major, minor, patch = (int(x) for x in last.split("."))
        data = vendor_only(feeds, "CVE-2022-41328")
        on = applicability(data, facts("fortios", last, vendor="Fortinet"))
        after = applicability(
            data, facts("fortios", f"{major}.{minor}.{patch + 1}", vendor="Fortinet")
        )
        assert on.affected is True and after.affected is False, (last, after.reason)


def test_fortios_free_text_list_skips_the_other_product(feeds: Feeds) -> None:
    data = vendor_only(feeds, "CVE-2018-13379")
    assert applicability(data, facts("fortios", "6.0.4", vendor="Fortinet")).affected is True
    assert applicability(data, facts("fortios", "6.0.5", vendor="Fortinet")).affected is False


def test_netscaler_builds_and_fips_train(vuln_data: Path, feeds: Feeds) -> None:
    entry = entry_of(vuln_data, "CVE-2023-3467", "NetScaler ADC\u202f")
    ends = {v["version"]: v["lessThan"] for v in entry["versions"]}
    data = vendor_only(feeds, "CVE-2023-3467")
    citrix = {"vendor": "Citrix"}
    build = ends["13.1"]
    major, minor = (int(x) for x in build.split("."))
    assert applicability(data, facts("netscaler", f"13.1-{major}.{minor - 1}", **citrix)).affected
    assert applicability(data, facts("netscaler", f"13.1-{build}", **citrix)).affected is False
    fips = ends["13.1-FIPS"]
    fmaj, fmin = (int(x) for x in fips.split("."))
    below = applicability(
        data, facts("netscaler", f"13.1-{fmaj}.{fmin - 1}", os_name="NetScaler FIPS", **citrix)
    )
    assert below.affected is True, below.reason
    assert applicability(data, facts("netscaler", f"13.1-FIPS-{fips}", **citrix)).affected is False


def test_sonicos_and_earlier_versions(feeds: Feeds) -> None:
    cves = [
        c
        for c in feeds.cves.values()
        if any(
            "and earlier" in str(v.get("version"))
            for e in c.cna_affected or ()
            if e.get("product") == "SonicOS"
            for v in e.get("versions") or ()
        )
    ]
    assert cves
    checked = 0
    for cve in cves:
        for entry in cve.cna_affected or ():
            for item in entry.get("versions") or ():
                match = re.match(r"(7\.\d\.\d-)(\d+) and earlier", str(item.get("version")))
                if entry.get("product") != "SonicOS" or not match:
                    continue
                data = vendor_only(feeds, cve.id)
                last = f"{match[1]}{match[2]}"
                later = f"{match[1]}{int(match[2]) + 1}"
                assert applicability(data, facts("sonicos", last, vendor="SonicWall")).affected
                verdict = applicability(data, facts("sonicos", later, vendor="SonicWall"))
                assert verdict.affected is not True or "and earlier" in verdict.reason
                checked += 1
    assert checked


def test_big_ip_ranges_per_release_line_and_modules(vuln_data: Path, feeds: Feeds) -> None:
    """F5's records: one range per release line (``lessThan: *`` = the whole line); modules
    other than "All Modules" are said in the reason (a record does not say which are
    provisioned)."""
    checked = 0
    for cve in ("CVE-2023-38138", "CVE-2023-39447"):
        data = vendor_only(feeds, cve)
        for entry in cna_record(vuln_data, cve)["containers"]["cna"]["affected"]:
            if entry["product"] != "BIG-IP":
                continue
            modules = [m for m in entry.get("modules") or () if m.lower() != "all modules"]
            for item in entry["versions"]:
                start, end = item["version"], item["lessThan"]
                if int(start.split(".")[0]) < 11:  # a module with its own releases
                    continue
                verdict = applicability(data, facts("tmos", start, vendor="F5"))
                assert verdict.affected is (item["status"] == "affected"), (cve, start, verdict)
                if verdict.affected and modules:
                    assert all(m in verdict.reason for m in modules), verdict.reason
                if end != "*" and item["status"] == "affected":
                    fixed = applicability(data, facts("tmos", end, vendor="F5"))
                    assert fixed.affected is False, (cve, end, fixed)
                checked += 1
    assert checked >= 8
    # another F5 product (the Edge Client) is not BIG-IP
    client = vendor_only(feeds, "CVE-2023-36858")
    assert applicability(client, facts("tmos", "7.2.3", vendor="F5")).affected is not True


# --- NVD: AND nodes with hardware, ranges, vendor wins ------------------------------------


def test_nvd_and_node_needs_the_hardware(feeds: Feeds) -> None:
    data = nvd_only(feeds, "CVE-2020-3566")
    on_asr = applicability(data, facts("iosxr", "6.4.2", model="ASR-9001"))
    on_ncs = applicability(data, facts("iosxr", "6.4.2", model="NCS-5501"))
    no_model = applicability(data, facts("iosxr", "6.4.2"))
    other_version = applicability(data, facts("iosxr", "6.4.3", model="ASR-9001"))
    assert on_asr.affected is True
    assert on_ncs.affected is False and on_ncs.basis == BASIS_HARDWARE
    assert no_model.affected is None
    assert other_version.affected is False and other_version.basis == BASIS_VERSION


def test_nvd_hardware_by_hardware_cpe(feeds: Feeds) -> None:
    data = nvd_only(feeds, "CVE-2019-1653")
    device = facts(
        None,
        "1.4.2.15",
        os_cpe="cpe:2.3:o:cisco:rv320_firmware:1.4.2.15:*:*:*:*:*:*:*",
        hardware_cpe="cpe:2.3:h:cisco:rv320:-:*:*:*:*:*:*:*",
    )
    # rv320 firmware is not a contract family: the record's own CPEs carry the match
    assert device.product is None
    assert applicability(data, device).affected is None  # no grammar for unknown families


def test_nvd_junos_exact_cpes_with_update_and_ex_hardware(feeds: Feeds) -> None:
    data = nvd_only(feeds, "CVE-2023-36851")
    juniper = {"vendor": "Juniper Networks"}
    listed = applicability(data, facts("junos", "21.2R1-S1", model="EX2300-24T", **juniper))
    assert listed.affected is True, listed.reason
    srx = applicability(data, facts("junos", "21.2R1-S1", model="MX480", **juniper))
    assert srx.affected is False and srx.basis == BASIS_HARDWARE


def test_nvd_eos_ranges_with_maturity_letters(feeds: Feeds) -> None:
    data = nvd_only(feeds, "CVE-2021-28500")
    arista = {"vendor": "Arista Networks"}
    assert applicability(data, facts("eos", "4.21.14M", **arista)).affected is True
    assert applicability(data, facts("eos", "4.21.15M", **arista)).affected is False
    assert applicability(data, facts("eos", "4.19.10M", **arista)).affected is True


def test_nvd_appliance_hardware_matches_every_netscaler(feeds: Feeds) -> None:
    data = nvd_only(feeds, "CVE-2019-19781")
    verdict = applicability(
        data, facts("netscaler", "13.0-47.24", vendor="Citrix", model="NetScaler MPX 8905")
    )
    assert verdict.affected is True


def test_vendor_wins_over_nvd_and_says_so(feeds: Feeds) -> None:
    real = feeds.cves["CVE-2022-41328"]
    assert real.nvd_configurations and real.cna_affected
    # NVD says FortiOS 6.2.0 up to 6.2.14 (excluded); the vendor record is authoritative
    both = applicability(real, facts("fortios", "6.2.13", vendor="Fortinet"))
    assert both.affected is True and both.source.startswith("cna:")
    tampered = CveData(
        real.id,
        nvd_configurations=real.nvd_configurations,
        cna_affected=[
            {
                "vendor": "Fortinet",
                "product": "FortiOS",
                "defaultStatus": "unaffected",
                "versions": [
                    {"version": "7.0.0", "lessThanOrEqual": "7.0.9", "status": "affected"}
                ],
            }
        ],
    )
    verdict = applicability(tampered, facts("fortios", "6.2.13", vendor="Fortinet"))
    assert verdict.affected is False
    assert "NVD disagrees" in verdict.reason and "vendor wins" in verdict.reason


def test_no_usable_data_is_undecidable_never_false(feeds: Feeds) -> None:
    kev_only = [
        c
        for c in feeds.kev.values()
        if c.cve not in feeds.cves and c.vendor == "Cisco" and c.product and "IOS XE" in c.product
    ]
    assert kev_only
    verdict = applicability(CveData(kev_only[0].cve), facts("ios-xe", "17.9.4"), kev_only[0])
    assert verdict.affected is None
    assert "no usable product data" in verdict.reason
