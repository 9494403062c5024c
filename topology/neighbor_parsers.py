"""Pure parsers for LLDP/CDP neighbour tables as devices print them: text in, neighbours out.

    parse_neighbor_output("cumulus", "net show lldp json", text) -> ParsedNeighbors

One function per output family, a dispatcher keyed by platform (netmiko device_type or SuzieQ
``devtype``) and the protocol named by the command:

========================  ================================================================
platform                  outputs understood
========================  ================================================================
linux, cumulus, sonic     ``lldpctl`` (text, ``-f keyvalue``, ``-f json``), ``net show lldp json``
arista_eos / eos          ``show lldp neighbors [detail] | json`` (eAPI JSON)
cisco_nxos / nxos         ``show lldp|cdp neighbors [detail] | json [native]``
juniper_junos / junos-*   ``show lldp neighbors [detail] | display json``
cisco_ios/xe/xr / ios     ``show lldp|cdp neighbors [detail]`` (text, summary and detail)
========================  ================================================================

Port ids that are not interface names (LLDP port subtype *local*, i.e. an ifIndex such as Junos'
``516``, or a MAC address) are replaced by the port description when the neighbour sends one, which
is how the other end names that port. NX-OS's CDP device id ``name(SERIAL)`` keeps its suffix here;
matching strips it (``normalize_device_name``).

Note for the platform drivers (agent/platforms): these cover the neighbour commands SuzieQ gathers;
the drivers' parsers should converge with them (the Junos detail form gives an ifIndex as
``lldp-local-port-id``; EOS' ``interfaceIdType: local`` ids come quoted).
Parsers never raise for device output: what they cannot read becomes an error string.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from netsbom.topology.record import Neighbor

__all__ = [
    "ParsedNeighbors",
    "parse_eos_lldp",
    "parse_ios_cdp",
    "parse_ios_lldp",
    "parse_junos_lldp",
    "parse_lldpd",
    "parse_neighbor_output",
    "parse_nxos_cdp",
    "parse_nxos_lldp",
    "platform_family",
]

_PLACEHOLDERS = frozenset({"", "n/a", "na", "none", "unknown", "-", "null", "not advertised"})


@dataclass(frozen=True, slots=True)
class ParsedNeighbors:
    neighbors: tuple[Neighbor, ...] = ()
    errors: tuple[str, ...] = ()


# --- helpers ---------------------------------------------------------------------------------


def _clean(value: object) -> str | None:
    if value is None or isinstance(value, dict | list):
        return None
    text = str(value).strip().strip('"').strip()
    return None if text.casefold() in _PLACEHOLDERS else text


def _is_name(port: str | None) -> bool:
    """Whether a port id reads like an interface name (not an ifIndex or a MAC address)."""
    if port is None:
        return False
    if port.isdigit():
        return False
    compact = re.sub(r"[:.\-]", "", port)
    return not (len(compact) == 12 and all(c in "0123456789abcdefABCDEF" for c in compact))


def _port(port_id: str | None, description: str | None, subtype: str | None = None) -> str | None:
    """The neighbour's name for its port: the id when it is a name, else its description."""
    kind = (subtype or "").casefold().replace(" ", "").replace("_", "")
    name_like = kind in ("", "ifname", "interfacename", "interfacealias", "portcomponent")
    if port_id and name_like and _is_name(port_id):
        return port_id
    return description or port_id


def _neighbor(protocol: str, **values: str | None) -> Neighbor:
    return Neighbor(protocol=protocol, **{k: _clean(v) for k, v in values.items()})


def _load_json(text: str) -> Any:
    start = min((i for i in (text.find("{"), text.find("[")) if i >= 0), default=-1)
    if start < 0:
        raise ValueError("no JSON document in the output")
    end = max(text.rfind("}"), text.rfind("]"))
    return json.loads(text[start : end + 1])


def _first(node: Any) -> Any:
    """lldpd/Junos JSON wraps scalars in lists and ``{"value"|"data": ...}``: unwrap."""
    while isinstance(node, list):
        node = node[0] if node else None
    if isinstance(node, dict):
        for key in ("value", "data"):
            if key in node:
                return _first(node[key])
    return node


