"""Structural identity rules: indexed vendor objects, ENTITY-MIB model/serial selection, the generic
sysDescr grammar and registration-MIB product branches. Synthetic devices, no corpus needed."""

from __future__ import annotations

from pathlib import Path

import pytest

from netsbom.agent.snmp import mibs, oids
from netsbom.agent.snmp.fingerprint import knowledge_base
from netsbom.agent.snmp.poll import replay_snmp
from netsbom.agent.snmp.sysdescr import model_from_descr, version_from_descr
from netsbom.agent.snmp.view import ObjectId, Value, parse_oid
from netsbom.core.record import DeviceRecord
from tests.agent.snmp.test_parse import ENT, parse, view_of

SYS_DESCR = "1.3.6.1.2.1.1.1.0"
SYS_OID = "1.3.6.1.2.1.1.2.0"
TMNX_CHASSIS_TYPE = "1.3.6.1.4.1.6527.3.1.2.2.1.3.1.4"
TMNX_CHASSIS_TYPE_NAME = "1.3.6.1.4.1.6527.3.1.2.2.1.6.1.2"


def system(descr: str, sys_object_id: str) -> dict[str, Value]:
    return {SYS_DESCR: descr.encode(), SYS_OID: ObjectId(parse_oid(sys_object_id))}


def test_row_from_picks_the_row_another_object_points_at() -> None:
    descr = "TiMOS-C-22.10.R11 cpm/x86hops64 Nokia 7250 IXR Copyright (c) 2000-2024 Nokia."
    values = system(descr, "1.3.6.1.4.1.6527.1.3.25")
    values.update(
        {
            f"{TMNX_CHASSIS_TYPE}.1": 48,
            f"{TMNX_CHASSIS_TYPE_NAME}.41": b"7250 IXR-R6",
            f"{TMNX_CHASSIS_TYPE_NAME}.48": b"7250 IXR-e",
        }
    )
    record = parse(view_of(values))
    assert record.model == "7250 IXR-e"
    # the plan walks the whole name column and reads the type's first instance
    plan = oids.collection_plan("1.3.6.1.4.1.6527.1.3.25", descr)
    assert parse_oid(TMNX_CHASSIS_TYPE_NAME) in plan.subtrees
    assert parse_oid(TMNX_CHASSIS_TYPE) in plan.objects


def test_row_from_without_a_type_gives_no_model_from_it() -> None:
    values = system("TiMOS-B-20.10.R1 both/mpc Nokia 7750 SR-1", "1.3.6.1.4.1.6527.1.3.17")
    values[f"{TMNX_CHASSIS_TYPE_NAME}.41"] = b"7250 IXR-R6"
    assert parse(view_of(values)).model == "7750 SR-1"  # from sysDescr, not the first row


def test_entity_model_from_description_for_sku_vendors() -> None:
    values = system("Aruba JL635A 8325 GL.10.06.0110", "1.3.6.1.4.1.47196.4.1.1.1.50")
    values.update(
        {
            f"{ENT}.2.1": b"Aruba 8325-48Y8C 48p 25G 8p 100G Swch",
            f"{ENT}.4.1": 0,
            f"{ENT}.5.1": 3,
            f"{ENT}.13.1": b"JL635A",
        }
    )
    record = parse(view_of(values))
    assert record.model == "Aruba 8325-48Y8C 48p 25G 8p 100G Swch"
    assert record.os.version == "GL.10.06.0110"


def test_part_number_model_name_gives_way_and_board_serial_is_used() -> None:
    values = system("FSP150CC-GE112", "1.3.6.1.4.1.99999.1.2")
    values.update(
        {
            f"{ENT}.5.1": 3,
            f"{ENT}.4.1": 0,
            f"{ENT}.13.1": b"1078904600-01",  # an orderable part number, no letters
            f"{ENT}.5.2": 5,
            f"{ENT}.4.2": 1,  # slot container
            f"{ENT}.5.3": 9,
            f"{ENT}.4.3": 2,  # main board in the slot
            f"{ENT}.11.3": b"MB1234567",
        }
    )
    record = parse(view_of(values))
    assert record.model == "FSP150CC-GE112"
    assert record.serial == "MB1234567"


def test_an_erased_flash_serial_is_no_serial() -> None:
    """A chassis and a module whose serial reads FFFF... (never programmed) name no serial; the
    next module that has one does."""
    values = system("Acme Switch", "1.3.6.1.4.1.99999.1.2")
    values.update(
        {
            f"{ENT}.5.1": 3,
            f"{ENT}.4.1": 0,
            f"{ENT}.11.1": b"FFFFFFFFFFFFFFFF",
            f"{ENT}.5.2": 9,
            f"{ENT}.4.2": 1,
            f"{ENT}.11.2": b"ffffffffffff",
            f"{ENT}.5.3": 9,
            f"{ENT}.4.3": 1,
            f"{ENT}.11.3": b"MB7654321",
        }
    )
    record = parse(view_of(values))
    assert record.serial == "MB7654321"
    assert record.components[0].serial == "FFFFFFFFFFFFFFFF"  # the row itself is kept as read
    del values[f"{ENT}.11.3"]
    assert parse(view_of(values)).serial is None


