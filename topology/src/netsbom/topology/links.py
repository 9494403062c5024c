"""Links between devices, derived from what each device says about its LLDP/CDP neighbours.

A device reports *half* a link: "on my port P I see device D on its port Q". This module resolves D
to one of the records (by chassis id, hostname, management address) and merges the halves:

- LLDP and CDP seen from the same port towards the same device are one link;
- the two ends' reports of the same cable are one link carrying both port names;
- a link seen from one side only (the other end is not polled, or does not run LLDP/CDP) is kept and
  marked ``one_sided``; a neighbour that is none of the records is an *external* device;
- parallel links (different port pairs between the same two devices) stay distinct.

Interface names are normalised for matching only (``Gi1/0/1`` == ``GigabitEthernet1/0/1``); the
output carries names as the devices wrote them. Pure: no I/O, deterministic order.
"""

from __future__ import annotations

import functools
import ipaddress
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from netsbom.core.record import DeviceRecord, Neighbor

__all__ = [
    "Link",
    "LinkEnd",
    "LinkObservation",
    "derive_links",
    "normalize_chassis_id",
    "normalize_device_name",
    "normalize_interface",
    "record_order_key",
]


@dataclass(frozen=True, slots=True)
class LinkEnd:
    """One end of a link: a device name (a record's ``name``, or the external neighbour's name)."""

    device: str
    port: str | None
    external: bool = False  # the device is none of the records (only known from its neighbour)


@dataclass(frozen=True, slots=True)
class LinkObservation:
    """One neighbour entry that contributed to a link, as its reporter wrote it."""

    protocol: str  # lldp, cdp
    reporter: str  # name of the device that reported it
    local_port: str | None
    remote_name: str | None
    remote_port: str | None
    remote_chassis_id: str | None
    remote_mgmt_address: str | None
    remote_description: str | None


@dataclass(frozen=True, slots=True)
class Link:
    a: LinkEnd  # a <= b
    b: LinkEnd
    protocols: tuple[str, ...]  # sorted, unique: ("cdp",), ("cdp", "lldp"), ("lldp",)
    one_sided: bool
    observations: tuple[LinkObservation, ...]  # sorted

    @property
    def remote_descriptions(self) -> tuple[str, ...]:
        return tuple(sorted({o.remote_description or "" for o in self.observations} - {""}))

    @property
    def chassis_ids(self) -> tuple[str, ...]:
        return tuple(sorted({o.remote_chassis_id or "" for o in self.observations} - {""}))


# --- normalisation (matching only) -------------------------------------------------------------

# Abbreviation or long form (lower case, no spaces/dashes) -> canonical prefix.
_INTERFACE_PREFIXES: dict[str, str] = {}
for _canonical, _aliases in {
    "ethernet": ("ethernet", "eth", "et", "e"),
    "fastethernet": ("fastethernet", "fa", "fe"),
    "gigabitethernet": ("gigabitethernet", "gige", "gi", "gig", "g"),
    "twogigabitethernet": ("twogigabitethernet", "tw"),
    "fivegigabitethernet": ("fivegigabitethernet", "fi"),
    "tengigabitethernet": ("tengigabitethernet", "tengige", "te", "ten", "tg"),
    "twentyfivegige": ("twentyfivegige", "twentyfivegigabitethernet", "twe"),
    "fortygigabitethernet": ("fortygigabitethernet", "fortygige", "fo"),
    "hundredgige": ("hundredgige", "hundredgigabitethernet", "hu"),
    "fourhundredgige": ("fourhundredgige", "fh"),
    "appgigabitethernet": ("appgigabitethernet", "ap"),
    "portchannel": ("portchannel", "po"),
    "bundleether": ("bundleether", "be"),
    "management": ("management", "mgmt", "ma", "mg"),
    "loopback": ("loopback", "lo"),
    "vlan": ("vlan", "vl"),
    "tunnel": ("tunnel", "tu"),
}.items():
    for _alias in _aliases:
        _INTERFACE_PREFIXES[_alias] = _canonical

