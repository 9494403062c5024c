"""Identity: one physical device is one node, whatever saw it.

A device polled over SNMP by one agent and over SSH by another arrives as two records; a device
nobody polls is still named by its neighbours' LLDP/CDP entries. This module reconciles them:

- **Same device.** Two records are one device when they share the chassis id, the serial
  number, or the management address seen over two transports (SNMP and SSH), *and* nothing
  contradicts it: two different serials, two different chassis ids, or two hostnames that differ
  (full or short: ``sw1.par1.example.net`` == ``sw1``) are two devices. A name alone is not
  enough (factory-default "Switch" everywhere). Merged records keep every source's provenance
  (``identity`` entries name the targets merged) and the most specific value per field (SSH over
  SNMP over anything else, then the newest).
- **Replacement.** Over time, a name whose serial (or chassis id) changes is a replaced chassis,
  not the same device: :func:`same_device` says so and the diff reports it.
- **External nodes.** Neighbours that are none of the records: ``links.derive_topology`` keeps
  them as external ends.
- **Contradictions** are kept and flagged (:class:`Flag`), never fatal: two chassis claiming one
  serial (``duplicate-serial``), one chassis id on two devices (``duplicate-chassis-id``), two
  devices under one name that cannot be one (``name-conflict``), a neighbour naming a port the
  device does not have (``unknown-port``).

Pure: no I/O, deterministic order.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from netsbom.core.placeholders import is_placeholder_serial
from netsbom.core.purl import union_software
from netsbom.core.record import (
    DeviceRecord,
    Identifiers,
    OsInfo,
    Provenance,
    parse_time,
)
from netsbom.topology.links import (
    Topology,
    normalize_chassis_id,
    normalize_device_name,
    normalize_interface,
    record_order_key,
)

__all__ = [
    "FLAG_KINDS",
    "Flag",
    "Resolution",
    "check_links",
    "merge_records",
    "resolve_identities",
    "same_device",
]

FLAG_KINDS = ("duplicate-serial", "duplicate-chassis-id", "name-conflict", "unknown-port")
_DEVICE_TRANSPORTS = frozenset({"ssh", "gnmi", "netconf"})  # the device states its own facts


@dataclass(frozen=True, slots=True)
class Flag:
    """A contradiction found in the observations, kept for people to look at."""

    kind: str  # one of FLAG_KINDS
    devices: tuple[str, ...]  # device names concerned, sorted
    message: str


@dataclass(frozen=True, slots=True)
class Resolution:
    records: tuple[DeviceRecord, ...]  # one per physical device, sorted
    flags: tuple[Flag, ...]  # sorted


def serial_key(value: str | None) -> str | None:
    if value is None:
        return None
    text = value.strip()
    return None if is_placeholder_serial(text) else text.upper()


def _names(record: DeviceRecord) -> set[str]:
    out: set[str] = set()
    for raw in (record.hostname, record.target.id):
        name = normalize_device_name(raw)
        if name:
            out.add(name)
            out.add(name.split(".", 1)[0])
    return out


def _conflict(a: DeviceRecord, b: DeviceRecord) -> bool:
    serials = serial_key(a.serial), serial_key(b.serial)
    chassis = normalize_chassis_id(a.chassis_id), normalize_chassis_id(b.chassis_id)
    return (None not in serials and serials[0] != serials[1]) or (
        None not in chassis and chassis[0] != chassis[1]
    )


def same_device(a: DeviceRecord, b: DeviceRecord) -> bool:
    """Whether two records describe one physical device (see the module docstring)."""
    if _conflict(a, b):
        return False
    if a.hostname and b.hostname and not (_names(a) & _names(b)):
        return False  # one box has one name at a time
    # One address seen over two transports is one box; over one transport, two inventory
    # entries at one address are two targets (simulators, NAT, port forwarding).
    address = a.target.address.strip().lower()
    if (
        address
        and address == b.target.address.strip().lower()
        and not _transports(a) & _transports(b)
    ):
        return True
    chassis = normalize_chassis_id(a.chassis_id)
    if chassis and chassis == normalize_chassis_id(b.chassis_id):
        return True
    serial = serial_key(a.serial)
    return serial is not None and serial == serial_key(b.serial)


def _transports(record: DeviceRecord) -> frozenset[str]:
    """The transports a record was polled over (``snmp+ssh``: both)."""
    return frozenset(record.target.transport.split("+"))


def _transport_rank(record: DeviceRecord) -> int:
    """0: polled over the device's own interfaces (SSH, gNMI, NETCONF), 1: SNMP only, 2: other."""
    transports = _transports(record)
    return 0 if transports & _DEVICE_TRANSPORTS else 1 if "snmp" in transports else 2


