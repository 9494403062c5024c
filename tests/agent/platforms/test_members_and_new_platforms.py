"""Multi-member systems and the platforms no corpus recording covers, on outputs in the shapes
their vendors document (values made up). ASA, AOS-CX and FastIron are also scored on ntc-templates'
recordings (test_accuracy.py); the generic driver on every platform's recordings there."""

from __future__ import annotations

import pytest

from netsbom.agent.platforms import get_platform, parse_outputs
from netsbom.agent.platforms._cisco import parse_show_version as ios_show_version
from netsbom.agent.platforms.exos import parse_show_switch
from netsbom.agent.platforms.exos import parse_show_version as exos_show_version
from netsbom.agent.platforms.junos import parse_show_version as junos_show_version

VIRTUAL_CHASSIS = """
fpc0:
--------------------------------------------------------------------------
Hostname: vc1
Model: ex4300-48t
Junos: 21.4R3-S4

fpc1:
--------------------------------------------------------------------------
Hostname: vc1
Model: ex4300-48p
Junos: 21.4R3-S4

{master:1}
"""

DUAL_RE = """re0:
--------------------------------------------------------------------------
Hostname: core-re0
Model: mx960
Junos: 22.2R3.15

re1:
--------------------------------------------------------------------------
Hostname: core-re1
Model: mx960
Junos: 22.2R2.11

{master}
"""


def test_virtual_chassis_members_and_the_masters_release() -> None:
    partial = junos_show_version(VIRTUAL_CHASSIS)
    assert [(c.name, c.model, c.software_rev) for c in partial.components] == [
        ("fpc0", "EX4300-48T", "21.4R3-S4"),
        ("fpc1", "EX4300-48P", "21.4R3-S4"),
    ]
    assert partial.model == "EX4300-48P"  # member 1 is the master
    assert partial.os_version == "21.4R3-S4"


def test_dual_routing_engines_the_answering_re_is_the_device() -> None:
    partial = junos_show_version(DUAL_RE)
    assert partial.os_version == "22.2R3.15" and partial.hostname == "core-re0"
    assert [c.software_rev for c in partial.components] == ["22.2R3.15", "22.2R2.11"]


def test_old_ios_takes_the_image_banner_not_the_rom_bootstrap() -> None:
    text = (
        "IOS (tm) C2600 Software (C2600-I-M), Version 12.2(15)T9, RELEASE SOFTWARE (fc1)\n"
        "Copyright (c) 1986-2003 by cisco Systems, Inc.\n"
        "ROM: System Bootstrap, Version 12.1(3r)T2, RELEASE SOFTWARE (fc1)\n"
        "r1 uptime is 1 week, 2 days\n"
    )
    assert ios_show_version(text).os_version == "12.2(15)T9"


def test_exos_stack_slots_are_members() -> None:
    text = (
        "Slot-1      : 800551-00-03 1429G-00001 Rev 3.0 BootROM: 2.0.1.7    IMG: 31.7.1.4\n"
        "Slot-2      : 800552-00-03 1429G-00002 Rev 3.0 BootROM: 2.0.1.7    IMG: 31.7.1.4\n"
        "Image   : ExtremeXOS version 31.7.1.4 by release-manager\n"
    )
    partial = exos_show_version(text)
    assert partial.os_version == "31.7.1.4" and partial.serial == "1429G-00001"
    assert [c.serial for c in partial.components] == ["1429G-00001", "1429G-00002"]
    assert parse_show_switch(
        "SysName:          sw1\nSystem Type:      X440G2-48p-10G4 (Stack)\n"
    ).model == ("X440G2-48p-10G4")


def test_os10_version_and_service_tag() -> None:
    outputs = {
        "show version": "Dell EMC Networking OS10 Enterprise\nOS Version: 10.5.4.0\n"
        "Build Version: 10.5.4.0.98\nSystem Type: S5248F-ON\n",
        "show inventory": "Product               : S5248F-ON\n"
        "Unit Type                 Part Number Rev  Piece Part ID              Svc Tag  Exprs\n"
        "* 1  S5248F-ON            0ABC12      A01  CN-0ABC12-12345-67A-0001  ABCD123  123\n",
    }
    partial, _ = parse_outputs(get_platform("dell_os10"), outputs)
    assert (partial.os_version, partial.model, partial.serial) == (
        "10.5.4.0",
        "S5248F-ON",
        "ABCD123",
    )


