"""Parsers shared by the Cisco IOS-family drivers (IOS, IOS XE): ntc-templates ``cisco_ios_*``."""

from __future__ import annotations

import re

from netsbom.agent.platforms.base import (
    Partial,
    clean,
    components_from_inventory,
    first,
    fsm,
    neighbor,
)
from netsbom.topology.record import Component, Software

# IOS XE says so, runs IOSd on Linux, names its 16.x+ trains in brackets, or numbers them 03.x,
# 16.x and later (the same knowledge as agent/fingerprints/cisco.yaml, applied to the CLI banner).
_IOS_XE = (
    re.compile(r"IOS[ -]?XE", re.IGNORECASE),
    re.compile(r"LINUX_IOSD", re.IGNORECASE),
    re.compile(r"Cisco IOS Software \[[A-Za-z]+\]"),
)
_XE_VERSION = re.compile(r"^(?:0[23]\.\d+\.\d+|1[6-9]\.\d+|[2-9]\d\.\d+)")
_XE_SOFTWARE_VERSION = re.compile(r"Cisco IOS XE Software,? Version (\S+)", re.IGNORECASE)
_STACK_ROW = re.compile(
    r"^\*?\s*(?P<switch>\d+)\s+(?P<ports>\d+)\s+(?P<model>\S+)\s+(?P<version>\S+)\s+"
    r"(?P<image>\S+)(?:\s+(?P<mode>\S+))?\s*$"
)
_IOS_VERSION = re.compile(r"^Cisco IOS Software.*?Version (\S+?)(?:,|\s|$)", re.MULTILINE)
_MODEL_NUMBER = re.compile(r"^Model [Nn]umber\s*:\s*(\S+)", re.MULTILINE)
_SERIAL_NUMBER = re.compile(r"^System [Ss]erial [Nn]umber\s*:\s*(\S+)", re.MULTILINE)
_HOSTNAME_UPTIME = re.compile(r"^(\S+) uptime is ", re.MULTILINE)


def is_ios_xe(text: str, version: str | None) -> bool:
    if any(pattern.search(text) for pattern in _IOS_XE):
        return True
    return bool(version and _XE_VERSION.match(version))


def parse_show_version(text: str) -> Partial:
    rows = fsm("cisco_ios_show_version", text)
    row = rows[0] if rows else {}
    version = clean(row.get("version"))
    if version is None:
        banner = _IOS_VERSION.search(text)
        version = banner.group(1) if banner else None
    xe = is_ios_xe(text, version)
    xe_version = _XE_SOFTWARE_VERSION.search(text)
    if xe and xe_version and version and not _XE_VERSION.match(version):
        # IOS XE 3.x: IOSd says 15.x, the platform release is the "IOS XE Software" line
        build = version
        version = xe_version.group(1).rstrip(",")
    else:
        build = None
    model = first(row.get("hardware"), _group(_MODEL_NUMBER, text))
    serial = first(row.get("serial"), _group(_SERIAL_NUMBER, text))
    components = tuple(_stack_members(text))
    return Partial(
        hostname=first(row.get("hostname"), _group(_HOSTNAME_UPTIME, text)),
        vendor="Cisco",
        model=model,
        serial=serial,
        chassis_id=_first_mac(row.get("mac_address")),
        os_family="ios-xe" if xe else "ios",
        os_name="Cisco IOS XE" if xe else "Cisco IOS",
        os_version=version,
        os_build=build,
        os_image=first(row.get("running_image"), row.get("software_image")),
        components=components if len(components) > 1 else (),
    )


def _group(pattern: re.Pattern[str], text: str) -> str | None:
    match = pattern.search(text)
    return match.group(1) if match else None


def _first_mac(value: object) -> str | None:
    from netsbom.agent.platforms.base import mac

    return mac(value)


def _stack_members(text: str) -> list[Component]:
    """The ``Switch Ports Model SW Version SW Image`` table of a stack or a Catalyst switch."""
    out: list[Component] = []
    in_table = False
    for line in text.splitlines():
        if re.match(r"^\s*Switch\s+Ports\s+Model\s+SW Version", line):
            in_table = True
            continue
        if not in_table:
            continue
        if re.match(r"^\s*-+\s", line):
            continue
        match = _STACK_ROW.match(line)
        if not match:
            if out:
                break
            continue
        number = match.group("switch")
        out.append(
            Component(
                index=f"stack-{number}",
                cls="stack",
                name=f"Switch {number}",
                vendor="Cisco",
                model=match.group("model"),
                software_rev=match.group("version"),
                description=match.group("image"),
                is_fru=True,
            )
        )
    return out


def parse_show_inventory(text: str, template: str = "cisco_ios_show_inventory") -> Partial:
    entries = fsm(template, text)
    components = components_from_inventory(entries, vendor="Cisco")
    chassis = next((c for c in components if c.cls == "chassis"), None)
    return Partial(
        vendor="Cisco",
        model=chassis.model if chassis else None,
        serial=chassis.serial if chassis else None,
        components=components,
    )


def parse_lldp_detail(text: str, template: str = "cisco_ios_show_lldp_neighbors_detail") -> Partial:
    out = []
    for row in fsm(template, text):
        out.append(
            neighbor(
                "lldp",
                local_port=row.get("local_interface"),
                remote_chassis_id=row.get("chassis_id"),
                remote_name=row.get("neighbor_name") or row.get("neighbor"),
                remote_port=first(row.get("neighbor_port_id"), row.get("neighbor_interface")),
                remote_mgmt_address=first(row.get("mgmt_address"), row.get("management_ip")),
                remote_description=first(
                    row.get("neighbor_description"), row.get("system_description")
                ),
            )
        )
    return Partial(neighbors=tuple(out))


def parse_cdp_detail(text: str, template: str = "cisco_ios_show_cdp_neighbors_detail") -> Partial:
    out = []
    for row in fsm(template, text):
        description = first(row.get("platform"))
        software = first(row.get("neighbor_description"))
        if description and software:
            description = f"{description}; {software}"
        out.append(
            neighbor(
                "cdp",
                local_port=row.get("local_interface"),
                remote_name=_strip_domain_serial(first(row.get("neighbor_name"))),
                remote_port=row.get("neighbor_interface"),
                remote_mgmt_address=first(row.get("mgmt_address"), row.get("interface_ip")),
                remote_description=description or software,
            )
        )
    return Partial(neighbors=tuple(out))


def _strip_domain_serial(name: str | None) -> str | None:
    """NX-OS advertises ``name(SERIAL)`` in CDP; keep the name."""
    if name is None:
        return None
    return re.sub(r"\([A-Z0-9]{8,}\)$", "", name)


_INSTALL_ROW = re.compile(r"^\s*(IMG|SMU|APSP|APDP|PKG|ROMMON)\s+([A-Z])\s+(\S+)\s*$")


def parse_install_summary(text: str) -> Partial:
    """IOS XE ``show install summary``: the image and any SMUs, with their state."""
    software: list[Software] = []
    seen: set[tuple[str, str]] = set()
    for line in text.splitlines():
        match = _INSTALL_ROW.match(line)
        if not match:
            continue
        kind, state, name = match.groups()
        if state not in ("C", "U") or (kind, name) in seen:
            continue
        seen.add((kind, name))
        software.append(
            Software(
                name="ios-xe" if kind == "IMG" else name,
                version=name,
                kind="image" if kind == "IMG" else "os-package",
                source="ios-xe",
            )
        )
    return Partial(software=tuple(software))
