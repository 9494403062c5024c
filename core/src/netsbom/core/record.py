"""The device record: what an agent learned about one device at one time.

Field names are the contract shared by the agent's JSON output, the protobuf message
(``proto/v1/collector.proto``) and the store. Records are frozen; collections are tuples so a
record can be hashed, compared and serialised deterministically.

``record_to_dict`` / ``record_from_dict`` are the only JSON edge; ``netsbom.proto.convert`` is the
only protobuf edge.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal, TypeVar, get_args

from netsbom.core.errors import ConfigError

_T = TypeVar("_T")

ComponentClass = Literal[
    "chassis",
    "module",
    "port",
    "power-supply",
    "fan",
    "sensor",
    "cpu",
    "stack",
    "container",
    "backplane",
    "other",
]
COMPONENT_CLASSES: tuple[str, ...] = get_args(ComponentClass)
SOFTWARE_KINDS = ("os-package", "image", "extension", "firmware", "application", "kernel")
ERROR_KINDS = (
    "unreachable",  # no answer at all (timeout on the first request, connection refused)
    "timeout",  # answered, then stopped answering / deadline hit
    "auth",  # wrong community, v3 keys, SSH credentials
    "protocol",  # malformed answers, looping walks
    "parse",  # output we could not understand
    "unsupported",  # command/table the device does not have
    "internal",  # a bug of ours; the record is still reported
)


@dataclass(frozen=True, slots=True)
class Target:
    """How the device was reached and under which inventory name and labels."""

    id: str  # inventory name, unique within an agent's inventory
    address: str
    port: int
    transport: str  # snmp, ssh, gnmi, netconf, replay; merged: joined by "+" (snmp+ssh)
    labels: tuple[tuple[str, str], ...] = ()  # sorted (key, value) pairs: site, role, network, ...

    def label(self, key: str) -> str | None:
        return dict(self.labels).get(key)


@dataclass(frozen=True, slots=True)
class OsInfo:
    family: str | None = (
        None  # ios, ios-xe, nxos, iosxr, junos, eos, sros, vrp, panos, fortios, linux ...
    )
    version: str | None = None  # as the vendor writes it
    build: str | None = None
    image: str | None = None
    name: str | None = None  # human name: "Cisco IOS XE", "Junos OS"
    # the copyright notice(s) the device printed about its OS (show version), one per line
    copyright: str | None = None
    # digests of the running image as the device reports them: (algorithm, lower-case hex),
    # algorithms spelled as CycloneDX does (MD5, SHA-1, SHA-256, SHA-512), sorted
    hashes: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Component:
    """One row of the physical tree (ENTITY-MIB entPhysicalTable or its CLI equivalent)."""

    index: str
    parent: str | None = None
    cls: str = "other"  # serialised as "class"
    name: str | None = None
    description: str | None = None
    vendor: str | None = None
    model: str | None = None
    serial: str | None = None
    hardware_rev: str | None = None
    firmware_rev: str | None = None
    software_rev: str | None = None
    is_fru: bool | None = None


@dataclass(frozen=True, slots=True)
class Software:
    name: str
    version: str | None = None
    kind: str = "os-package"
    source: str | None = None  # dpkg, rpm, junos, ios-xe, hrSWInstalled ...
    purl: str | None = None
    cpe: str | None = None
    licence: str | None = None  # as the package manager declares it (rpm %{LICENSE}, apk)


@dataclass(frozen=True, slots=True)
class Neighbor:
    protocol: str  # lldp, cdp
    local_port: str | None = None
    remote_chassis_id: str | None = None
    remote_name: str | None = None
    remote_port: str | None = None
    remote_mgmt_address: str | None = None
    remote_description: str | None = None


@dataclass(frozen=True, slots=True)
class Identifiers:
    os_cpe: str | None = None
    hardware_cpe: str | None = None
    purl: str | None = None


@dataclass(frozen=True, slots=True)
class Provenance:
    """How one field was learned: ``method`` snmp|ssh|gnmi|netconf|replay, ``source`` an OID, a
    command, an RPC or a gNMI path."""

    field: str  # dotted field path: "os.version", "model", "components", "neighbors"
    method: str
    source: str
    confidence: float = 1.0


@dataclass(frozen=True, slots=True)
class ErrorInfo:
    kind: str  # one of ERROR_KINDS
    message: str  # never contains a secret
    source: str | None = None  # OID subtree or command that failed


@dataclass(frozen=True, slots=True)
class DeviceRecord:
    target: Target
    agent_id: str
    collected_at: str  # RFC 3339 UTC, second precision: "2026-11-26T08:00:00Z"
    report_id: str  # UUID, stable across resends
    hostname: str | None = None
    vendor: str | None = None
    model: str | None = None
    serial: str | None = None
    chassis_id: str | None = None
    description: str | None = None  # sysDescr or equivalent banner
    sys_object_id: str | None = None
    os: OsInfo = field(default_factory=OsInfo)
    components: tuple[Component, ...] = ()
    software: tuple[Software, ...] = ()
    neighbors: tuple[Neighbor, ...] = ()
    identifiers: Identifiers = field(default_factory=Identifiers)
    provenance: tuple[Provenance, ...] = ()
    errors: tuple[ErrorInfo, ...] = ()
    complete: bool = True
    virtual: bool | None = None  # a virtual appliance, VM or container; None: not known

    @property
    def name(self) -> str:
        """The name people know the device by: its hostname, else its inventory id."""
        return self.hostname or self.target.id


EARLIEST_OBSERVATION = datetime(2000, 1, 1, tzinfo=UTC)  # older: a device clock never set
MAX_CLOCK_AHEAD = timedelta(days=1)  # newer than the collector's clock by more: refused


def collected_at_problem(moment: datetime, now: datetime) -> str | None:
    """Why an observation time cannot be right, or None: before 2000, or more than a day ahead
    of ``now`` (such a report would stay the device's latest for good)."""
    if moment < EARLIEST_OBSERVATION:
        return f"collected_at {format_time(moment)} is before {EARLIEST_OBSERVATION.year}"
    if moment > now + MAX_CLOCK_AHEAD:
        return (
            f"collected_at {format_time(moment)} is more than a day ahead of the collector's"
            f" clock ({format_time(now)})"
        )
    return None


MAX_COMPONENT_DEPTH = 32  # chassis > slot > module > sub-module ... real trees are < 10 deep


def component_tree_problem(links: Iterable[tuple[str, str | None]]) -> str | None:
    """Why the physical tree given as ``(index, parent)`` pairs is not a tree, or None: a
    component that is its own parent, a cycle, or a chain deeper than :data:`MAX_COMPONENT_DEPTH`.
    A parent that names no component makes its child a root."""
    parents = dict(links)
    depth: dict[str, int] = {}
    for start in parents:
        chain: list[str] = []
        seen: set[str] = set()
        node: str | None = start
        while node is not None and node in parents and node not in depth:
            if node in seen:
                return f"component {node!r} is its own ancestor (a cycle)"
            if parents[node] == node:
                return f"component {node!r} is its own parent"
            seen.add(node)
            chain.append(node)
            node = parents[node]
        below = depth.get(node, 0) if node is not None else 0
        for offset, member in enumerate(reversed(chain), start=1):
            depth[member] = below + offset
            if depth[member] > MAX_COMPONENT_DEPTH:
                return f"component tree deeper than {MAX_COMPONENT_DEPTH} levels"
    return None


def format_time(moment: datetime) -> str:
    """RFC 3339 UTC with second precision, the one time format of records and exports."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: netsbom times are timezone-aware")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(text: str) -> datetime:
    """Parse RFC 3339 / ISO 8601 (a date alone means its midnight UTC); naive means UTC."""
    moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def record_to_dict(record: DeviceRecord) -> dict[str, Any]:
    """JSON-ready dict in the architecture's field names (``class`` for components)."""
    data = dataclasses.asdict(record)
    data["target"]["labels"] = dict(record.target.labels)
    for component in data["components"]:
        component["class"] = component.pop("cls")
    result: dict[str, Any] = _lists(data)
    return result


def record_from_dict(data: Mapping[str, Any]) -> DeviceRecord:
    """Inverse of :func:`record_to_dict`; unknown keys are ignored so newer agents stay readable."""
    target = dict(data["target"])
    labels = target.get("labels") or {}
    components = []
    for raw in data.get("components") or ():
        row = dict(raw)
        row["cls"] = row.pop("class", row.get("cls", "other"))
        components.append(_build(Component, row))
    return DeviceRecord(
        target=_build(Target, {**target, "labels": tuple(sorted(labels.items()))}),
        agent_id=data["agent_id"],
        collected_at=data["collected_at"],
        report_id=data["report_id"],
        hostname=data.get("hostname"),
        vendor=data.get("vendor"),
        model=data.get("model"),
        serial=data.get("serial"),
        chassis_id=data.get("chassis_id"),
        description=data.get("description"),
        sys_object_id=data.get("sys_object_id"),
        os=_os_info(data.get("os") or {}),
        components=tuple(components),
        software=tuple(_build(Software, s) for s in data.get("software") or ()),
        neighbors=tuple(_build(Neighbor, n) for n in data.get("neighbors") or ()),
        identifiers=_build(Identifiers, data.get("identifiers") or {}),
        provenance=tuple(_build(Provenance, p) for p in data.get("provenance") or ()),
        errors=tuple(_build(ErrorInfo, e) for e in data.get("errors") or ()),
        complete=bool(data.get("complete", True)),
        virtual=data["virtual"] if isinstance(data.get("virtual"), bool) else None,
    )


def read_records(path: Path, warn: Callable[[str], None] | None = None) -> list[DeviceRecord]:
    """Device records from JSON Lines (``netsbom agent poll --format json``), blank lines skipped.

    A line that is not a record is passed to ``warn`` and skipped; without ``warn`` it raises
    :class:`ConfigError` naming the file and line."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read records: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text") from None
    records: list[DeviceRecord] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            records.append(record_from_dict(json.loads(line)))
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            reason = exc.args[0] if isinstance(exc, KeyError) else exc
            problem = f"{path}:{number}: not a device record ({reason})"
            if warn is None:
                raise ConfigError(problem) from None
            warn(f"{problem}; skipped")
    return records


def _os_info(values: Mapping[str, Any]) -> OsInfo:
    hashes = tuple(sorted((str(a), str(v)) for a, v in values.get("hashes") or ()))
    return _build(OsInfo, {**values, "hashes": hashes})


def _build(cls: type[_T], values: Mapping[str, Any]) -> _T:
    names = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    return cls(**{k: v for k, v in values.items() if k in names})


def _lists(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _lists(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_lists(v) for v in value]
    return value
