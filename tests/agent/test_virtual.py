"""Virtual appliances, VMs and containers are told from physical devices, on real recordings."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from netsbom.agent.partial import record_from_partial
from netsbom.agent.platforms import eos, iosxr, linux, panos
from netsbom.agent.platforms.base import Partial
from netsbom.agent.snmp.mibs import set_mib_dirs
from netsbom.agent.snmp.parse import parse_view
from netsbom.agent.snmp.replay import read_snmprec
from netsbom.agent.virtual import decide, rules, with_virtual
from netsbom.core.record import (
    Component,
    DeviceRecord,
    Target,
    record_from_dict,
    record_to_dict,
)
from netsbom.proto.convert import from_report, to_report
from tests.conftest import corpus_dir, make_record, require, shared_root

DATA = Path(__file__).resolve().parents[1] / "data"
NTC = DATA / "cli" / "ntc" / "version"
TARGET = Target("dev", "127.0.0.1", 161, "replay")


@pytest.fixture(scope="module")
def mibs() -> Iterator[None]:
    set_mib_dirs([require(shared_root() / "mibs", "vendor registration MIBs")])
    yield
    set_mib_dirs(None)


def _snmp(name: str) -> DeviceRecord:
    path = require(corpus_dir() / "snmp" / "data" / f"{name}.snmprec", "the SNMP corpus")
    return parse_view(
        read_snmprec(path), target=TARGET, agent_id="a", collected_at="2026-12-01T00:00:00Z",
        report_id="r",
    )  # fmt: skip


def _why(record: DeviceRecord) -> str:
    return " ".join(p.source for p in record.provenance if p.field == "virtual")


# (recording, what must decide it): each by a different kind of evidence
VIRTUAL = [
    ("acos_vthunder", "model 'AXvThunder'"),  # product name in the model
    ("f5_ve-14.1.5.1", "BIG-IP Virtual Edition"),  # sysDescr/model of a VE
    ("ucos_cuc", "product 'ciscoUCVirtualMachine'"),  # sysObjectID in CISCO-PRODUCTS-MIB
    ("cumulus_cumulus", "Cumulus"),  # Cumulus VX chassis
    ("gaia_1", "Standard PC (i440FX + PIIX, 1996)"),  # QEMU's DMI as entPhysical model
    ("mcafeewebgateway", "VMware guest"),  # hypervisor in sysDescr
    ("pulse", "VMware-VA-DTE"),  # vendor "virtual appliance" image
]
PHYSICAL_OR_UNKNOWN = [
    "hpe-ilo_hpe-ilo6-with-vmware",  # the iLO of a server that runs ESXi: hardware
    "xclarity_lenovoxcc",  # a BMC whose hostname is "ESXI"
    "arista_eos",
    "iosxe_c9300",
    "panos_440",
]


@pytest.mark.parametrize(("name", "because"), VIRTUAL)
def test_virtual_devices_in_the_snmp_corpus(mibs: None, name: str, because: str) -> None:
    record = _snmp(name)
    assert record.virtual is True, (name, record.model, record.description)
    assert because in _why(record)


@pytest.mark.parametrize("name", PHYSICAL_OR_UNKNOWN)
def test_physical_devices_in_the_snmp_corpus_are_not_virtual(mibs: None, name: str) -> None:
    assert _snmp(name).virtual is not True


def test_hr_device_descr_alone_tells_a_qemu_guest(mibs: None) -> None:
    """Cumulus VX's chassis is named too, but its CPUs (hrDeviceDescr) say QEMU on their own."""
    record = _snmp("cumulus_cumulus")
    bare = replace(record, model=None, components=(), virtual=None, provenance=())
    rows = ["GenuineIntel: QEMU Virtual CPU version 2.5+", "network interface eth0"]
    evidence = decide(bare, rows)
    assert evidence is not None and evidence.virtual and evidence.where == "hardware"


def test_no_expected_hardware_model_of_the_corpus_is_taken_for_virtual_by_mistake() -> None:
    """Every hardware name LibreNMS expects in the corpus, through the model rules: only the
    virtual products match (no rule is so loose that a switch or a BMC looks virtual)."""
    index = json.loads(require(corpus_dir() / "snmp" / "index.json", "the SNMP corpus").read_text())
    virtual_names = {
        "acos_vthunder", "f5_ve-14.1.5.1", "ucos_cuc", "ucos", "cumulus_cumulus", "gaia_1",
    }  # fmt: skip
    matched = set()
    for row in index:
        model = row.get("hardware")
        if not model:
            continue
        record = replace(make_record(), model=model, components=(), description=None)
        evidence = decide(replace(record, sys_object_id=None))
        if evidence is not None and evidence.virtual:
            matched.add(row["name"])
    assert matched <= virtual_names, matched - virtual_names
    assert matched, "the virtual products of the corpus must match"


def _cli(parse: object, path: Path) -> DeviceRecord:
    partial = parse(require(path, "CLI recordings").read_text())  # type: ignore[operator]
    assert isinstance(partial, Partial)
    return record_from_partial(
        partial, (), target=replace(TARGET, transport="ssh"), agent_id="a",
        collected_at="2026-12-01T00:00:00Z", report_id="r", answered=True,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("parse", "path", "because"),
    [
        (panos.parse_system_info,
         NTC / "paloalto_panos/show_system_info/paloalto_panos_show_system_info.raw",
         "Palo Alto Networks VM-Series"),
        (iosxr.parse_show_version,
         NTC / "cisco_xr/show_version/cisco_xr_show_version2.raw",
         "Cisco IOS XRv"),
        (eos.parse_show_version,
         DATA / "cli/napalm/eos/test_get_facts/normal/show_version.json",
         "Arista vEOS"),
    ],
)  # fmt: skip
def test_virtual_devices_in_cli_recordings(parse: object, path: Path, because: str) -> None:
    record = _cli(parse, path)
    assert record.virtual is True and because in _why(record), (record.model, _why(record))


