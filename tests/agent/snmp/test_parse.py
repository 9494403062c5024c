from __future__ import annotations

import pytest

from netsbom.agent.identify import with_identifiers
from netsbom.agent.snmp.parse import parse_view
from netsbom.agent.snmp.software import Package, split_package
from netsbom.agent.snmp.view import ObjectId, SnmpView, Value, parse_oid
from netsbom.core.record import DeviceRecord, Target

TARGET = Target(id="r1", address="192.0.2.1", port=161, transport="snmp")
LLDP_REM = "1.0.8802.1.1.2.1.4.1.1"
LLDP_LOC = "1.0.8802.1.1.2.1.3"
ENT = "1.3.6.1.2.1.47.1.1.1.1"
CDP = "1.3.6.1.4.1.9.9.23.1.2.1.1"
HR = "1.3.6.1.2.1.25.6.3.1"


def view_of(values: dict[str, Value]) -> SnmpView:
    view = SnmpView()
    for oid, value in values.items():
        view.set(parse_oid(oid), value)
    return view


def parse(view: SnmpView) -> DeviceRecord:
    return parse_view(
        view, target=TARGET, agent_id="a1", collected_at="2026-01-01T00:00:00Z", report_id="r"
    )


SYSTEM: dict[str, Value] = {
    "1.3.6.1.2.1.1.1.0": (
        b"Arista Networks EOS version 4.31.1F running on an Arista Networks DCS-7280SR-48C6"
    ),
    "1.3.6.1.2.1.1.2.0": ObjectId((1, 3, 6, 1, 4, 1, 30065, 1, 3011, 7280, 1)),
    "1.3.6.1.2.1.1.5.0": b"leaf1.example.net",
}


def test_identity_and_components_tree() -> None:
    values: dict[str, Value] = dict(SYSTEM)
    rows: dict[int, tuple[Value, ...]] = {
        # index: (descr, containedIn, class, name, serial, mfg, model, isFRU, softwareRev)
        1: (b"Stack", 0, 11, b"Stack", b"", b"", b"", 2, b""),
        2: (
            b"Switch chassis",
            1,
            3,
            b"Chassis 1",
            b"SN-CHASSIS",
            b"Arista Networks",
            b"DCS-7280SR-48C6",
            2,
            b"4.31.1F",
        ),
        3: (b"Fan tray", 2, 7, b"Fan 1", b"SN-FAN", b"", b"", 1, b""),
        4: (b"PSU", 2, 6, b"PSU 1", b"SN-PSU", b"", b"", 1, b""),
        5: (b"Port", 2, 10, b"Ethernet1", b"", b"", b"", 2, b""),
        6: (b"Unknown", 2, 2, b"", b"", b"", b"", 2, b""),
    }
    columns = (2, 4, 5, 7, 11, 12, 13, 16, 10)
    for index, row in rows.items():
        for column, value in zip(columns, row, strict=True):
            values[f"{ENT}.{column}.{index}"] = value
    record = parse(view_of(values))
    assert record.hostname == "leaf1.example.net"
    assert record.vendor == "Arista"
    assert record.os.family == "eos" and record.os.version == "4.31.1F"
    assert record.model == "DCS-7280SR-48C6"
    assert record.serial == "SN-CHASSIS"
    assert record.complete and record.errors == ()
    by_index = {c.index: c for c in record.components}
    assert [by_index[i].cls for i in "123456"] == [
        "stack",
        "chassis",
        "fan",
        "power-supply",
        "port",
        "other",
    ]
    assert by_index["1"].parent is None and by_index["3"].parent == "2"
    assert by_index["3"].is_fru is True and by_index["2"].is_fru is False
    assert by_index["2"].software_rev == "4.31.1F"
    assert by_index["6"].name is None
    sources = {p.field: p.source for p in record.provenance}
    assert sources["serial"] == f"{ENT}.11.2"
    assert sources["model"] == f"{ENT}.13.2"
    assert sources["hostname"] == "1.3.6.1.2.1.1.5.0"