def _rows(value: Any, *path: str) -> list[dict[str, Any]]:
    """NX-OS ``TABLE_x``/``ROW_x`` nesting, always as a list of dicts."""
    current = value
    for key in path:
        if not isinstance(current, dict):
            return []
        current = current.get(key)
    if isinstance(current, dict):
        return [current]
    if isinstance(current, list):
        return [c for c in current if isinstance(c, dict)]
    return []


# --- lldpd (Linux, Cumulus, SONiC) -----------------------------------------------------------


def parse_lldpd(text: str) -> tuple[Neighbor, ...]:
    """``lldpctl`` as text, keyvalue or JSON (Cumulus ``net show lldp json`` is the JSON form)."""
    if not text.strip():
        return ()
    if text.lstrip()[:1] in "{[":
        return tuple(_lldpd_json(_load_json(text)))
    if re.search(r"^lldp\.\S+\.", text, re.MULTILINE):
        return tuple(_lldpd_keyvalue(text))
    return tuple(_lldpd_text(text))


def _lldpd_json(data: Any) -> Iterable[Neighbor]:
    lldp = data.get("lldp") if isinstance(data, dict) else None
    if isinstance(lldp, list):
        lldp = lldp[0] if lldp else None
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
            chassis = info.get("chassis") or {}
            if isinstance(chassis, list):
                chassis = chassis[0] if chassis else {}
            if isinstance(chassis, dict) and "name" not in chassis and "id" not in chassis:
                name, details = next(iter(chassis.items()), (None, {}))  # {"sysname": {...}}
            else:
                name, details = _first(chassis.get("name")), chassis
            details = details if isinstance(details, dict) else {}
            port = info.get("port") or {}
            if isinstance(port, list):
                port = port[0] if port else {}
            port_id = port.get("id")
            while isinstance(port_id, list):
                port_id = port_id[0] if port_id else None
            subtype = port_id.get("type") if isinstance(port_id, dict) else None
            yield _neighbor(
                "lldp",
                local_port=_clean(local),
                remote_chassis_id=_clean(_first(details.get("id"))),
                remote_name=_clean(name),
                remote_port=_port(
                    _clean(_first(port_id)), _clean(_first(port.get("descr"))), subtype
                ),
                remote_mgmt_address=_clean(_first(details.get("mgmt-ip"))),
                remote_description=_clean(_first(details.get("descr"))),
            )


_TEXT_FIELD = re.compile(
    r"^\s*(Interface|ChassisID|SysName|SysDescr|MgmtIP|PortID|PortDescr):\s*(.*?)\s*$"
)


def _lldpd_text(text: str) -> Iterable[Neighbor]:
    current: dict[str, str] = {}
    blocks: list[dict[str, str]] = []
    for line in text.splitlines():
        match = _TEXT_FIELD.match(line)
        if not match:
            continue
        key, value = match.groups()
        if key == "Interface":
            current = {}
            blocks.append(current)
        current.setdefault(key, value)  # first MgmtIP (IPv4 before the link-local IPv6)
    for block in blocks:
        if "Interface" not in block:
            continue
        subtype, _, port_id = block.get("PortID", "").partition(" ")
        chassis_kind, _, chassis = block.get("ChassisID", "").partition(" ")
        yield _neighbor(
            "lldp",
            local_port=block["Interface"].split(",")[0],
            remote_chassis_id=chassis or chassis_kind,
            remote_name=block.get("SysName"),
            remote_port=_port(
                _clean(port_id) or _clean(subtype),
                _clean(block.get("PortDescr")),
                subtype if port_id else None,
            ),
            remote_mgmt_address=block.get("MgmtIP"),
            remote_description=block.get("SysDescr"),
        )


def _lldpd_keyvalue(text: str) -> Iterable[Neighbor]:
    by_port: dict[str, dict[str, str]] = {}
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        parts = key.strip().split(".")
        if not sep or len(parts) < 3 or parts[0] != "lldp":
            continue
        by_port.setdefault(parts[1], {}).setdefault(".".join(parts[2:]), value.strip())
    for local, fields in by_port.items():
        chassis_name = next(
            (
                k.split(".")[1]
                for k in fields
                if k.startswith("chassis.") and k.endswith(".descr") and k.count(".") == 2
            ),
            None,
        )
        name = fields.get("chassis.name") or chassis_name
        prefix = f"chassis.{chassis_name}." if chassis_name else "chassis."
        yield _neighbor(
            "lldp",
            local_port=local,
            remote_chassis_id=fields.get(prefix + "mac") or fields.get(prefix + "local"),
            remote_name=name,
            remote_port=_port(
                fields.get("port.ifname") or fields.get("port.local") or fields.get("port.mac"),
                fields.get("port.descr"),
            ),
            remote_mgmt_address=fields.get(prefix + "mgmt-ip"),
            remote_description=fields.get(prefix + "descr"),
        )