def resolve_identities(records: Iterable[DeviceRecord]) -> Resolution:
    """Merge the records that are one device; flag the contradictions left."""
    ordered = sorted(records, key=record_order_key)
    groups: list[list[DeviceRecord]] = []
    # Candidates share a key; a named record only looks at groups of its name or without any
    # name (one serial on a thousand differently named boxes stays linear).
    by_name: dict[str, set[int]] = defaultdict(set)
    by_key: dict[str, set[int]] = defaultdict(set)
    named: set[int] = set()
    for record in ordered:
        names, keys = _names(record), _keys(record)
        near = {g for key in keys for g in by_key.get(key, ())}
        if record.hostname:
            near = {g for g in near if g not in named}
            near |= {g for name in names for g in by_name.get(name, ())}
        home = next(
            (g for g in sorted(near) if all(same_device(record, other) for other in groups[g])),
            None,
        )
        if home is None:
            home = len(groups)
            groups.append([])
        groups[home].append(record)
        for name in names:
            by_name[name].add(home)
        for key in keys:
            by_key[key].add(home)
        if record.hostname:
            named.add(home)
    merged = sorted((merge_records(group) for group in groups), key=record_order_key)
    return Resolution(records=tuple(merged), flags=tuple(sorted(_flags(merged), key=_flag_key)))


def _keys(record: DeviceRecord) -> set[str]:
    """Identity keys other than names: address, chassis id, serial."""
    keys: set[str] = set()
    address = record.target.address.strip().lower()
    if address:
        keys.add(f"address:{address}")
    chassis = normalize_chassis_id(record.chassis_id)
    if chassis:
        keys.add(f"chassis:{chassis}")
    serial = serial_key(record.serial)
    if serial:
        keys.add(f"serial:{serial}")
    return keys


def merge_records(records: Sequence[DeviceRecord]) -> DeviceRecord:
    """One record from several views of one device: the most specific source wins per field."""
    if len(records) == 1:
        return records[0]
    ranked = sorted(
        records,
        key=lambda r: (
            _transport_rank(r),
            -parse_time(r.collected_at).timestamp(),
            record_order_key(r),
        ),
    )
    primary = ranked[0]

    def pick(name: str) -> str | None:
        return next((getattr(r, name) for r in ranked if getattr(r, name)), None)

    def pick_os(name: str) -> str | None:
        return next((getattr(r.os, name) for r in ranked if getattr(r.os, name)), None)

    def pick_id(name: str) -> str | None:
        return next(
            (getattr(r.identifiers, name) for r in ranked if getattr(r.identifiers, name)), None
        )

    labels: dict[str, str] = {}
    for record in reversed(ranked):  # the primary's labels win
        labels.update(record.target.labels)
    identity = tuple(
        Provenance(
            "identity",
            r.target.transport,
            f"target {r.target.id} at {r.target.address} by {r.agent_id} ({r.report_id})",
        )
        for r in sorted(records, key=record_order_key)
    )
    return replace(
        primary,
        target=replace(primary.target, labels=tuple(sorted(labels.items()))),
        collected_at=max(records, key=lambda r: parse_time(r.collected_at)).collected_at,
        hostname=pick("hostname"),
        vendor=pick("vendor"),
        model=pick("model"),
        serial=pick("serial"),
        chassis_id=pick("chassis_id"),
        description=pick("description"),
        sys_object_id=pick("sys_object_id"),
        os=OsInfo(
            family=pick_os("family"),
            version=pick_os("version"),
            build=pick_os("build"),
            image=pick_os("image"),
            name=pick_os("name"),
        ),
        components=max((r.components for r in ranked), key=len),
        software=union_software(*(r.software for r in ranked)),
        neighbors=tuple(dict.fromkeys(n for r in ranked for n in r.neighbors)),
        identifiers=Identifiers(
            os_cpe=pick_id("os_cpe"), hardware_cpe=pick_id("hardware_cpe"), purl=pick_id("purl")
        ),
        provenance=tuple(dict.fromkeys(p for r in ranked for p in r.provenance)) + identity,
        errors=tuple(dict.fromkeys(e for r in ranked for e in r.errors)),
        complete=any(r.complete for r in records),
        virtual=next((r.virtual for r in ranked if r.virtual is not None), None),
    )


