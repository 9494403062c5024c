"""The device maker's enterprise subtree: the one version- or serial-shaped scalar in it as the
last resort, and the maker a general agent (Net-SNMP) serves beside its own."""

from __future__ import annotations

from pathlib import Path

import pytest

from netsbom.agent.snmp import oids
from netsbom.agent.snmp.parse import enterprise_to_read
from netsbom.agent.snmp.poll import replay_snmp
from netsbom.agent.snmp.replay import replay_view
from netsbom.agent.snmp.shape import (
    enterprise_model,
    enterprise_serial,
    enterprise_version,
    group_serial,
    is_product_shaped,
    is_serial_shaped,
    is_version_shaped,
    release,
)
from netsbom.agent.snmp.view import SnmpView

ARC = (1, 3, 6, 1, 4, 1, 64999)  # an enterprise no knowledge file names
SYSTEM = [
    "1.3.6.1.2.1.1.1.0|4|Acme power shelf",
    "1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.64999.1.7",
    "1.3.6.1.2.1.1.5.0|4|shelf-1",
]


@pytest.mark.parametrize(
    "text",
    [
        *("2.9.4", "245.00", "v6.0.3-build0058", "V1.10(AAWC.1)", "8.2-7MR-1", "3.9.0.4"),
        *("1.1.1.0", "R80.20", "B8.35Build03"),  # one letter of a train before the release
        "9.0.0.0.0.295",  # six numbers
    ],
)
def test_release_shapes(text: str) -> None:
    assert is_version_shaped(text)


@pytest.mark.parametrize(
    "text",
    [
        "10.10.10.17",  # an address of a private range
        "192.168.120.1",
        "127.0.0.1",
        "2019.04.18",  # a date
        "12.02.2008",  # a date as Europe writes it (day, month, year)
        "Acme 2.9.4",  # words: not a release alone
        "2.9.4 build 7",  # a release with its build: release() reads it
        "42",
        "1.3.6.1.4.1.9.1.516",  # an OID
        "1.3.6.1.4.1",  # an OID as short as a release
        "1." + "2" * 45,  # too long
        "GE1/0/1",  # a port
        "AB1.2",  # two letters: a name, not a train
    ],
)
def test_not_release_shapes(text: str) -> None:
    assert not is_version_shaped(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2.9.4", "2.9.4"),
        ("V6.2  build 20080519", "V6.2"),
        ("3.0.6 Build 20200805 Rel.55968", "3.0.6"),
        ("9.7.2.0 build 20 (US)", "9.7.2.0"),
        ("1.12.0 rev 54574", "1.12.0"),
        ("18.0.1 MR-1-Build396", "18.0.1"),  # a maintenance release and its build
        ("V23.03.01 (0025)", "V23.03.01"),
        ("v7.2.6,build1575,230926 (GA.F)", "v7.2.6"),
        ("v6.0.11(GA), build285, 2022.03.28", "v6.0.11"),
        ("6.1.1 (2019-04-18)", "6.1.1"),
        ("1.0.7, Mon, 04 Dec 2017 10:31:09", "1.0.7"),  # the build's date, RFC 5322's way
        ("2.1 Dec  4 2017 10:31:09", "2.1"),  # C's __DATE__ __TIME__
        ("1.2 Mon, 04 Foo 2017", None),  # no month: not a date
        ("Acme 2.9.4", None),  # a name first: not a release alone
        ("2.9.4 and 2.9.5", None),
        ("build 20", None),
        ("1.2, 1.3", None),
    ],
)
def test_release_read_from_a_qualified_text(text: str, expected: str | None) -> None:
    assert release(text) == expected


def test_a_text_longer_than_any_release_is_none() -> None:
    # an agent may send kilobytes in one text: the qualified-release grammar is not run on them
    assert release("1" + "(b)" * 3000) is None
    assert release("1.0.7 " + "build 7 " * 15) is None


@pytest.mark.parametrize(
    "text",
    [
        "S100Z16017355",
        "ND1932-0257",
        "2D22451188",
        "FOC1234X0AB",
        "20201399",
        "180619085787",
        "9600012345A",  # ten digits and a check letter: no current is written so (not amperes)
    ],
)
def test_serial_shapes(text: str) -> None:
    assert is_serial_shaped(text)


@pytest.mark.parametrize(
    "text",
    [
        "location1",  # one digit
        "000000000000",  # erased
        "FFFFFFFF",
        "1-847-634-6700",  # a phone number
        "2020-05-26",  # a date
        "20200805",  # a date stamp
        "20231114093012",  # with its time
        "4.03.00",  # a release
        "two words 123",
        "AB12",  # too short
        "4014192kB",  # a quantity (a memory size)
        "23265269s",  # a duration (an uptime)
    ],
)
def test_not_serial_shapes(text: str) -> None:
    assert not is_serial_shaped(text)


def test_a_serial_a_scalar_states_under_its_label() -> None:
    view = _view({(1, 3, 0): b"PDU System v1.05 (SN 1113016920004)", (2, 0): b"AB-1200"})
    assert enterprise_serial(view, ARC, []) == ("1113016920004", (*ARC, 1, 3, 0))
    # a label needs its separator: "SNMPv2-agent" states no serial
    assert enterprise_serial(_view({(1, 3, 0): b"SNMPv2-agent 1.2"}), ARC, []) is None