def test_a_serial_too_short_to_number_a_unit_is_none() -> None:
    values = system("Acme Transport Shelf", "1.3.6.1.4.1.99999.1")
    values.update({f"{ENT}.5.1": 3, f"{ENT}.4.1": 0, f"{ENT}.11.1": b"M"})
    assert parse(view_of(values)).serial is None
    values[f"{ENT}.11.1"] = b"unavailable"  # a placeholder written in full is kept as stated
    assert parse(view_of(values)).serial == "unavailable"


def test_a_software_revision_of_zeros_states_no_release() -> None:
    """A blank entPhysicalSoftwareRev dumped as hex (NULs, then "00 00 ...") states no release:
    the sysDescr's does."""
    values = system(
        "Acme EdgeQAM <<HW_REV: 1.0; BOOTR: 0.0.0; SW_REV: 3.0.2.117>>", "1.3.6.1.4.1.99999.1"
    )
    values.update(
        {
            f"{ENT}.5.1": 3,
            f"{ENT}.4.1": 0,
            f"{ENT}.10.1": b"\x00\x00\x00\n00 00 00 00 \n00 ",
            f"{ENT}.9.1": b"0",
        }
    )
    record = parse(view_of(values))
    assert record.os.version == "3.0.2.117"
    assert (record.components[0].software_rev, record.components[0].firmware_rev) == (None, None)
    values[f"{ENT}.10.1"] = b"3.0.2.118\x00\x00\x00\n00 00 00 \n00 "  # padded, then a dump
    assert parse(view_of(values)).os.version == "3.0.2.118"


@pytest.mark.parametrize(
    ("written", "version"),
    [
        (b"AcmeOS (R) software, Version 5.160 (CN), RELEASE 0089", "5.160"),  # a sentence
        (b"5.20 Release 1513P62", "5.20 Release 1513P62"),  # a release and its qualifier
    ],
)
def test_a_software_revision_written_as_a_sentence_gives_its_release(
    written: bytes, version: str
) -> None:
    values = system("", "1.3.6.1.4.1.99999.1")
    values.update({f"{ENT}.5.1": 3, f"{ENT}.4.1": 0, f"{ENT}.10.1": written})
    record = parse(view_of(values))
    assert record.os.version == version
    assert record.components[0].software_rev == written.decode()  # the part keeps its text


@pytest.mark.parametrize(
    ("row", "written", "version"),
    [
        ({"2": b"AB3290-42 Gigabit Switch"}, b"AB3290-42 (standalone) 2.0.4", "2.0.4"),
        ({"13": b"ACME_CLOUD"}, b"ACME_CLOUD 5.91,build1618,180425", "5.91"),
        ({"13": b"AB100"}, b"ACMEOS 2.0.4", "ACMEOS 2.0.4"),  # not the row's product: kept
        ({}, b"acmeos-ab4k-7.1.2-ED-R", "7.1.2-ED-R"),  # an image's name: the release at its end
        ({}, b"V200R010C00SPC600", "V200R010C00SPC600"),  # a release of its own shape
        ({}, b"FL.10.13.1130", "FL.10.13.1130"),
    ],
)
def test_a_software_revision_naming_its_product_gives_the_release(
    row: dict[str, bytes], written: bytes, version: str
) -> None:
    values = system("", "1.3.6.1.4.1.99999.1")
    values.update({f"{ENT}.5.1": 3, f"{ENT}.4.1": 0, f"{ENT}.10.1": written})
    values.update({f"{ENT}.{column}.1": text for column, text in row.items()})
    assert parse(view_of(values)).os.version == version


def test_classless_entity_table_uses_the_first_named_product() -> None:
    values = system(
        "Linux host 4.4.9 #6 SMP Thu Apr 27 15:48:52 EDT 2017 armv7l", "1.3.6.1.4.1.8072.3.2.10"
    )
    values.update(
        {f"{ENT}.7.1": b"Switch System", f"{ENT}.11.1": b"S1", f"{ENT}.13.1000": b"WS-C4948E"}
    )
    assert parse(view_of(values)).model == "WS-C4948E"


