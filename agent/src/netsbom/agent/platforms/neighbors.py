"""LLDP / CDP neighbours: what every platform's neighbour parser shares.

    neighbor("lldp", local_port=..., remote_port="516", remote_port_description="xe-0/0/0",
             remote_port_subtype="local")            -> Neighbor(..., remote_port="xe-0/0/0")
    neighbors_from_template(template, text)          ntc-templates rows -> neighbours

One rule names the neighbour's port (:func:`port_name`): its port id when that reads like an
interface name, else the port description it sends, which is how the other end names that port.
Port ids that are no names are LLDP's *locally assigned* ids (an ifIndex such as Junos' ``516``)
and MAC addresses.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from netsbom.agent.platforms.base import clean, first, fsm, mac
from netsbom.core.record import Neighbor

# LLDP port-id subtypes (as lldpd, EOS, NX-OS, Junos, VRP, PAN-OS spell them) that carry a name
_NAME_SUBTYPES = frozenset({"", "ifname", "interfacename", "interfacealias", "portcomponent"})
_HEX12 = re.compile(r"[0-9A-Fa-f]{12}")


def is_port_name(port: str | None) -> bool:
    """Whether a port id reads like an interface name (not an ifIndex or a MAC address)."""
    if port is None or port.isdigit():
        return False
    return not _HEX12.fullmatch(re.sub(r"[:.\-]", "", port))


def port_name(port_id: object, description: object = None, subtype: object = None) -> str | None:
    """The neighbour's name for its port: the id when it is a name, else its description."""
    port, descr = clean(port_id), clean(description)
    kind = re.sub(r"[\s_]", "", str(clean(subtype) or "")).casefold()
    if port and kind in _NAME_SUBTYPES and is_port_name(port):
        return port
    return descr or port


def neighbor(
    protocol: str,
    *,
    local_port: object = None,
    remote_chassis_id: object = None,
    remote_name: object = None,
    remote_port: object = None,
    remote_port_description: object = None,
    remote_port_subtype: object = None,
    remote_mgmt_address: object = None,
    remote_description: object = None,
) -> Neighbor:
    """One neighbour, values cleaned (placeholders dropped, MACs normalised, port named)."""
    return Neighbor(
        protocol=protocol,
        local_port=clean(local_port),
        remote_chassis_id=mac(remote_chassis_id),
        remote_name=clean(remote_name),
        remote_port=port_name(remote_port, remote_port_description, remote_port_subtype),
        remote_mgmt_address=clean(remote_mgmt_address),
        remote_description=clean(remote_description),
    )


def from_template_row(row: Mapping[str, object], protocol: str = "lldp") -> Neighbor:
    """An ntc-templates LLDP row. Templates with ``NEIGHBOR_PORT_ID`` (IOS, XR, VRP) call the
    port description ``NEIGHBOR_INTERFACE``; the others call the port id so."""
    has_port_id = "neighbor_port_id" in row
    return neighbor(
        protocol,
        local_port=row.get("local_interface"),
        remote_chassis_id=row.get("chassis_id"),
        remote_name=first(row.get("neighbor_name"), row.get("neighbor")),
        remote_port=row.get("neighbor_port_id") if has_port_id else row.get("neighbor_interface"),
        remote_port_description=first(
            row.get("neighbor_interface") if has_port_id else None,
            row.get("neighbor_port_description"),
            row.get("neighbor_interface_description"),
        ),
        remote_port_subtype=first(row.get("port_id_subtype"), row.get("port_type")),
        remote_mgmt_address=first(row.get("mgmt_address"), row.get("management_ip")),
        remote_description=first(row.get("neighbor_description"), row.get("system_description")),
    )


def neighbors_from_template(
    template: str, text: str, protocol: str = "lldp"
) -> tuple[Neighbor, ...]:
    """Run an ntc-templates neighbour template; rows naming no neighbour (a port without one)
    are dropped."""
    found = (from_template_row(row, protocol) for row in fsm(template, text))
    return tuple(n for n in found if n.remote_name or n.remote_chassis_id)