def test_the_only_unit_id_is_the_serial_names_are_not() -> None:
    view = _view({(1, 0): b"EDS-G512E-T", (2, 0): b"TAIKD1021234", (3, 0): b"sw-12"})
    # the product name is known from sysDescr: the serial is what is left
    assert enterprise_serial(view, ARC, ["EDS-G512E-T Ethernet switch", "sw-12"]) == (
        "TAIKD1021234",
        (*ARC, 2, 0),
    )
    # a known name inside a candidate ("<model>-T") makes it a name too
    assert enterprise_serial(view, ARC, ["EDS-G512E", "sw-12"]) == ("TAIKD1021234", (*ARC, 2, 0))
    # nothing known: of two candidates, the one with a unit's sequence number
    assert enterprise_serial(view, ARC, []) == ("TAIKD1021234", (*ARC, 2, 0))
    # two numbered, or none numbered: no serial
    two = _view({(1, 0): b"ZY18120520", (2, 0): b"TAIKD1021234"})
    assert enterprise_serial(two, ARC, []) is None
    none = _view({(1, 0): b"EDS-G512E-T", (2, 0): b"FOC2533L5YZ"})
    assert enterprise_serial(none, ARC, []) is None


@pytest.mark.parametrize(
    "text",
    [
        "BC2000",
        "EDS-G512E-T",
        "ITA2",
        "MHFA-S-37-32-AA-1-1",
        "Smart-UPS X 750",
        "RAy3-24",
        "SFVH_SO01",
        "T1600G-28TS 3.0",  # a product id and its hardware revision
    ],
)
def test_product_shapes(text: str) -> None:
    assert is_product_shaped(text)


@pytest.mark.parametrize(
    "text",
    [
        "Humidity1",  # an instance's name: one of many
        "Outlet 12",
        "01/2021 - 92.9kWh",  # a reading
        "vThunder3ac80f21f3ad31e1",  # an id with a hex run
        "c0:74:ad:c4:c7:a4",  # a MAC address
        "ABCFT1000001",  # a long number: a serial's
        "4.03.00",  # a release
        "Acme",  # no digit
        "a product with too many words 1",
        "9600RPM",  # a quantity: a fan's speed, a supply's rating
        "230 V",
        "12.5kW",
        "256QAM",  # a radio's modulation
        "8PSK",
        "SFOS 17.5.5 MR-5",  # a software's name and its release
        "SECURE/SNMP/TELNET/WEB/V3.59",
        "AcmeOS 7.0.1-R1456",  # a release with its build after a hyphen
        "416791G106T2010SEP230036",  # 21 letters and digits or more unbroken: a code, not a name
        "time1.example.com",  # a host's DNS name (a time server's): a network setting
        "ACME_F2_Firmware_v05_29",  # an image's name: the software, not the product
        "X200 Software 2",
    ],
)
def test_not_product_shapes(text: str) -> None:
    assert not is_product_shaped(text)


def test_a_firmware_images_name_is_no_second_product() -> None:
    view = _view({(10, 1, 0): b"F2_1 1", (10, 2, 0): b"ACME_F2_Firmware_v05_29"})
    assert enterprise_model(view, ARC, [], None) == ("F2_1 1", (*ARC, 10, 1, 0))


def test_the_only_product_id_is_the_model_names_and_the_serial_are_not() -> None:
    view = _view({(1, 0): b"BC2000", (2, 0): b"rack-12", (3, 0): b"SN1234567890", (4, 0): b"X-9"})
    # "rack-12" is the device's location, "X-9" its serial found elsewhere
    assert enterprise_model(view, ARC, ["rack-12"], "X-9") == ("BC2000", (*ARC, 1, 0))
    assert enterprise_model(view, ARC, [], None) is None  # three candidates


@pytest.mark.parametrize(
    "text",
    [b"model=AB5400", b"Model:AB5400,hwid", b"type=AB5100 provider=x(D525) cf=hda model=AB5400"],
)
def test_a_model_a_scalar_states_under_its_label(text: bytes) -> None:
    assert enterprise_model(_view({(1, 1, 0): text}), ARC, [], None) == ("AB5400", (*ARC, 1, 1, 0))


def test_of_several_product_ids_the_one_named_after_the_maker() -> None:
    view = _view({(6, 7, 0): b"Acme 3200", (7, 8, 3, 0): b"VBAT3"})
    assert enterprise_model(view, ARC, [], None, "Acme Networks") == ("Acme 3200", (*ARC, 6, 7, 0))
    assert enterprise_model(view, ARC, [], None, None) is None  # two candidates
    assert enterprise_model(view, ARC, [], None, "Other Corp") is None
    # "ACMES" is not the maker's name followed by a product's
    both = _view({(6, 7, 0): b"ACMES 3200", (7, 8, 3, 0): b"VBAT3"})
    assert enterprise_model(both, ARC, [], None, "Acme Networks") is None


def _view(rows: dict[tuple[int, ...], object], whole: bool = True) -> SnmpView:
    view = SnmpView()
    for suffix, value in rows.items():
        view.set((*ARC, *suffix), value)  # type: ignore[arg-type]
    if whole:
        view.whole.add(ARC)
    return view


