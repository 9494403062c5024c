from __future__ import annotations

from pathlib import Path

import pytest

from netsbom.agent.snmp.fingerprint import knowledge_base, load_directory
from netsbom.core.errors import ConfigError
from netsbom.core.families import known_family

CASES = [
    (
        "1.3.6.1.4.1.9.1.1208",
        "Cisco IOS Software, C2960S Software (C2960S-UNIVERSALK9-M), Version 15.0(2)SE11, "
        "RELEASE SOFTWARE (fc3)\r\nTechnical Support: http://www.cisco.com/techsupport",
        "Cisco",
        "ios",
        "15.0(2)SE11",
    ),
    (
        "1.3.6.1.4.1.9.1.2530",
        "Cisco IOS Software [Cupertino], Catalyst L3 Switch Software (CAT9K_IOSXE), "
        "Version 17.9.4a, RELEASE SOFTWARE (fc3)",
        "Cisco",
        "ios-xe",
        "17.9.4a",
    ),
    (
        "1.3.6.1.4.1.9.1.1165",
        "Cisco IOS Software, IOS-XE Software, Catalyst 4500 L3 Switch Software "
        "(cat4500e-UNIVERSALK9-M), Version 03.11.03a.E RELEASE SOFTWARE (fc3)",
        "Cisco",
        "ios-xe",
        "03.11.03a.E",
    ),
    (
        "1.3.6.1.4.1.9.1.1639",
        "Cisco IOS Software, ASR1000 Software (X86_64_LINUX_IOSD-UNIVERSALK9-M), Version 15.5(3)S5",
        "Cisco",
        "ios-xe",
        "15.5(3)S5",
    ),
    (
        "1.3.6.1.4.1.9.12.3.1.3.1812",
        "Cisco NX-OS(tm) n9000, Software (n9000-dk9), Version 9.3(8), RELEASE SOFTWARE",
        "Cisco",
        "nxos",
        "9.3(8)",
    ),
    (
        "1.3.6.1.4.1.9.1.1017",
        "Cisco IOS XR Software (Cisco ASR9K Series),  Version 7.5.2[Default]",
        "Cisco",
        "iosxr",
        "7.5.2",
    ),
    (
        "1.3.6.1.4.1.9.1.2114",
        "Cisco Adaptive Security Appliance Version 9.16(4)",
        "Cisco",
        "asa",
        "9.16(4)",
    ),
    (
        "1.3.6.1.4.1.2636.1.1.1.2.21",
        "Juniper Networks, Inc. mx480 internet router, kernel JUNOS 21.4R3-S5.4, Build date: ...",
        "Juniper",
        "junos",
        "21.4R3-S5.4",
    ),
    (
        "1.3.6.1.4.1.30065.1.3011.7050",
        "Arista Networks EOS version 4.30.2F running on an Arista Networks DCS-7050CX3-32S",
        "Arista",
        "eos",
        "4.30.2F",
    ),
    (
        "1.3.6.1.4.1.6527.1.3.17",
        "TiMOS-B-20.10.R12 both/x86_64 Nokia 7750 SR Copyright (c) 2000-2022 Nokia.",
        "Nokia",
        "sros",
        "20.10.R12",
    ),
    (
        "1.3.6.1.4.1.2011.2.23.400",
        "Huawei Versatile Routing Platform Software\r\nVRP (R) software, Version 8.180 "
        "(CE6850 V200R005C10SPC800)\r\nCopyright (C) 2012-2018 Huawei Technologies Co., Ltd.",
        "Huawei",
        "vrp",
        "V200R005C10SPC800",
    ),
    (
        "1.3.6.1.4.1.8072.3.2.10",
        "Linux db3 6.1.0-17-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.69-1 x86_64",
        None,
        "linux",
        "6.1.0-17-amd64",
    ),
    (
        "1.3.6.1.4.1.25506.11.1.180",
        "H3C Comware Platform Software, Software Version 7.1.070, Release 6628P20",
        "H3C",
        "comware",
        "7.1.070",
    ),
    (  # ACI mode: the aci-n9000 image and a release numbered 11.0 and later
        "1.3.6.1.4.1.9.12.3.1.3.1812",
        "Cisco NX-OS(tm) aci, Software (aci-n9000-system), Version 15.2(8e), RELEASE SOFTWARE",
        "Cisco",
        "nxos-aci",
        "15.2(8e)",
    ),
    (
        "1.3.6.1.4.1.9.12.3.1.3.1812",
        "Cisco NX-OS(tm) n9000, Software (n9000-dk9), Version 16.0(3b), RELEASE SOFTWARE",
        "Cisco",
        "nxos-aci",
        "16.0(3b)",
    ),
]

