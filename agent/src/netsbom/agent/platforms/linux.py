"""Linux hosts, appliances and Linux-based network OSes (netmiko ``linux``): Debian, Ubuntu,
RHEL..., Cumulus Linux, SONiC.

os-release for the OS (its ``ID`` is the registry family: ``debian``, ``ubuntu``, ``rhel``...;
an ID the registry does not know stays ``linux``), ``uname -r`` for the kernel (a software
component of its own), DMI for maker, model and serial (sysfs, then ``dmidecode``), the dpkg or
rpm (or Alpine's apk) package list with each package's architecture (rpm, apk: and its
declared licence), neighbours from ``lldpctl`` (JSON or text) or Cumulus NCLU ``net show lldp
json``; SONiC's ``show version``. What only some Linux systems have (SONiC's CLI, DMI, the
other distribution's package manager, lldpd) is asked as a probe: its absence is not an error.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from typing import Any

from netsbom.agent.identify import kernel_software
from netsbom.agent.platforms.base import (
    Partial,
    Platform,
    clean,
    command,
    first,
    leaf,
    load_json,
)
from netsbom.agent.platforms.neighbors import neighbor
from netsbom.core.families import known_family
from netsbom.core.placeholders import is_bios_default
from netsbom.core.purl import MANAGERS, package_purl
from netsbom.core.record import Component, Neighbor, Software

_NOT_FOUND = (
    "command not found",
    "No such file or directory",
    "Permission denied",
    "not found",
    "Usage:",
)


def _missing(text: str) -> bool:
    head = text.strip()[:300]
    return any(marker in head for marker in _NOT_FOUND)


def parse_os_release(text: str) -> Partial:
    values: dict[str, str] = {}
    for line in text.splitlines():
        if "=" not in line or line.lstrip().startswith("#"):
            continue
        key, _, raw = line.strip().partition("=")
        try:
            parts = shlex.split(raw)
        except ValueError:
            parts = [raw.strip("\"'")]
        values[key.strip()] = parts[0] if parts else ""
    if not values:
        return Partial()
    entry = known_family(values.get("ID"))
    return Partial(
        os_family=entry.id if entry is not None else "linux",
        os_name=first(values.get("NAME")),
        os_version=first(values.get("VERSION_ID"), values.get("BUILD_ID"), values.get("VERSION")),
        os_build=clean(values.get("VERSION")),
        description=clean(values.get("PRETTY_NAME")),
        vendor=(entry.vendor or None) if entry is not None else None,
    )


def parse_uname(text: str) -> Partial:
    """``uname -r``: the kernel release (``6.1.0-18-amd64``)."""
    words = text.split()
    if _missing(text) or len(words) != 1:
        return Partial()
    return Partial(software=(kernel_software(words[0], source="uname -r"),))


def parse_hostname(text: str) -> Partial:
    if _missing(text):
        return Partial()
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return Partial(hostname=lines[0] if lines and " " not in lines[0] else None)


def parse_dmi(text: str) -> Partial:
    """``cat /sys/class/dmi/id/{sys_vendor,product_name,product_serial}``: three lines, one per
    file in order; a file ``cat`` cannot read (``product_serial`` is root's) is its error line."""
    lines = [line.strip() for line in text.splitlines()]
    while len(lines) < 3:
        lines.append("")
    vendor, model, serial = (
        None if v.startswith("cat:") or is_bios_default(v) else clean(v) for v in lines[:3]
    )
    components = (
        (
            Component(
                index="1", cls="chassis", name=model, vendor=vendor, model=model, serial=serial
            ),
        )
        if model
        else ()
    )
    return Partial(vendor=vendor, model=model, serial=serial, components=components)


_DMI_FIELD = re.compile(r"^\s+(Manufacturer|Product Name|Serial Number):\s*(.*?)\s*$")


def parse_dmidecode(text: str) -> Partial:
    """``dmidecode -t system`` (root only): the "System Information" section (SMBIOS type 1)
    names maker, model and serial; an unset field holds a placeholder, not a value."""
    if _missing(text):
        return Partial()
    values: dict[str, str] = {}
    section = False
    for line in text.splitlines():
        if line and not line[0].isspace():
            section = line.strip() == "System Information"
            continue
        match = _DMI_FIELD.match(line) if section else None
        if match and not is_bios_default(match.group(2)):
            values.setdefault(match.group(1), match.group(2))
    # fields only: the sysfs read before it gives the chassis component (not twice)
    return Partial(
        vendor=clean(values.get("Manufacturer")),
        model=clean(values.get("Product Name")),
        serial=clean(values.get("Serial Number")),
    )


# systemd-detect-virt(1): "none" on hardware, else the VM or container technology it detected
_VIRT_WORD = re.compile(r"^[a-z][a-z0-9-]*$")


def parse_detect_virt(text: str) -> Partial:
    """``systemd-detect-virt``: ``none`` (hardware), ``kvm``, ``vmware``, ``docker``, ``lxc``...;
    anything else (not installed, an error) says nothing."""
    words = text.split()
    if len(words) != 1 or _missing(text) or not _VIRT_WORD.match(words[0]):
        return Partial()
    return Partial(virtual=words[0] != "none")


DPKG = "dpkg-query -W -f='${Package}\\t${Version}\\t${Architecture}\\n'"
# rpm's License tag: an SPDX expression on Fedora >= 38 packages, the older short names
# (``GPLv2+``) elsewhere; the SBOM builder keeps only valid expressions as concluded licences
RPM = "rpm -qa --qf '%{NAME}\\t%{VERSION}-%{RELEASE}\\t%{ARCH}\\t%{LICENSE}\\n'"


def parse_dpkg(text: str) -> Partial:
    """``dpkg-query -W`` with the architecture (``name TAB version TAB arch``) or without it
    (``name[:arch] TAB version``)."""
    return _packages(text, "dpkg", r"^[a-z0-9][a-z0-9+.\-:]*$")


def parse_rpm(text: str) -> Partial:
    """``rpm -qa``: ``name TAB version-release TAB arch TAB licence`` (arch and licence
    optional)."""
    return _packages(text, "rpm", r"^[A-Za-z0-9][\w+.\-]*$")


# apk list --installed: "musl-1.2.4_git20230717-r4 x86_64 {musl} (MIT) [installed]"
_APK = re.compile(
    r"^(?P<name>\S+?)-(?P<version>[^-\s]+-r\d+)\s+(?P<arch>\S+)\s+\{[^}]*\}\s+"
    r"\((?P<licence>.*)\)\s+\[",
    re.MULTILINE,
)


def parse_apk(text: str) -> Partial:
    """Alpine's ``apk list --installed``: name-version-rN, architecture, origin, licence (SPDX
    identifiers since Alpine adopted them)."""
    if _missing(text):
        return Partial()
    software = [
        Software(
            m["name"],
            m["version"],
            "os-package",
            source="apk",
            purl=package_purl(MANAGERS["apk"], m["name"], m["version"], arch=m["arch"]),
            licence=m["licence"].strip() or None,
        )
        for m in _APK.finditer(text)
    ]
    return Partial(software=tuple(dict.fromkeys(software)))


def _packages(text: str, manager: str, name_shape: str) -> Partial:
    if _missing(text):
        return Partial()
    shape = re.compile(name_shape)
    software = []
    for line in text.splitlines():
        parts = [p.strip() for p in (line.split("\t") if "\t" in line else line.split())]
        if len(parts) < 2 or not parts[0] or not parts[1] or not shape.match(parts[0]):
            continue
        name, _, qualified_arch = parts[0].partition(":")  # dpkg's name:arch (multi-arch)
        arch = parts[2] if len(parts) > 2 and parts[2] != "(none)" else qualified_arch or None
        purl = package_purl(MANAGERS[manager], name, parts[1], arch=arch)
        licence = parts[3] if "\t" in line and len(parts) > 3 and parts[3] != "(none)" else None
        software.append(
            Software(
                name, parts[1], "os-package", source=manager, purl=purl, licence=licence or None
            )
        )
    return Partial(software=tuple(dict.fromkeys(software)))


def parse_lldpctl(text: str) -> Partial:
    """lldpd's ``lldpctl`` as text, ``-f keyvalue`` or ``-f json``; Cumulus NCLU
    ``net show lldp json`` is the JSON form."""
    data = load_json(text)
    if data is not None:
        return Partial(neighbors=tuple(_lldp_json(data)))
    if _missing(text):
        return Partial()
    if re.search(r"^lldp\.\S+\.", text, re.MULTILINE):
        return Partial(neighbors=tuple(_lldp_keyvalue(text)))
    return Partial(neighbors=tuple(_lldp_text(text)))


def _lldp_json(data: Any) -> Iterator[Neighbor]:
    lldp = leaf(data, "lldp") if isinstance(data, dict) else None
    if not isinstance(lldp, dict):
        return
    interfaces = lldp.get("interface") or []
    if isinstance(interfaces, dict):  # lldpctl -f json: {"eth0": {...}} or a single entry
        interfaces = [interfaces]
    for entry in interfaces:
        if not isinstance(entry, dict):
            continue
        pairs = [(entry.get("name"), entry)] if "name" in entry else list(entry.items())
        for local, info in pairs:
            if not isinstance(info, dict):
                continue
            chassis = leaf(info, "chassis")
            chassis = chassis if isinstance(chassis, dict) else {}
            if "name" in chassis or "id" in chassis:  # NCLU: [{"name": [...], "id": [...]}]
                name, details = leaf(chassis, "name"), chassis
            else:  # lldpctl -f json: {"sysname": {...}}
                name, details = next(iter(chassis.items()), (None, {}))
            details = details if isinstance(details, dict) else {}
            port = leaf(info, "port")
            port = port if isinstance(port, dict) else {}
            port_id = port.get("id")
            while isinstance(port_id, list):
                port_id = port_id[0] if port_id else None
            yield neighbor(
                "lldp",
                local_port=local,
                remote_chassis_id=leaf(details, "id"),
                remote_name=name,
                remote_port=leaf(port_id),
                remote_port_description=leaf(port, "descr"),
                remote_port_subtype=port_id.get("type") if isinstance(port_id, dict) else None,
                remote_mgmt_address=leaf(details, "mgmt-ip"),
                remote_description=leaf(details, "descr"),
            )


_TEXT_FIELD = re.compile(
    r"^\s*(Interface|ChassisID|SysName|SysDescr|MgmtIP|PortID|PortDescr):\s*(.*?)\s*$"
)


def _lldp_text(text: str) -> Iterator[Neighbor]:
    """Blocks from ``Interface:``; ``ChassisID:`` and ``PortID:`` lead with their subtype."""
    blocks: list[dict[str, str]] = []
    for line in text.splitlines():
        match = _TEXT_FIELD.match(line)
        if not match:
            continue
        key, value = match.groups()
        if key == "Interface":
            blocks.append({})
        if blocks:
            blocks[-1].setdefault(key, value)  # first MgmtIP (IPv4 before the link-local IPv6)
    for block in blocks:
        subtype, _, port_id = block.get("PortID", "").partition(" ")
        chassis_kind, _, chassis = block.get("ChassisID", "").partition(" ")
        yield neighbor(
            "lldp",
            local_port=block["Interface"].split(",")[0],
            remote_chassis_id=chassis or chassis_kind,
            remote_name=block.get("SysName"),
            remote_port=port_id or subtype,
            remote_port_description=block.get("PortDescr"),
            remote_port_subtype=subtype if port_id else None,
            remote_mgmt_address=block.get("MgmtIP"),
            remote_description=block.get("SysDescr"),
        )


def _lldp_keyvalue(text: str) -> Iterator[Neighbor]:
    """``lldp.<port>.chassis.<sysname>.descr=...`` (lldpd 0.9) or ``lldp.<port>.chassis.name``."""
    by_port: dict[str, dict[str, str]] = {}
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        parts = key.strip().split(".")
        if sep and len(parts) >= 3 and parts[0] == "lldp":
            by_port.setdefault(parts[1], {}).setdefault(".".join(parts[2:]), value.strip())
    for local, fields in by_port.items():
        sysname = next(
            (
                k.split(".")[1]
                for k in fields
                if k.startswith("chassis.") and k.endswith(".descr") and k.count(".") == 2
            ),
            None,
        )
        prefix = f"chassis.{sysname}." if sysname else "chassis."
        yield neighbor(
            "lldp",
            local_port=local,
            remote_chassis_id=fields.get(prefix + "mac") or fields.get(prefix + "local"),
            remote_name=fields.get("chassis.name") or sysname,
            remote_port=first(
                fields.get("port.ifname"), fields.get("port.local"), fields.get("port.mac")
            ),
            remote_port_description=fields.get("port.descr"),
            remote_mgmt_address=fields.get(prefix + "mgmt-ip"),
            remote_description=fields.get(prefix + "descr"),
        )


_SONIC = re.compile(
    r"^\s*(SONiC Software Version|HwSKU|Platform|Serial Number|Model Number|ASIC)"
    r"\s*:\s*(.*?)\s*$",
    re.MULTILINE,
)


def parse_sonic_version(text: str) -> Partial:
    values = {m.group(1): m.group(2) for m in _SONIC.finditer(text)}
    if "SONiC Software Version" not in values:
        return Partial()
    version = values["SONiC Software Version"]
    return Partial(
        os_family="linux",
        os_name="SONiC",
        os_version=version,
        model=first(values.get("Model Number"), values.get("HwSKU"), values.get("Platform")),
        serial=clean(values.get("Serial Number")),
    )


PLATFORM = Platform(
    family="linux",
    commands=(
        command("show version", parse=parse_sonic_version, probe=True),
        command("cat /etc/os-release", parse=parse_os_release),
        command("hostname", parse=parse_hostname),
        command("uname -r", parse=parse_uname),
        command(
            "cat /sys/class/dmi/id/sys_vendor /sys/class/dmi/id/product_name "
            "/sys/class/dmi/id/product_serial",
            parse=parse_dmi,
            label="dmi",
            probe=True,
        ),
        # the serial sysfs keeps root-only, and DMI of kernels without /sys/class/dmi
        command("dmidecode -t system", parse=parse_dmidecode, label="dmidecode", probe=True),
        command("systemd-detect-virt", parse=parse_detect_virt, probe=True),
        command(DPKG, parse=parse_dpkg, label="dpkg-query", probe=True),
        command(RPM, parse=parse_rpm, label="rpm", probe=True),
        command("apk list --installed", parse=parse_apk, label="apk", probe=True),
        command(
            "lldpctl -f json",
            "net show lldp json",
            "lldpctl",
            parse=parse_lldpctl,
            label="lldpctl",
            probe=True,
        ),
    ),
    prompt="{user}@{hostname}:~$ ",
    paging=(),
    error="-bash: {word}: command not found",
    error_markers=("command not found", "No such file or directory"),
)