@pytest.mark.parametrize(
    ("dmi", "virtual"),
    [
        ("QEMU\nStandard PC (Q35 + ICH9, 2009)\n", True),
        ("VMware, Inc.\nVMware7,1\nVMware-56 4d 1a\n", True),
        ("Microsoft Corporation\nVirtual Machine\n0000-0002\n", True),
        ("innotek GmbH\nVirtualBox\n0\n", True),
        ("Amazon EC2\nm5.large\nec2abc\n", True),
        ("Amazon EC2\ni3.metal\nec2abc\n", None),  # bare metal instances are hardware
        ("Dell Inc.\nPowerEdge R640\nABC1234\n", None),
    ],
)
def test_linux_dmi_names_the_hypervisor(dmi: str, virtual: bool | None, tmp_path: Path) -> None:
    """``cat /sys/class/dmi/id/{sys_vendor,product_name,product_serial}`` as Linux hosts answer."""
    path = tmp_path / "dmi.txt"
    path.write_text(dmi)
    record = _cli(linux.parse_dmi, path)
    assert record.virtual is virtual, (record.vendor, record.model, _why(record))


def test_hypervisor_hosts_and_kvm_switches_are_not_guests() -> None:
    base = replace(make_record(), components=(), model=None, vendor=None)
    for description, model in [
        ("VMware ESXi 8.0.2 build-22380479 VMware, Inc. x86_64", None),
        ("Raritan Dominion KX IV-101", "DKX4-101 KVM switch"),
        ("Avocent DSR1021 KVM over IP switch", "DSR1021"),
    ]:
        record = replace(base, description=description, model=model)
        assert decide(record) is None, description


def test_a_chassis_with_serial_and_revision_is_physical() -> None:
    record = make_record()  # C9300 chassis row with serial and hardware revision V02
    evidence = decide(record)
    assert evidence is not None and evidence.virtual is False
    decided = with_virtual(record)
    assert decided.virtual is False and "chassis" in _why(decided)
    kept = with_virtual(replace(record, virtual=True))  # a better source already decided
    assert kept.virtual is True and _why(kept) == ""


def test_virtual_round_trips_through_json_and_the_contract() -> None:
    for value in (True, False, None):
        record = replace(make_record(), virtual=value)
        assert record_from_dict(json.loads(json.dumps(record_to_dict(record)))).virtual is value
        assert from_report(to_report(record)).virtual is value
    legacy = record_to_dict(make_record())
    del legacy["virtual"]  # a record written before the field existed
    assert record_from_dict(legacy).virtual is None


def test_every_rule_compiles_and_names_a_kind() -> None:
    table = rules()
    assert len(table) > 30
    assert {rule.kind for rule in table} == {"vm", "container", "hypervisor-guest"}
    assert all(rule.where for rule in table)
    assert len({rule.name for rule in table}) == len(table)


def test_module_rows_do_not_make_a_device_virtual() -> None:
    """A physical chassis holding a line card named like a virtual product (Juniper's
    jnxVSRXFPC-style names are module types) is judged by its chassis, not its modules."""
    record = replace(
        make_record(),
        components=(
            Component(
                "1", None, "chassis", "Chassis", model="SRX4600", serial="S1", hardware_rev="A"
            ),
            Component("2", "1", "module", "FPC", model="vSRX FPC"),
        ),
        model="SRX4600",
    )
    assert decide(record) is not None and decide(record).virtual is False  # type: ignore[union-attr]


DMI = (
    "cat /sys/class/dmi/id/sys_vendor /sys/class/dmi/id/product_name"
    " /sys/class/dmi/id/product_serial"
)


@pytest.mark.parametrize(
    ("answer", "virtual"),
    [("none\n", False), ("kvm\n", True), ("docker\n", True), ("lxc-libvirt\n", True),
     ("bash: systemd-detect-virt: command not found\n", None), ("", None)],
)  # fmt: skip
def test_systemd_detect_virt_is_the_hosts_own_word(answer: str, virtual: bool | None) -> None:
    """A Linux host says itself whether it is a VM or a container (systemd-detect-virt), which
    outranks its DMI (a container shows the DMI of the server it runs on)."""
    from netsbom.agent.platforms import parse_outputs
    from netsbom.agent.platforms.linux import PLATFORM, parse_detect_virt

    assert parse_detect_virt(answer).virtual is virtual
    outputs: dict[str, str | None] = {
        "cat /etc/os-release": 'ID=debian\nVERSION_ID="12"\n',
        "hostname": "web1\n",
        "uname -r": "6.1.0-18-amd64\n",
        DMI: "Dell Inc.\nPowerEdge R640\nABC1234\n",
        "systemd-detect-virt": answer,
    }
    partial, provenance = parse_outputs(PLATFORM, outputs)
    record = record_from_partial(
        partial, provenance, target=replace(TARGET, transport="ssh"), agent_id="a",
        collected_at="2026-12-01T00:00:00Z", report_id="r", answered=True,
    )  # fmt: skip
    assert record.virtual is virtual
    if virtual is not None:
        assert _why(record) == "systemd-detect-virt"
