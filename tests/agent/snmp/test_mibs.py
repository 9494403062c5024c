"""The registration-MIB scanner: sysObjectID -> product name, read at runtime from a MIB folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from netsbom.agent.snmp import mibs
from tests.conftest import require, shared_root

SMI = """
ACME-SMI DEFINITIONS ::= BEGIN
IMPORTS enterprises, MODULE-IDENTITY FROM SNMPv2-SMI;
acme MODULE-IDENTITY
    LAST-UPDATED "202401010000Z"
    DESCRIPTION "has ::= { fake 1 } inside a string"
    ::= { enterprises 99999 }
acmeProducts OBJECT IDENTIFIER ::= { acme 1 }  -- registrations
END
"""
PRODUCTS = """
ACME-PRODUCTS-MIB DEFINITIONS ::= BEGIN
IMPORTS acmeProducts FROM ACME-SMI;
acmeProductRouter1 OBJECT IDENTIFIER ::= { acmeProducts 1 }
acmeProductSwitch24 OBJECT IDENTIFIER ::= { acmeProducts 2 }
acmeProductSwitch48 OBJECT IDENTIFIER ::= { acmeProducts 3 }
acmeDeep OBJECT IDENTIFIER ::= { acmeProducts 4 5 }
END
"""


@pytest.fixture
def mib_dir(tmp_path: Path) -> Path:
    (tmp_path / "ACME-SMI.my").write_text(SMI)
    (tmp_path / "ACME-PRODUCTS-MIB.txt").write_text(PRODUCTS)
    (tmp_path / "README.md").write_text("not a MIB ::= { acme 7 }")
    (tmp_path / "broken.mib").write_bytes(b"DEFINITIONS \xff\xfe ::= { nowhere")
    return tmp_path


def test_scan_resolves_across_modules(mib_dir: Path) -> None:
    index = mibs.load([mib_dir])
    product = index.product((1, 3, 6, 1, 4, 1, 99999, 1, 2))
    assert product == mibs.Product("acmeProductSwitch24", "Switch24", "ACME-PRODUCTS-MIB")
    assert index.name((1, 3, 6, 1, 4, 1, 99999, 1, 4, 5)) == "acmeDeep"
    assert index.product((1, 3, 6, 1, 4, 1, 99999, 1)) is None  # a branch, not a product list
    assert index.name((1, 3, 6, 1, 4, 1, 99999, 1, 7)) is None


def test_configured_folder_and_cache(mib_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(mibs.ENV_VAR, str(mib_dir))
    mibs.set_mib_dirs(None)
    found = mibs.product((1, 3, 6, 1, 4, 1, 99999, 1, 1))
    assert found is not None and found.short == "Router1"
    assert mibs.index() is mibs.index()
    mibs.set_mib_dirs([mib_dir / "missing"])
    assert mibs.product((1, 3, 6, 1, 4, 1, 99999, 1, 1)) is None
    mibs.set_mib_dirs(None)


def test_shared_vendor_mibs() -> None:
    directory = require(shared_root() / "mibs", "vendor registration MIBs")
    index = mibs.load([directory])
    mx80 = index.product((1, 3, 6, 1, 4, 1, 2636, 1, 1, 1, 2, 57))
    assert mx80 is not None and mx80.short == "MX80"
    c2950 = index.product((1, 3, 6, 1, 4, 1, 9, 1, 359))
    assert c2950 is not None and c2950.name == "catalyst2950t24"
    # a prefix that is a word of its own with a digit: cut at its hyphen, not before its digit
    h3c = index.product((1, 3, 6, 1, 4, 1, 25506, 1, 1))
    assert h3c is not None and h3c.name.startswith("hh3c-")
    assert h3c.short == h3c.name.removeprefix("hh3c-")
    # a number alone names no product: the name stays whole
    vdx = index.product((1, 3, 6, 1, 4, 1, 1588, 3, 3, 1, 131))
    assert vdx is not None and vdx.short == vdx.name == "vdx6740"
    # one small letter is the product's own, no maker's prefix: Dell's S4148F-ON, Calix's E7-2
    s4148 = index.product((1, 3, 6, 1, 4, 1, 674, 11000, 5000, 100, 2, 1, 6))
    assert s4148 is not None and s4148.short == s4148.name == "s4148Fon"
    e7 = index.product((1, 3, 6, 1, 4, 1, 6321, 1, 2, 2, 5, 3))
    assert e7 is not None and e7.short == e7.name == "e7x2"


# IANA's registry as published (a number, then the organisation indented by two spaces), and
# Wireshark's table of it (number, tab, organisation, an optional "# formerly" comment).
IANA = """
PRIVATE ENTERPRISE NUMBERS

