"""Cisco NX-OS (netmiko ``cisco_nxos``): ``| json`` preferred, text accepted for every command.

Nexus 9000 switches in ACI mode answer the same commands; their image (``aci-n9000-dk9.*``) or
release number (11.0 and later; standalone NX-OS is 10.x at most) makes the family ``nxos-aci``.

Neighbours: ``show lldp|cdp neighbors detail`` preferred, the summary accepted; JSON (``| json``
or ``| json native``) or text.
"""

from __future__ import annotations

import re
from typing import Any

from netsbom.agent.platforms import _cisco
from netsbom.agent.platforms.base import (
    Partial,
    Platform,
    clean,
    command,
    first,
    fsm,
    load_json,
    rows,
)
from netsbom.agent.platforms.neighbors import neighbor
from netsbom.core.record import Component

_BUILD = re.compile(r"^(?P<version>\S+)(?:\s+\[build (?P<build>[^\]]+)\])?")
_NXOS_VERSION = re.compile(r"^\s*NXOS: version (\S+)", re.MULTILINE)
_SYSTEM_VERSION = re.compile(r"^\s*system:\s+version (\S+)", re.MULTILINE)
_CHASSIS = re.compile(r"^\s*cisco (.+?[Cc]hassis)", re.MULTILINE)
_HARDWARE_LINE = re.compile(r"^\s*cisco ([^(\n]+?)\s*(?:\(.*)?$", re.MULTILINE)
_IMAGE = re.compile(r"^\s*(?:NXOS|system) image file is:[ \t]+(\S+)", re.MULTILINE)
_PROCESSOR_ID = re.compile(r"Processor [Bb]oard ID (\S+)")
_ACI_IMAGE = re.compile(r"aci-n9000", re.IGNORECASE)
_ACI_RELEASE = re.compile(r"^1[1-9]\.\d+\(")


def _family(version: str | None, image: str | None) -> tuple[str, str]:
    """(family, OS name): ``nxos-aci`` for the ACI image or an ACI release number."""
    if _ACI_IMAGE.search(image or "") or _ACI_RELEASE.match(version or ""):
        return "nxos-aci", "Cisco NX-OS in ACI mode"
    return "nxos", "Cisco NX-OS"


def _version(raw: str | None) -> tuple[str | None, str | None]:
    text = clean(raw)
    if text is None:
        return None, None
    match = _BUILD.match(text)
    if not match:
        return text, None
    return match.group("version"), match.group("build")


def _chassis_model(description: str | None) -> str | None:
    """``Nexus9000 C93180YC-EX Chassis`` -> ``C93180YC-EX``; keeps the description otherwise."""
    if description is None:
        return None
    words = [w for w in re.sub(r"\(.*?\)", "", description).split() if w.lower() != "chassis"]
    if len(words) >= 2 and re.match(r"(?i)nexus\s*\d*$", words[0]):
        return " ".join(words[1:])
    return " ".join(words) or None


def parse_show_version(text: str) -> Partial:
    data = load_json(text)
    if isinstance(data, dict):
        version, build = _version(
            first(data.get("nxos_ver_str"), data.get("sys_ver_str"), data.get("kickstart_ver_str"))
        )
        description = clean(data.get("chassis_id"))
        serial = clean(data.get("proc_board_id"))
        return _version_partial(
            hostname=clean(data.get("host_name")),
            version=version,
            build=build,
            image=first(data.get("nxos_file_name"), data.get("isan_file_name")),
            description=description,
            serial=serial,
        )
    row = (fsm("cisco_nxos_show_version", text) or [{}])[0]
    match = _NXOS_VERSION.search(text) or _SYSTEM_VERSION.search(text)
    version, build = _version(match.group(1) if match else row.get("os"))
    chassis = _CHASSIS.search(text) or _HARDWARE_LINE.search(text)
    serial_match = _PROCESSOR_ID.search(text)
    image = _IMAGE.search(text)
    return _version_partial(
        hostname=clean(row.get("hostname")),
        version=version,
        build=build,
        image=first(row.get("boot_image"), image.group(1) if image else None),
        description=clean(chassis.group(1)) if chassis else None,
        serial=first(row.get("serial"), serial_match.group(1) if serial_match else None),
    )


def _version_partial(
    *,
    hostname: str | None,
    version: str | None,
    build: str | None,
    image: str | None,
    description: str | None,
    serial: str | None,
) -> Partial:
    model = _chassis_model(description)
    family, os_name = _family(version, image)
    chassis = (
        Component(
            index="1",
            cls="chassis",
            name="Chassis",
            description=description,
            vendor="Cisco",
            model=model,
            serial=serial,
            software_rev=version,
        )
        if description or serial
        else None
    )
    return Partial(
        hostname=hostname,
        vendor="Cisco",
        model=model,
        serial=serial,
        os_family=family,
        os_name=os_name,
        os_version=version,
        os_build=build,
        os_image=image,
        components=(chassis,) if chassis else (),
    )


def parse_show_inventory(text: str) -> Partial:
    data = load_json(text)
    if isinstance(data, dict):
        entries = [
            {
                "name": r.get("name"),
                "descr": r.get("desc"),
                "pid": r.get("productid"),
                "vid": r.get("vendorid"),
                "sn": r.get("serialnum"),
            }
            for r in rows(data, "TABLE_inv", "ROW_inv")
        ]
        return _cisco.inventory_partial(entries)
    return _cisco.parse_show_inventory(text, "cisco_nxos_show_inventory")


_MODULE_SW = re.compile(r"^\s*(\d+)\s+(\S+)\s+(\S+)\s+(\S+)?\s*$")
_MODULE_SN = re.compile(r"^\s*(\d+)\s+\S+\s+to\s+\S+\s+(\S+)\s*$")