def test_the_only_candidate_is_the_version() -> None:
    view = _view({(2, 1, 0): b"Acme", (2, 3, 0): b"4.03.00", (3, 1, 1, 5): b"9.9.9", (4, 0): 7})
    assert enterprise_version(view, ARC) == ("4.03.00", (*ARC, 2, 3, 0))


def test_two_candidates_are_no_version() -> None:
    view = _view({(2, 3, 0): b"4.03.00", (2, 4, 0): b"1.2"})  # firmware and boot loader?
    assert enterprise_version(view, ARC) is None


def test_a_release_stated_in_a_scalar_as_a_sysdescr_states_it() -> None:
    for text, expected in [
        (b"Release 2.11", "2.11"),
        (b"PDU System v1.05 (SN 1113016920004)", "1.05"),
        (b"SFOS 17.5.5 MR-5", "17.5.5"),
        (b"Acme_D12 GPS 6010-0065-000 v 3.04 - Sep 24 22:58:19 2019", "3.04"),  # a "v" word
    ]:
        assert enterprise_version(_view({(1, 2, 0): text}), ARC) == (expected, (*ARC, 1, 2, 0))
    # hardware's, boot code's: not the software's
    assert enterprise_version(_view({(1, 2, 0): b"HW: 1.04"}), ARC) is None
    # in a table's row only a release written alone counts: rows indexed by two arcs (a
    # neighbour's description per port, <column>.<port>.1) look like tables of one row each
    neighbour = b"MikroTik RouterOS 7.19 (stable) 2025-05-22 07:53:44 cAPGi-5HaxD2HaxD"
    assert enterprise_version(_view({(35, 1, 10, 49167, 1): neighbour}), ARC) is None


def test_decimals_that_come_in_numbers_are_readings() -> None:
    # "54.50", "46.50": temperatures written as text, not releases; "R80.10" is the release
    readings = {(7, 8, 1, 1, 3, 1, 0): b"54.50", (7, 8, 1, 1, 3, 2, 0): b"46.50"}
    view = _view({**readings, (6, 4, 1, 0): b"R80.10"})
    assert enterprise_version(view, ARC) == ("R80.10", (*ARC, 6, 4, 1, 0))
    assert enterprise_version(_view(readings), ARC) is None
    # one decimal alone may be the release
    assert enterprise_version(_view({(1, 2, 0): b"2.11"}), ARC) == ("2.11", (*ARC, 1, 2, 0))
    # two releases beside the readings: none
    two = {(6, 4, 1, 0): b"R80.10", (1, 2, 0): b"Release 2.11", **readings}
    assert enterprise_version(_view(two), ARC) is None


@pytest.mark.parametrize("text", ["3.3V", "12.5kW", "20181211131605.000000+000"])
def test_a_quantity_or_a_cim_datetime_is_no_release(text: str) -> None:
    assert not is_version_shaped(text)


@pytest.mark.parametrize("text", ["2.0a", "1.2b", "V1.2b", "4.15.3F"])
def test_a_release_may_end_in_a_letter(text: str) -> None:
    assert is_version_shaped(text)


def test_a_repeated_value_is_one_candidate() -> None:
    view = _view({(2, 3, 0): b"4.03.00", (7, 1, 0): b"4.03.00 "})
    assert enterprise_version(view, ARC) == ("4.03.00", (*ARC, 2, 3, 0))


def test_a_dotted_quad_among_network_settings_is_an_address() -> None:
    # a mail relay's public address beside its mail address: settings, not a release
    settings = {(2, 1, 31, 0): b"noc@example.net", (2, 1, 33, 0): b"195.230.160.26"}
    assert enterprise_version(_view(settings), ARC) is None
    for name in (b"https://mgmt.example.net", b"ntp1.example.net"):
        assert enterprise_version(_view({**settings, (2, 1, 31, 0): name}), ARC) is None
    # the same quad in a group of its own is read as the release it may be (Ruckus: 200.14.6.1)
    alone = {(2, 1, 31, 0): b"noc@example.net", (3, 1, 0): b"200.14.6.1"}
    assert enterprise_version(_view(alone), ARC) == ("200.14.6.1", (*ARC, 3, 1, 0))
    # only the quads there are addresses: a release that is no dotted quad is one (a proxy's
    # version beside its host name)
    proxy = {(2, 2, 0): b"acmeproxy", (2, 3, 0): b"3.5.20", (2, 6, 0): b"proxy.example.net"}
    assert enterprise_version(_view(proxy), ARC) == ("3.5.20", (*ARC, 2, 3, 0))


def test_scalars_and_tables_of_one_row_count() -> None:
    # a table row indexed 0.0 (an object's own arc is never 0)
    assert enterprise_version(_view({(4, 1, 17, 1, 3, 0, 0, 0): b"1.0"}), ARC) is None
    # a table of one row: the system's (or its one unit's) release
    assert enterprise_version(_view({(4, 1, 3, 1): b"1.0.4"}), ARC) == ("1.0.4", (*ARC, 4, 1, 3, 1))
    # a table of two rows (two units, two modules): which one is the device's is unknown
    assert enterprise_version(_view({(4, 1, 3, 1): b"1.0.4", (4, 1, 3, 2): b"1.0.4"}), ARC) is None
    assert enterprise_version(_view({(4, 1, 3, 2): b"1.0.4"}), ARC) is None  # not row 1


