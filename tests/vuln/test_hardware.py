"""Hardware scope of vendor statements: series against models, platforms, product names,
descriptions, and NVD's hardware limits where the vendor names no hardware."""

from __future__ import annotations

from dataclasses import replace

import pytest

from netsbom.core.record import Component
from netsbom.vuln.applicability import applicability
from netsbom.vuln.device import device_facts
from netsbom.vuln.feeds import CveData, Feeds
from netsbom.vuln.hardware import description_scope, platforms_scope, series_list
from netsbom.vuln.verdict import BASIS_HARDWARE, BASIS_VERSION, NEEDS_MODEL, NEEDS_MODULES

from .conftest import facts, record


@pytest.mark.parametrize(
    ("series", "model", "on"),
    [
        ("SRX 5000 Series", "SRX5400", True),
        ("SRX 5000 Series", "SRX4600", False),
        ("QFX5k", "QFX5120-48Y", True),
        ("MX Series", "MX10003", True),
        ("MX Series", "EX4300-48P", False),
        ("PTX10003 Series", "PTX10003-80C", True),
        ("PTX10003 Series", "PTX10008", False),
        ("7750 SR", "7750 SR-1", True),
        ("7750 SR", "7450 ESS-7", False),
        ("Cisco 8000 Series Routers", "8201-32FH", True),
        ("Cisco 8000 Series Routers", "C8300-1N1S-6T", False),
        ("Cisco ASR 9000 Series Aggregation Services Routers", "ASR-9901", True),
        ("Cisco ASR 9000 Series Aggregation Services Routers", "ASR-920-24SZ-M", False),
        ("Catalyst 9300", "C9300-48P", True),
        ("Catalyst 9300", "C9200L-24P", False),
        ("Nexus 9000 Series", "N9K-C93180YC-EX", True),
        ("Nexus 9000 Series", "N3K-C3064PQ-10GX", False),
        ("Cisco Network Convergence System (NCS) 540 Series", "N540X-16Z4G8Q2C-A", True),
        ("Cisco Network Convergence System (NCS) 540 Series", "NCS-5501", False),
        ("NCS 5700 Series", "NCS-57C3-MOD-SYS", True),
        ("Firepower 1000, 2100, 3100, and 4200 Series", "FPR-2130", True),
        ("Firepower 1000, 2100, 3100, and 4200 Series", "Cisco Firepower 1010", True),
        ("Firepower 1000, 2100, 3100, and 4200 Series", "FPR-4115", False),
        ("FortiGate 6000 Series, FortiGate 7000 Series", "FortiGate-7121F", True),
        ("FortiGate 6000 Series, FortiGate 7000 Series", "FG-60F", False),
        ("Panorama", "M-600", True),
        ("Panorama", "PA-3220", False),
        ("ASAv", "ASAv30", True),
        ("ASAv", "ASA5516-X", False),
        ("Wireless Controllers", "C9800-40-K9", True),
        ("Wireless Controllers", "ASR1001-X", False),
    ],
)
def test_series_against_models(series: str, model: str, on: bool) -> None:
    assert any(s.matches(model) for s in series_list(series)) is on


def test_cards_are_exact_and_found_inside_part_names() -> None:
    scope = platforms_scope(["MX Series with MPC1 - MPC9", "MX Series with SPC3"])
    judge = scope.judge
    assert judge(("MX480",), ("MPC7E-MRATE",)).on is True
    assert judge(("MX480",), ("MPC10E-15C-MRATE",)).on is False  # MPC10 is not MPC1
    assert judge(("MX480",), ("MX-SPC3",)).on is True  # the card inside the part name
    unknown = judge(("MX480",), None)
    assert unknown.on is None and unknown.needs == "modules"
    assert judge((), None).on is None


def test_platform_items_that_are_cards_belong_to_the_chassis_before_them(feeds: Feeds) -> None:
    entry = next(e for e in feeds.cves["CVE-2024-21593"].cna_affected or () if e.get("platforms"))
    assert "MPC11" in entry["platforms"]  # the vendor split "MX Series with MPC10, MPC11, ..."
    scope = platforms_scope(list(entry["platforms"]))
    assert scope.judge(("MX480",), ("MPC11E",)).on is True
    assert scope.judge(("MX304",), None).on is True
    assert scope.judge(("EX4300-48P",), None).on is False


def test_description_limits_and_exclusions() -> None:
    told = description_scope(
        "A vulnerability in the SSH client of Cisco IOS XR Software for Cisco 8000 Series Routers "
        "and Cisco Network Convergence System (NCS) 540 Series and 5700 Series Routers could "
        "allow an attacker to do harm. Cisco ASR 9000 Series Routers are not affected.",
        r"(cisco )?ios xr( software)?",
    )
    assert told.judge(("8201-32FH",), None).on is True
    assert told.judge(("NCS-57C3-MOD-SYS",), None).on is True
    assert told.judge(("ASR-9901",), None).on is False
    words = description_scope(
        "This issue affects Junos OS on SRX Series. Junos OS versions prior to 21.4 are not "
        "affected.",
        r"(juniper )?junos( os)?",
    )
    assert words.excluded == ()  # "21.4" names a release, not hardware