@pytest.mark.parametrize(
    "descr,model",
    [
        ("SiteBoss 530 2.10.540 STD", "SiteBoss 530"),
        ("Data Center 01 Temp Sensor", None),  # a number with a leading zero numbers an instance
        ("PowerConnect 6248, 3.3.7.3, VxWorks 6.5", "PowerConnect 6248"),
        ("SG350X-48 48-Port Gigabit Stackable Managed Switch", "SG350X-48"),
        ("FS Campus Switch PoE (S5810-48TS-P) By FS.COM Inc", "S5810-48TS-P"),
        (
            "Cambium cnWave V3000 Distribution Node, Version 1.2.2.1",
            "Cambium cnWave V3000 Distribution Node",
        ),
        ("Meraki MS", "Meraki MS"),
        ("Acme Networks, Inc. AB-1200 Edge Router, v2.1", "AB-1200 Edge Router"),
        ("AcmeOS (X100-24p) version 15.5.1.6 by release-manager", "X100-24p"),
        ("Acme OS release 1.2 running on an Acme Networks AB-7050", "Acme Networks AB-7050"),
        ("Acme TZ 470 (AcmeOS 7.0.1-R1456)", "TZ 470"),
        ("Acme (R) Operating System Software\nAcme S3220 version 6.6.4", "S3220"),
        ("ACME NETWORK CARD,SN:X123,PID:Acme Printer M130,FN:1", "Acme Printer M130"),
        ("Hardware Model:ACME_S9500-12, Software version: AcmeNOS,6.5.4", "ACME_S9500-12"),
        ("Prod: Acme-E;Vers: 3.17.10;kernel: 4.14.0;S/N: 393300200125", "Acme-E"),
        ("Assy 3.6kVA 100-240V 16A WW maPDU", None),  # a supply's range is no product id
        ("=Acme MR28 Cloud Managed AP", "Acme MR28 Cloud Managed AP"),  # a stray sign first
        ("Midspan.  Unit S/N=000076.  App Ver=4.17.05.07, Sep 12 2011", None),  # labels with "="
        # a host's DNS name names the device, not the product
        (
            "AcmeSense fw1.example.lan 18.1.1-a5575d7bd AcmeSense FreeBSD 11.1-RELEASE-p6 amd64",
            "AcmeSense",
        ),
        ("UPS SNMP Agent", None),
        ("FM Transmitter", None),
        ("Hardware: AMD64 Family 16 Model 2 Stepping 3 AT/AT COMPATIBLE", None),
        ("Acme-Linux 4.4.2 (Linux Kernel 4.19.206-1+acme)", None),  # an OS's name
        ("4-10-g036b52a", None),  # a build's `git describe`
        ('"1d34"', None),  # a hexadecimal number in small letters: an id, no product's name
        ("3C16470 Switch", "3C16470"),  # a product id in capitals stays one
        ("Acme radio;AB Radio v1.6;Model:3;HW:6", None),  # a number is no product name
        ("ab40_277_256qam Omni:  1.02.02", None),  # words ending in a label's colon
        ("ACME 21.1.0.1 (Build STA-1)  AP", None),  # a build id
        # a description of the product, not its name: port counts, hyphenated plain words
        ("Acme 24-Port Gigabit Smart Switch with 4 SFP Slots", None),
        ("8-port 10/100/1000 Ethernet Switch with PoE", None),
        ("Acme Out-of-band SNMP Agent for Remote Access Controller", None),
        ("Acme 8Gb SAN Switch Module", None),  # a link's speed
        ("Acme PTP 58500 52Mbps", "Acme PTP 58500"),
        ("UAP-nanoHD 5.60.3.12934", "UAP-nanoHD"),  # a hyphenated product name stays one
        # a release joined to a name ends the product's name; first, it is the OS's own
        ("Acme Lynx-2.0.2", "Acme Lynx"),
        ("AcmeOS-C-10.0.R4 cpm/hops Acme XR 7000 Copyright (c) 2018 Acme", None),
        ("Acme 1830 PSD 10G R23.6", "Acme 1830 PSD 10G"),  # a release train ends it too
        ("R6.5.02r NFXS-E FANT-H", "NFXS-E FANT-H"),  # the release first, the product after
        ("AB121 v 5.36.17", "AB121"),  # the release's "v" is not the product's
        ("AcmeOS 6.40.5 (stable) on AB952Ui-5ac2nD", "AB952Ui-5ac2nD"),  # what it runs on
        ("AC3METER IPS 1290 #027676 (H4, F4.8, B4)", "AC3METER IPS 1290"),  # then the unit's number
        ("ACME-IP Virtual Edition : Linux 3.10.0-862.el7.x86_64", None),  # a label's colon
        ('ACME \\"Station\\" \\"TS3410R Ver.4.00', None),  # quoted words, cut short
        # words no product name holds: an architecture, a counter, a label
        ("ACME-BSD SERIAL i386", None),
        ("ACME-CLUSTER-1-1 4280738515 Acme OneFS v8.0.1.1", None),
        ("Acme Codec SoftW: TC7.3.5.a93bdb1 MCU: Acme SX20", None),
        # a label glued to its value: the first names the model, the next ends it
        ("Acme PDU, MD:PX9-1234U-K2 HW:0x10 FW:4.2.0.5-50274", "PX9-1234U-K2"),
        ("Acme radio;AB Radio v1.6;Model:3;HW:6;PC: X0GIPT11", None),  # "Model:3" either way
        # a MAC address or an OS's name ends it; what is left must still name a product
        ("V9999G NOS 6.07p1/00:d0:cb:f5:b9:8b", "V9999G"),
        ("ACME hiD1234 S325 NOS 6.02/00:d0:cb:83:ae:69", "ACME hiD1234 S325"),
        ("N-ACME Switch e8:80:60", None),
        ('"', None),  # a quote alone: nothing (it raised IndexError and lost the record)
        # a description, the product id in parentheses, then its maker
        ("Acme High-density IPv6 100G Core Routing Switch(N12345) By Acme Networks", "N12345"),
        ("Acme 10G Wireless Switch Module(M12345-WS-ED) By Acme Networks.", "M12345-WS-ED"),
        ("ACME AcmeOS-V0700R0600", None),  # an OS's name joined to its release train
        # words saying what kind of device it is end the product id's name
        ("AB-3528 Fast Ethernet Switch", "AB-3528"),
        ("Acme AB-3200-18 Fast-Ethernet Switch", "Acme AB-3200-18"),
        ("AB650 Access Point", "AB650"),
        ("AB4200-16GE-AC Device", "AB4200-16GE-AC"),
        ("Ac-Me Access Point", "Ac-Me Access Point"),  # a maker's name is no product id
        ("10G Managed Switch", "10G Managed Switch"),  # a speed is no product id
        # a trademark's sign is no part of a name; an OS's name before the id is the software
        ("ACME(tm) S1234 Software, Version 2.1.1B Build 31318", "ACME S1234"),
        (
            "Acme NX-OS(tm) AB9000 C12345YC-FX2, Software (NXOS 64-bit), Version 10.2(2)",
            "Acme AB9000 C12345YC-FX2",
        ),
        ("Acme Corporation, CN1234 SAOS Operating System, Version 10", "CN1234"),  # after it
        # the image's name in parentheses after "Software" is the software's, not a product id
        ("Acme OS Software, AcmeV Software (VACME-ENTERPRISEK9-M), Version 15.6(2)T", None),
        # Cisco IOSv's banner (the ntc-templates cisco_ios show version case)
        ("Cisco IOS Software, IOSv Software (VIOS-ADVENTERPRISEK9-M), Version 15.6(2)T", None),
        # the kernel in a clause of its own, then the appliance it runs (Cisco's WAP321, as
        # LibreNMS's ciscowap recording states it)
        (
            "Linux 2.6.21.5-lvl7-dev, Cisco Systems, Inc WAP321 (WAP321-E-K9), Version 1.0.6.5",
            "WAP321",
        ),
        ("Linux 3.2.1, Acme AB-1200 Access Point, Version 2.0", "Acme AB-1200"),
        ("Linux gw1 2.6.32.71 #1 SMP Fri Jan 24 08:44:01 UTC 2020 mips", None),  # uname: a host
    ],
)
def test_model_from_descr(descr: str, model: str | None) -> None:
    assert model_from_descr(descr) == model