def test_a_column_whose_other_rows_are_empty_states_one_units_release() -> None:
    # a power system's table: the system's row states no firmware, its controller's does
    units = {(13, 8, 2, 1, 2, 1): b"Acme Power System", (13, 8, 2, 1, 2, 2): b"SP2 Basic 1"}
    firmware = {(13, 8, 2, 1, 8, 1): b"", (13, 8, 2, 1, 8, 2): b"2.7.4"}
    assert enterprise_version(_view({**units, **firmware}), ARC) == (
        "2.7.4",
        (*ARC, 13, 8, 2, 1, 8, 2),
    )
    # two rows that state releases: which one is the device's is unknown
    both = {**firmware, (13, 8, 2, 1, 8, 1): b"1.0.2"}
    assert enterprise_version(_view({**units, **both}), ARC) is None


def test_serials_from_scalars_and_numbered_ones_from_tables_of_one_row() -> None:
    assert enterprise_serial(_view({(4, 8, 0): b"CN187D6053"}), ARC, []) == (
        "CN187D6053",
        (*ARC, 4, 8, 0),
    )
    # a table of one row may describe a part (a modem, a supply): only a numbered id is taken
    assert enterprise_serial(_view({(4, 1, 8, 1): b"CN187D6053"}), ARC, []) is None
    assert enterprise_serial(_view({(4, 1, 8, 1): b"P1UM298000677"}), ARC, []) == (
        "P1UM298000677",
        (*ARC, 4, 1, 8, 1),
    )
    # two rows: two units, neither is known to be the device
    two_rows = _view({(4, 1, 8, 1): b"P1UM298000677", (4, 1, 8, 2): b"P1UM298000678"})
    assert enterprise_serial(two_rows, ARC, []) is None


def test_a_column_with_a_row_0_is_no_scalar() -> None:
    # "TProbe 1" at <column>.0 beside rows .1 and .2: a table, so BC2000 is the only model
    view = _view(
        {
            (2, 1, 2, 0): b"BC2000",
            (7, 1, 2, 0): b"TProbe 1",
            (7, 1, 2, 1): b"TProbe 2",
            (7, 1, 2, 2): b"TProbe 3",
        }
    )
    assert enterprise_model(view, ARC, [], None) == ("BC2000", (*ARC, 2, 1, 2, 0))
    assert (
        enterprise_model(_view({(2, 1, 2, 0): b"BC2000", (7, 1, 2, 0): b"TP100"}), ARC, [], None)
        is None
    )


def test_a_subtree_not_read_whole_gives_nothing() -> None:
    assert enterprise_version(_view({(2, 3, 0): b"4.03.00"}, whole=False), ARC) is None
    assert enterprise_version(_view({(2, 3, 0): b"4.03.00"}), None) is None


def test_the_serial_in_the_group_that_names_the_device() -> None:
    """A box group names the device beside its serial; read whole or not (a large MIB's first
    rows), its one numbered serial is the device's; a member table's row indexed 0, deeper down,
    is a member's."""
    rows: dict[tuple[int, ...], object] = {
        (3, 1, 2, 0): b"Acme AB5100-48S-6Q Switch",
        (3, 1, 3, 0): b"TA3716123456",
        (3, 1, 4, 0): b"core-sw-7",  # a name, not numbered
        (3, 40, 1, 4, 1, 1, 1, 2, 0): b"TA3716412345",  # member 0's, in a deeper group
        (3, 40, 1, 4, 1, 1, 1, 8, 0): b"ab5100-48s-6q",
        (5, 1, 0): b"ZX9912345678",  # a group that does not name the device
    }
    view = _view(rows, whole=False)
    model = "AB510048S6Q"  # as a registration MIB spells it
    assert group_serial(view, ARC, model, []) == ("TA3716123456", (*ARC, 3, 1, 3, 0))
    assert group_serial(view, ARC, "CD200", []) is None  # no group names this model
    assert group_serial(view, ARC, "AB51", []) is None  # too short to name the device
    # a text the sysDescr holds names the product, not a unit: the member's is what is left
    found = group_serial(view, ARC, model, ["Acme AB5100 TA3716123456"])
    assert found == ("TA3716412345", (*ARC, 3, 40, 1, 4, 1, 1, 1, 2, 0))
    rows[(3, 1, 5, 0)] = b"TB3716000001"  # two numbered texts in the box group: neither
    assert group_serial(_view(rows, whole=False), ARC, model, []) is None


