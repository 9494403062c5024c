"""Arista EOS (netmiko ``arista_eos``): ``| json`` preferred, text accepted."""

from __future__ import annotations

import re
from typing import Any

from netsbom.agent.platforms.base import (
    Partial,
    Platform,
    clean,
    command,
    component_class,
    first,
    fsm,
    load_json,
    mac,
)
from netsbom.agent.platforms.neighbors import neighbor, neighbors_from_template
from netsbom.core.record import Component, Software

_VERSION_LINE = re.compile(r"^\s*Software image version:[ \t]*(\S+)", re.MULTILINE)
_ARISTA_MODEL = re.compile(r"^\s*Arista (\S+)\s*$", re.MULTILINE)
_HOSTNAME = re.compile(r"^\s*Hostname:[ \t]*(\S+)", re.MULTILINE)


def parse_show_version(text: str) -> Partial:
    data = load_json(text)
    if isinstance(data, dict):
        version = clean(data.get("version"))
        return Partial(
            vendor="Arista",
            model=clean(data.get("modelName")),
            serial=clean(data.get("serialNumber")),
            chassis_id=clean(data.get("systemMacAddress")),
            os_family="eos",
            os_name="Arista EOS",
            os_version=version,
            os_build=clean(data.get("internalVersion")),
            components=_chassis(
                data.get("modelName"),
                data.get("serialNumber"),
                data.get("hardwareRevision"),
                version,
            ),
        )
    row = (fsm("arista_eos_show_version", text) or [{}])[0]
    version_match = _VERSION_LINE.search(text)
    model_match = _ARISTA_MODEL.search(text)
    version = first(row.get("image"), version_match.group(1) if version_match else None)
    model = first(row.get("model"), model_match.group(1) if model_match else None)
    build = re.search(r"Internal build version:[ \t]*(\S+)", text)
    return Partial(
        vendor="Arista",
        model=model,
        serial=clean(row.get("serial_number")),
        chassis_id=mac(row.get("sys_mac")),
        os_family="eos",
        os_name="Arista EOS",
        os_version=version,
        os_build=build.group(1) if build else None,
        components=_chassis(model, row.get("serial_number"), row.get("hw_version"), version),
    )


def _chassis(
    model: object, serial: object, revision: object, version: str | None
) -> tuple[Component, ...]:
    if clean(model) is None:
        return ()
    return (
        Component(
            index="1",
            cls="chassis",
            name=clean(model),
            vendor="Arista Networks",
            model=clean(model),
            serial=clean(serial),
            hardware_rev=clean(revision),
            software_rev=version,
        ),
    )


def parse_show_hostname(text: str) -> Partial:
    data = load_json(text)
    if isinstance(data, dict):
        return Partial(hostname=clean(data.get("hostname")))
    match = _HOSTNAME.search(text)
    return Partial(hostname=match.group(1) if match else None)


def parse_show_inventory(text: str) -> Partial:
    data = load_json(text)
    components: list[Component] = []
    if isinstance(data, dict):
        system = data.get("systemInformation") or {}
        model = clean(system.get("name"))
        components.append(
            Component(
                index="1",
                cls="chassis",
                name=model,
                description=clean(system.get("description")),
                vendor=clean(system.get("mfgName")) or "Arista Networks",
                model=model,
                serial=clean(system.get("serialNum")),
                hardware_rev=clean(system.get("hardwareRev")),
            )
        )
        for key, cls, label in (
            ("cardSlots", "module", "Card"),
            ("powerSupplySlots", "power-supply", "PowerSupply"),
            ("fanTraySlots", "fan", "FanTray"),
            ("xcvrSlots", "port", "Xcvr"),
        ):
            slots: dict[str, Any] = data.get(key) or {}
            for slot, info in sorted(slots.items(), key=lambda kv: _slot_key(kv[0])):
                name = clean(info.get("modelName")) or clean(info.get("name"))
                if name is None and clean(info.get("serialNum")) is None:
                    continue
                components.append(
                    Component(
                        index=str(len(components) + 1),
                        parent="1",
                        cls=cls,
                        name=f"{label}{slot}",
                        description=clean(info.get("description")),
                        vendor=clean(info.get("mfgName")),
                        model=name,
                        serial=clean(info.get("serialNum")),
                        hardware_rev=clean(info.get("hardwareRev")),
                        is_fru=True,
                    )
                )
    else:
        for row in fsm("arista_eos_show_inventory", text):
            is_chassis = not components
            port = clean(row.get("port"))
            components.append(
                Component(
                    index=str(len(components) + 1),
                    parent=None if is_chassis else "1",
                    cls="chassis" if is_chassis else component_class(row.get("descr"), port),
                    name=clean(row.get("pid")) if is_chassis else (port or clean(row.get("pid"))),
                    description=clean(row.get("descr")),
                    vendor="Arista Networks" if is_chassis else None,
                    model=clean(row.get("pid")),
                    serial=clean(row.get("sn")),
                    hardware_rev=clean(row.get("vid")),
                    is_fru=None if is_chassis else True,
                )
            )
    chassis = components[0] if components else None
    return Partial(
        vendor="Arista",
        model=chassis.model if chassis else None,
        serial=chassis.serial if chassis else None,
        components=tuple(components),
    )


