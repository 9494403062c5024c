"""One record per device from its SNMP and SSH records: the more specific source wins per field.

SSH (the CLI) is more specific for what the device's own commands state: OS version, build and
image, model, serial, installed software, component firmware. SNMP keeps what only it has
(sysObjectID, sysDescr) and fills every field the CLI left empty. Components come from the source
that lists more of them (the CLI's ``show inventory``/``show chassis hardware`` usually);
software is one entry per package (SSH's where both list it: the kernel both report, the dpkg
list SNMP's hrSWInstalled repeats) and neighbours are the union. ``provenance`` keeps each
field's winning source (an OID or a command); ``errors`` keep both sources' problems, prefixed
by method; ``target.transport`` names both (``snmp+ssh``).
"""

from __future__ import annotations

from dataclasses import replace

from netsbom.core.purl import union_software
from netsbom.core.record import DeviceRecord, ErrorInfo, Neighbor, OsInfo, Provenance

MERGED_TRANSPORT = "snmp+ssh"

# field -> source preferred when both have a value
_SSH_FIRST = ("hostname", "vendor", "model", "serial", "chassis_id")
_SNMP_FIRST = ("description", "sys_object_id")
_OS_FIELDS = ("family", "version", "build", "image", "name")


def merge_records(snmp: DeviceRecord | None, ssh: DeviceRecord | None) -> DeviceRecord:
    """Merge the two views of one device (either may be missing)."""
    if snmp is None or ssh is None:
        only = snmp or ssh
        if only is None:
            raise ValueError("merge_records needs at least one record")
        return only
    chosen: dict[str, str] = {}  # field path -> "snmp" | "ssh"

    label = {id(snmp): "snmp", id(ssh): "ssh"}

    def pick(name: str, first: DeviceRecord, second: DeviceRecord) -> object:
        value = getattr(first, name)
        if value:
            chosen[name] = label[id(first)]
            return value
        value = getattr(second, name)
        if value:
            chosen[name] = label[id(second)]
        return value

    values: dict[str, object] = {}
    for name in _SSH_FIRST:
        values[name] = pick(name, ssh, snmp)
    for name in _SNMP_FIRST:
        values[name] = pick(name, snmp, ssh)
    os_values: dict[str, object] = {}
    for name in _OS_FIELDS:
        ours, theirs = getattr(ssh.os, name), getattr(snmp.os, name)
        if ours:
            os_values[name], chosen[f"os.{name}"] = ours, "ssh"
        elif theirs:
            os_values[name], chosen[f"os.{name}"] = theirs, "snmp"
    if len(ssh.components) >= len(snmp.components) and ssh.components:
        components, chosen["components"] = ssh.components, "ssh"
    else:
        components = snmp.components
        if components:
            chosen["components"] = "snmp"
    software = union_software(ssh.software, snmp.software)
    neighbors = _union_neighbors(ssh.neighbors, snmp.neighbors)
    provenance = _provenance(chosen, snmp, ssh, software=bool(software), neighbors=bool(neighbors))
    errors = (*(_tag(e, "snmp") for e in snmp.errors), *(_tag(e, "ssh") for e in ssh.errors))
    return replace(
        snmp,
        target=replace(snmp.target, transport=MERGED_TRANSPORT),
        **values,  # type: ignore[arg-type]
        os=OsInfo(**os_values),  # type: ignore[arg-type]
        components=components,
        software=software,
        neighbors=neighbors,
        identifiers=snmp.identifiers if any(_values(snmp.identifiers)) else ssh.identifiers,
        provenance=provenance,
        errors=errors,
        complete=snmp.complete and ssh.complete,
    )


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


def _provenance(
    chosen: dict[str, str],
    snmp: DeviceRecord,
    ssh: DeviceRecord,
    *,
    software: bool,
    neighbors: bool,
) -> tuple[Provenance, ...]:
    by_source = {"snmp": snmp, "ssh": ssh}
    out: list[Provenance] = []
    for field_path, side in chosen.items():
        record = by_source[side]
        match = next((p for p in record.provenance if p.field == field_path), None)
        out.append(match or Provenance(field_path, side, record.target.transport, 0.8))
    for field_path, wanted in (("software", software), ("neighbors", neighbors)):
        if wanted:
            out.extend(
                p for record in (ssh, snmp) for p in record.provenance if p.field == field_path
            )
    return tuple(out)