_INTERFACE_RE = re.compile(r"^([a-z][a-z_\- ]*?)[\s\-_]*(\d.*)$")
_MAC_SEPARATORS = re.compile(r"[\s:.\-]")
_HEX12 = re.compile(r"^[0-9a-f]{12}$")
_SUFFIX_IN_PARENS = re.compile(r"\s*\([^)]*\)\s*$")


@functools.lru_cache(maxsize=65536)
def normalize_interface(name: str | None) -> str | None:
    """A matching key for an interface name: ``Gi1/0/1`` and ``GigabitEthernet1/0/1`` agree.
    Cached: a fleet repeats the same port names hundreds of thousands of times."""
    if name is None:
        return None
    text = name.strip().lower()
    if not text:
        return None
    match = _INTERFACE_RE.match(text)
    if match is None:
        return re.sub(r"\s+", "", text)
    prefix = re.sub(r"[\s\-_]", "", match.group(1))
    rest = re.sub(r"\s+", "", match.group(2))
    rest = rest.removesuffix(".0")  # Junos default logical unit: xe-0/1/0.0 is the port xe-0/1/0
    return _INTERFACE_PREFIXES.get(prefix, prefix) + rest


def normalize_chassis_id(value: str | None) -> str | None:
    """MAC-like ids lose separators and case (``00:1C:73:AA:BB:CC`` == ``001c.73aa.bbcc``)."""
    if value is None:
        return None
    text = value.strip().lower()
    if not text:
        return None
    compact = _MAC_SEPARATORS.sub("", text)
    return compact if _HEX12.match(compact) else text


def normalize_device_name(value: str | None) -> str | None:
    """Lower case, without a trailing ``(serial)`` that NX-OS appends to its CDP device id."""
    if value is None:
        return None
    text = _SUFFIX_IN_PARENS.sub("", value.strip()).strip().lower().rstrip(".")
    return text or None


def _short_name(name: str) -> str:
    """``r1.example.net`` -> ``r1``; an IP address stays whole."""
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return name.split(".", 1)[0]
    return name


# --- resolving a neighbour to a record ---------------------------------------------------------


class _Resolver:
    """Finds the record a neighbour entry points at; ambiguous keys resolve to nothing."""

    def __init__(self, records: Sequence[DeviceRecord]) -> None:
        self._chassis: dict[str, set[int]] = defaultdict(set)
        self._full: dict[str, set[int]] = defaultdict(set)
        self._short: dict[str, set[int]] = defaultdict(set)
        self._address: dict[str, set[int]] = defaultdict(set)
        for i, record in enumerate(records):
            chassis = normalize_chassis_id(record.chassis_id)
            if chassis:
                self._chassis[chassis].add(i)
            for raw in (record.hostname, record.target.id):
                name = normalize_device_name(raw)
                if name:
                    self._full[name].add(i)
                    self._short[_short_name(name)].add(i)
            address = record.target.address.strip().lower()
            if address:
                self._address[address].add(i)

    def resolve(self, neighbor: Neighbor) -> int | None:
        chassis = normalize_chassis_id(neighbor.remote_chassis_id)
        name = normalize_device_name(neighbor.remote_name)
        address = (neighbor.remote_mgmt_address or "").strip().lower()
        candidates: list[set[int]] = [
            self._chassis.get(chassis, set()) if chassis else set(),
            self._full.get(name, set()) if name else set(),
            self._short.get(_short_name(name), set()) if name else set(),
            self._address.get(address, set()) if address else set(),
        ]
        for found in candidates:
            if len(found) == 1:
                return next(iter(found))
        return None


# --- merging ---------------------------------------------------------------------------------

_DeviceKey = tuple[int, str]  # (0, record index) or (1, external name key)


