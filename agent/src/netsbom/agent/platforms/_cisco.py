"""What the Cisco drivers share: the IOS-family parsers (ntc-templates ``cisco_ios_*``), the
LLDP / CDP parsers every Cisco OS uses with its own templates, and the IOS / IOS XE driver."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from netsbom.agent.platforms.base import (
    Partial,
    Platform,
    clean,
    command,
    components_from_inventory,
    first,
    fsm,
    mac,
)
from netsbom.agent.platforms.neighbors import neighbor, neighbors_from_template
from netsbom.core.record import Component, Neighbor, Software

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
# the running image's banner, in the current ("Cisco IOS Software, ...") and the old ("IOS (tm)
# C2600 Software ...") form; never the ROM monitor's or boot loader's own "Version" line
_IOS_VERSION = re.compile(
    r"^(?:Cisco IOS Software|(?:Cisco )?Internetwork Operating System Software|IOS \(tm\))"
    r".*?Version ([^,\s]+)",
    re.MULTILINE,
)
_MODEL_NUMBER = re.compile(r"^Model [Nn]umber[ \t]*:[ \t]*(\S+)", re.MULTILINE)
_SERIAL_NUMBER = re.compile(r"^System [Ss]erial [Nn]umber[ \t]*:[ \t]*(\S+)", re.MULTILINE)
_HOSTNAME_UPTIME = re.compile(r"^(\S+) uptime is ", re.MULTILINE)


def is_ios_xe(text: str, version: str | None) -> bool:
    if any(pattern.search(text) for pattern in _IOS_XE):
        return True
    return bool(version and _XE_VERSION.match(version))


def parse_show_version(text: str) -> Partial:
    rows = fsm("cisco_ios_show_version", text)
    row = rows[0] if rows else {}
    banner = _IOS_VERSION.search(text)
    version = banner.group(1) if banner else clean(row.get("version"))
    version = version.split(",")[0].split()[0] if version else None
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
        chassis_id=mac(row.get("mac_address")),
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
    return inventory_partial(fsm(template, text))


def inventory_partial(entries: Iterable[Mapping[str, object]]) -> Partial:
    """``show inventory`` rows (name, descr, pid, vid, sn): components, the chassis' model and
    serial."""
    components = components_from_inventory(entries, vendor="Cisco")
    chassis = next((c for c in components if c.cls == "chassis"), None)
    return Partial(
        vendor="Cisco",
        model=chassis.model if chassis else None,
        serial=chassis.serial if chassis else None,
        components=components,
    )


_SUMMARY_HEADER = re.compile(r"^\s*Device[ -]?ID\s+Local\s+Int", re.MULTILINE | re.IGNORECASE)
_DETAIL_FIELD = re.compile(r"^\s*(Chassis id|Device ID)\s*:", re.MULTILINE | re.IGNORECASE)


def _template(text: str, detail: str, summary: str | None) -> str:
    """The summary table (``show lldp|cdp neighbors``) or the detail blocks (which NX-OS heads
    with the summary's header)."""
    is_summary = _SUMMARY_HEADER.search(text) and not _DETAIL_FIELD.search(text)
    return summary if summary and is_summary else detail


def parse_lldp(
    text: str,
    detail: str = "cisco_ios_show_lldp_neighbors_detail",
    summary: str | None = "cisco_ios_show_lldp_neighbors",
) -> Partial:
    """``show lldp neighbors [detail]``: either form, by ntc-templates."""
    return Partial(neighbors=neighbors_from_template(_template(text, detail, summary), text))


def parse_cdp(
    text: str,
    detail: str = "cisco_ios_show_cdp_neighbors_detail",
    summary: str | None = "cisco_ios_show_cdp_neighbors",
) -> Partial:
    """``show cdp neighbors [detail]``: either form, by ntc-templates."""
    out = []
    for row in fsm(_template(text, detail, summary), text):
        out.append(
            cdp_neighbor(
                local_port=row.get("local_interface"),
                device_id=row.get("neighbor_name"),
                remote_port=row.get("neighbor_interface"),
                remote_mgmt_address=first(row.get("mgmt_address"), row.get("interface_ip")),
                platform=row.get("platform"),
                software=row.get("neighbor_description"),
            )
        )
    return Partial(neighbors=tuple(out))


def cdp_neighbor(
    *,
    local_port: object,
    device_id: object,
    remote_port: object,
    remote_mgmt_address: object = None,
    platform: object = None,
    software: object = None,
) -> Neighbor:
    """A CDP neighbour; NX-OS advertises its device id as ``name(SERIAL)``: the name is kept."""
    name = clean(device_id)
    return neighbor(
        "cdp",
        local_port=local_port,
        remote_name=re.sub(r"\([A-Z0-9]{8,}\)$", "", name) if name else None,
        remote_port=remote_port,
        remote_mgmt_address=remote_mgmt_address,
        remote_description="; ".join(v for v in (clean(platform), clean(software)) if v) or None,
    )


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


def ios_platform(family: str, *, install_summary: bool) -> Platform:
    """IOS and IOS XE differ by name and by ``show install summary`` (IOS XE's image and SMUs)."""
    install = (
        (command("show install summary", parse=parse_install_summary),) if install_summary else ()
    )
    return Platform(
        family=family,
        commands=(
            command("show version", parse=parse_show_version),
            command("show inventory", parse=parse_show_inventory),
            *install,
            command("show lldp neighbors detail", "show lldp neighbors", parse=parse_lldp),
            command("show cdp neighbors detail", "show cdp neighbors", parse=parse_cdp),
        ),
        prompt="{hostname}#",
        paging=("terminal length 0", "terminal width 511", "terminal no monitor"),
    )