def parse_show_module(text: str) -> Partial:
    """Line cards and supervisors with their software (``Sw``) and hardware (``Hw``) revisions."""
    modules: dict[str, dict[str, Any]] = {}
    data = load_json(text)
    if isinstance(data, dict):
        for row in rows(data, "TABLE_modinfo", "ROW_modinfo"):
            modules.setdefault(str(row.get("modinf")), {}).update(
                type=row.get("modtype"), model=row.get("model")
            )
        for row in rows(data, "TABLE_modwwninfo", "ROW_modwwninfo"):
            modules.setdefault(str(row.get("modwwn")), {}).update(
                sw=row.get("sw"), hw=row.get("hw")
            )
        for row in rows(data, "TABLE_modmacinfo", "ROW_modmacinfo"):
            modules.setdefault(str(row.get("modmac")), {}).update(sn=row.get("serialnum"))
    else:
        for row in fsm("cisco_nxos_show_module", text):
            modules.setdefault(row["module"], {}).update(type=row["type"], model=row["model"])
        section = ""
        for line in text.splitlines():
            if re.match(r"^\s*Mod\s+Sw\s+Hw", line):
                section = "sw"
                continue
            if re.match(r"^\s*Mod\s+MAC-Address", line):
                section = "mac"
                continue
            if re.match(r"^\s*Mod\s+", line):
                section = ""
                continue
            if section == "sw" and (match := _MODULE_SW.match(line)) and match.group(1) in modules:
                modules[match.group(1)].update(sw=match.group(2), hw=match.group(3))
            elif section == "mac" and (match := _MODULE_SN.match(line)):
                modules.setdefault(match.group(1), {}).update(sn=match.group(2))
    components = tuple(
        Component(
            index=f"module-{number}",
            cls="module",
            name=f"Slot {number}",
            description=clean(values.get("type")),
            vendor="Cisco",
            model=clean(values.get("model")),
            serial=clean(values.get("sn")),
            hardware_rev=clean(values.get("hw")),
            software_rev=clean(values.get("sw")),
            is_fru=True,
        )
        for number, values in sorted(modules.items(), key=lambda kv: _int(kv[0]))
        if number and number != "None"
    )
    return Partial(components=components)


def _int(text: str) -> int:
    return int(text) if text.isdigit() else 1 << 30


def parse_lldp(text: str) -> Partial:
    """``show lldp neighbors [detail]``, JSON (``| json``, ``| json native``) or text."""
    data = load_json(text)
    if not isinstance(data, dict):
        return _cisco.parse_lldp(
            text, "cisco_nxos_show_lldp_neighbors_detail", "cisco_nxos_show_lldp_neighbors"
        )
    out = [
        neighbor(
            "lldp",
            local_port=row.get("l_port_id"),
            remote_chassis_id=row.get("chassis_id"),
            remote_name=row.get("sys_name"),
            remote_port=row.get("port_id"),
            remote_port_description=row.get("port_desc"),
            remote_port_subtype=row.get("port_type"),
            remote_mgmt_address=row.get("mgmt_addr"),
            remote_description=row.get("sys_desc"),
        )
        for row in rows(data, "TABLE_nbor_detail", "ROW_nbor_detail")
    ]
    for row in rows(data, "TABLE_nbor", "ROW_nbor"):
        # the summary's "chassis_id" is its Device ID column: the system name when advertised
        device_id = row.get("chassis_id")
        is_mac = "mac" in str(row.get("chassis_type") or "").casefold()
        out.append(
            neighbor(
                "lldp",
                local_port=row.get("l_port_id"),
                remote_chassis_id=device_id if is_mac else None,
                remote_name=device_id,
                remote_port=row.get("port_id"),
                remote_mgmt_address=row.get("mgmt_addr"),
            )
        )
    return Partial(neighbors=tuple(out))


def parse_cdp(text: str) -> Partial:
    """``show cdp neighbors [detail]``, JSON (``| json``, ``| json native``) or text."""
    data = load_json(text)
    if not isinstance(data, dict):
        return _cisco.parse_cdp(
            text, "cisco_nxos_show_cdp_neighbors_detail", "cisco_nxos_show_cdp_neighbors"
        )
    return Partial(
        neighbors=tuple(
            _cisco.cdp_neighbor(
                local_port=row.get("intf_id"),
                device_id=row.get("device_id"),
                remote_port=row.get("port_id"),
                remote_mgmt_address=first(row.get("v4mgmtaddr"), row.get("v4addr")),
                platform=row.get("platform_id"),
                software=row.get("version"),
            )
            for table in ("cdp_neighbor_detail_info", "cdp_neighbor_brief_info")
            for row in rows(data, f"TABLE_{table}", f"ROW_{table}")
        )
    )


def _neighbor_forms(protocol: str) -> tuple[str, ...]:
    """Detail preferred, the summary accepted (JSON with or without ``native`` types alike)."""
    detail, summary = f"show {protocol} neighbors detail", f"show {protocol} neighbors"
    return (f"{detail} | json", detail, f"{summary} | json", summary)


PLATFORM = Platform(
    family="nxos",
    commands=(
        command("show version | json", "show version", parse=parse_show_version),
        command(
            "show inventory | json",
            "show inventory",
            parse=parse_show_inventory,
            authority=("model", "serial"),
        ),
        command("show module | json", "show module", parse=parse_show_module),
        command(*_neighbor_forms("lldp"), parse=parse_lldp),
        command(*_neighbor_forms("cdp"), parse=parse_cdp),
    ),
    prompt="{hostname}#",
    paging=("terminal length 0", "terminal width 511"),
    error="% Invalid command at '^' marker.",
    error_markers=("% Invalid command", "% Invalid input", "% Incomplete command", "Syntax error"),
)