def test_docsis_sysdescr_fields() -> None:
    descr = "<<HW_REV: 1; VENDOR: Motorola; BOOTR: 2164; SW_REV: SB5101E-2.6.2.0; MODEL: SB5101E>>"
    assert knowledge_base().fallback(descr) | {} == {
        "version": "SB5101E-2.6.2.0",
        "model": "SB5101E",
    }


def test_product_branch_with_few_products(tmp_path: Path) -> None:
    (tmp_path / "F.mib").write_text(
        """
ACME-PRODUCTS-MIB DEFINITIONS ::= BEGIN
acme OBJECT IDENTIFIER ::= { enterprises 99998 }
acmeCSeriesProducts OBJECT IDENTIFIER ::= { acme 2 }
c300 OBJECT IDENTIFIER ::= { acmeCSeriesProducts 1 }
c150 OBJECT IDENTIFIER ::= { acmeCSeriesProducts 2 }
acmeGroup OBJECT IDENTIFIER ::= { acme 3 }
acmeThing OBJECT IDENTIFIER ::= { acmeGroup 1 }
END
"""
    )
    index = mibs.load([tmp_path])
    found = index.product((1, 3, 6, 1, 4, 1, 99998, 2, 1))
    assert found is not None and found.short == "c300"
    assert index.product((1, 3, 6, 1, 4, 1, 99998, 3, 1)) is None  # a lone object, no product list


@pytest.mark.parametrize(
    ("written", "version"),
    [
        (b"WA.ab934x.v8.7.4.45112.210415.1103", "8.7.4.45112.210415.1103"),  # with its build
        (
            b"XW.ab934x.v5.6-beta4.22359.140521.1836",
            "5.6-beta4.22359.140521.1836",
        ),  # the "v" marks it
        (b"2.1.7", "2.1.7"),
    ],
)
def test_an_802_11_product_version_gives_the_release_it_marks(written: bytes, version: str) -> None:
    values = system("Linux 2.6.32.61 #1 Wed May 21 18:37:41 EEST 2014 mips", "1.3.6.1.4.1.99999.1")
    values["1.2.840.10036.3.1.2.1.4.5"] = written  # dot11manufacturerProductVersion, radio 5
    assert parse(view_of(values)).os.version == version


def test_a_registered_operating_system_is_no_model(tmp_path: Path) -> None:
    (tmp_path / "F.mib").write_text(
        """
ACME-SMI DEFINITIONS ::= BEGIN
acme OBJECT IDENTIFIER ::= { enterprises 99997 }
acmeOS OBJECT IDENTIFIER ::= { acme 1 }
acmeSG100 OBJECT IDENTIFIER ::= { acme 2 }
acmeSG200 OBJECT IDENTIFIER ::= { acme 3 }
END
"""
    )
    mibs.set_mib_dirs([tmp_path])
    try:
        models = [
            parse(view_of(system("Acme Firewall", f"1.3.6.1.4.1.99997.{arc}"))).model
            for arc in (1, 2)
        ]
    finally:
        mibs.set_mib_dirs(None)
    assert models == [None, "SG100"]  # "OS" after the maker's prefix: the software registered


