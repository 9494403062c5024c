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
    assert parsed == {0: "Reserved", 9: "ciscoSystems", 99999: "Acme Widgets"}
    assert mibs.parse_enterprises(WIRESHARK) == {1991: "Brocade Communication Systems"}
    (tmp_path / "enterprise-numbers").write_text(IANA)
    (tmp_path / "enterprises.tsv").write_text(WIRESHARK)
    index = mibs.load([tmp_path])
    assert index.organization((1, 3, 6, 1, 4, 1, 99999, 1, 2)) == "Acme Widgets"
    assert index.organization((1, 3, 6, 1, 4, 1, 1991, 1, 3)) == "Brocade Communication Systems"
    assert index.organization((1, 3, 6, 1, 4, 1)) is None
    assert index.organization((1, 3, 6, 1, 2, 1, 1)) is None


def test_vendor_from_the_registry_only_where_no_vendor_file_knows_the_enterprise(
    tmp_path: Path,
) -> None:
    from netsbom.agent.snmp.view import ObjectId, parse_oid
    from tests.agent.snmp.test_parse import parse, view_of

    (tmp_path / "enterprises.tsv").write_text("99999\tAcme Widgets Ltd\n8072\tnet-snmp\n")
    mibs.set_mib_dirs([tmp_path])
    try:
        for sys_oid, descr, vendor in (
            ("1.3.6.1.4.1.99999.1.7", "Widget 3000", "Acme Widgets"),
            ("1.3.6.1.4.1.8072.3.2.10", "Linux host 6.1.0 #1 SMP x86_64", None),  # an agent
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