# --- Arista EOS --------------------------------------------------------------------------------


def parse_eos_lldp(text: str) -> tuple[Neighbor, ...]:
    data = _load_json(text)
    out: list[Neighbor] = []
    neighbors = data.get("lldpNeighbors") if isinstance(data, dict) else None
    if isinstance(neighbors, list):  # summary form: a list of rows
        for row in neighbors:
            out.append(
                _neighbor(
                    "lldp",
                    local_port=row.get("port"),
                    remote_name=row.get("neighborDevice"),
                    remote_port=row.get("neighborPort"),
                )
            )
        return tuple(out)
    for local, info in sorted((neighbors or {}).items()):
        for peer in (info or {}).get("lldpNeighborInfo") or ():
            port = peer.get("neighborInterfaceInfo") or {}
            addresses = peer.get("managementAddresses") or []
            address = next((a.get("address") for a in addresses if isinstance(a, dict)), None)
            out.append(
                _neighbor(
                    "lldp",
                    local_port=local,
                    remote_chassis_id=peer.get("chassisId"),
                    remote_name=peer.get("systemName"),
                    remote_port=_port(
                        _clean(port.get("interfaceId_v2") or port.get("interfaceId")),
                        _clean(port.get("interfaceDescription")),
                        port.get("interfaceIdType"),
                    ),
                    remote_mgmt_address=address,
                    remote_description=peer.get("systemDescription"),
                )
            )
    return tuple(out)


# --- Cisco NX-OS (JSON) ----------------------------------------------------------------------


def parse_nxos_lldp(text: str) -> tuple[Neighbor, ...]:
    data = _load_json(text)
    out: list[Neighbor] = []
    for row in _rows(data, "TABLE_nbor_detail", "ROW_nbor_detail"):
        out.append(
            _neighbor(
                "lldp",
                local_port=row.get("l_port_id"),
                remote_chassis_id=row.get("chassis_id"),
                remote_name=row.get("sys_name"),
                remote_port=_port(
                    _clean(row.get("port_id")), _clean(row.get("port_desc")), row.get("port_type")
                ),
                remote_mgmt_address=row.get("mgmt_addr"),
                remote_description=row.get("sys_desc"),
            )
        )
    for row in _rows(data, "TABLE_nbor", "ROW_nbor"):
        # Summary: "chassis_id" holds the Device ID column (the system name when advertised).
        name = _clean(row.get("chassis_id"))
        chassis_type = (row.get("chassis_type") or "").casefold()
        out.append(
            _neighbor(
                "lldp",
                local_port=row.get("l_port_id"),
                remote_chassis_id=name if "mac" in chassis_type else None,
                remote_name=name,
                remote_port=row.get("port_id"),
                remote_mgmt_address=row.get("mgmt_addr"),
            )
        )
    return tuple(out)


def parse_nxos_cdp(text: str) -> tuple[Neighbor, ...]:
    data = _load_json(text)
    out: list[Neighbor] = []
    for table in ("cdp_neighbor_detail_info", "cdp_neighbor_brief_info"):
        for row in _rows(data, f"TABLE_{table}", f"ROW_{table}"):
            address = row.get("v4mgmtaddr") or row.get("v4addr")
            out.append(
                _neighbor(
                    "cdp",
                    local_port=row.get("intf_id"),
                    remote_name=row.get("device_id") or row.get("sysname"),
                    remote_port=row.get("port_id"),
                    remote_mgmt_address=address if isinstance(address, str) else None,
                    remote_description=row.get("version") or row.get("platform_id"),
                )
            )
    return tuple(out)


# --- Juniper Junos (JSON) --------------------------------------------------------------------