def test_model_from_product_id_when_model_name_is_empty() -> None:
    values: dict[str, Value] = dict(SYSTEM)
    values.update({f"{ENT}.5.1": 3, f"{ENT}.4.1": 0, f"{ENT}.2.1": b"Chassis DCS-7050QX-32S"})
    record = parse(view_of(values))
    assert record.model == "DCS-7050QX-32S"
    assert [p.confidence for p in record.provenance if p.field == "model"] == [0.6]


def test_lldp_neighbors() -> None:
    values: dict[str, Value] = dict(SYSTEM)
    values.update(
        {
            f"{LLDP_LOC}.1.0": 4,
            f"{LLDP_LOC}.2.0": bytes.fromhex("001c73aabbcc"),
            f"{LLDP_LOC}.7.1.2.1": 7,
            f"{LLDP_LOC}.7.1.3.1": b"1",
            f"{LLDP_LOC}.7.1.4.1": b"uplink",
            f"{LLDP_LOC}.7.1.2.2": 5,
            f"{LLDP_LOC}.7.1.3.2": b"Ethernet2",
            "1.3.6.1.2.1.31.1.1.1.1.1": b"Ethernet1",
            # neighbour on local port 1: MAC chassis id, interfaceName port id
            f"{LLDP_REM}.4.0.1.1": 4,
            f"{LLDP_REM}.5.0.1.1": bytes.fromhex("00005e0053af"),
            f"{LLDP_REM}.6.0.1.1": 5,
            f"{LLDP_REM}.7.0.1.1": b"xe-0/0/1",
            f"{LLDP_REM}.9.0.1.1": b"spine1",
            f"{LLDP_REM}.10.0.1.1": b"Juniper Networks, Inc. qfx",
            # neighbour on local port 2: local chassis id, MAC port id
            f"{LLDP_REM}.4.0.2.3": 7,
            f"{LLDP_REM}.5.0.2.3": b"server-7",
            f"{LLDP_REM}.6.0.2.3": 3,
            f"{LLDP_REM}.7.0.2.3": bytes.fromhex("020000000001"),
            # management address of the first neighbour (IPv4, length-prefixed index)
            "1.0.8802.1.1.2.1.4.2.1.3.0.1.1.1.4.192.0.2.9": 2,
        }
    )
    record = parse(view_of(values))
    assert record.chassis_id == "00:1c:73:aa:bb:cc"
    first, second = record.neighbors
    assert first.protocol == "lldp"
    assert first.local_port == "Ethernet1"  # IF-MIB ifName by local port number
    assert first.remote_chassis_id == "00:00:5e:00:53:af"
    assert first.remote_port == "xe-0/0/1"
    assert first.remote_name == "spine1"
    assert first.remote_mgmt_address == "192.0.2.9"
    assert first.remote_description == "Juniper Networks, Inc. qfx"
    assert second.local_port == "Ethernet2"  # lldpLocPortId of subtype interfaceName
    assert second.remote_chassis_id == "server-7"
    assert second.remote_port == "02:00:00:00:00:01"
    assert second.remote_mgmt_address is None


def test_cdp_neighbors() -> None:
    values: dict[str, Value] = {
        "1.3.6.1.2.1.1.1.0": (
            b"Cisco IOS Software, C3750E Software (C3750E-UNIVERSALK9-M), Version 15.2(4)E10, "
            b"RELEASE SOFTWARE (fc2)"
        ),
        "1.3.6.1.2.1.1.2.0": ObjectId((1, 3, 6, 1, 4, 1, 9, 1, 1)),
        "1.3.6.1.2.1.31.1.1.1.1.10101": b"Gi1/0/1",
        f"{CDP}.3.10101.5": 1,
        f"{CDP}.4.10101.5": bytes([198, 51, 100, 4]),
        f"{CDP}.5.10101.5": b"Cisco IOS Software, Version 15.2(7)E8",
        f"{CDP}.6.10101.5": b"access-sw2.example.net",
        f"{CDP}.7.10101.5": b"GigabitEthernet0/48",
        f"{CDP}.8.10101.5": b"cisco WS-C2960X-48TS-L",
    }
    record = parse(view_of(values))
    assert record.os.family == "ios" and record.os.version == "15.2(4)E10"
    (neighbor,) = record.neighbors
    assert neighbor.protocol == "cdp"
    assert neighbor.local_port == "Gi1/0/1"
    assert neighbor.remote_name == "access-sw2.example.net"
    assert neighbor.remote_port == "GigabitEthernet0/48"
    assert neighbor.remote_mgmt_address == "198.51.100.4"
    assert (
        neighbor.remote_description
        == "cisco WS-C2960X-48TS-L\nCisco IOS Software, Version 15.2(7)E8"
    )
    assert any(
        p.field == "neighbors" and p.source == "1.3.6.1.4.1.9.9.23.1.2.1" for p in record.provenance
    )