BROCADE_AND_DELL = [
    (
        "1.3.6.1.4.1.1991.1.3.54.2.4.1.1",
        "Ruckus Wireless, Inc. ICX7150-48P, IronWare Version 08.0.95bT213 Compiled on Mar 1 2021",
        "Ruckus",
        "fastiron",
        "08.0.95bT213",
    ),
    (
        "1.3.6.1.4.1.1991.1.3.52.1.1",
        "Brocade NetIron CES, IronWare Version V5.6.0fT183 Compiled on Nov 15 2016",
        "Brocade",
        "netiron",
        "5.6.0fT183",
    ),
    ("1.3.6.1.4.1.1588.2.1.1.1", "DS-6610B", "Brocade", "fabos", None),
    (
        "1.3.6.1.4.1.3375.2.1.3.4.117",
        "BIG-IP i4800 : Linux 3.10.0-1160.el7.x86_64 : "
        "BIG-IP software release 16.1.4, build 0.0.47",
        "F5",
        "tmos",
        "16.1.4",
    ),
    (
        "1.3.6.1.4.1.6486.801.1.1.2.1.11.2.5",
        "Alcatel-Lucent Enterprise OS6860E-P24 8.6.289.R01 GA, October 09, 2019.",
        "Alcatel-Lucent Enterprise",
        "omniswitch",
        "8.6.289.R01",
    ),
    (
        "1.3.6.1.4.1.3902.3.600.3.1.700",
        "ZTE 5960-52TM Software, 5900 Version: V3.00.10.B20P03,  RELEASE SOFTWARE",
        "ZTE",
        "zxros",
        "V3.00.10.B20P03",
    ),
    (
        "1.3.6.1.4.1.6027.1.3.23",
        "Dell EMC Networking OS Operating System Version: 2.0 Application Software Version: "
        "9.14(2.4)",
        "Dell",
        "ftos",
        "9.14(2.4)",
    ),
]


@pytest.mark.parametrize("sys_object_id,descr,vendor,family,version", BROCADE_AND_DELL)
def test_identify_more_families(
    sys_object_id: str, descr: str, vendor: str, family: str, version: str | None
) -> None:
    found = knowledge_base().identify(sys_object_id, descr)
    assert (found.vendor, found.family, found.version) == (vendor, family, version)


def test_junos_model_from_sysdescr_in_the_vendors_case() -> None:
    descr = "Juniper Networks, Inc. ex4300-48p Ethernet Switch, kernel JUNOS 21.4R3-S5.4, Build"
    found = knowledge_base().identify("1.3.6.1.4.1.2636.1.1.1.2.63", descr)
    assert (found.model, found.version) == ("EX4300-48P", "21.4R3-S5.4")


@pytest.mark.parametrize("sys_object_id,descr,vendor,family,version", CASES)
def test_identify(
    sys_object_id: str, descr: str, vendor: str | None, family: str, version: str
) -> None:
    found = knowledge_base().identify(sys_object_id, descr)
    assert (found.vendor, found.family, found.version) == (vendor, family, version)


def test_vrp_build_and_eos_model() -> None:
    vrp = knowledge_base().identify("1.3.6.1.4.1.2011.2.23.400", CASES[10][1])
    assert vrp.build == "8.180"
    eos = knowledge_base().identify("1.3.6.1.4.1.30065.1", CASES[8][1])
    assert eos.model == "DCS-7050CX3-32S"


def test_vendor_without_os_rule_and_unknown_device() -> None:
    hp = knowledge_base().identify("1.3.6.1.4.1.11.2.3.7.11.1", "ProCurve J9019B Switch 2510B-24")
    assert hp.vendor == "HPE" and hp.family is None
    assert knowledge_base().identify("1.3.6.1.4.1.99999.1", "Unknown box").family is None
    assert knowledge_base().identify(None, None).vendor is None


def test_a_sysdescr_naming_its_os_outranks_a_product_line_registration() -> None:
    # Nokia's 6527.6 product line says SR OS by registration alone; the sysDescr names AOS
    oid = "1.3.6.1.4.1.6527.6.1.1.2.1"
    found = knowledge_base().identify(oid, "Alcatel-Lucent OS6850-U24X 6.4.3.520.R01 GA, 2010")
    assert (found.family, found.model, found.version) == (
        "omniswitch",
        "OS6850-U24X",
        "6.4.3.520.R01",
    )
    assert found.vendor == "Nokia"  # the number's owner still names the maker
    # a sysDescr that names no OS another file knows: the registration's family
    assert knowledge_base().identify(oid, "Acme shelf controller").family == "sros"
    # a Linux uname line names the kernel, not the product's OS
    assert knowledge_base().identify(oid, "Linux sr1 4.19.0 #1 SMP x86_64").family == "sros"


def test_linux_on_a_vendor_oid_keeps_the_vendor() -> None:
    found = knowledge_base().identify("1.3.6.1.4.1.30065.1.9", "Linux sw1 4.19.0 #1 SMP x86_64")
    assert found.vendor == "Arista" and found.family == "linux"


def test_every_rule_names_a_registered_family() -> None:
    for loaded in knowledge_base().files:
        for rule in loaded.data.os:
            entry = known_family(rule.family)
            assert entry is not None and entry.id == rule.family, (loaded.name, rule.family)


def test_an_unregistered_family_is_refused(tmp_path: Path) -> None:
    (tmp_path / "x.yaml").write_text(
        "vendor: X\nenterprises: ['1.3.6.1.4.1.99999']\nos:\n  - family: no-such-os\n"
    )
    with pytest.raises(ConfigError, match="no-such-os"):
        load_directory(tmp_path)


def test_invalid_file_names_file_and_field(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("vendor: X\nos:\n  - family: Windows_NT\n")
    with pytest.raises(ConfigError, match=r"bad\.yaml: field 'os\.0\.family': unknown os family"):
        load_directory(tmp_path)
    (tmp_path / "bad.yaml").write_text("vendor: X\nos:\n  - family: linux\n    descr: ['(']\n")
    with pytest.raises(ConfigError, match="bad regex"):
        load_directory(tmp_path)