def parse_junos_lldp(text: str) -> tuple[Neighbor, ...]:
    data = _load_json(text)
    info = data.get("lldp-neighbors-information") if isinstance(data, dict) else None
    if isinstance(info, list):
        info = info[0] if info else {}
    entries = (info or {}).get("lldp-neighbor-information") or []
    if isinstance(entries, dict):
        entries = [entries]
    out: list[Neighbor] = []
    for entry in entries:
        if not isinstance(entry, dict):
            continue

        def get(key: str, node: dict[str, Any] = entry) -> str | None:
            return _clean(_first(node.get(key)))

        # Brief form: lldp-local-port-id is the interface; detail form: its ifIndex, and
        # lldp-local-interface the name.
        local = get("lldp-local-interface") or get("lldp-local-port-id")
        addresses = entry.get("lldp-remote-management-address")
        out.append(
            _neighbor(
                "lldp",
                local_port=local,
                remote_chassis_id=get("lldp-remote-chassis-id"),
                remote_name=get("lldp-remote-system-name"),
                remote_port=_port(
                    get("lldp-remote-port-id"),
                    get("lldp-remote-port-description"),
                    get("lldp-remote-port-id-subtype"),
                ),
                remote_mgmt_address=_clean(_first(addresses)) if addresses else None,
                remote_description=get("lldp-remote-system-description"),
            )
        )
    return tuple(out)


# --- Cisco IOS / IOS XE / IOS XR (text) ------------------------------------------------------


def parse_ios_lldp(text: str) -> tuple[Neighbor, ...]:
    if re.search(r"^\s*(Local Intf|Local Interface)\s*:", text, re.MULTILINE):
        return tuple(_ios_lldp_detail(text))
    return tuple(_summary(text, "lldp"))


def parse_ios_cdp(text: str) -> tuple[Neighbor, ...]:
    if re.search(r"^\s*Device ID\s*:", text, re.MULTILINE):
        return tuple(_ios_cdp_detail(text))
    return tuple(_summary(text, "cdp"))


_SUMMARY_COLUMNS = {
    "device": ("Device ID",),
    "local": ("Local Intrfce", "Local Intf", "Local Interface"),
    "hold": ("Holdtme", "Hold-time", "Hold Time", "Holdtime"),
    "capability": ("Capability",),
    "platform": ("Platform",),
    "port": ("Port ID",),
}


def _summary(text: str, protocol: str) -> Iterable[Neighbor]:
    """The ``show lldp|cdp neighbors`` table, sliced at the header's column positions."""
    lines = text.splitlines()
    header_at = next(
        (i for i, line in enumerate(lines) if line.lstrip().startswith("Device ID")), None
    )
    if header_at is None:
        return
    header = lines[header_at]
    starts: list[tuple[int, str]] = []
    for column, names in _SUMMARY_COLUMNS.items():
        for name in names:
            position = header.find(name)
            if position >= 0:
                starts.append((position, column))
                break
    starts.sort()
    pending: str | None = None
    for line in lines[header_at + 1 :]:
        if not line.strip():
            continue
        if re.match(r"^\s*Total (cdp )?entries", line, re.IGNORECASE):
            break
        if len(line.split()) == 1 and pending is None:  # a long device id on its own line
            pending = line.strip()
            continue
        values: dict[str, str] = {}
        for i, (position, column) in enumerate(starts):
            end = starts[i + 1][0] if i + 1 < len(starts) else len(line)
            values[column] = line[position:end].strip() if position < len(line) else ""
        if pending is not None:
            values["device"], pending = pending, None
        if not values.get("device") or not values.get("local"):
            continue
        yield _neighbor(
            protocol,
            local_port=values["local"],
            remote_name=values["device"],
            remote_port=values.get("port"),
            remote_description=values.get("platform"),
        )


def _blocks(text: str, start: str) -> list[str]:
    parts = re.split(rf"^(?=\s*{start}\s*:)", text, flags=re.MULTILINE)
    return [p for p in parts if re.match(rf"\s*{start}\s*:", p)]


def _field(block: str, pattern: str) -> str | None:
    match = re.search(pattern, block, re.MULTILINE | re.IGNORECASE)
    return match.group(1).strip() if match else None