def test_hr_sw_installed() -> None:
    """hrSWInstalledEntry columns (.1.2 name, .1.4 type) by hrSWInstalledIndex, as agents serve
    them (a real Net-SNMP recording of the same table: tests/agent/test_real_programs.py)."""
    values: dict[str, Value] = {
        "1.3.6.1.2.1.1.1.0": b"Linux web1 5.15.0-91-generic #101-Ubuntu SMP x86_64",
        "1.3.6.1.2.1.1.2.0": ObjectId((1, 3, 6, 1, 4, 1, 8072, 3, 2, 10)),
        f"{HR}.1.1": 1,  # hrSWInstalledIndex: read as a name it gave the software "1"
        f"{HR}.2.1": b"openssl-1.1.1k-9.el8_7",
        f"{HR}.4.1": 4,
        f"{HR}.1.2": 2,
        f"{HR}.2.2": b"libc6_2.35-0ubuntu3.5_amd64",
        f"{HR}.4.2": 4,
        f"{HR}.1.3": 3,
        f"{HR}.2.3": b"Base OS Suite [21.4R3-S5]",
        f"{HR}.4.3": 2,
        f"{HR}.1.4": 4,
        f"{HR}.2.4": b"custom-tool",
        f"{HR}.4.4": 4,
        f"{HR}.2.5": b"cpp-12_12.2.0-14+deb12u1_amd64",
        f"{HR}.4.5": 4,
    }
    record = parse(view_of(values))
    assert record.vendor is None  # Net-SNMP is the agent, not the hardware vendor
    assert record.os.family == "linux" and record.os.version == "5.15.0-91-generic"
    software = [(s.name, s.version, s.kind, s.source, s.purl) for s in record.software]
    assert software == [
        ("linux-kernel", "5.15.0-91-generic", "kernel", "sysDescr", None),
        ("openssl", "1.1.1k-9.el8_7", "os-package", "hrSWInstalled",
         "pkg:rpm/openssl@1.1.1k-9.el8_7"),
        ("libc6", "2.35-0ubuntu3.5", "os-package", "hrSWInstalled",
         "pkg:deb/libc6@2.35-0ubuntu3.5?arch=amd64"),
        ("Base OS Suite", "21.4R3-S5", "image", "hrSWInstalled", None),
        ("custom-tool", None, "application", "hrSWInstalled", None),
        ("cpp-12", "12.2.0-14+deb12u1", "os-package", "hrSWInstalled",
         "pkg:deb/cpp-12@12.2.0-14%2Bdeb12u1?arch=amd64"),
    ]  # fmt: skip
    kernel = record.software[0]
    assert kernel.cpe == "cpe:2.3:o:linux:linux_kernel:5.15.0:*:*:*:*:*:*:*"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # dpkg (Net-SNMP: name_version_arch); a "-digits" inside the name is not a version
        ("cpp-12_12.2.0-14+deb12u1_amd64", Package("cpp-12", "12.2.0-14+deb12u1", "amd64", "dpkg")),
        ("adduser_3.134_all", Package("adduser", "3.134", "all", "dpkg")),
        ("openssh-server_1:9.2p1-2+deb12u2_amd64",
         Package("openssh-server", "1:9.2p1-2+deb12u2", "amd64", "dpkg")),
        ("libstdc++6_12.2.0-14_amd64", Package("libstdc++6", "12.2.0-14", "amd64", "dpkg")),
        ("gir1.2-glib-2.0_1.74.0-3_amd64", Package("gir1.2-glib-2.0", "1.74.0-3", "amd64", "dpkg")),
        # rpm (name-version-release[.arch])
        ("python3-libs-3.6.8-18.el8", Package("python3-libs", "3.6.8-18.el8", None, "rpm")),
        ("zlib-1.2.11-40.el9.x86_64", Package("zlib", "1.2.11-40.el9", "x86_64", "rpm")),
        ("openssl-1.1.1k-9.el8_7", Package("openssl", "1.1.1k-9.el8_7", None, "rpm")),
        # no package manager's shape
        ("Base OS Suite [21.4R3-S5]", Package("Base OS Suite", "21.4R3-S5")),
        ("bash", Package("bash")),
    ],
)  # fmt: skip
def test_split_package(text: str, expected: Package) -> None:
    assert split_package(text) == expected