def _source(record: DeviceRecord, name: str) -> str:
    return next(p.source for p in record.provenance if p.field == name)


def _replay(tmp_path: Path, lines: list[str]) -> DeviceRecord:
    path = tmp_path / "device.snmprec"
    path.write_text("\n".join(lines) + "\n")
    return replay_snmp(path)


def test_a_linux_host_extending_its_dmi_facts_names_its_hardware(tmp_path: Path) -> None:
    """NET-SNMP-EXTEND-MIB outputs named as LibreNMS's host set-up names them (hardware, serial,
    manufacturer) give a Linux host's model, serial and maker; its distro line names the OS, as
    os-release does over SSH, and the kernel is a part of it."""
    extend = "1.3.6.1.4.1.8072.1.3.2.3.1.1"
    record = _replay(
        tmp_path,
        [
            "1.3.6.1.2.1.1.1.0|4|Linux web1 6.1.0-18-amd64 #1 SMP Debian 6.1.76-1 x86_64",
            "1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.8072.3.2.10",
            f"{extend}.6.100.105.115.116.114.111|4|Debian GNU/Linux 12",  # extend distro ...
            f"{extend}.6.115.101.114.105.97.108|4|7XYZ123",
            f"{extend}.8.104.97.114.100.119.97.114.101|4|PowerEdge R650",
            f"{extend}.12.109.97.110.117.102.97.99.116.117.114.101.114|4|Dell Inc.",
        ],
    )
    assert (record.model, record.serial, record.vendor) == (
        "PowerEdge R650",
        "7XYZ123",
        "Dell Inc.",
    )
    assert (record.os.family, record.os.version) == ("debian", "12")
    kernels = [(s.name, s.version) for s in record.software if s.kind == "kernel"]
    assert kernels == [("linux-kernel", "6.1.0-18-amd64")]
    assert _source(record, "serial") == f"{extend}.6.115.101.114.105.97.108"


def test_scalar_served_without_its_instance_is_read(tmp_path: Path) -> None:
    """Some agents serve a scalar at the object's own OID, with no ``.0``: a live poll's GETNEXT
    passes it by, so it is fetched with a GET; the replay keeps exactly what that reads."""
    record = _replay(
        tmp_path,
        [
            "1.3.6.1.2.1.1.1.0|4|Linux console 1.2.3-uc1 #1 armv5tel",
            "1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.25049.1.61",
            "1.3.6.1.4.1.25049.17.1.1|4|4.5.1 r123",
            "1.3.6.1.4.1.25049.17.1.2|4|OG-0042",
            "1.3.6.1.4.1.25049.17.1.3|4|not a serial",
        ],
    )
    assert record.serial == "OG-0042"
    assert _source(record, "serial") == "1.3.6.1.4.1.25049.17.1.2"


def test_first_instance_under_an_object_wins_over_its_own_oid(tmp_path: Path) -> None:
    record = _replay(
        tmp_path,
        [
            "1.3.6.1.2.1.1.1.0|4|Linux console 1.2.3-uc1 #1 armv5tel",
            "1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.25049.1.61",
            "1.3.6.1.4.1.25049.17.1.2|4|BARE",
            "1.3.6.1.4.1.25049.17.1.2.0|4|INSTANCE",
        ],
    )
    assert record.serial == "INSTANCE"


def test_over_entity_vendor_object_outranks_the_chassis_row() -> None:
    descr = (
        "Huawei Versatile Routing Platform Software VRP (R) software,"
        "Version 5.170 (S5720 V200R011C10SPC500)"
    )
    values = system(descr, "1.3.6.1.4.1.2011.2.23.420")
    values.update({f"{ENT}.5.1": 3, f"{ENT}.4.1": 0, f"{ENT}.11.1": b"BOARD-SERIAL"})
    assert parse(view_of(values)).serial == "BOARD-SERIAL"
    values["1.3.6.1.4.1.2011.5.25.188.1.1.0"] = b"DEVICE-ESN"
    record = parse(view_of(values))
    assert record.serial == "DEVICE-ESN"
    assert _source(record, "serial") == "1.3.6.1.4.1.2011.5.25.188.1.1.0"


def test_energy_object_row_is_not_the_device() -> None:
    """ENTITY-MIB v4 classes (energyObject 13, battery 14, storageDrive 15) are parts: a power
    unit at the top of the table does not lend the device its serial."""
    descr = "R6.5.02r NFXS-E FANT-H NOKIA ISAM Copyright (c) 2016 Nokia."
    values = system(descr, "1.3.6.1.4.1.637.61.1")
    values.update(
        {
            f"{ENT}.2.1": b"Power Unit",
            f"{ENT}.4.1": 0,
            f"{ENT}.5.1": 13,
            f"{ENT}.11.1": b"PSU-SERIAL",
            "1.3.6.1.4.1.637.61.1.23.2.1.13.17": b"SHELF-SERIAL",
        }
    )
    record = parse(view_of(values))
    assert record.serial == "SHELF-SERIAL"
    assert [c.cls for c in record.components] == ["power-supply"]