def _flags(records: Sequence[DeviceRecord]) -> Iterable[Flag]:
    by_serial: dict[str, set[str]] = defaultdict(set)
    by_chassis: dict[str, set[str]] = defaultdict(set)
    by_name: dict[str, set[str]] = defaultdict(set)
    for record in records:
        serial = serial_key(record.serial)
        if serial:
            by_serial[serial].add(record.name)
        chassis = normalize_chassis_id(record.chassis_id)
        if chassis:
            by_chassis[chassis].add(record.name)
        name = normalize_device_name(record.name)
        if name:
            by_name[name].add(_which(record))
    for serial, names in _claimed_twice(by_serial):
        yield Flag(
            "duplicate-serial",
            tuple(sorted(names)),
            f"serial {serial} is claimed by {len(names)} devices: {_some(names)}",
        )
    for chassis, names in _claimed_twice(by_chassis):
        yield Flag(
            "duplicate-chassis-id",
            tuple(sorted(names)),
            f"chassis id {chassis} is claimed by {len(names)} devices: {_some(names)}",
        )
    for name, seen in _claimed_twice(by_name):
        yield Flag(
            "name-conflict",
            (name,),
            f"{len(seen)} devices named {name} differ in serial or chassis id: {_some(seen)}",
        )


def _claimed_twice(claims: dict[str, set[str]]) -> list[tuple[str, set[str]]]:
    """The keys claimed more than once, sorted (only those: a fleet has 10,000 of each)."""
    return sorted((key, seen) for key, seen in claims.items() if len(seen) > 1)


def _which(record: DeviceRecord) -> str:
    """A record told apart from others of its name: its target, and its chassis id or serial
    (one target id may answer for two devices: neither is dropped unsaid)."""
    what = [f"target {record.target.id}"]
    if record.chassis_id:
        what.append(f"chassis {record.chassis_id}")
    elif record.serial:
        what.append(f"serial {record.serial}")
    return f"{record.name} ({', '.join(what)})"


def _some(names: set[str], limit: int = 8) -> str:
    ordered = sorted(names)
    more = f" and {len(ordered) - limit} more" if len(ordered) > limit else ""
    return ", ".join(ordered[:limit]) + more


def check_links(records: Sequence[DeviceRecord], topology: Topology) -> list[Flag]:
    """``unknown-port`` flags: a neighbour names a port that a device with a known port list
    (``port`` components) does not have. ``records`` are the ones ``topology`` was derived from,
    in the same order."""
    ports: dict[str, set[str]] = {}
    for node, record in zip(topology.nodes, sorted(records, key=record_order_key), strict=True):
        known = {
            key
            for c in record.components
            if c.cls == "port"
            for key in (normalize_interface(c.name), normalize_interface(c.description))
            if key
        }
        if known:
            ports[node] = known
    flags: list[Flag] = []
    for link in topology.links:
        for end in (link.a, link.b):
            known_ports = ports.get(end.node)
            if end.external or known_ports is None:
                continue
            for obs in link.observations:
                if obs.reporter == end.device:
                    continue
                key = normalize_interface(obs.remote_port)
                if key and not key.isdigit() and key not in known_ports:
                    flags.append(
                        Flag(
                            "unknown-port",
                            tuple(sorted({end.device, obs.reporter})),
                            f"{obs.reporter} sees {end.device} port {obs.remote_port} over "
                            f"{obs.protocol}, a port {end.device} does not report",
                        )
                    )
    return sorted(set(flags), key=_flag_key)


def _flag_key(flag: Flag) -> tuple[str, tuple[str, ...], str]:
    return (flag.kind, flag.devices, flag.message)