def test_the_serial_in_the_table_row_that_names_the_device() -> None:
    """A unit table's row names the device's model beside its serial (a PDU's unit table, in a
    MIB too large to read whole): the row is the device's, as a box group is; rows naming
    other products (the inlets, a sensor) are not."""
    rows: dict[tuple[int, ...], object] = {
        (6, 3, 2, 1, 1, 3, 1): b"PX3-5493U-K2",
        (6, 3, 2, 1, 1, 4, 1): b"QLG1234567",
        (6, 3, 2, 1, 1, 5, 1): b"rack-12-pdu-a",  # the operator's name for it
        (6, 3, 4, 1, 2, 1): b"DPX2-T1H1",  # a sensor's product and serial, another table
        (6, 3, 4, 1, 3, 1): b"SN98765432",
    }
    view = _view(rows, whole=False)
    found = group_serial(view, ARC, "PX3-5493U-K2", [])
    assert found == ("QLG1234567", (*ARC, 6, 3, 2, 1, 1, 4, 1))
    assert group_serial(view, ARC, "PX3-5493V", []) is None  # no row names this model
    rows[(6, 3, 2, 1, 1, 4, 1)] = b"QLG12"  # short: not told from another number, no serial
    assert group_serial(_view(rows, whole=False), ARC, "PX3-5493U-K2", []) is None


def _recording(tmp_path: Path, rows: list[str]) -> Path:
    path = tmp_path / "shelf.snmprec"
    path.write_text("\n".join(SYSTEM + rows) + "\n")
    return path


