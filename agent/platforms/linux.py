"""Linux appliances and Linux-based network OSes (netmiko ``linux``): Cumulus Linux, SONiC, ...

os-release for the OS, DMI for model and serial, the dpkg or rpm package list, neighbours from
``lldpctl`` (JSON or text) or Cumulus NCLU ``net show lldp json``; SONiC's ``show version``.
"""

from __future__ import annotations

import re
import shlex
from typing import Any

from netsbom.agent.platforms.base import (
    Command,
    Partial,
    Platform,
    clean,
    first,
    guarded,
    load_json,
    neighbor,
)
from netsbom.topology.record import Component, Neighbor, Software

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
    name = first(values.get("NAME"))
    return Partial(
        os_family="linux",
        os_name=name,
        os_version=first(values.get("VERSION_ID"), values.get("BUILD_ID"), values.get("VERSION")),
        os_build=clean(values.get("VERSION")),
        description=clean(values.get("PRETTY_NAME")),
        vendor=_vendor(name),
    )


def _vendor(os_name: str | None) -> str | None:
    if os_name and "cumulus" in os_name.lower():
        return "NVIDIA"
    return None


def parse_hostname(text: str) -> Partial:
    if _missing(text):
        return Partial()
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return Partial(hostname=lines[0] if lines and " " not in lines[0] else None)


def parse_dmi(text: str) -> Partial:
    """``cat /sys/class/dmi/id/{sys_vendor,product_name,product_serial}``: three lines."""
    if _missing(text):
        return Partial()
    lines = [line.strip() for line in text.splitlines()]
    while len(lines) < 3:
        lines.append("")
    vendor, model, serial = (clean(v) for v in lines[:3])
    if serial and set(serial) <= {"0", " "}:
        serial = None
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


def parse_dpkg(text: str) -> Partial:
    if _missing(text):
        return Partial()
    software = []
    for line in text.splitlines():
        parts = line.split("\t") if "\t" in line else line.split()
        if len(parts) >= 2 and parts[0] and re.match(r"^[a-z0-9][a-z0-9+.\-:]*$", parts[0]):
            name = parts[0].split(":")[0]
            software.append(
                Software(
                    name=name,
                    version=parts[1].strip() or None,
                    kind="os-package",
                    source="dpkg",
                    purl=f"pkg:deb/{name}@{parts[1].strip()}" if parts[1].strip() else None,
                )
            )
    return Partial(software=tuple(dict.fromkeys(software)))


def parse_rpm(text: str) -> Partial:
    if _missing(text):
        return Partial()
    software = []
    for line in text.splitlines():
        parts = line.split("\t") if "\t" in line else line.split()
        if len(parts) >= 2 and re.match(r"^[A-Za-z0-9][\w+.\-]*$", parts[0]):
            software.append(
                Software(
                    name=parts[0],
                    version=parts[1],
                    kind="os-package",
                    source="rpm",
                    purl=f"pkg:rpm/{parts[0]}@{parts[1]}",
                )
            )
    return Partial(software=tuple(dict.fromkeys(software)))


def _value(node: Any) -> Any:
    if isinstance(node, list):
        node = node[0] if node else None
    if isinstance(node, dict) and "value" in node:
        return node["value"]
    return node


def _lldp_json(data: Any) -> list[Neighbor]:
    lldp = data.get("lldp") if isinstance(data, dict) else None
    if isinstance(lldp, list):
        lldp = lldp[0] if lldp else None
    if not isinstance(lldp, dict):
        return []
    interfaces = lldp.get("interface") or []
    if isinstance(interfaces, dict):
        interfaces = [interfaces]
    out = []
    for entry in interfaces:
        if not isinstance(entry, dict):
            continue
        items = [(entry.get("name"), entry)] if "name" in entry else list(entry.items())
        for local, info in items:
            if not isinstance(info, dict):
                continue
            chassis = info.get("chassis") or {}
            if isinstance(chassis, list):
                chassis = chassis[0] if chassis else {}
            name = None
            if "name" in chassis:
                name = _value(chassis.get("name"))
                details = chassis
            else:
                name, details = next(iter(chassis.items()), (None, {}))
            port = info.get("port") or {}
            if isinstance(port, list):
                port = port[0] if port else {}
            port_id = port.get("id")
            port_value = _value(port_id)
            if isinstance(port_id, list) and port_id and port_id[0].get("type") == "mac":
                port_value = _value(port.get("descr")) or port_value
            if isinstance(port_id, dict) and port_id.get("type") == "mac":
                port_value = _value(port.get("descr")) or port_value
            out.append(
                neighbor(
                    "lldp",
                    local_port=local,
                    remote_chassis_id=_value(details.get("id")),
                    remote_name=name,
                    remote_port=port_value,
                    remote_mgmt_address=_value(details.get("mgmt-ip")),
                    remote_description=_value(details.get("descr")),
                )
            )
    return out


_TEXT_FIELD = re.compile(
    r"^\s*(Interface|ChassisID|SysName|SysDescr|MgmtIP|PortID|PortDescr):"
    r"\s*(.*?)\s*$"
)


def parse_lldpctl(text: str) -> Partial:
    data = load_json(text)
    if data is not None:
        return Partial(neighbors=tuple(_lldp_json(data)))
    if _missing(text):
        return Partial()
    out: list[Neighbor] = []
    current: dict[str, str] = {}

    def flush() -> None:
        if current.get("Interface"):
            port = current.get("PortID", "")
            kind, _, value = port.partition(" ")
            out.append(
                neighbor(
                    "lldp",
                    local_port=current["Interface"].split(",")[0],
                    remote_chassis_id=current.get("ChassisID", "").partition(" ")[2]
                    or current.get("ChassisID"),
                    remote_name=current.get("SysName"),
                    remote_port=(current.get("PortDescr") if kind == "mac" else value) or port,
                    remote_mgmt_address=current.get("MgmtIP"),
                    remote_description=current.get("SysDescr"),
                )
            )

    for line in text.splitlines():
        match = _TEXT_FIELD.match(line)
        if not match:
            continue
        key, value = match.groups()
        if key == "Interface":
            flush()
            current = {}
        current.setdefault(key, value)
    flush()
    return Partial(neighbors=tuple(out))


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
    name="linux",
    family="linux",
    vendor="",
    os_name="Linux",
    commands=(
        Command(("show version",), guarded("show version", parse_sonic_version)),
        Command(("cat /etc/os-release",), guarded("cat /etc/os-release", parse_os_release)),
        Command(("hostname",), guarded("hostname", parse_hostname)),
        Command(
            (
                "cat /sys/class/dmi/id/sys_vendor /sys/class/dmi/id/product_name "
                "/sys/class/dmi/id/product_serial",
            ),
            guarded("dmi", parse_dmi),
        ),
        Command(("dpkg-query -W",), guarded("dpkg-query -W", parse_dpkg)),
        Command(("rpm -qa --qf '%{NAME}\\t%{VERSION}-%{RELEASE}\\n'",), guarded("rpm", parse_rpm)),
        Command(
            ("lldpctl -f json", "net show lldp json", "lldpctl"), guarded("lldpctl", parse_lldpctl)
        ),
    ),
    prompt="{user}@{hostname}:~$ ",
    paging=(),
    error="-bash: {word}: command not found",
    error_markers=("command not found", "No such file or directory"),
)