def _ios_lldp_detail(text: str) -> Iterable[Neighbor]:
    start = (
        "Local Intf"
        if re.search(r"^\s*Local Intf\s*:", text, re.MULTILINE)
        else ("Local Interface")
    )
    for block in _blocks(text, start):
        description = _field(block, r"^\s*System Description:\s*\n\s*(\S.*)$")
        yield _neighbor(
            "lldp",
            local_port=_field(block, rf"^\s*{start}\s*:\s*(\S+)"),
            remote_chassis_id=_field(block, r"^\s*Chassis id:\s*(\S+)"),
            remote_name=_field(block, r"^\s*System Name:\s*(\S+)"),
            remote_port=_port(
                _field(block, r"^\s*Port id:\s*(\S+)"),
                _clean(_field(block, r"^\s*Port Description:\s*(.*)$")),
            ),
            remote_mgmt_address=_field(block, r"^\s*(?:IP|IPv4 address):\s*(\S+)"),
            remote_description=description,
        )


def _ios_cdp_detail(text: str) -> Iterable[Neighbor]:
    for block in _blocks(text, "Device ID"):
        yield _neighbor(
            "cdp",
            local_port=_field(block, r"^\s*Interface:\s*([^,]+),"),
            remote_name=_field(block, r"^\s*Device ID\s*:\s*(\S+)"),
            remote_port=_field(block, r"Port ID \(outgoing port\):\s*(\S+)"),
            remote_mgmt_address=_field(block, r"^\s*IP(?:v4)? [Aa]ddress:\s*(\S+)"),
            remote_description=_field(block, r"^\s*Platform:\s*([^,]+)"),
        )


# --- dispatch --------------------------------------------------------------------------------

_FAMILIES = {
    "lldpd": ("linux", "cumulus", "sonic", "linux_ssh", "cumulus_linux", "sonic_ssh", "ubuntu"),
    "eos": ("eos", "arista_eos", "arista"),
    "nxos": ("nxos", "cisco_nxos", "cisco_nxos_ssh"),
    "junos": ("junos", "junos-mx", "junos-qfx", "junos-ex", "junos-es", "juniper_junos",
              "juniper"),
    "ios": ("ios", "iosxe", "iosxr", "cisco_ios", "cisco_xe", "cisco_xr", "cisco_iosxe",
            "cisco_iosxr"),
}  # fmt: skip
_PLATFORM_FAMILY = {name: family for family, names in _FAMILIES.items() for name in names}

_PARSERS: dict[tuple[str, str], Callable[[str], tuple[Neighbor, ...]]] = {
    ("lldpd", "lldp"): parse_lldpd,
    ("eos", "lldp"): parse_eos_lldp,
    ("nxos", "lldp"): parse_nxos_lldp,
    ("nxos", "cdp"): parse_nxos_cdp,
    ("junos", "lldp"): parse_junos_lldp,
    ("ios", "lldp"): parse_ios_lldp,
    ("ios", "cdp"): parse_ios_cdp,
}


def platform_family(platform: str) -> str | None:
    """``lldpd``, ``eos``, ``nxos``, ``junos`` or ``ios`` for a netmiko/SuzieQ platform name."""
    key = platform.strip().lower()
    return _PLATFORM_FAMILY.get(key) or ("junos" if key.startswith("junos") else None)


def parse_neighbor_output(platform: str, command: str, output: str) -> ParsedNeighbors:
    """Neighbours in ``output`` of ``command`` on ``platform``; never raises for odd output."""
    family = platform_family(platform)
    protocol = "cdp" if "cdp" in command.lower() else "lldp"
    if family is None:
        return ParsedNeighbors(errors=(f"no neighbour parser for platform {platform!r}",))
    parser = _PARSERS.get((family, protocol))
    if parser is None:
        return ParsedNeighbors(errors=(f"no {protocol} parser for platform {platform!r}",))
    if not output.strip():
        return ParsedNeighbors()
    try:
        found = parser(output)
    except (ValueError, KeyError, IndexError, TypeError, AttributeError) as exc:
        return ParsedNeighbors(errors=(f"{command}: output not understood: {exc}"[:300],))
    return ParsedNeighbors(neighbors=tuple(n for n in found if n.local_port or n.remote_name))