def test_lldp_med_local_inventory_is_a_standard_fallback() -> None:
    values = system("Managed Switch", "1.3.6.1.4.1.99999.7")
    values.update(
        {
            "1.0.8802.1.1.2.1.5.4795.1.2.4.0": b"5.0.1-r4",
            "1.0.8802.1.1.2.1.5.4795.1.2.5.0": b"MED-SERIAL-1",
            "1.0.8802.1.1.2.1.5.4795.1.2.7.0": b"TX1012-P-DC",
        }
    )
    record = parse(view_of(values))
    assert (record.serial, record.model, record.os.version) == (
        "MED-SERIAL-1",
        "TX1012-P-DC",
        "5.0.1-r4",
    )
    # read on any device: the plan of an unknown device includes the LLDP-MED objects
    plan = oids.collection_plan("1.3.6.1.4.1.99999.7", "Managed Switch")
    assert parse_oid("1.0.8802.1.1.2.1.5.4795.1.2.5") in plan.objects
    # a device that states only its firmware revision: that is its software
    values["1.0.8802.1.1.2.1.5.4795.1.2.3.0"] = b"2.1.7"
    assert parse(view_of(values)).os.version == "5.0.1-r4"  # the software revision first
    del values["1.0.8802.1.1.2.1.5.4795.1.2.4.0"]
    assert parse(view_of(values)).os.version == "2.1.7"


def test_vendor_firmware_on_a_reference_sysobjectid_is_recognised_by_probing() -> None:
    """A switch keeping Broadcom's reference sysObjectID but answering ZYXEL-ES-COMMON."""
    values = system("1.10(AAJZ.3)C0", "1.3.6.1.4.1.4413")
    values["1.3.6.1.4.1.890.1.2.2.2.0"] = b"ZY-SERIAL"
    assert (
        parse_oid("1.3.6.1.4.1.890.1.2.2.2")
        in oids.collection_plan("1.3.6.1.4.1.4413", "1.10(AAJZ.3)C0").objects
    )
    record = parse(view_of(values))
    assert (record.vendor, record.serial) == ("Zyxel", "ZY-SERIAL")


def test_an_oem_agent_card_names_the_products_maker() -> None:
    values = system("UPS SNMP Agent", "1.3.6.1.4.1.2254.2.4")
    values.update(
        {
            "1.3.6.1.4.1.2254.2.4.1.1.0": b"Acme Power",
            "1.3.6.1.4.1.2254.2.4.1.2.0": b"AP1500RT",
            "1.3.6.1.4.1.2254.2.4.1.3.0": b"02",
        }
    )
    record = parse(view_of(values))
    assert (record.vendor, record.model, record.os.version) == ("Acme Power", "AP1500RT", "02")
    del values["1.3.6.1.4.1.2254.2.4.1.1.0"]
    assert parse(view_of(values)).vendor == "Delta"  # the card's maker when it names no other


def test_integers_are_no_product_name_and_zero_is_no_serial() -> None:
    values = system("UPS Web/SNMP Agent", "1.3.6.1.4.1.13400.2.1")
    values.update({"1.3.6.1.4.1.13400.2.1.1.2.0": 2, "1.3.6.1.4.1.13400.2.1.1.3.1.1.0": 0})
    record = parse(view_of(values))
    assert (record.model, record.serial) == (None, None)
    values["1.3.6.1.4.1.13400.2.1.1.3.1.1.0"] = 70012345  # a numeric serial is a serial
    assert parse(view_of(values)).serial == "70012345"