Decimal
| Organization
| | Contact
| | | Email
| | | |
0
  Reserved
    Internet Assigned Numbers Authority
      iana&iana.org
9
  ciscoSystems
    Contact Name
      contact&example.com
99999
  Acme Widgets Co.,Ltd (formerly Roadrunner Inc.)
    Wile E. Coyote
      wile&example.com
"""
WIRESHARK = "# comment\n1991\tBrocade Communication Systems, Inc.\t# formerly 'Foundry'\n"


def test_enterprise_registry_names_the_organisation(tmp_path: Path) -> None:
    parsed = mibs.parse_enterprises(IANA)
    assert parsed == {9: "ciscoSystems", 99999: "Acme Widgets"}  # 0 is IANA's "Reserved"
    assert mibs.parse_enterprises(WIRESHARK) == {1991: "Brocade Communication Systems"}
    (tmp_path / "enterprise-numbers").write_text(IANA)
    (tmp_path / "enterprises.tsv").write_text(WIRESHARK)
    index = mibs.load([tmp_path])
    assert index.organization((1, 3, 6, 1, 4, 1, 99999, 1, 2)) == "Acme Widgets"
    assert index.organization((1, 3, 6, 1, 4, 1, 1991, 1, 3)) == "Brocade Communication Systems"
    assert index.organization((1, 3, 6, 1, 4, 1)) is None
    assert index.organization((1, 3, 6, 1, 2, 1, 1)) is None


def test_vendor_from_the_registry_where_no_vendor_file_names_the_maker(
    tmp_path: Path,
) -> None:
    from netsbom.agent.snmp.view import ObjectId, parse_oid
    from tests.agent.snmp.test_parse import parse, view_of

    registry = "99999\tAcme Widgets Ltd\n8072\tnet-snmp\n39145\tAcme Power Ltd\n"
    (tmp_path / "enterprises.tsv").write_text(registry)
    mibs.set_mib_dirs([tmp_path])
    try:
        for sys_oid, descr, vendor in (
            ("1.3.6.1.4.1.99999.1.7", "Widget 3000", "Acme Widgets"),
            ("1.3.6.1.4.1.8072.3.2.10", "Linux host 6.1.0 #1 SMP x86_64", None),  # an agent
            # an appliance's own number and a kernel's uname: the Linux rule knows no maker
            ("1.3.6.1.4.1.99999", "Linux AB-1800 2.6.30 #1 SMP x86_64", "Acme Widgets"),
            # a maker in a file of many makers' objects (misc_network.yaml), which names none
            ("1.3.6.1.4.1.39145.10", "Acme PDU", "Acme Power"),
        ):
            record = parse(
                view_of(
                    {
                        "1.3.6.1.2.1.1.1.0": descr.encode(),
                        "1.3.6.1.2.1.1.2.0": ObjectId(parse_oid(sys_oid)),
                    }
                )
            )
            assert record.vendor == vendor, sys_oid
    finally:
        mibs.set_mib_dirs(None)


def test_no_registrant_is_no_organisation() -> None:
    table = "0\tReserved\n7\t---none---\n8\tUnassigned\n1991\tFoundry Networks, Inc.\n"
    assert mibs.parse_enterprises(table) == {1991: "Foundry Networks"}


def test_the_shipped_registry_names_the_maker_without_a_mib_folder() -> None:
    """agent/fingerprints/enterprises.tsv.gz (IANA's registry) answers when no folder does; the
    operator's copy of the registry wins where it has the number."""
    from netsbom.agent.snmp import mibtable

    shipped = mibtable.organizations()
    assert len(shipped) > 50_000 and 0 not in shipped
    assert shipped[30065] == "Arista Networks"
    mibs.set_mib_dirs([])
    try:
        assert mibs.organization((*mibs.ENTERPRISES, 30065, 1, 3011)) == "Arista Networks"
        assert mibs.organization((*mibs.ENTERPRISES, 0)) is None
        assert mibs.organization((1, 3, 6, 1, 2, 1, 1)) is None
    finally:
        mibs.set_mib_dirs(None)
    # the table round-trips the registry's cleaned names
    lines = mibtable.enterprise_lines({1991: "Foundry Networks", 9: "ciscoSystems"})
    assert lines == ["9\tciscoSystems", "1991\tFoundry Networks"]
    assert mibs.parse_enterprises("\n".join(lines)) == {9: "ciscoSystems", 1991: "Foundry Networks"}


def test_the_operator_registry_outranks_the_shipped_one(tmp_path: Path) -> None:
    (tmp_path / "enterprises.tsv").write_text("30065\tAcme Renamed Ltd\n")
    mibs.set_mib_dirs([tmp_path])
    try:
        assert mibs.organization((*mibs.ENTERPRISES, 30065, 1)) == "Acme Renamed"
        assert mibs.organization((*mibs.ENTERPRISES, 9, 1)) == "ciscoSystems"  # shipped
    finally:
        mibs.set_mib_dirs(None)


IDENTITY = """
ACME-SYSTEM-MIB DEFINITIONS ::= BEGIN
IMPORTS acme FROM ACME-SMI;
acmeSystem OBJECT IDENTIFIER ::= { acme 2 }
acmeSysSerialNumber OBJECT-TYPE SYNTAX DisplayString MAX-ACCESS read-only STATUS current
    DESCRIPTION "the box's serial" ::= { acmeSystem 1 }
acmeSysSoftwareVersion OBJECT-TYPE SYNTAX DisplayString MAX-ACCESS read-only STATUS current
    DESCRIPTION "" ::= { acmeSystem 2 }
acmeSysModelName OBJECT-TYPE SYNTAX DisplayString MAX-ACCESS read-only STATUS current
    DESCRIPTION "" ::= { acmeSystem 3 }
acmeFanSerialNumber OBJECT-TYPE SYNTAX DisplayString MAX-ACCESS read-only STATUS current
    DESCRIPTION "a part's, not the box's" ::= { acmeSystem 4 }
acmeDiskTable OBJECT-TYPE SYNTAX SEQUENCE OF AcmeDiskEntry MAX-ACCESS not-accessible
    STATUS current DESCRIPTION "" ::= { acmeSystem 5 }
acmeDiskEntry OBJECT-TYPE SYNTAX AcmeDiskEntry MAX-ACCESS not-accessible STATUS current
    DESCRIPTION "" INDEX { acmeDiskIndex } ::= { acmeDiskTable 1 }
acmeDriveSerialNumber OBJECT-TYPE SYNTAX DisplayString MAX-ACCESS read-only STATUS current
    DESCRIPTION "a column" ::= { acmeDiskEntry 2 }
acmeChassisSerialNo OBJECT-TYPE SYNTAX DisplayString MAX-ACCESS read-only STATUS current
    DESCRIPTION "a table's column although its name has no part word" ::= { acmeDiskEntry 3 }
END
"""
ACME_SYSTEM = (1, 3, 6, 1, 4, 1, 99999, 2)


@pytest.mark.parametrize(
    ("name", "field"),
    [
        ("jnxBoxSerialNo", "serial"),
        ("fnSysSerial", "serial"),
        ("fgSysVersion", "version"),
        ("acmeMibVersion", None),  # the MIB's revision, not the software's
        ("ruckusZD1000SystemVersion", "version"),
        ("ruckusZD1000SystemModel", "model"),
        ("racFirmwareVersion", "version"),
        ("physicalDiskSerialNo", None),  # a part's
        ("upsIdentAgentSoftwareVersion", None),  # the agent card's, not the box's
        ("snmpSetSerialNo", None),  # SNMPv2-MIB's spin lock (RFC 3418), no serial number
        ("sysHardwareSerialNumber", "serial"),
        ("bootRomVersion", None),
    ],
)
def test_identity_field_by_name(name: str, field: str | None) -> None:
    assert mibs.identity_field(name) == field


def test_identity_scalars_of_the_device_enterprise(mib_dir: Path) -> None:
    (mib_dir / "ACME-SYSTEM-MIB.txt").write_text(IDENTITY)
    index = mibs.load([mib_dir])
    found = {
        (o.field, o.name): o.oid for o in index.identity_objects((*mibs.ENTERPRISES, 99999, 1, 2))
    }
    assert found == {
        ("serial", "acmeSysSerialNumber"): (*ACME_SYSTEM, 1),
        ("version", "acmeSysSoftwareVersion"): (*ACME_SYSTEM, 2),
        ("model", "acmeSysModelName"): (*ACME_SYSTEM, 3),
    }  # no part's serial, no table column
    assert index.identity_objects((*mibs.ENTERPRISES, 4242, 1)) == ()  # another enterprise's


DESCRIBED = """
ACME-UNIT-MIB DEFINITIONS ::= BEGIN
IMPORTS acme FROM ACME-SMI;
acmeUnit OBJECT IDENTIFIER ::= { acme 3 }
acmeUnitIdent OBJECT-TYPE SYNTAX DisplayString MAX-ACCESS read-only STATUS current
    DESCRIPTION "The serial number of this unit, as on its label.
                 Read-only -- set in the factory." ::= { acmeUnit 1 }
acmeUnitRel OBJECT-TYPE SYNTAX OCTET STRING (SIZE (0..32)) MAX-ACCESS read-only STATUS current
    DESCRIPTION "The version of the software the unit runs." ::= { acmeUnit 2 }
acmeUnitKind OBJECT-TYPE SYNTAX SnmpAdminString MAX-ACCESS read-only STATUS current
    DESCRIPTION "Product name of the unit, e.g. AB-1200." ::= { acmeUnit 3 }
acmeFanIdent OBJECT-TYPE SYNTAX DisplayString MAX-ACCESS read-only STATUS current
    DESCRIPTION "The serial number of the fan tray." ::= { acmeUnit 4 }
acmeBootRel OBJECT-TYPE SYNTAX DisplayString MAX-ACCESS read-only STATUS current
    DESCRIPTION "The software version of the boot loader." ::= { acmeUnit 5 }
acmeUnitSerials OBJECT-TYPE SYNTAX Integer32 MAX-ACCESS read-only STATUS current
    DESCRIPTION "The serial number count (an integer, not text)." ::= { acmeUnit 6 }
acmeUnitRelDate OBJECT-TYPE SYNTAX DisplayString MAX-ACCESS read-only STATUS current
    DESCRIPTION "The software version's release date." ::= { acmeUnit 7 }
acmeUnitNote OBJECT-TYPE SYNTAX DisplayString MAX-ACCESS read-only STATUS current
    DESCRIPTION "Free text. Not the serial number of anything." ::= { acmeUnit 8 }
END
"""


def test_identity_objects_by_description_where_the_name_says_nothing(mib_dir: Path) -> None:
    """An object named for nothing (``acmeUnitIdent``) whose DESCRIPTION's first sentence says
    it is the unit's serial, software version or product name is read; not a part's, the boot
    code's, a number, a date, or a mention after the first sentence."""
    (mib_dir / "ACME-UNIT-MIB.txt").write_text(DESCRIBED)
    index = mibs.load([mib_dir])
    found = {(o.field, o.name) for o in index.identity_objects((*mibs.ENTERPRISES, 99999, 1, 2))}
    assert found == {
        ("serial", "acmeUnitIdent"),
        ("version", "acmeUnitRel"),
        ("model", "acmeUnitKind"),
    }
    assert mibs.described_field("The serial number of the unit.", "DisplayString") == "serial"
    assert mibs.described_field("The serial number of the unit.", "INTEGER") is None


def test_named_identity_objects_are_read_from_a_device(mib_dir: Path, tmp_path: Path) -> None:
    """A device of a vendor no fingerprint file knows: its MIB's named scalars give serial,
    version and model, in the poll plan and in the record (with the OID as provenance)."""
    from netsbom.agent.snmp import oids
    from netsbom.agent.snmp.poll import replay_snmp

    (mib_dir / "ACME-SYSTEM-MIB.txt").write_text(IDENTITY)
    recording = tmp_path / "acme.snmprec"
    recording.write_text(
        "1.3.6.1.2.1.1.1.0|4|Acme box\n"
        "1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.99999.1.2\n"
        "1.3.6.1.4.1.99999.2.1.0|4|AC1234567\n"
        "1.3.6.1.4.1.99999.2.2.0|4|7.1.4\n"
        "1.3.6.1.4.1.99999.2.3.0|4|Acme Switch 48\n"
        "1.3.6.1.4.1.99999.2.4.0|4|FAN0001\n"
    )
    mibs.set_mib_dirs([mib_dir])
    try:
        plan = oids.collection_plan("1.3.6.1.4.1.99999.1.2", "Acme box")
        record = replay_snmp(recording)
    finally:
        mibs.set_mib_dirs(None)
    assert (*ACME_SYSTEM, 1) in plan.objects and (*ACME_SYSTEM, 4) not in plan.objects
    assert (record.serial, record.os.version, record.model) == (
        "AC1234567",
        "7.1.4",
        "Acme Switch 48",
    )
    sources = {p.field: p.source for p in record.provenance}
    assert sources["serial"] == "1.3.6.1.4.1.99999.2.1.0"


def test_shared_mibs_declare_identity_scalars() -> None:
    directory = require(shared_root() / "mibs", "vendor registration MIBs")
    index = mibs.load([directory])
    dell = index.identity_objects((*mibs.ENTERPRISES, 674, 10892, 5))  # iDRAC
    first = {}
    for item in dell:
        first.setdefault(item.field, item.name)
    # the box's (not its enclosure's) service tag, the running firmware (not the card's product
    # version); a trap varbind's copy is never read
    assert first == {
        "serial": "systemServiceTag",
        "version": "racFirmwareVersion",
        "model": "systemModelName",
    }
    assert not any(o.name.startswith("alert") for o in dell)
    citrix = index.identity_objects((*mibs.ENTERPRISES, 5951, 1))  # accessible-for-notify: none
    assert {o.name for o in citrix if o.field == "version"} == {"sysBuildVersion"}


def test_identity_names_agree_with_the_vendor_objects_netsbom_knows() -> None:
    """The naming rule against real MIB object names: the vendor objects of the fingerprint
    files (each a vendor MIB's object for a known field). It never names another field, and
    recognises most of them (the rest are vendor words: "hwSysEsn"... or parts' objects)."""
    from netsbom.agent.snmp.fingerprint import bundled

    right = wrong = total = 0
    for loaded in bundled().files:
        for obj in loaded.data.objects:
            if obj.name and not obj.pattern and obj.field in ("serial", "version", "model"):
                named = mibs.identity_field(obj.name.split()[0])
                total += 1
                right += named == obj.field
                wrong += named not in (None, obj.field)
    assert total > 200 and wrong == 0
    assert right / total >= 0.75, (right, total)


def test_shipped_table_is_what_the_shared_mibs_say() -> None:
    """agent/fingerprints/registrations.tsv.gz is regenerated from ../shared/mibs, not edited."""
    from netsbom.agent.snmp import mibtable

    directory = require(shared_root() / "mibs", "vendor registration MIBs")
    assert mibtable.main([str(directory), "--check"]) == 0


def test_products_without_a_mib_folder_come_from_the_shipped_table(mib_dir: Path) -> None:
    from netsbom.agent.snmp import mibtable

    mibs.set_mib_dirs([])
    try:
        found = mibs.product((*mibs.ENTERPRISES, 2636, 1, 1, 1, 2, 10))
        dell = {o.name for o in mibs.identity_objects((*mibs.ENTERPRISES, 674, 10892, 5))}
    finally:
        mibs.set_mib_dirs(None)
    assert found is not None and found.short == "M7i"
    assert "systemServiceTag" in dell
    # the table round-trips what a scan finds
    index = mibs.load([mib_dir])
    table = mibtable.parse(mibtable.encode(mibtable.lines(index)))
    router = (*mibs.ENTERPRISES, 99999, 1, 1)
    assert table.product(router) == index.product(router)