def test_view_errors_make_the_record_incomplete() -> None:
    view = view_of(dict(SYSTEM))
    view.add_error("timeout", "device stopped answering", "1.3.6.1.2.1.47.1.1.1")
    record = parse(view)
    assert not record.complete
    assert record.errors[0].kind == "timeout"
    assert record.os.version == "4.31.1F"  # partial data is still reported


def test_empty_view() -> None:
    record = parse(SnmpView())
    assert record.hostname is None and record.components == () and record.complete


def test_a_cpu_model_in_a_windows_sysdescr_is_not_the_device_model() -> None:
    windows = parse(
        view_of({
            "1.3.6.1.2.1.1.1.0": b"Hardware: Intel64 Family 6 Model 63 Stepping 2 AT/AT"
                                 b" COMPATIBLE - Software: Windows Version 6.3 (Build 17763"
                                 b" Multiprocessor Free)",
            "1.3.6.1.2.1.1.2.0": ObjectId((1, 3, 6, 1, 4, 1, 311, 1, 1, 3, 1, 2)),
        })
    )  # fmt: skip
    assert windows.os.family == "windows" and windows.os.version == "6.3"
    assert windows.model is None  # "Model 63" is the CPU's (family 6, model 63, stepping 2)
    box = parse(view_of({"1.3.6.1.2.1.1.1.0": b"Acme managed switch, Model: GS2024X, SW 2.1.4"}))
    assert box.model == "GS2024X"  # a device that writes its model still has it


@pytest.mark.parametrize(("written", "version"), [(b"5.20", "5.20"), (b"3L2-", None)])
def test_rmon_probe_software_revision_is_a_version_only_when_dotted(
    written: bytes, version: str | None
) -> None:
    """Cisco IOS answers probeSoftwareRev with four characters of its image's name."""
    record = parse(
        view_of({
            "1.3.6.1.2.1.1.1.0": b"Cisco Internetwork Operating System Software",
            "1.3.6.1.2.1.1.2.0": ObjectId((1, 3, 6, 1, 4, 1, 9, 1, 366)),
            "1.3.6.1.2.1.16.19.2.0": written,
        })
    )  # fmt: skip
    assert record.os.version == version


@pytest.mark.parametrize(
    ("model_oid", "serial_oid"),
    [
        ("1.3.6.1.4.1.674.10892.1.300.10.1.9.1", "1.3.6.1.4.1.674.10892.1.300.10.1.11.1"),
        ("1.3.6.1.4.1.232.2.2.4.2.0", "1.3.6.1.4.1.232.2.2.2.1.0"),
    ],
)
def test_server_hardware_agents_name_the_server_whatever_its_os(
    model_oid: str, serial_oid: str
) -> None:
    """Dell OMSA / HPE Insight answer for the hardware on any OS: a host of an OS no rule knows
    (here a Net-SNMP Linux box) gets the server's model and serial, with their OIDs."""
    record = parse(
        view_of({
            "1.3.6.1.2.1.1.1.0": b"Linux host1 5.14.0-362.el9.x86_64 #1 SMP x86_64",
            "1.3.6.1.2.1.1.2.0": ObjectId((1, 3, 6, 1, 4, 1, 8072, 3, 2, 10)),
            model_oid: b"Acme Server 7000",
            serial_oid: b"SRV0042",
        })
    )  # fmt: skip
    assert (record.model, record.serial) == ("Acme Server 7000", "SRV0042")
    sources = {p.field: p.source for p in record.provenance}
    assert (sources["model"], sources["serial"]) == (model_oid, serial_oid)
    assert record.os.family == "linux"  # the OS is still the host's