@dataclass(slots=True)
class _Half:
    """What one device says about one of its ports (all protocols merged)."""

    local: _DeviceKey
    local_port: str | None  # as written by the local device
    remote: _DeviceKey
    remote_ports: dict[str, str]  # normalised -> as written (by the neighbour, via LLDP/CDP)
    observations: list[LinkObservation]

    @property
    def local_key(self) -> str | None:
        return normalize_interface(self.local_port)


def derive_links(records: Sequence[DeviceRecord]) -> list[Link]:
    """Every link the records' neighbour tables describe, merged, sorted."""
    records = sorted(records, key=record_order_key)  # input order must not matter
    resolver = _Resolver(records)
    external_names: dict[str, str] = {}  # external key -> display name (first in sorted order)

    halves: dict[tuple[_DeviceKey, str, _DeviceKey], _Half] = {}
    for index, record in enumerate(records):
        local: _DeviceKey = (0, f"{index:08d}")
        for neighbor in sorted(record.neighbors, key=_neighbor_sort_key):
            remote: _DeviceKey
            target = resolver.resolve(neighbor)
            if target is not None:
                remote = (0, f"{target:08d}")
            else:
                display = _external_display(neighbor)
                key = normalize_device_name(display) or display
                external_names.setdefault(key, display)
                remote = (1, key)
            local_key = normalize_interface(neighbor.local_port)
            remote_key = normalize_interface(neighbor.remote_port)
            # Without a local port name the remote port is what tells two entries apart.
            group = local_key if local_key is not None else f"?{remote_key or ''}"
            half_key = (local, group, remote)
            half = halves.get(half_key)
            if half is None:
                port = neighbor.local_port.strip() if neighbor.local_port else None
                half = _Half(local, port or None, remote, {}, [])
                halves[half_key] = half
            elif neighbor.local_port is not None:
                half.local_port = _prefer(half.local_port, neighbor.local_port.strip())
            if remote_key is not None and neighbor.remote_port is not None:
                previous = half.remote_ports.get(remote_key)
                half.remote_ports[remote_key] = _prefer(previous, neighbor.remote_port.strip())
            half.observations.append(_observation(record.name, neighbor))

    def device_name(key: _DeviceKey) -> tuple[str, bool]:
        if key[0] == 0:
            return records[int(key[1])].name, False
        return external_names[key[1]], True

    ordered = sorted(halves.values(), key=lambda h: (h.local, h.local_key or "", h.remote))
    paired: set[int] = set()
    links: list[Link] = []

    def emit(first: _Half, second: _Half | None) -> None:
        name, external = device_name(first.local)
        end_first = LinkEnd(name, first.local_port, external)
        observations = list(first.observations)
        protocols = {o.protocol for o in first.observations}
        remote_name, remote_external = device_name(first.remote)
        if second is not None:
            end_second = LinkEnd(remote_name, second.local_port, remote_external)
            observations += second.observations
            protocols |= {o.protocol for o in second.observations}
        else:
            port = _pick(first.remote_ports.values())
            end_second = LinkEnd(remote_name, port, remote_external)
        a, b = sorted((end_first, end_second), key=_end_sort_key)
        links.append(
            Link(
                a=a,
                b=b,
                protocols=tuple(sorted(protocols)),
                one_sided=second is None,
                observations=tuple(sorted(observations, key=_observation_sort_key)),
            )
        )

    # Pass 1: both ends name each other's ports. Pass 2: a port missing on one side, if unambiguous
    # from both sides. Each pair is looked at from its lower end (a self-loop from both).
    by_ends: dict[tuple[_DeviceKey, _DeviceKey], list[int]] = defaultdict(list)
    for i, half in enumerate(ordered):
        by_ends[(half.local, half.remote)].append(i)

    def candidates(i: int, strict: bool) -> list[int]:
        half = ordered[i]
        return [
            j
            for j in by_ends.get((half.remote, half.local), ())
            if j != i and j not in paired and _compatible(half, ordered[j], strict)
        ]

    for strict in (True, False):
        for i, half in enumerate(ordered):
            if i in paired or half.local[0] != 0 or half.remote[0] != 0:
                continue
            if half.local > half.remote:
                continue
            matches = candidates(i, strict)
            if len(matches) == 1 and candidates(matches[0], strict) == [i]:
                j = matches[0]
                paired.update((i, j))
                emit(half, ordered[j])
    for i, half in enumerate(ordered):
        if i not in paired:
            emit(half, None)
    return sorted(links, key=_link_sort_key)