@pytest.mark.parametrize(
    "descr,version",
    [
        # made-up sysDescrs in the documented shapes (not corpus values)
        ("Acme Switch 24 HW:2 FW:1.0.0.7 SW:v3.4.5.001 BN:7", "3.4.5.001"),  # SW over FW
        ("Acme Card (MB:v2.0.1 PF:v5.1.9 PN:acme_512.bin)", "5.1.9"),  # not the main board's
        ("Acme Router, Version acmeos-12-01-03-0042-GA", "12-01-03-0042-GA"),
        ("AB1200 NOS 7.01p2/00:11:22:33:44:55", "7.01p2"),
        ("FooOS v2.3.1.100", "2.3.1.100"),
        ("Acme 2900-48G, revision WB.16.10.0012, ROM WB.16.03", "WB.16.10.0012"),
        ("Acme Transport 9000 R31.2", "R31.2"),
        ("AcmeOS-C-20.10.R7 cpm/hops Acme 9000", "20.10.R7"),
        ("Acme 2000, XY.2.4, eCos-3.0, Linux 3.6.5", "XY.2.4"),
        ("Acme bridge XW.v6.3.6", "XW.v6.3.6"),  # a platform's code and its v-release
        ("Acme Base Station, Version: abc-1.02.03.0004", "1.02.03.0004"),
        ("Hardware: x86 - Software: Windows NT Version 4.0 (Build 1381)", "4.0"),
        ("Acme Controller - software version 2.07", "2.07"),
        ("Acme AP, Linux 4.4.60, U-Boot 2016.01", None),  # kernel and boot loader only
        ("Linux release:2.6.18-194.26.1.el5PAE machine:i686", None),  # the kernel's, labelled
        ("Acme AB-100 Hardware version: 12.03", None),  # the hardware's, labelled
        ("Acme AP, Radio Driver version 9.0.5.5", None),  # a driver's, labelled
        ("AB42 Device\n SoftWare Version AB42-AC_6.0.2\n HardWare Version 3.5", "6.0.2"),
        ("Linux host 4.19.0-18-amd64 #1 SMP Debian x86_64", None),  # uname: the OS rules read it
        ("Acme Gateway 10.1.2.3", None),  # an address, not a release
        # the management card's firmware, not its SNMP agent's version (RFC 1628's distinction)
        ("Acme Card (MB:v1.2.0 PF:v5.4.3 HR:05) (Embedded Acme SNMP Agent SW v2.2)", "5.4.3"),
        ("Acme SNMP Agent 10.10", None),
        ("Assy 3.6kVA 100-240V 16A PDU", None),  # a rating
        ("V1600D", None),  # a model
        ("AB541W, GE WAN, 802.11n ETSI, 4FXS/1FXO", None),  # a standard it speaks
        ("Acme OS6850-U24X 6.4.3.520.R01 GA, April 08, 2010", "6.4.3.520.R01"),  # not "OS" 6850
        ("Acme QAM <<HW_REV: 1.0; BOOTR: 0.0.0; SW_REV: 3.0.2.117>>", "3.0.2.117"),
        ("AB241 SNMP Agent, AB241-v1.252", "1.252"),  # a product id, then "v" and its release
        ("Acme AP FP200X-v7.4-build0771", "7.4-build0771"),
        ("Acme up-v2.1 module", "2.1"),  # letters joined to "v"
        # the boot loader's own version in parentheses; a model number joined to the release
        ("Acme 1930 Switch, AcmeOn_1930_1.0.5.0 (139), Linux 4.4.1, U-Boot 2013.01 (V1.0.1.2)",
         "1.0.5.0"),
        # a release train of versions and releases keeps its "V"; a "v" before a number is no
        # part of the release
        ("S1234 Acme INP (R) Software, Version V210R220,Hw Version N/A", "V210R220"),
        ("Acme OS/400 V7R1M0", "V7R1M0"),
        ("ACME AcmeOS-V0600R0705B20180507", "V0600R0705B20180507"),  # joined to the OS's name
        ("Acme Switch Version v1.2.3", "1.2.3"),
        # a line separator the agent's charset mangled into a letter: the release ends there
        ("Acme Operating System Software\xdaAcme OS Version: 8.3.2.0\xdaCopyright (c) Acme",
         "8.3.2.0"),
        ("Acme Switch 2.1.4\xe9build", "2.1.4"),
    ],
)  # fmt: skip
def test_version_grammar(descr: str, version: str | None) -> None:
    assert version_from_descr(descr) == version


def test_appliance_kernel_is_a_component_not_the_os_version() -> None:
    """Linux under a maker's own sysObjectID: an appliance; its kernel is a part of it."""
    from netsbom.agent.snmp.parse import parse_view
    from netsbom.agent.snmp.replay import replay_view
    from netsbom.core.record import Target

    def parse(sys_object_id: str):  # type: ignore[no-untyped-def]
        data = (
            "1.3.6.1.2.1.1.1.0|4|Linux ap1 4.4.241 #1 SMP Tue Oct 1 11:03:45 UTC 2024 armv7l\n"
            f"1.3.6.1.2.1.1.2.0|6|{sys_object_id}\n"
        ).encode()
        return parse_view(
            replay_view(data), target=Target("t", "-", 0, "replay"), agent_id="a",
            collected_at="2026-01-01T00:00:00Z", report_id="r",
        )  # fmt: skip

    appliance = parse("1.3.6.1.4.1.99999.1.2")
    assert appliance.os.version is None and appliance.os.family is None
    assert [(s.name, s.version, s.kind) for s in appliance.software] == [
        ("linux-kernel", "4.4.241", "kernel")
    ]
    assert appliance.software[0].cpe == "cpe:2.3:o:linux:linux_kernel:4.4.241:*:*:*:*:*:*:*"
    host = parse("1.3.6.1.4.1.8072.3.2.10")  # Net-SNMP: a general-purpose host
    assert host.os.family == "linux" and host.os.version == "4.4.241"
    # a host whose OS is the kernel: the kernel is also its own component (with its CPE)
    assert [(s.name, s.version) for s in host.software] == [("linux-kernel", "4.4.241")]


@pytest.mark.parametrize(
    ("engine_id", "enterprise"),
    [
        ("800007e5017f000001", 2021),  # RFC 3411 format (top bit set), UCD-SNMP's number
        ("80000009030000000c1234", 9),  # RFC 3411, format 3 (a MAC address)
        ("000000090000000c12345678", 9),  # RFC 1910 (SNMPv1 agents): 12 octets, top bit clear
        ("8000", None),  # too short
        ("", None),
    ],
)
def test_snmp_engine_id_enterprise(engine_id: str, enterprise: int | None) -> None:
    from netsbom.agent.snmp.parse import engine_enterprise

    assert engine_enterprise(bytes.fromhex(engine_id)) == enterprise


