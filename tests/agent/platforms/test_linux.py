"""The Linux driver's parsers and what a healthy host without SONiC, rpm, DMI or lldpd gives.
Real recordings of the same commands: tests/data/real/host/ssh (test_real_recordings.py)."""

from __future__ import annotations

from netsbom.agent.platforms import parse_outputs
from netsbom.agent.platforms.linux import (
    DPKG,
    PLATFORM,
    RPM,
    parse_dmi,
    parse_dpkg,
    parse_os_release,
    parse_rpm,
    parse_uname,
)
from netsbom.core.purl import purl_arch

OS_RELEASE = 'PRETTY_NAME="Ubuntu 22.04.4 LTS"\nNAME="Ubuntu"\nVERSION_ID="22.04"\nID=ubuntu\n'


def test_os_release_names_the_distribution_from_the_registry() -> None:
    ubuntu = parse_os_release(OS_RELEASE)
    assert (ubuntu.os_family, ubuntu.os_version, ubuntu.os_name) == ("ubuntu", "22.04", "Ubuntu")
    assert ubuntu.vendor is None  # a distribution is not the box's maker: no "" either
    cumulus = parse_os_release('NAME="Cumulus Linux"\nID=cumulus-linux\nVERSION_ID=5.4.0\n')
    assert cumulus.os_family == "cumulus-linux" and cumulus.vendor == "NVIDIA"
    unknown = parse_os_release('NAME="Mint"\nID=linuxmint\nID_LIKE="ubuntu debian"\n')
    assert unknown.os_family == "linux"  # an ID the registry does not know is no guess


def test_uname_gives_the_kernel_as_its_own_component() -> None:
    (kernel,) = parse_uname("6.1.0-18-amd64\n").software
    assert (kernel.name, kernel.version, kernel.kind) == (
        "linux-kernel",
        "6.1.0-18-amd64",
        "kernel",
    )
    assert kernel.cpe == "cpe:2.3:o:linux:linux_kernel:6.1.0:*:*:*:*:*:*:*"
    assert parse_uname("-bash: uname: command not found").software == ()


def test_package_lists_keep_the_architecture() -> None:
    listed = parse_dpkg("libc6\t2.36-9+deb12u4\tamd64\nlibc6\t2.36-9+deb12u4\ti386\n")
    assert [(s.name, purl_arch(s.purl)) for s in listed.software] == [
        ("libc6", "amd64"), ("libc6", "i386"),
    ]  # fmt: skip
    plain = parse_dpkg("adduser\t3.134\nlibc6:amd64\t2.36-9\n")  # dpkg-query -W's own format
    assert [(s.name, s.version, purl_arch(s.purl)) for s in plain.software] == [
        ("adduser", "3.134", None), ("libc6", "2.36-9", "amd64"),
    ]  # fmt: skip
    rpms = parse_rpm("zlib\t1.2.11-40.el9\tx86_64\ngpg-pubkey\t3228467c-613798eb\t(none)\n")
    assert [(s.name, s.purl) for s in rpms.software] == [
        ("zlib", "pkg:rpm/zlib@1.2.11-40.el9?arch=x86_64"),
        ("gpg-pubkey", "pkg:rpm/gpg-pubkey@3228467c-613798eb"),
    ]
    assert "${Architecture}" in DPKG and "%{ARCH}" in RPM


def test_dmi_a_file_cat_cannot_read_is_only_that_field() -> None:
    text = (
        "QEMU\nStandard PC (Q35 + ICH9, 2009)\n"
        "cat: /sys/class/dmi/id/product_serial: Permission denied\n"
    )
    dmi = parse_dmi(text)
    assert (dmi.vendor, dmi.model, dmi.serial) == ("QEMU", "Standard PC (Q35 + ICH9, 2009)", None)


def test_dmi_placeholders_of_a_bios_template_are_no_values() -> None:
    # a board whose maker left the template's defaults: as dmidecode's fields, they state nothing
    dmi = parse_dmi("System manufacturer\nSystem Product Name\nSystem Serial Number\n")
    assert (dmi.vendor, dmi.model, dmi.serial, dmi.components) == (None, None, None, ())
    dmi = parse_dmi("To Be Filled By O.E.M.\nAB-1200\n00 00 00\n")
    assert (dmi.vendor, dmi.model, dmi.serial) == (None, "AB-1200", None)


def test_what_a_healthy_debian_host_lacks_is_no_error() -> None:
    """SONiC's CLI, rpm, DMI (a container) and lldpd are probes: their absence is expected."""
    outputs: dict[str, str | None] = {form: None for c in PLATFORM.commands for form in c.forms}
    outputs["cat /etc/os-release"] = 'NAME="Debian GNU/Linux"\nID=debian\nVERSION_ID="12"\n'
    outputs["hostname"] = "web1\n"
    outputs["uname -r"] = "6.1.0-18-amd64\n"
    outputs[DPKG] = "bash\t5.2.15-2+b2\tamd64\n"
    partial, _ = parse_outputs(PLATFORM, outputs)
    assert partial.errors == ()
    assert partial.os_family == "debian" and partial.hostname == "web1"
    outputs["uname -r"] = None  # what every Linux has: its absence still is one
    partial, _ = parse_outputs(PLATFORM, outputs)
    assert [(e.kind, e.source) for e in partial.errors] == [("unsupported", "uname -r")]


DMIDECODE = """# dmidecode 3.4
Getting SMBIOS data from sysfs.
SMBIOS 3.2.0 present.

Handle 0x0001, DMI type 1, 27 bytes
System Information
\tManufacturer: Dell Inc.
\tProduct Name: PowerEdge R640
\tVersion: Not Specified
\tSerial Number: 7XK2LM2
\tUUID: 4c4c4544-0058-4b10-8032-b7c04f4c4d32
\tWake-up Type: Power Switch

Handle 0x0002, DMI type 2, 15 bytes
Base Board Information
\tManufacturer: Dell Inc.
\tProduct Name: 0H28RR
\tSerial Number: .7XK2LM2.CNFCP0096400UP.
"""


def test_dmidecode_system_information() -> None:
    from netsbom.agent.platforms.linux import parse_dmidecode

    found = parse_dmidecode(DMIDECODE)
    assert (found.vendor, found.model, found.serial) == ("Dell Inc.", "PowerEdge R640", "7XK2LM2")
    unset = DMIDECODE.replace("7XK2LM2\n", "To Be Filled By O.E.M.\n", 1)
    assert parse_dmidecode(unset).serial is None  # the board's serial is not the system's
    assert parse_dmidecode("/dev/mem: Permission denied\n") == parse_dmidecode("")


def test_dmidecode_fills_the_serial_sysfs_keeps_for_root() -> None:
    from netsbom.agent.platforms import parse_outputs
    from netsbom.agent.platforms.linux import PLATFORM

    sysfs = next(c for c in PLATFORM.commands if c.name == "dmi")
    outputs = {
        sysfs.forms[0]: "Dell Inc.\nPowerEdge R640\ncat: /sys/class/dmi/id/product_serial: "
        "Permission denied\n",
        "dmidecode -t system": DMIDECODE,
    }
    found, provenance = parse_outputs(PLATFORM, outputs)
    assert (found.model, found.serial) == ("PowerEdge R640", "7XK2LM2")
    assert {p.source for p in provenance if p.field == "serial"} == {"dmidecode -t system"}