def test_generic_driver_reads_labelled_output_of_an_unknown_platform() -> None:
    text = (
        "Acme Networks AcmeOS\nSoftware Version : 4.2.1 (build 77)\nModel Number: AX-2400\n"
        "Serial Number: AX24A0001\n"
    )
    partial, _ = parse_outputs(get_platform("generic"), {"show version": text})
    assert (partial.os_version, partial.model, partial.serial) == ("4.2.1", "AX-2400", "AX24A0001")
    assert partial.os_family is None  # the generic driver names no family of its own


def test_generic_driver_ignores_licences_logic_and_part_versions() -> None:
    """A banner's legal text names licences' versions, EPLD/FPGA/PCB lines the hardware's and a
    Cisco inventory's VID the part's: none is the OS release; the OS rules' reading of the banner
    outranks a version under another label; the product on a line of its own is the model."""
    nxos = (
        "Cisco Nexus Operating System (NX-OS) Software\n"
        "Lesser General Public License (LGPL) Version 2.1 or\n"
        "Software\n  BIOS: version 07.71\n  NXOS: version 10.3(6)\n"
    )
    vrp = (
        "Huawei Versatile Routing Platform Software\n"
        "VRP (R) software, Version 8.180 (NE40E V800R011C00SPC200)\n"
        "MPU version information:\n  PCB         Version : CX68BKP02D REV A\n"
        "  EPLD        Version : 111\n  FPGA2 Version       : 111\n"
    )
    inventory = 'NAME: "Chassis", DESCR: "Acme Chassis"\nPID: AB-C5548UP   , VID: V01 , SN: X1\n'
    eos = "Acme DCS-7010T-48-R\nHardware version: 12.03\nSerial number: JPE18523609\n"
    generic = get_platform("generic")
    assert parse_outputs(generic, {"show version": nxos})[0].os_version == "10.3(6)"
    assert "111" not in (parse_outputs(generic, {"show version": vrp})[0].os_version or "111")
    assert parse_outputs(generic, {"show inventory": inventory})[0].os_version is None
    partial = parse_outputs(generic, {"show version": eos})[0]
    assert (partial.model, partial.serial) == ("Acme DCS-7010T-48-R", "JPE18523609")
    assert partial.os_version is None  # "Hardware version: 12.03" is the hardware's


def test_generic_driver_reads_two_column_screens_and_abbreviated_labels() -> None:
    """A two-column status screen holds two pairs a line (ProCurve's `show system`); labels may
    end in a dot (`Serial No.`, `Firm Ver.`)."""
    screen = (
        " Status and Counters - General System Information\n\n"
        "  System Name        : acme-sw-01\n"
        "  Software revision  : K.15.06.0017         Base MAC Addr      : 7446a0-41a56f\n"
        "  ROM Version        : K.15.29              Serial Number      : AB12CDE3FG\n"
    )
    partial = parse_outputs(get_platform("generic"), {"show version": screen})[0]
    assert (partial.os_version, partial.serial) == ("K.15.06.0017", "AB12CDE3FG")
    router = "System : Acme R120\nSerial No. : 12130001\nROM Ver. : U-Boot 2018.03\n"
    router += "Firm Ver. : V20.54 NY0115 Wed Nov 15 12:38:13 JST 2023\n"
    partial = parse_outputs(get_platform("generic"), {"show version": router})[0]
    assert (partial.os_version, partial.serial) == ("20.54", "12130001")