def record_order_key(record: DeviceRecord) -> tuple[str, ...]:
    """Total order of records: by name, then what tells two records of one name apart."""
    return (
        record.name,
        record.target.id,
        record.target.address,
        record.chassis_id or "",
        record.serial or "",
        record.collected_at,
        record.report_id,
    )


def _compatible(first: _Half, second: _Half, strict: bool) -> bool:
    def sees(half: _Half, port_key: str | None) -> bool | None:
        names = [key for key in half.remote_ports if _is_port_name(key)]
        if port_key is None or not names:
            return None  # nothing to compare (no port, or only an ifIndex / MAC as port id)
        return port_key in half.remote_ports

    forward = sees(first, second.local_key)
    backward = sees(second, first.local_key)
    if strict:
        return forward is True and backward is True
    return forward is not False and backward is not False


def _is_port_name(key: str) -> bool:
    """A normalised port id that names an interface: not an ifIndex (``516``), not a MAC."""
    return not (key.isdigit() or _HEX12.match(_MAC_SEPARATORS.sub("", key)))


def _external_display(neighbor: Neighbor) -> str:
    for value in (neighbor.remote_name, neighbor.remote_chassis_id, neighbor.remote_mgmt_address):
        if value and value.strip():
            return _SUFFIX_IN_PARENS.sub("", value.strip()) or value.strip()
    return "unknown"


def _observation(reporter: str, neighbor: Neighbor) -> LinkObservation:
    return LinkObservation(
        protocol=neighbor.protocol.strip().lower(),
        reporter=reporter,
        local_port=neighbor.local_port,
        remote_name=neighbor.remote_name,
        remote_port=neighbor.remote_port,
        remote_chassis_id=neighbor.remote_chassis_id,
        remote_mgmt_address=neighbor.remote_mgmt_address,
        remote_description=neighbor.remote_description,
    )


def _prefer(previous: str | None, candidate: str) -> str:
    """Of two spellings of one port, keep the longer (CDP's full name over LLDP's short one)."""
    if previous is None:
        return candidate
    return min(previous, candidate, key=lambda s: (-len(s), s))


def _pick(ports: Iterable[str]) -> str | None:
    choices = sorted(ports, key=lambda s: (-len(s), s))
    return choices[0] if choices else None


def _opt(value: str | None) -> tuple[bool, str]:
    return (value is not None, value or "")


def _neighbor_sort_key(n: Neighbor) -> tuple[tuple[bool, str], ...]:
    return tuple(
        _opt(v)
        for v in (
            n.protocol,
            n.local_port,
            n.remote_name,
            n.remote_port,
            n.remote_chassis_id,
            n.remote_mgmt_address,
            n.remote_description,
        )
    )


def _observation_sort_key(o: LinkObservation) -> tuple[tuple[bool, str], ...]:
    return tuple(
        _opt(v)
        for v in (
            o.reporter,
            o.protocol,
            o.local_port,
            o.remote_name,
            o.remote_port,
            o.remote_chassis_id,
            o.remote_mgmt_address,
            o.remote_description,
        )
    )


def _end_sort_key(end: LinkEnd) -> tuple[str, tuple[bool, str], bool]:
    return (end.device, _opt(end.port), end.external)


def _link_sort_key(link: Link) -> tuple[object, ...]:
    return (
        _end_sort_key(link.a),
        _end_sort_key(link.b),
        link.protocols,
        link.one_sided,
        tuple(_observation_sort_key(o) for o in link.observations),
    )
