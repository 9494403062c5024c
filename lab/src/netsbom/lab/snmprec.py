"""Render a lab device as an snmpsim recording (``.snmprec``) from the lab definition.

One varbind a line, ``OID|TAG|VALUE``, sorted by OID in numeric order (snmpsim needs that). Values
that are not printable ASCII (MAC addresses, multi-line banners) are written hex-encoded (``4x``).

What is rendered, per device: SNMPv2-MIB system group, IF-MIB (ifTable, ifXTable), ENTITY-MIB
entPhysicalTable (components + one port row per interface), LLDP-MIB local system, local ports,
remote table and remote management addresses, CISCO-CDP-MIB cdpCacheTable (links with ``cdp``),
and HOST-RESOURCES-MIB hrSWInstalledTable when the device lists software. The neighbour tables of
the two ends of a link are rendered from the same link, so they always agree.
"""

from __future__ import annotations

import ipaddress
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path

from netsbom.lab.definition import Component, Device, Interface, LabDefinition

SYSTEM = "1.3.6.1.2.1.1"
IF_NUMBER = "1.3.6.1.2.1.2.1.0"
IF_ENTRY = "1.3.6.1.2.1.2.2.1"
IFX_ENTRY = "1.3.6.1.2.1.31.1.1.1"
ENT_PHYSICAL_ENTRY = "1.3.6.1.2.1.47.1.1.1.1"
LLDP_LOC = "1.0.8802.1.1.2.1.3"
LLDP_LOC_PORT_ENTRY = "1.0.8802.1.1.2.1.3.7.1"
LLDP_REM_ENTRY = "1.0.8802.1.1.2.1.4.1.1"
LLDP_REM_MAN_ADDR_ENTRY = "1.0.8802.1.1.2.1.4.2.1"
CDP_CACHE_ENTRY = "1.3.6.1.4.1.9.9.23.1.2.1.1"
HR_SW_INSTALLED_ENTRY = "1.3.6.1.2.1.25.6.3.1"

ENT_CLASS = {
    "other": 1,
    "chassis": 3,
    "backplane": 4,
    "container": 5,
    "power-supply": 6,
    "fan": 7,
    "sensor": 8,
    "module": 9,
    "port": 10,
    "stack": 11,
    "cpu": 12,
}
HR_SW_TYPE = {"unknown": 1, "operating-system": 2, "device-driver": 3, "application": 4}
CHASSIS_ID_MAC = 4  # LldpChassisIdSubtype macAddress
PORT_ID_IFNAME = 5  # LldpPortIdSubtype interfaceName
ETHERNET_CSMACD = 6

Varbind = tuple[str, str, str]  # (oid, tag, value) as written


def render(lab: LabDefinition, device: Device) -> str:
    """The complete recording text of ``device`` (ends with a newline)."""
    rows = sorted(_varbinds(lab, device), key=lambda row: oid_key(row[0]))
    oids = [row[0] for row in rows]
    if len(set(oids)) != len(oids):
        raise ValueError(f"{device.name}: duplicate OIDs in the rendered recording")
    return "".join(f"{oid}|{tag}|{value}\n" for oid, tag, value in rows)


def oid_key(oid: str) -> tuple[int, ...]:
    return tuple(int(part) for part in oid.split("."))


def write_all(lab: LabDefinition) -> list[Path]:
    """Write every device's recording next to the definition; returns the paths written."""
    written = []
    for device in lab.devices:
        path = lab.recording_path(device)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render(lab, device), encoding="ascii")
        written.append(path)
    return written


def stale(lab: LabDefinition) -> list[Path]:
    """Recordings that are missing or differ from what the definition renders."""
    out = []
    for device in lab.devices:
        path = lab.recording_path(device)
        try:
            current = path.read_text(encoding="ascii")
        except OSError:
            current = None
        if current != render(lab, device):
            out.append(path)
    return out


def parse(text: str) -> dict[str, tuple[str, str]]:
    """Read a recording back: OID -> (tag, decoded value; hex values stay hex, as ``4x``)."""
    out: dict[str, tuple[str, str]] = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        oid, tag, value = line.split("|", 2)
        out[oid] = (tag, value)
    return out


def decode(tag: str, value: str) -> str:
    """The text of a parsed OCTET STRING value (hex-decoded for ``4x``)."""
    if tag.endswith("x"):
        return bytes.fromhex(value).decode("latin-1")
    return value


# --- rendering --------------------------------------------------------------------------------


def _octets(text: str) -> tuple[str, str]:
    """OCTET STRING: plain when printable ASCII without '|', else hex."""
    if text.isascii() and text.isprintable() and "|" not in text:
        return "4", text
    return "4x", text.encode("utf-8").hex()


def _mac_hex(mac: str) -> str:
    return mac.replace(":", "")