# an access point lists the image it runs beside those it boots and its radios' drivers
ACCESS_POINT = (
    "AP Running Image     : 4.2.0.7\n"
    "Primary Boot Image   : 4.2.0.7\n"
    "Backup Boot Image    : 4.3.1.2\n"
    "Radio Driver version : 9.0.5.5-W8964\n"
    "Radio FW version     : 9.1.8.1\n"
)
# "<product> Software Version" over "<product> OS Version" (the base distribution's)
PRODUCT_LABELS = (
    "AcmeNOS Software Version: AcmeNOS.main_202205.5324-20230707\n"
    "AcmeNOS OS Version: 11\n"
    "Distribution: Debian 11.7\n"
)
# "System version" under "Last reset" is the release the device ran before an upgrade
LAST_RESET = (
    "Software\n"
    "  NXOS: version 10.3(6) [Maintenance Release]\n\n"
    "Last reset at 310210 usecs after Wed May 28 16:35:54 2025\n\n"
    "  Reason: Reset Requested by CLI command reload\n"
    "  System version: 9.3(15)\n"
    "  Service:\n\n"
    "plugin\n"
)

# NX-OS on a Nexus 5596 (the ntc-templates cisco_nxos case): parts' firmware listed before the OS
PARTS_FIRMWARE = (
    "Software\n"
    "  BIOS:      version 3.6.0\n"
    "  Power Sequencer Firmware: \n"
    "             Module 1: v7.0\n"
    "  Microcontroller Firmware:        version v1.0.0.2\n"
    "  kickstart: version 7.1(4)N1(1)\n"
    "  system:    version 7.1(4)N1(1)\n"
)


@pytest.mark.parametrize(
    ("text", "version"),
    [
        (ACCESS_POINT, "4.2.0.7"),
        (PARTS_FIRMWARE, "7.1(4)N1(1)"),  # a microcontroller's firmware is a part's
        ("Radio Driver version : 9.0.5.5-W8964\n", None),  # a driver's release, not the OS's
        (PRODUCT_LABELS, "202205.5324-20230707"),
        (LAST_RESET, "10.3(6)"),
    ],
)
def test_generic_driver_reads_the_release_the_device_runs(text: str, version: str | None) -> None:
    assert parse_outputs(get_platform("generic"), {"show version": text})[0].os_version == version


def test_generic_driver_reads_a_serial_column() -> None:
    table = (
        "System Status                                           Sun Feb 18 18:44:30 2024\n\n"
        "Board      ID   Bay     Board Name                        Rev   Serial number\n"
        "--------------------------------------------------------------------------------\n"
        "Base       569  Base    AB-x530L-52GTX                    B-1   A000000000000001\n"
    )
    assert parse_outputs(get_platform("generic"), {"show system": table})[0].serial == (
        "A000000000000001"
    )
    shifted = table.replace("Rev   Serial number", "Rev   Serial number   Notes")
    assert parse_outputs(get_platform("generic"), {"show system": shifted})[0].serial is None


def test_generic_driver_reads_the_chassis_line_within_its_line() -> None:
    """`<maker> <model> Chassis` is read on its own line: a section's heading above it
    (`Hardware`) is not the maker, nor is its maker part of the model."""
    text = (
        "  NXOS boot mode: LXC\r\n\r\nHardware\r\n  acme Nexus 3048 Chassis\r\n"
        "  Processor Board ID TM6012EC74B\r\n"
    )
    assert parse_outputs(get_platform("generic"), {"show version": text})[0].model == "Nexus 3048"
    board = "ROM: Bootstrap program\n\nacme AB-2901/K9 (revision 1.0) with 491520K bytes\n"
    board += "Main\nacme AB2921/K9 (MPC8572) processor (revision 1.0)\n"
    assert parse_outputs(get_platform("generic"), {"show version": board})[0].model == "AB2921/K9"


def test_an_empty_label_does_not_take_the_next_lines_word() -> None:
    """`Serial Number:` left empty is no serial: the word on the next line is another field's."""
    from netsbom.agent.platforms import panos, zxros

    zte = "ZXROS Software, Version: V5.00.10\nSerial Number:\nSystem uptime is 1 day\n"
    assert zxros.parse_show_version(zte).serial is None
    content = "app-version:\nthreat-version: 8800-7641\n"
    versions = {s.name: s.version for s in panos.parse_system_info(content).software}
    assert versions == {"threat-content": "8800-7641"}
    board = "Processor board ID\nSYSTEMIMAGE01 uptime is 2 weeks\n"
    assert parse_outputs(get_platform("generic"), {"show version": board})[0].serial is None