def test_a_value_the_agent_wrote_in_quotes_is_read_without_them() -> None:
    record = parse(
        view_of({
            "1.3.6.1.2.1.1.1.0": b"Acme MSA 2040 SAN",
            "1.3.6.1.2.1.1.2.0": ObjectId((1, 3, 6, 1, 4, 1, 232, 9, 4, 10)),
            "1.3.6.1.4.1.232.2.2.4.2.0": b'"Acme MSA 2040 SAN"',
            "1.3.6.1.4.1.232.2.2.2.1.0": b'"DRSAKZR-12345"',
        })
    )  # fmt: skip
    assert (record.model, record.serial) == ("Acme MSA 2040 SAN", "DRSAKZR-12345")


def test_a_printer_names_its_model_in_its_printer_device() -> None:
    """Printer-MIB answers: the first hrDevice row, a printer, names the model; a host's print
    queue is a printer device too, but a host answers no Printer-MIB."""
    values: dict[str, Value] = {
        "1.3.6.1.2.1.1.1.0": b"Acme Network Printer",
        "1.3.6.1.2.1.1.2.0": ObjectId((1, 3, 6, 1, 4, 1, 64999, 1)),
        "1.3.6.1.2.1.25.3.2.1.2.1": ObjectId((1, 3, 6, 1, 2, 1, 25, 3, 1, 5)),
        "1.3.6.1.2.1.25.3.2.1.3.1": b"Acme LaserPro LP-4500dn series",
        "1.3.6.1.2.1.43.11.1.1.6.1.1": b"Black Toner Cartridge",
    }
    record = parse(view_of(values))
    assert record.model == "Acme LaserPro LP-4500dn"
    [source] = [p.source for p in record.provenance if p.field == "model"]
    assert source == "1.3.6.1.2.1.25.3.2.1.3.1"
    del values["1.3.6.1.2.1.43.11.1.1.6.1.1"]
    assert parse(view_of(values)).model != "Acme LaserPro LP-4500dn"


@pytest.mark.parametrize(
    ("mfg_name", "vendor"),
    [
        ("Acme Networks", "Acme Networks"),  # the manufacturer, as RFC 6933 defines the column
        ("H3C", "H3C"),  # a maker's name may hold a digit
        ("UN344269584", "Symbicon"),  # a serial: the sysObjectID's registrant names the maker
        ("MP-118 FXS", "Symbicon"),  # a product
        ("Acme General Operating System Software", "Symbicon"),  # the software
    ],
)
def test_a_chassis_mfg_name_names_the_maker_unless_it_names_something_else(
    mfg_name: str, vendor: str
) -> None:
    assert parse(_acme_chassis(b"Acme edge box", b"edge box", 12, mfg_name)).vendor == vendor


def _acme_chassis(descr: bytes, name: bytes, column: int, value: str) -> SnmpView:
    """A device of an enterprise no vendor file knows, with one ENTITY-MIB chassis row."""
    return view_of(
        {
            "1.3.6.1.2.1.1.1.0": descr,
            "1.3.6.1.2.1.1.2.0": ObjectId((1, 3, 6, 1, 4, 1, 45000, 1)),
            f"{ENT}.2.1": name,
            f"{ENT}.5.1": 3,  # chassis
            f"{ENT}.{column}.1": value.encode(),
        }
    )