def _uptime(device: Device) -> int:
    if device.uptime_ticks:
        return device.uptime_ticks
    # deterministic, between ~12 and ~400 days
    return 100_000_000 + zlib.crc32(device.name.encode()) % 3_400_000_000


def _varbinds(lab: LabDefinition, device: Device) -> Iterator[Varbind]:
    yield from _system(device)
    yield from _interfaces(lab, device)
    yield from _entity(device)
    yield from _lldp(lab, device)
    yield from _cdp(lab, device)
    yield from _software(device)


def _system(device: Device) -> Iterator[Varbind]:
    yield (f"{SYSTEM}.1.0", *_octets(device.sys_descr))
    yield (f"{SYSTEM}.2.0", "6", device.sys_object_id)
    yield (f"{SYSTEM}.3.0", "67", str(_uptime(device)))
    yield (f"{SYSTEM}.4.0", *_octets(device.contact))
    yield (f"{SYSTEM}.5.0", *_octets(device.hostname))
    yield (f"{SYSTEM}.6.0", *_octets(device.location))
    yield (f"{SYSTEM}.7.0", "2", str(device.services))


def _alias(lab: LabDefinition, device: Device, interface: Interface) -> str:
    if interface.alias is not None:
        return interface.alias
    for _link, local, remote in lab.links_of(device.name):
        if local.port == interface.name:
            return f"to {remote.device} {remote.port}"
    return ""


def _interfaces(lab: LabDefinition, device: Device) -> Iterator[Varbind]:
    yield (IF_NUMBER, "2", str(len(device.interfaces)))
    for interface in device.interfaces:
        i = interface.index
        speed_bps = min(interface.speed_mbps * 1_000_000, 2**32 - 1)
        yield (f"{IF_ENTRY}.1.{i}", "2", str(i))
        yield (f"{IF_ENTRY}.2.{i}", *_octets(interface.descr))
        yield (f"{IF_ENTRY}.3.{i}", "2", str(ETHERNET_CSMACD))
        yield (f"{IF_ENTRY}.5.{i}", "66", str(speed_bps))
        yield (f"{IF_ENTRY}.7.{i}", "2", "1")  # up
        yield (f"{IF_ENTRY}.8.{i}", "2", "1")  # up
        yield (f"{IFX_ENTRY}.1.{i}", *_octets(interface.name))
        yield (f"{IFX_ENTRY}.15.{i}", "66", str(interface.speed_mbps))
        yield (f"{IFX_ENTRY}.18.{i}", *_octets(_alias(lab, device, interface)))


def entity_rows(device: Device) -> list[tuple[int, int, Component]]:
    """(entPhysicalIndex, entPhysicalContainedIn, component) for components then port rows."""
    index_of: dict[str, int] = {}
    next_index = 1
    taken = {c.index for c in device.components if c.index is not None}
    rows: list[tuple[int, int, Component]] = []

    def allocate() -> int:
        nonlocal next_index
        while next_index in taken:
            next_index += 1
        taken.add(next_index)
        return next_index

    for component in device.components:
        index = component.index if component.index is not None else allocate()
        index_of[component.name] = index
        parent = index_of[component.parent] if component.parent is not None else 0
        rows.append((index, parent, component))
    default_parent = next(
        (c.name for c in device.components if c.cls == "module"), device.components[0].name
    )
    for interface in device.interfaces:
        port = Component.model_validate(
            {
                "name": interface.name,
                "class": "port",
                "description": interface.descr,
                "vendor_type": interface.vendor_type,
                "parent": interface.parent or default_parent,
                "vendor": "",
            }
        )
        rows.append((allocate(), index_of[port.parent or default_parent], port))
    return rows


def _entity(device: Device) -> Iterator[Varbind]:
    rows = entity_rows(device)
    position: dict[int, int] = {}
    for index, parent, component in rows:
        position[parent] = position.get(parent, 0) + 1
        relpos = -1 if parent == 0 else position[parent]
        vendor = component.vendor if component.vendor is not None else device.entity_mfg_name
        columns: Iterable[tuple[int, str, str]] = (
            (2, *_octets(component.description)),
            (3, "6", component.vendor_type),
            (4, "2", str(parent)),
            (5, "2", str(ENT_CLASS[component.cls])),
            (6, "2", str(relpos)),
            (7, *_octets(component.name)),
            (8, *_octets(component.hardware_rev)),
            (9, *_octets(component.firmware_rev)),
            (10, *_octets(component.software_rev)),
            (11, *_octets(component.serial)),
            (12, *_octets(vendor)),
            (13, *_octets(component.model)),
            (16, "2", "1" if component.fru else "2"),
        )
        for column, tag, value in columns:
            yield (f"{ENT_PHYSICAL_ENTRY}.{column}.{index}", tag, value)