def test_a_device_without_sysobjectid_is_named_by_its_engine_id(tmp_path: Path) -> None:
    """No sysObjectID: snmpEngineID's enterprise number names the maker (read only then)."""
    lines = ["1.3.6.1.2.1.1.1.0|4|Ethernet Switch", "1.3.6.1.2.1.1.5.0|4|sw1"]
    engine = "1.3.6.1.6.3.10.2.1.1.0|4x|8000000903000000112233"  # enterprise 9 (Cisco)
    assert oids.SNMP_ENGINE_ID in oids.collection_plan(None, "Ethernet Switch").objects
    assert oids.SNMP_ENGINE_ID not in oids.collection_plan("1.3.6.1.4.1.9.1.1", "x").objects
    assert _replay(tmp_path, lines).vendor is None
    record = _replay(tmp_path, [*lines, engine])
    assert record.vendor == "Cisco"
    assert _source(record, "vendor") == "snmpEngineID: enterprise 9"
    net_snmp = "1.3.6.1.6.3.10.2.1.1.0|4x|80001f8880abcdef0011223344"  # an agent's, no maker
    assert _replay(tmp_path, [*lines, net_snmp]).vendor is None


def test_a_stack_whose_member_base_is_a_container_stands_for_that_member() -> None:
    """ENTITY-MIB containment: stack -> "Stack Member" (class stack, nothing of its own) ->
    "Base" (class container, the member's model and serial) -> its PSUs; the first member's
    base is the device, not a PSU inside it nor the second member."""
    values = system("Acme Stack OS 5.4", "1.3.6.1.4.1.99999.1")
    rows = {  # index: (class, contained in, name, serial)
        1: (11, 0, b"Stack", b""), 2: (11, 1, b"Stack Member", b""),
        3: (6, 2, b"PSU1", b"PSU-SERIAL"), 4: (5, 2, b"AB-x930-28G", b"MEMBER-1"),
        7: (11, 1, b"Stack Member", b""), 8: (5, 7, b"AB-x930-28G", b"MEMBER-2"),
    }  # fmt: skip
    for index, (cls, parent, name, serial) in rows.items():
        values.update({f"{ENT}.5.{index}": cls, f"{ENT}.4.{index}": parent,
                       f"{ENT}.7.{index}": name, f"{ENT}.11.{index}": serial})  # fmt: skip
    record = parse(view_of(values))
    assert (record.serial, record.model) == ("MEMBER-1", "AB-x930-28G")


def test_a_description_naming_only_its_class_is_no_model() -> None:
    values = system("Acme edge router", "1.3.6.1.4.1.99999.1")
    values.update({f"{ENT}.5.1": 3, f"{ENT}.4.1": 0, f"{ENT}.2.1": b"CHASSIS"})
    assert parse(view_of(values)).model is None
    values[f"{ENT}.2.1"] = b"Acme Edge Chassis"  # a description naming more than its class
    assert parse(view_of(values)).model == "Acme Edge Chassis"


@pytest.mark.parametrize("placeholder", ["KA.00.00.0000", "0.0.0", "v0.0"])
def test_a_release_of_zeros_is_a_placeholder(placeholder: str) -> None:
    """A stack's sysDescr states a zero release; a member's row states the real one."""
    values = system(f"Acme Stack, revision {placeholder}", "1.3.6.1.4.1.99999.1")
    values.update({f"{ENT}.5.1": 11, f"{ENT}.4.1": 0, f"{ENT}.5.2": 3, f"{ENT}.4.2": 1})
    assert parse(view_of(values)).os.version is None
    values[f"{ENT}.10.2"] = b"KB.16.11.0020"
    assert parse(view_of(values)).os.version == "KB.16.11.0020"


def test_a_management_cards_serial_is_not_the_devices() -> None:
    """A UPS's SNMP agent runs on a management card: the serial its sysDescr states is the
    card's; the UPS's own is elsewhere (here: nowhere)."""
    card = "Acme Network Management Card (MB:v4.1.0 PF:v6.7.2 MN:AC9631 SN: ZA1349002368)"
    assert parse(view_of(system(card, "1.3.6.1.4.1.99999.1"))).serial is None
    switch = "Acme Switch 24G (SN: ZA1349002368)"
    assert parse(view_of(system(switch, "1.3.6.1.4.1.99999.1"))).serial == "ZA1349002368"
    # "SN" with no separator is no label: the serial (or a product, "SNR-ERD-4") starts with it
    for joined in ("Acme-BSD SN710A26XXXXXX amd64", "SNR-ERD-4"):
        assert parse(view_of(system(joined, "1.3.6.1.4.1.99999.1"))).serial is None


def test_a_sysdescr_of_a_quote_alone_gives_a_complete_record() -> None:
    record = parse(view_of(system('"', "1.3.6.1.4.1.99999.1")))
    assert not record.errors and record.complete