@pytest.mark.parametrize(
    ("descr", "vendor"),
    [
        # a maker a vendor file names, first: it makes the device now, whoever registered the
        # number (a company it bought, a partner)
        (b"Cisco Codec SoftW: TC7.3.5 MCU: Cisco TelePresence SX20", "Cisco"),
        (b"Extreme Networks Wireless Controller - V2110 Medium", "Extreme"),
        (b"Check Point 3200", "Check Point"),
        # a company with its legal form, first
        (
            b"Pulse Secure, LLC,Pulse Connect Secure,VMware-VA-DTE,8.2R5 (build 4936)",
            "Pulse Secure",
        ),
        (b"Infinera Corporation - Embedded Node Manager", "Infinera"),
        # no maker named first: the number's registrant
        (b"Acme edge box", "Symbicon"),
        (b"Edge box by Cisco Systems, Inc.", "Symbicon"),  # not first: a partner, a chip maker?
        (b"Ciscoish 3000", "Symbicon"),  # a whole word only
        (b"OSA 5412", "Symbicon"),  # a legal form is a word of its own ("O" + "SA" is none)
        (b"Acme Co., Ltd. AB-1200", "Acme"),  # two legal forms
        (b"Acme AB-1200 switch", "Symbicon"),  # a product id, no legal form
        (b"Acme AS 400", "Symbicon"),
        # after a clause naming only the kernel, the appliance is described, its maker first
        (b"Linux 2.6.21.5-lvl7-dev, Cisco Small Business WAP121 (WAP121-E-K9), Version 1", "Cisco"),
        (b"Linux 2.6.21.5, Acme Co., Ltd. AB-1200", "Acme"),
        (b"Linux cisco 2.6.21 #1 SMP", "Symbicon"),  # a uname line: its host names no maker
    ],
)
def test_the_maker_a_sysdescr_names_first_outranks_the_numbers_registrant(
    descr: bytes, vendor: str
) -> None:
    view = view_of(
        {"1.3.6.1.2.1.1.1.0": descr, "1.3.6.1.2.1.1.2.0": ObjectId((1, 3, 6, 1, 4, 1, 45000, 1))}
    )
    assert parse(view).vendor == vendor


@pytest.mark.parametrize(
    ("software_rev", "version"),
    [
        ("Release 2509P33", "2509P33"),  # the label is no part of the release
        ("Version: 1.2.3", "1.2.3"),
        ("5.20 Release 1513P62", "5.20 Release 1513P62"),  # a release and its qualifier: whole
        ("Release notes 2", "Release notes 2"),  # no release after the label
        ("Build 4.04.004", "4.04.004"),  # a build label before a dotted release
        ("Build 170919", "Build 170919"),  # a build's number, no release
        ("Version 5.170 V200R012C00SPC500", "5.170 V200R012C00SPC500"),  # and its train
    ],
)
def test_a_software_revision_after_its_label_is_the_release(
    software_rev: str, version: str
) -> None:
    view = _acme_chassis(b"Acme Platform Software", b"Acme WX6103", 10, software_rev)
    assert parse(view).os.version == version


def test_a_standard_mibs_release_after_its_label_is_the_release() -> None:
    # RMON2 probeSoftwareRev as a D-Link writes it: the label is no part of the release
    view = view_of(
        {
            "1.3.6.1.2.1.1.1.0": b"DES-3200-18 Fast Ethernet Switch",
            "1.3.6.1.2.1.1.2.0": ObjectId((1, 3, 6, 1, 4, 1, 45000, 1)),
            "1.3.6.1.2.1.16.19.2.0": b"Build 4.04.004",
        }
    )
    assert parse(view).os.version == "4.04.004"


def test_a_firmware_release_beside_a_named_kernel_is_no_kernel_release() -> None:
    # the sysDescr names the kernel and the firmware's release: the release is the firmware's,
    # so the OS is not "linux" at that release (a kernel component and CPE at 1.0.2.3)
    descr = b"Linux 2.6.21.5-lvl7-dev, Acme Small Business WAP121 (WAP121-E-K9), Version 1.0.2.3"
    view = view_of(
        {"1.3.6.1.2.1.1.1.0": descr, "1.3.6.1.2.1.1.2.0": ObjectId((1, 3, 6, 1, 4, 1, 4413, 1))}
    )
    record = with_identifiers(parse(view))
    assert (record.os.family, record.os.version) == (None, "1.0.2.3")
    assert not [s for s in record.software if s.kind == "kernel" and s.version == "1.0.2.3"]
    assert "linux_kernel:1.0.2.3" not in str(record)
    # a Linux host's uname line: the kernel is the OS's release, and its component
    uname = b"Linux web01 5.10.0-21-amd64 #1 SMP Debian 5.10.162-1 x86_64"
    host = view_of(
        {
            "1.3.6.1.2.1.1.1.0": uname,
            "1.3.6.1.2.1.1.2.0": ObjectId((1, 3, 6, 1, 4, 1, 8072, 3, 2, 10)),
        }
    )
    record = with_identifiers(parse(host))
    assert (record.os.family, record.os.version) == ("linux", "5.10.0-21-amd64")
    assert [s.version for s in record.software if s.kind == "kernel"] == ["5.10.0-21-amd64"]