def test_replay_reads_the_subtree_within_its_bound(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [f"1.3.6.1.4.1.64999.5.{n}.0|2|{n}" for n in range(1, 10)]
    path = _recording(tmp_path, ["1.3.6.1.4.1.64999.2.3.0|4|4.03.00", *rows])
    monkeypatch.setattr(oids, "ENTERPRISE_ROWS", 10)  # exactly its 10 objects: read whole
    record = replay_snmp(path)
    assert record.os.version == "4.03.00"
    [source] = [p for p in record.provenance if p.field == "os.version"]
    assert (source.source, source.confidence) == ("1.3.6.1.4.1.64999.2.3.0", 0.3)
    monkeypatch.setattr(oids, "ENTERPRISE_ROWS", 9)  # one more than the bound: unknown
    assert replay_snmp(path).os.version is None
    # a malformed line is still a line of the subtree: 10 lines, a bound of 9, not read whole
    # even though only 9 decode (only the first lines in OID order are decoded at all)
    rows[2] = "1.3.6.1.4.1.64999.5.3.0|4x|zz"
    path = _recording(tmp_path, ["1.3.6.1.4.1.64999.2.3.0|4|4.03.00", *reversed(rows)])
    assert replay_snmp(path).os.version is None
    monkeypatch.setattr(oids, "ENTERPRISE_ROWS", 10)  # in any order, within the bound: whole
    assert replay_snmp(path).os.version == "4.03.00"


def test_replay_takes_model_then_serial_from_the_subtree(tmp_path: Path) -> None:
    path = _recording(
        tmp_path,
        [
            "1.3.6.1.4.1.64999.2.1.0|4|PS-4800",
            "1.3.6.1.4.1.64999.2.2.0|4|4.03.00",
            "1.3.6.1.4.1.64999.2.3.0|4|AB12C3456789",
            "1.3.6.1.4.1.64999.3.1.0|2|48",
        ],
    )
    record = replay_snmp(path)
    assert (record.model, record.os.version, record.serial) == (
        "PS-4800",
        "4.03.00",
        "AB12C3456789",
    )
    sources = {p.field: (p.source, p.confidence) for p in record.provenance}
    assert sources["model"] == ("1.3.6.1.4.1.64999.2.1.0", 0.3)
    assert sources["serial"] == ("1.3.6.1.4.1.64999.2.3.0", 0.3)


@pytest.mark.parametrize(
    ("ups_firmware", "maker_rows", "version"),
    [
        # RFC 1628: the agent's software is its management card's; the maker's subtree states
        # the UPS's own firmware, which is the device's release
        (None, ["1.3.6.1.4.1.64999.1.1.4.0|4|2.30.0004"], "2.30.0004"),
        (b"", ["1.3.6.1.4.1.64999.1.1.4.0|4|2.30.0004"], "2.30.0004"),  # stated empty
        # nothing else states one: the release the card's software states (its sentence read)
        (None, ["1.3.6.1.4.1.64999.1.1.9.0|2|3"], "6.00"),
        # upsIdentUPSSoftwareVersion states the UPS's: it outranks both
        (b"01.17.4945", ["1.3.6.1.4.1.64999.1.1.4.0|4|2.30.0004"], "01.17.4945"),
    ],
)
def test_a_ups_agents_own_release_yields_to_the_ups_firmware(
    tmp_path: Path, ups_firmware: bytes | None, maker_rows: list[str], version: str
) -> None:
    rows = ["1.3.6.1.2.1.33.1.1.4.0|4|Network Management Card V6.00 LD", *maker_rows]
    if ups_firmware is not None:
        rows.insert(0, f"1.3.6.1.2.1.33.1.1.3.0|4|{ups_firmware.decode()}")
    record = replay_snmp(_recording(tmp_path, sorted(rows)))
    assert record.os.version == version


def test_a_model_beside_the_serial_is_decided_once_the_serial_is(tmp_path: Path) -> None:
    # "1234ABC" is product-shaped too: two model candidates until it is known as the serial
    rows = ["1.3.6.1.4.1.64999.2.1.0|4|Shelf M1000e", "1.3.6.1.4.1.64999.2.11.0|4|1234ABC"]
    record = replay_snmp(_recording(tmp_path, rows))
    assert (record.model, record.serial) == ("Shelf M1000e", "1234ABC")
    # a second unit-id-shaped text: the serial stays unknown, and so does the model
    rows.append("1.3.6.1.4.1.64999.2.12.0|4|5678DEF")
    record = replay_snmp(_recording(tmp_path, rows))
    assert (record.model, record.serial) == (None, None)


def test_the_makers_product_id_outranks_a_model_guessed_from_sysdescr(tmp_path: Path) -> None:
    # a sysDescr of one phrase is read as the model only for want of better ("A-U32.024_PDU-B"
    # is a name an operator gave the box); the maker's one product-shaped scalar is better
    rows = [
        "1.3.6.1.2.1.1.1.0|4|A-U32.024_PDU-B",
        "1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.64999.1.7",
        "1.3.6.1.4.1.64999.2.1.0|4|MG02E4W1-42ITB3",
        "1.3.6.1.4.1.64999.2.2.0|4|4.03.00",
        "1.3.6.1.4.1.64999.2.3.0|4|9600RPM",  # a fan's reading, no candidate
        "1.3.6.1.4.1.64999.2.4.0|4|S204135008819",  # the serial (numbered), so not the model
    ]
    path = tmp_path / "pdu.snmprec"
    path.write_text("\n".join(rows) + "\n")
    record = replay_snmp(path)
    assert record.model == "MG02E4W1-42ITB3"
    [model] = [p for p in record.provenance if p.field == "model"]
    assert (model.source, model.confidence) == ("1.3.6.1.4.1.64999.2.1.0", 0.3)
    # no product-shaped scalar: the guess stands
    path.write_text("\n".join(rows[:2] + rows[3:]) + "\n")
    assert replay_snmp(path).model == "A-U32.024_PDU-B"


CHASSIS = "1.3.6.1.2.1.47.1.1.1.1"
STATED = [f"{CHASSIS}.4.1|2|0", f"{CHASSIS}.5.1|2|3", f"{CHASSIS}.10.1|4|2.1.0"]
STATED.append(f"{CHASSIS}.11.1|4|SN12345678")  # a chassis row with its software and serial


def test_a_device_with_version_model_and_serial_is_not_read_further(tmp_path: Path) -> None:
    rows = [*STATED, f"{CHASSIS}.13.1|4|ACME-100", "1.3.6.1.4.1.64999.2.3.0|4|9.9.9"]
    path = _recording(tmp_path, rows)
    view = replay_view(path.read_bytes())
    assert enterprise_to_read(view) is None
    assert (*ARC, 2, 3, 0) not in view.values
    record = replay_snmp(path)
    assert (record.os.version, record.serial) == ("2.1.0", "SN12345678")


def test_a_guessed_model_is_reason_enough_to_read_the_subtree(tmp_path: Path) -> None:
    path = _recording(tmp_path, [*STATED, "1.3.6.1.4.1.64999.2.1.0|4|PS-4800"])
    path.write_text(path.read_text().replace("Acme power shelf", "Shelf-7 Basement"))
    view = replay_view(path.read_bytes())
    assert (*ARC, 2, 1, 0) in view.values  # version and serial stated, the model a guess
    assert replay_snmp(path).model == "PS-4800"


def test_a_guessed_model_the_makers_subtree_names_too_is_kept(tmp_path: Path) -> None:
    # the sysDescr grammar's guess, confirmed by the box group's product name: the one other
    # product-shaped scalar (the operator's name for the box) does not replace it
    rows = [
        "1.3.6.1.4.1.64999.1.1.1.0|4|AB-1200 (M-PoE)",
        "1.3.6.1.4.1.64999.1.1.2.0|4|20181022008795",
        "1.3.6.1.4.1.64999.1.1.4.0|4|rack_k1",
    ]
    path = _recording(tmp_path, rows)
    path.write_text(path.read_text().replace("Acme power shelf", "AB-1200 (M-PoE), fw:6.7050"))
    assert replay_snmp(path).model == "AB-1200"
    path.write_text(path.read_text().replace("1.3.6.1.4.1.64999.1.1.1.0|4|AB-1200 (M-PoE)\n", ""))
    assert replay_snmp(path).model == "rack_k1"  # not confirmed: the one product-shaped text


NET_SNMP_HOST = [
    "1.3.6.1.2.1.1.1.0|4|Linux box 4.4.9 #6 SMP Thu Apr 27 15:48:52 EDT 2017 armv7l",
    "1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.8072.3.2.10",
    "1.3.6.1.4.1.2021.4.5.0|2|1024",  # UCD-SNMP memory: the agent's own
    "1.3.6.1.4.1.8072.1.2.1.1.4.0.1.0.0|4|netsnmp",
]


def _host(tmp_path: Path, rows: list[str]) -> Path:
    path = tmp_path / "host.snmprec"
    path.write_text("\n".join(NET_SNMP_HOST + rows) + "\n")
    return path


def test_a_general_agent_serving_one_makers_subtree_is_that_makers_appliance(
    tmp_path: Path,
) -> None:
    record = replay_snmp(_host(tmp_path, ["1.3.6.1.4.1.45000.6.1.1.0|4|1.03.12212017"]))
    assert record.os.family is None  # not "Linux": an appliance on a Linux kernel
    assert [(s.kind, s.version) for s in record.software[:1]] == [("kernel", "4.4.9")]
    assert record.os.version == "1.03.12212017"  # the maker's subtree, read whole
    assert record.vendor == "Symbicon"  # IANA's registrant of 45000
    [vendor] = [p for p in record.provenance if p.field == "vendor"]
    assert vendor.source == "enterprise 45000 served beside a general agent"


def test_behind_a_general_agent_no_firmware_release_leaves_the_host_it_says_it_is(
    tmp_path: Path,
) -> None:
    # the maker's subtree states no release: the box answers as Net-SNMP's Linux and is
    # described so (a maker's agent extension on a general host looks the same)
    record = replay_snmp(_host(tmp_path, ["1.3.6.1.4.1.45000.6.1.1.0|2|1"]))
    assert (record.os.family, record.os.version) == ("linux", "4.4.9")
    assert [s.kind for s in record.software].count("kernel") == 1  # the OS's, not a second part
    assert record.vendor == "Symbicon"  # still the maker whose subtree it serves
    [version] = [p for p in record.provenance if p.field == "os.version"]
    assert version.source == "1.3.6.1.2.1.1.1.0"


def test_a_host_serving_server_agents_or_two_makers_stays_a_host(tmp_path: Path) -> None:
    dell = "1.3.6.1.4.1.674.10892.1.300.10.1.9.1|4|PowerEdge R740"  # OpenManage on a server
    for rows in ([], [dell], ["1.3.6.1.4.1.3582.1.1.0|4|x", "1.3.6.1.4.1.13140.1.0|4|y"]):
        record = replay_snmp(_host(tmp_path, rows))
        assert (record.os.family, record.os.version) == ("linux", "4.4.9"), rows


def test_served_subtrees_are_listed_up_to_the_bound(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the first subtrees served (lowest numbers first) are UCD's and the maker's: only two listed
    monkeypatch.setattr(oids, "SERVED_ENTERPRISES", 2)
    path = _host(tmp_path, ["1.3.6.1.4.1.64999.6.1.1.0|4|1.03", "1.3.6.1.4.1.99999.1.0|4|z"])
    view = replay_view(path.read_bytes())
    served = {oid[6] for oid in view.values if oid[:6] == oids.ENTERPRISES}
    assert served == {2021, 8072}
    monkeypatch.setattr(oids, "SERVED_ENTERPRISES", 16)
    assert replay_snmp(path).os.family == "linux"  # two makers: a host, not an appliance


def test_a_fault_in_deciding_costs_the_last_resort_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from netsbom.agent.snmp import parse

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug of ours")

    path = _recording(tmp_path, ["1.3.6.1.4.1.64999.2.3.0|4|4.03.00"])
    monkeypatch.setattr(parse, "physical_table", broken)
    assert enterprise_to_read(replay_view(path.read_bytes())) is None


def test_a_value_at_the_bare_enterprises_node_is_no_makers(tmp_path: Path) -> None:
    record = replay_snmp(_host(tmp_path, ["1.3.6.1.4.1|4|odd", "1.3.6.1.4.1.0|4|odder"]))
    assert (record.os.family, record.os.version) == ("linux", "4.4.9")


def test_a_row_naming_the_devices_model_gives_its_serial() -> None:
    # a table of one row may describe a part; one that also names the device's model is the
    # device's own row, so its serial-shaped text is the serial even without a long number
    row = {(4, 1, 7, 1): b"P42D04M", (4, 1, 8, 1): b"CN187D6053"}
    model = ["P42D04M"]  # the model found is among the known texts: no serial itself
    assert enterprise_serial(_view(row), ARC, model, "P42D04M") == (
        "CN187D6053",
        (*ARC, 4, 1, 8, 1),
    )
    assert enterprise_serial(_view(row), ARC, ["P42D04X"], "P42D04X") is None  # another's row
    assert enterprise_serial(_view(row), ARC, model) is None
    elsewhere = {(3, 1, 7, 1): b"P42D04M", (4, 1, 8, 1): b"CN187D6053"}  # another table's row
    assert enterprise_serial(_view(elsewhere), ARC, model, "P42D04M") is None


def test_a_row_holding_the_devices_serial_gives_its_model() -> None:
    row = {(9, 1, 3, 1): b"MS41-L3E", (9, 1, 10, 1): b"943009201000201022"}
    assert enterprise_model(_view(row), ARC, [], "943009201000201022") == (
        "MS41-L3E",
        (*ARC, 9, 1, 3, 1),
    )
    assert enterprise_model(_view(row), ARC, [], None) is None  # a part's row, for all we know


def test_groups_of_digits_only_are_counters_not_serials() -> None:
    disks = {(7, 6, 1, 3, n, 0): str(33283751936 + n).encode() for n in (1, 2, 3)}
    view = _view({**disks, (16, 3, 0): b"2000AB4000"})
    assert enterprise_serial(view, ARC, []) == ("2000AB4000", (*ARC, 16, 3, 0))
    # digits beside words in their group are identity objects: a numeric serial stays one
    ident = {(1, 4, 0): b"79071", (1, 5, 0): b"7062184", (1, 8, 0): b"3353", (1, 3, 0): b"Net PS"}
    assert enterprise_serial(_view(ident), ARC, []) == ("7062184", (*ARC, 1, 5, 0))


def test_numbered_instances_are_no_product() -> None:
    inputs = {(2, 2, n, 0): f"Analog Input {n}".encode() for n in (1, 2, 3)}
    view = _view({**inputs, (2, 1, 2, 0): b"TCW241"})
    assert enterprise_model(view, ARC, [], None) == ("TCW241", (*ARC, 2, 1, 2, 0))
    assert enterprise_model(_view(inputs), ARC, [], None) is None


def test_of_several_product_ids_the_one_the_others_describe() -> None:
    view = _view(
        {(1, 1, 0): b"TCW241 SNMP Agent", (1, 2, 0): b"TCW241-v1.252", (2, 1, 0): b"TCW241"}
    )
    assert enterprise_model(view, ARC, [], None) == ("TCW241", (*ARC, 2, 1, 0))
    view = _view({(1, 1, 0): b"TCW241 SNMP Agent", (2, 1, 0): b"TCW2410"})  # no separator
    assert enterprise_model(view, ARC, [], None) is None


def test_the_host_name_of_a_uname_sysdescr_is_no_model(tmp_path: Path) -> None:
    path = tmp_path / "gw.snmprec"
    path.write_text(
        "1.3.6.1.2.1.1.1.0|4|Linux gw1-fw-a 2.6.18-92cpx86_64 #1 SMP Tue Sep 4 2018 x86_64\n"
        "1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.64999.1.7\n"
        "1.3.6.1.4.1.64999.1.16.3.0|4|gw1-fw-a\n"
    )
    assert replay_snmp(path).model is None
    path.write_text(path.read_text().replace("|4|gw1-fw-a\n", "|4|GX-3200\n"))
    assert replay_snmp(path).model == "GX-3200"


@pytest.mark.parametrize("sys_object_id", ["", ".0.10.43.6.1.4.1", "1.3.6.1.2.1.33", "1.3.6.1.4.1"])
def test_a_sysobjectid_naming_no_maker_leaves_the_maker_to_the_subtree_served(
    tmp_path: Path, sys_object_id: str
) -> None:
    # SNMPv2-MIB: sysObjectID is allocated within the enterprises subtree; one outside it (a
    # broken agent's, a standard MIB's) names nobody, so the one maker served is the device's
    path = tmp_path / "pdu.snmprec"
    path.write_text(
        "1.3.6.1.2.1.1.1.0|4|Epicenter SNMP\n"
        f"1.3.6.1.2.1.1.2.0|6|{sys_object_id}\n"
        "1.3.6.1.4.1.2021.4.5.0|2|1024\n"
        "1.3.6.1.4.1.45000.1.1.1.3.0|4|5.3.1100.0\n"
    )
    record = replay_snmp(path)
    assert (record.vendor, record.os.version) == ("Symbicon", "5.3.1100.0")
    [vendor] = [p for p in record.provenance if p.field == "vendor"]
    assert vendor.source == "enterprise 45000 served by an agent whose sysObjectID names none"
    path.write_text(path.read_text() + "1.3.6.1.4.1.64999.1.0|4|z\n")  # two makers: none
    assert replay_snmp(path).os.version is None


def test_an_own_subtree_holding_no_text_leads_to_the_one_other_maker_served(
    tmp_path: Path,
) -> None:
    path = tmp_path / "shelf.snmprec"
    other = ["1.3.6.1.4.1.45000.1.3.0|4|2.8.1", "1.3.6.1.4.1.45000.2.3.0|4|AB1234567890"]
    path.write_text("\n".join([*SYSTEM, "1.3.6.1.4.1.64999.1.1.0|66|62064", *other]) + "\n")
    record = replay_snmp(path)
    assert (record.os.version, record.serial) == ("2.8.1", "AB1234567890")
    # a text in its own subtree (a serial): the MIB is there, the other maker's is not read
    path.write_text("\n".join([*SYSTEM, "1.3.6.1.4.1.64999.1.1.0|4|ZX1234567890", *other]) + "\n")
    record = replay_snmp(path)
    assert (record.os.version, record.serial) == (None, "ZX1234567890")


def test_a_product_id_joined_to_the_release_found_names_the_product() -> None:
    view = _view({(120, 1, 1, 0): b"FP231G-v7.4-build0771", (120, 1, 2, 0): b"FP231GTF2409AF83"})
    # the serial starts with the product's code: a model inside it is still the model
    assert enterprise_model(view, ARC, [], "FP231GTF2409AF83", None, "7.4-build0771") == (
        "FP231G",
        (*ARC, 120, 1, 1, 0),
    )
    # a text that only states the release found is no product
    view = _view({(2, 1, 4, 0): b"V210R220"})
    assert enterprise_model(view, ARC, [], None) == ("V210R220", (*ARC, 2, 1, 4, 0))
    assert enterprise_model(view, ARC, [], None, None, "210R220") is None
