"""A device's neighbours as SNMP states them: LLDP-MIB (IEEE 802.1AB) and CISCO-CDP-MIB.

Pure functions of an :class:`~netsbom.agent.snmp.view.SnmpView`; ports are named as the device
names them (ifName over ifDescr, LLDP's own port ids where they are interface names).
"""

from __future__ import annotations

import ipaddress

from netsbom.agent.snmp import oids
from netsbom.agent.snmp.view import (
    IpAddress,
    Oid,
    SnmpView,
    Value,
    is_printable,
    to_hex,
    to_int,
    to_mac,
    to_text,
)
from netsbom.core.record import Neighbor


def local_chassis_id(view: SnmpView) -> str | None:
    """The device's own LLDP chassis id (lldpLocChassisId), formatted by its subtype."""
    raw = view.get(oids.LLDP_LOC_CHASSIS_ID)
    subtype = view.integer(oids.LLDP_LOC_CHASSIS_ID_SUBTYPE)
    return _lldp_id(raw, subtype, mac_subtype=4, address_subtype=5)


def _lldp_id(
    raw: Value, subtype: int | None, *, mac_subtype: int, address_subtype: int
) -> str | None:
    """Format an LLDP chassis/port id by its subtype: MAC, network address, else text or hex."""
    if not isinstance(raw, bytes) or not raw:
        return to_text(raw)
    if subtype == mac_subtype or (len(raw) == 6 and not is_printable(raw)):
        mac = to_mac(raw)
        if mac:
            return mac
    if subtype == address_subtype and len(raw) == 5 and raw[0] == 1:
        return ".".join(str(b) for b in raw[1:])
    if is_printable(raw):
        return to_text(raw)
    return to_hex(raw)


def _port_names(view: SnmpView) -> dict[int, str]:
    names: dict[int, str] = {}
    for column in (oids.IF_DESCR, oids.IF_NAME):  # ifName wins over ifDescr
        for index, value in view.subtree(column):
            text = to_text(value)
            if len(index) == 1 and text:
                names[index[0]] = text
    return names


def _local_lldp_ports(view: SnmpView, if_names: dict[int, str]) -> dict[int, str]:
    rows = view.table(oids.LLDP_LOC_PORT_ENTRY, (2, 3, 4))
    ports: dict[int, str] = {}
    for index, row in rows.items():
        if len(index) != 1:
            continue
        number = index[0]
        raw_id = row.get(3)
        port_id = to_text(raw_id) if isinstance(raw_id, bytes) and is_printable(raw_id) else None
        if to_int(row.get(2)) == 5 and port_id:  # interfaceName
            ports[number] = port_id
        elif number in if_names:
            ports[number] = if_names[number]
        elif desc := to_text(row.get(4)):
            ports[number] = desc
        elif port_id:
            ports[number] = port_id
    return ports


def lldp_neighbors(view: SnmpView) -> list[Neighbor]:
    """LLDP-MIB's remote table: one neighbour per row, on the local port it was heard on."""
    rows = view.table(oids.LLDP_REM_ENTRY, (4, 5, 6, 7, 8, 9, 10))
    if not rows:
        return []
    if_names = _port_names(view)
    local_ports = _local_lldp_ports(view, if_names)
    addresses = _lldp_mgmt_addresses(view)
    neighbors: list[Neighbor] = []
    for index, row in rows.items():
        if len(index) != 3:
            continue
        _, port_num, _ = index
        neighbors.append(
            Neighbor(
                protocol="lldp",
                local_port=local_ports.get(port_num) or if_names.get(port_num) or str(port_num),
                remote_chassis_id=_lldp_id(
                    row.get(oids.LLDP_REM_CHASSIS_ID),
                    to_int(row.get(oids.LLDP_REM_CHASSIS_ID_SUBTYPE)),
                    mac_subtype=4,
                    address_subtype=5,
                ),
                remote_name=to_text(row.get(oids.LLDP_REM_SYS_NAME)),
                remote_port=_lldp_id(
                    row.get(oids.LLDP_REM_PORT_ID),
                    to_int(row.get(oids.LLDP_REM_PORT_ID_SUBTYPE)),
                    mac_subtype=3,
                    address_subtype=4,
                ),
                remote_mgmt_address=addresses.get(index),
                remote_description=to_text(row.get(oids.LLDP_REM_SYS_DESC)),
            )
        )
    return neighbors


def _lldp_mgmt_addresses(view: SnmpView) -> dict[Oid, str]:
    """lldpRemManAddrTable: the address lives in the index (subtype, length, octets)."""
    found: dict[Oid, str] = {}
    for suffix, _ in view.subtree(oids.LLDP_REM_MAN_ADDR_TABLE):
        if len(suffix) < 7 or suffix[0] != 1:
            continue
        row, family, rest = suffix[2:5], suffix[5], suffix[6:]
        if rest and rest[0] == len(rest) - 1:
            rest = rest[1:]
        address: str | None = None
        if family == 1 and len(rest) == 4 and all(0 <= b < 256 for b in rest):
            address = ".".join(str(b) for b in rest)
        elif family == 2 and len(rest) == 16 and all(0 <= b < 256 for b in rest):
            address = _ipv6(bytes(rest))
        if address and (row not in found or (family == 1 and ":" in found[row])):
            found[row] = address
    return found


def _ipv6(raw: bytes) -> str:
    return str(ipaddress.IPv6Address(raw))


def cdp_neighbors(view: SnmpView) -> list[Neighbor]:
    """CISCO-CDP-MIB's cache: one neighbour per row, its platform and version as its description."""
    columns = (
        oids.CDP_ADDRESS_TYPE, oids.CDP_ADDRESS, oids.CDP_VERSION, oids.CDP_DEVICE_ID,
        oids.CDP_DEVICE_PORT, oids.CDP_PLATFORM,
    )  # fmt: skip
    rows = view.table(oids.CDP_CACHE_ENTRY, columns)
    if not rows:
        return []
    if_names = _port_names(view)
    neighbors: list[Neighbor] = []
    for index, row in rows.items():
        if len(index) != 2:
            continue
        address: str | None = None
        raw_address = row.get(oids.CDP_ADDRESS)
        if isinstance(raw_address, bytes) and len(raw_address) == 4:
            if to_int(row.get(oids.CDP_ADDRESS_TYPE)) in (1, None):
                address = ".".join(str(b) for b in raw_address)
        elif isinstance(raw_address, IpAddress):
            address = str(raw_address)
        platform = to_text(row.get(oids.CDP_PLATFORM))
        version = to_text(row.get(oids.CDP_VERSION))
        description = "\n".join(part for part in (platform, version) if part) or None
        neighbors.append(
            Neighbor(
                protocol="cdp",
                local_port=if_names.get(index[0]) or str(index[0]),
                remote_name=to_text(row.get(oids.CDP_DEVICE_ID)),
                remote_port=to_text(row.get(oids.CDP_DEVICE_PORT)),
                remote_mgmt_address=address,
                remote_description=description,
            )
        )
    return neighbors
