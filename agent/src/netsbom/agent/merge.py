"""One record per device from whatever answered (SNMP, SSH, gNMI, NETCONF): per field, the most
specific source that has a value wins.

What the device's own management interfaces state (NETCONF, gNMI: its YANG data; then SSH: its
CLI) is more specific than SNMP for hostname, vendor, model, serial and the OS: they name the
running image and the chassis as the device itself reports them. SNMP keeps what only it has
(sysObjectID, sysDescr) and fills every field the others left empty. Components come from the
source that lists the most of them (ties: the more specific), enriched by the others where serial
numbers or names match (a gNMI transceiver's firmware, a CLI module's serial); software is one
entry per package (the most specific source's where several list it: the kernel SNMP and SSH both
report, the dpkg list SNMP's hrSWInstalled repeats) and neighbours are the union. ``provenance``
keeps each field's winning source (an OID, a command, an RPC, a gNMI path); ``errors`` keep every
source's problems, prefixed by method; ``target.transport`` names every source (``snmp+ssh``).
"""

from __future__ import annotations

from dataclasses import replace

from netsbom.agent.platforms import combine
from netsbom.agent.platforms.base import Partial
from netsbom.core.purl import union_software
from netsbom.core.record import DeviceRecord, ErrorInfo, Neighbor, OsInfo, Provenance

# the most specific first
_DEVICE_FIRST = ("netconf", "gnmi", "ssh", "snmp")
_SNMP_FIRST = ("snmp", "ssh", "netconf", "gnmi")
_TRANSPORTS = ("snmp", "ssh", "gnmi", "netconf")  # the order a merged transport names them in
_DEVICE_FIELDS = ("hostname", "vendor", "model", "serial", "chassis_id")
_SNMP_FIELDS = ("description", "sys_object_id")
_OS_FIELDS = ("family", "version", "build", "image", "name")


def merge_records(
    snmp: DeviceRecord | None = None,
    ssh: DeviceRecord | None = None,
    *,
    gnmi: DeviceRecord | None = None,
    netconf: DeviceRecord | None = None,
) -> DeviceRecord:
    """Merge the views of one device (any may be missing; at least one is needed)."""
    sources = {
        name: record
        for name, record in (("snmp", snmp), ("ssh", ssh), ("gnmi", gnmi), ("netconf", netconf))
        if record is not None
    }
    if not sources:
        raise ValueError("merge_records needs at least one record")
    if len(sources) == 1:
        return next(iter(sources.values()))
    ranked = [(name, sources[name]) for name in _DEVICE_FIRST if name in sources]
    chosen: dict[str, str] = {}  # field path -> source name

    def pick(path: str, order: tuple[str, ...], read: str) -> object:
        for name in order:
            record = sources.get(name)
            if record is None:
                continue
            value = _read(record, read)
            if value:
                chosen[path] = name
                return value
        return None

    values = {name: pick(name, _DEVICE_FIRST, name) for name in _DEVICE_FIELDS}
    values |= {name: pick(name, _SNMP_FIRST, name) for name in _SNMP_FIELDS}
    os_values = {name: pick(f"os.{name}", _DEVICE_FIRST, f"os.{name}") for name in _OS_FIELDS}
    parts = [(name, Partial(components=record.components)) for name, record in ranked]
    components = combine(parts, method="merge")[0].components
    component_sources = [name for name, record in ranked if record.components]
    software = union_software(*(record.software for _name, record in ranked))
    neighbors: tuple[Neighbor, ...] = ()
    for _name, record in ranked:
        neighbors = _union_neighbors(neighbors, record.neighbors)
    provenance = _provenance(chosen, sources)
    for field_path, wanted, contributors in (
        ("components", bool(components), component_sources),
        ("software", bool(software), [n for n, r in ranked if r.software]),
        ("neighbors", bool(neighbors), [n for n, r in ranked if r.neighbors]),
    ):
        if wanted:
            provenance += [
                p
                for name in contributors
                for p in sources[name].provenance
                if p.field == field_path
            ]
    base = sources.get("snmp") or ranked[0][1]
    identifiers = next(
        (r.identifiers for _n, r in ranked if any(_values(r.identifiers))), base.identifiers
    )
    return replace(
        base,
        target=replace(base.target, transport="+".join(n for n in _TRANSPORTS if n in sources)),
        **values,  # type: ignore[arg-type]
        os=OsInfo(**os_values),  # type: ignore[arg-type]
        components=components,
        software=software,
        neighbors=neighbors,
        identifiers=identifiers,
        provenance=tuple(provenance),
        errors=tuple(_tag(e, name) for name, record in sources.items() for e in record.errors),
        complete=all(record.complete for record in sources.values()),
    )


def _read(record: DeviceRecord, path: str) -> object:
    if path.startswith("os."):
        return getattr(record.os, path[3:])
    return getattr(record, path)


def _values(obj: object) -> list[object]:
    return [getattr(obj, name) for name in getattr(obj, "__slots__", ())]


def _tag(error: ErrorInfo, method: str) -> ErrorInfo:
    if error.message.startswith(f"{method}: "):
        return error
    return replace(error, message=f"{method}: {error.message}")


def _union_neighbors(
    first: tuple[Neighbor, ...], second: tuple[Neighbor, ...]
) -> tuple[Neighbor, ...]:
    seen = {(n.protocol, n.local_port, n.remote_name, n.remote_port) for n in first}
    extra = [
        n for n in second if (n.protocol, n.local_port, n.remote_name, n.remote_port) not in seen
    ]
    return (*first, *extra)


def _provenance(chosen: dict[str, str], sources: dict[str, DeviceRecord]) -> list[Provenance]:
    out: list[Provenance] = []
    for field_path, name in chosen.items():
        record = sources[name]
        match = next((p for p in record.provenance if p.field == field_path), None)
        out.append(match or Provenance(field_path, name, record.target.transport, 0.8))
    return out