def test_the_description_narrows_a_general_platform(feeds: Feeds) -> None:
    cve = feeds.cves["CVE-2024-30388"]  # platforms "QFX5000 Series", "EX Series"
    juniper = {"vendor": "Juniper Networks"}
    on = applicability(cve, facts("junos", "21.4R3-S3", model="EX4400-48T", **juniper))
    off = applicability(cve, facts("junos", "21.4R3-S3", model="EX4300-48P", **juniper))
    assert on.affected is True
    assert off.affected is False and off.basis == BASIS_HARDWARE


def test_product_name_lists_and_their_hardware(feeds: Feeds) -> None:
    cve = feeds.cves["CVE-2023-6728"]  # "SR OS (7250 IXR, ...), 7705 SAR OS, 7210 SAS OS"
    nokia = {"vendor": "Nokia"}
    assert applicability(cve, facts("sros", "22.10.R1", model="7750 SR-1", **nokia)).affected
    assert applicability(cve, facts("sros", "23.10.R2", model="7705 SAR-8", **nokia)).affected
    newer = applicability(cve, facts("sros", "24.3.R1", model="7750 SR-1", **nokia))
    assert newer.affected is False and newer.basis == BASIS_VERSION  # prior to Release 24
    other = applicability(cve, facts("sros", "22.10.R1", model="7450 ESS-7", **nokia))
    assert other.affected is True  # 7450 ESS is in the list
    srl = applicability(cve, facts("sros", "22.10.R1", model="7220 IXR-D2", **nokia))
    assert srl.affected is False and srl.basis == BASIS_HARDWARE


def test_variant_entries_decide_for_their_hardware() -> None:
    entries = [
        {"vendor": "Fortinet", "product": "FortiOS", "defaultStatus": "unaffected",
         "versions": [{"version": "7.0.0", "lessThanOrEqual": "7.0.13", "status": "affected"}]},
        {"vendor": "Fortinet", "product": "FortiOS-6K7K", "defaultStatus": "unaffected",
         "versions": [{"version": "7.0.5", "lessThanOrEqual": "7.0.12", "status": "affected"}]},
    ]  # fmt: skip
    cve = CveData("CVE-2099-0001", cna_affected=entries, assigner="fortinet")
    fortinet = {"vendor": "Fortinet"}
    small = applicability(cve, facts("fortios", "7.0.13", model="FortiGate-60F", **fortinet))
    chassis = applicability(cve, facts("fortios", "7.0.13", model="FortiGate-7121F", **fortinet))
    assert small.affected is True
    assert chassis.affected is False and "6K7K" in chassis.reason


def test_nvd_hardware_limit_kept_when_the_vendor_names_no_hardware(feeds: Feeds) -> None:
    nvd = feeds.cves["CVE-2020-3566"].nvd_configurations  # IOS XR 6.4.2 AND ASR 9000 h: CPEs
    assert nvd
    vendor = [{"vendor": "Cisco", "product": "Cisco IOS XR Software",
               "versions": [{"version": "6.4.2", "status": "affected"}]}]  # fmt: skip
    cve = CveData("CVE-2020-3566", nvd_configurations=nvd, cna_affected=vendor, assigner="cisco")
    asr = applicability(cve, facts("iosxr", "6.4.2", model="ASR-9001"))
    ncs = applicability(cve, facts("iosxr", "6.4.2", model="NCS-5501"))
    bare = applicability(cve, facts("iosxr", "6.4.2"))
    fixed = applicability(cve, facts("iosxr", "6.4.3", model="NCS-5501"))
    assert asr.affected is True and asr.source == "cna:cisco"
    assert ncs.affected is False and ncs.basis == BASIS_HARDWARE and "NVD" in ncs.reason
    assert bare.affected is None and bare.needs == NEEDS_MODEL
    assert fixed.affected is False and fixed.basis == BASIS_VERSION  # the vendor's version wins


def test_an_entry_not_understood_only_blocks_its_own_train() -> None:
    entry = {"vendor": "Cisco", "product": "Cisco IOS XE Software",
             "versions": [{"version": "17.9.x (see the advisory)", "status": "affected"},
                          {"version": "17.6.1", "status": "affected"}]}  # fmt: skip
    cve = CveData("CVE-2099-0002", cna_affected=[entry], assigner="cisco")
    other = applicability(cve, facts("ios-xe", "17.12.1", model="C9300-48P"))
    own = applicability(cve, facts("ios-xe", "17.9.4", model="C9300-48P"))
    listed = applicability(cve, facts("ios-xe", "17.6.1", model="C9300-48P"))
    assert other.affected is False and "skipped" in other.reason
    assert own.affected is None and own.needs and "17.9" in own.needs
    assert listed.affected is True


def test_line_cards_from_the_record(feeds: Feeds) -> None:
    cve = feeds.cves["CVE-2024-39550"]  # MX Series with SPC3
    juniper = {"vendor": "Juniper Networks"}
    device = record("junos", "22.2R3-S2", model="MX480", **juniper)
    cards = replace(device, components=(Component(index="2", cls="module", model="MX-SPC3"),))
    other = replace(device, components=(Component(index="2", cls="module", model="MPC7E-MRATE"),))
    assert applicability(cve, device_facts(cards)).affected is True
    assert applicability(cve, device_facts(other)).affected is False
    unknown = applicability(cve, device_facts(device))
    assert unknown.affected is None and unknown.needs == NEEDS_MODULES