def _slot_key(slot: str) -> tuple[int, str]:
    digits = re.match(r"\d+", slot)
    return (int(digits.group()) if digits else 1 << 30, slot)


_EXTENSION_ROW = re.compile(
    r"^(?P<name>\S+\.(?:swix|rpm))\s+(?P<version>[^/\s]+)/(?P<release>\S+)"
    r"\s+(?P<status>[A-Z, ]+?)\s+\d+\s*$"
)


def parse_show_extensions(text: str) -> Partial:
    data = load_json(text)
    software: list[Software] = []
    if isinstance(data, dict):
        for name, info in sorted((data.get("extensions") or {}).items()):
            if str(info.get("status", "")).lower() != "installed":
                continue
            software.append(
                Software(
                    name=_extension_name(name),
                    version=clean(info.get("version")),
                    kind="extension",
                    source="eos",
                )
            )
    else:
        for line in text.splitlines():
            match = _EXTENSION_ROW.match(line.strip())
            if match and "I" in [s.strip() for s in match.group("status").split(",")]:
                software.append(
                    Software(
                        name=_extension_name(match.group("name")),
                        version=match.group("version"),
                        kind="extension",
                        source="eos",
                    )
                )
    return Partial(software=tuple(software))


def _extension_name(filename: str) -> str:
    """``TerminAttr-1.19.5-1.swix`` -> ``TerminAttr``."""
    return re.sub(r"-\d[\w.]*(?:-[\w.]+)?\.(?:swix|rpm)$", "", filename)


def parse_lldp_detail(text: str) -> Partial:
    """``show lldp neighbors detail``, JSON or text. EOS quotes its JSON port ids (``"516"``)
    and sends ifIndex ids as ``interfaceIdType: local``: the port description names those."""
    data = load_json(text)
    if not isinstance(data, dict):
        return Partial(
            neighbors=neighbors_from_template("arista_eos_show_lldp_neighbors_detail", text)
        )
    out = []
    for local, info in sorted((data.get("lldpNeighbors") or {}).items()):
        for peer in info.get("lldpNeighborInfo") or ():
            port = peer.get("neighborInterfaceInfo") or {}
            addresses = peer.get("managementAddresses") or []
            out.append(
                neighbor(
                    "lldp",
                    local_port=local,
                    remote_chassis_id=peer.get("chassisId"),
                    remote_name=peer.get("systemName"),
                    remote_port=first(port.get("interfaceId_v2"), port.get("interfaceId")),
                    remote_port_description=port.get("interfaceDescription"),
                    remote_port_subtype=port.get("interfaceIdType"),
                    remote_mgmt_address=addresses[0].get("address") if addresses else None,
                    remote_description=peer.get("systemDescription"),
                )
            )
    return Partial(neighbors=tuple(out))


PLATFORM = Platform(
    family="eos",
    commands=tuple(
        command(f"{name} | json", name, parse=parse)
        for name, parse in (
            ("show version", parse_show_version),
            ("show hostname", parse_show_hostname),
            ("show inventory", parse_show_inventory),
            ("show extensions", parse_show_extensions),
            ("show lldp neighbors detail", parse_lldp_detail),
        )
    ),
    prompt="{hostname}#",
    paging=("terminal length 0", "terminal width 511", "no terminal monitor"),
    error="% Invalid input",
    error_markers=("% Invalid input", "% Incomplete command", "% Ambiguous command"),
)