def _lldp(lab: LabDefinition, device: Device) -> Iterator[Varbind]:
    yield (f"{LLDP_LOC}.1.0", "2", str(CHASSIS_ID_MAC))
    yield (f"{LLDP_LOC}.2.0", "4x", _mac_hex(device.chassis_id))
    yield (f"{LLDP_LOC}.3.0", *_octets(device.hostname))
    yield (f"{LLDP_LOC}.4.0", *_octets(device.sys_descr))
    for interface in device.interfaces:
        n = interface.index
        yield (f"{LLDP_LOC_PORT_ENTRY}.2.{n}", "2", str(PORT_ID_IFNAME))
        yield (f"{LLDP_LOC_PORT_ENTRY}.3.{n}", *_octets(interface.name))
        yield (f"{LLDP_LOC_PORT_ENTRY}.4.{n}", *_octets(interface.descr))
    rem_index = 0
    for link, local, remote in lab.links_of(device.name):
        if "lldp" not in link.protocols:
            continue
        rem_index += 1
        peer = lab.device(remote.device)
        local_if = device.interface(local.port)
        peer_if = peer.interface(remote.port)
        assert local_if is not None and peer_if is not None  # checked by the definition
        suffix = f"0.{local_if.index}.{rem_index}"
        yield (f"{LLDP_REM_ENTRY}.4.{suffix}", "2", str(CHASSIS_ID_MAC))
        yield (f"{LLDP_REM_ENTRY}.5.{suffix}", "4x", _mac_hex(peer.chassis_id))
        yield (f"{LLDP_REM_ENTRY}.6.{suffix}", "2", str(PORT_ID_IFNAME))
        yield (f"{LLDP_REM_ENTRY}.7.{suffix}", *_octets(peer_if.name))
        yield (f"{LLDP_REM_ENTRY}.8.{suffix}", *_octets(peer_if.descr))
        yield (f"{LLDP_REM_ENTRY}.9.{suffix}", *_octets(peer.hostname))
        yield (f"{LLDP_REM_ENTRY}.10.{suffix}", *_octets(peer.sys_descr))
        address = ipaddress.IPv4Address(peer.address)
        man = f"{suffix}.1.4.{address}"  # ipV4(1), 4 octets
        yield (f"{LLDP_REM_MAN_ADDR_ENTRY}.3.{man}", "2", "2")  # ifIndex
        yield (f"{LLDP_REM_MAN_ADDR_ENTRY}.4.{man}", "2", "0")


def _cdp(lab: LabDefinition, device: Device) -> Iterator[Varbind]:
    dev_index: dict[int, int] = {}
    for link, local, remote in lab.links_of(device.name):
        if "cdp" not in link.protocols:
            continue
        peer = lab.device(remote.device)
        local_if = device.interface(local.port)
        peer_if = peer.interface(remote.port)
        assert local_if is not None and peer_if is not None
        dev_index[local_if.index] = dev_index.get(local_if.index, 0) + 1
        suffix = f"{local_if.index}.{dev_index[local_if.index]}"
        yield (f"{CDP_CACHE_ENTRY}.3.{suffix}", "2", "1")  # ip
        address = ipaddress.IPv4Address(peer.address).packed.hex()
        yield (f"{CDP_CACHE_ENTRY}.4.{suffix}", "4x", address)
        yield (f"{CDP_CACHE_ENTRY}.5.{suffix}", *_octets(peer.sys_descr))
        yield (f"{CDP_CACHE_ENTRY}.6.{suffix}", *_octets(peer.hostname))
        yield (f"{CDP_CACHE_ENTRY}.7.{suffix}", *_octets(peer_if.name))
        yield (f"{CDP_CACHE_ENTRY}.8.{suffix}", *_octets(f"cisco {peer.model}"))


def _software(device: Device) -> Iterator[Varbind]:
    for number, package in enumerate(device.software, start=1):
        yield (f"{HR_SW_INSTALLED_ENTRY}.1.{number}", "2", str(number))
        yield (f"{HR_SW_INSTALLED_ENTRY}.2.{number}", *_octets(package.name))
        yield (f"{HR_SW_INSTALLED_ENTRY}.4.{number}", "2", str(HR_SW_TYPE[package.type]))
        if package.date:
            yield (f"{HR_SW_INSTALLED_ENTRY}.5.{number}", "4x", _date_and_time(package.date))


def _date_and_time(date: str) -> str:
    """SNMPv2-TC DateAndTime (8 octets, midnight) of ``YYYY-MM-DD``, hex."""
    year, month, day = (int(part) for part in date.split("-"))
    return (year.to_bytes(2, "big") + bytes([month, day, 0, 0, 0, 0])).hex()