@pytest.mark.parametrize(
    ("sys_object_id", "descr"),
    [
        ((1, 3, 6, 1, 4, 1, 534, 1), b"ConnectUPS Web/SNMP Card V4.38"),  # EATON-OIDS xupsMIB
        ((1, 3, 6, 1, 4, 1, 674), b"Storage array"),  # the maker's own number: "dell"
        # F10-PRODUCTS-MIB f10CSeriesProducts: the series' branch, not a product
        ((1, 3, 6, 1, 4, 1, 6027, 1, 2), b"Dell Networking OS Operating System ..."),
    ],
)
def test_a_registered_mib_module_product_branch_or_maker_is_no_product(
    sys_object_id: tuple[int, ...], descr: bytes
) -> None:
    view = view_of({"1.3.6.1.2.1.1.1.0": descr, "1.3.6.1.2.1.1.2.0": ObjectId(sys_object_id)})
    assert parse(view).model is None


def test_no_vendor_rather_than_a_code_in_the_mfg_name() -> None:
    view = view_of(
        {
            "1.3.6.1.2.1.1.1.0": b"Linux sw1 4.19.0-12-2-amd64 #1 SMP x86_64",
            "1.3.6.1.2.1.1.2.0": ObjectId((1, 3, 6, 1, 4, 1, 8072, 3, 2, 10)),  # Net-SNMP
            f"{ENT}.5.1": 3,
            f"{ENT}.12.1": b"DNT00",
        }
    )
    assert parse(view).vendor is None


@pytest.mark.parametrize(
    ("probe", "version"),
    [
        (b"Build 3.00.B47", "3.00.B47"),  # RMON2 states the firmware revision: two sources agree
        (b"Build 4.10.B02", "1.10-B09"),  # it states neither: the software revision, per RFC 6933
        (None, "1.10-B09"),
    ],
)
def test_a_firmware_revision_a_standard_mib_confirms_outranks_the_software_revision(
    probe: bytes | None, version: str
) -> None:
    values: dict[str, Value] = {
        "1.3.6.1.2.1.1.1.0": b"Acme Managed Switch",
        "1.3.6.1.2.1.1.2.0": ObjectId((1, 3, 6, 1, 4, 1, 45000, 1)),
        f"{ENT}.5.1": 3,  # chassis
        f"{ENT}.9.1": b"3.00.B47",  # firmware revision
        f"{ENT}.10.1": b"1.10-B09",  # software revision
    }
    if probe is not None:
        values["1.3.6.1.2.1.16.19.2.0"] = probe  # RMON2-MIB probeSoftwareRev
    assert parse(view_of(values)).os.version == version


def test_a_chassis_stating_no_release_runs_the_one_most_of_its_modules_run() -> None:
    # chassis -> three slots -> a line card with its own release, then the supervisor and a
    # card running the system's
    values: dict[str, Value] = {
        "1.3.6.1.2.1.1.1.0": b"Acme Internetwork Operating System Software",
        "1.3.6.1.2.1.1.2.0": ObjectId((1, 3, 6, 1, 4, 1, 45000, 1)),
        f"{ENT}.5.1": 3,
    }
    for slot, release in ((2, "8.5(0.46)AB1"), (3, "12.2(18)XY1"), (4, "12.2(18)XY1")):
        values[f"{ENT}.4.{slot}"] = 1  # in the chassis
        values[f"{ENT}.5.{slot}"] = 5  # container
        values[f"{ENT}.4.{slot}000"] = slot
        values[f"{ENT}.5.{slot}000"] = 9  # module
        values[f"{ENT}.10.{slot}000"] = release.encode()
    record = parse(view_of(values))
    assert record.os.version == "12.2(18)XY1"
    [source] = [p.source for p in record.provenance if p.field == "os.version"]
    assert source == f"{ENT}.10.3000"  # the first module running it
