"""The only place that touches generated protobuf classes: DeviceRecord <-> DeviceReport."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from google.protobuf.message import DecodeError, Message
from google.protobuf.timestamp_pb2 import Timestamp

from netsbom.core.errors import ContractError
from netsbom.core.identifiers import cpe23_problem, purl_problem
from netsbom.core.record import (
    Component,
    DeviceRecord,
    ErrorInfo,
    Identifiers,
    Neighbor,
    OsInfo,
    Provenance,
    Software,
    Target,
    format_time,
    parse_time,
)
from netsbom.proto.v1 import collector_pb2 as pb

DeviceReport = pb.DeviceReport
ReportAck = pb.ReportAck


def to_report(record: DeviceRecord) -> pb.DeviceReport:
    collected = Timestamp()
    collected.FromDatetime(parse_time(record.collected_at))
    return pb.DeviceReport(
        report_id=record.report_id,
        agent_id=record.agent_id,
        collected_at=collected,
        target=pb.Target(
            id=record.target.id,
            address=record.target.address,
            port=record.target.port,
            transport=record.target.transport,
            labels=dict(record.target.labels),
        ),
        hostname=record.hostname,
        vendor=record.vendor,
        model=record.model,
        serial=record.serial,
        chassis_id=record.chassis_id,
        description=record.description,
        sys_object_id=record.sys_object_id,
        os=pb.OsInfo(**{k: v for k, v in _fields(record.os).items() if k != "hashes"}),
        components=[pb.Component(**_fields(c), **_class(c)) for c in record.components],
        software=[pb.Software(**_fields(s)) for s in record.software],
        neighbors=[pb.Neighbor(**_fields(n)) for n in record.neighbors],
        identifiers=pb.Identifiers(**_fields(record.identifiers)),
        provenance=[pb.Provenance(**_fields(p)) for p in record.provenance],
        errors=[pb.ErrorInfo(**_fields(e)) for e in record.errors],
        complete=record.complete,
        virtual=record.virtual,
        os_hashes=dict(record.os.hashes),
    )


@dataclass(frozen=True, slots=True)
class Envelope:
    """A report as the store keeps it: the columns it is queried by, and the report itself as
    serialized ``netsbom.v1.DeviceReport`` bytes (the versioned contract, so old rows stay
    readable). Built straight from a received message: ingest never builds a DeviceRecord."""

    report_id: str
    agent_id: str
    target_id: str
    labels: dict[str, str]
    hostname: str | None
    vendor: str | None
    model: str | None
    serial: str | None
    os_family: str | None
    os_version: str | None
    complete: bool
    collected_at: datetime
    payload: bytes

    @property
    def network(self) -> str | None:
        return self.labels.get("network")


def envelope(report: pb.DeviceReport, payload: bytes | None = None) -> Envelope:
    """The store's view of a received report; a report missing its identity or with an invalid
    time raises ContractError (the same checks as :func:`from_report`). ``payload``: the bytes
    ``report`` was parsed from, kept as they came (default: ``report`` serialized)."""
    target = report.target
    if not report.report_id or not report.agent_id or not target.id:
        raise ContractError("report_id, agent_id and target.id are required")
    has = report.HasField
    if not has("collected_at"):
        raise ContractError("collected_at is required")
    os = report.os
    os_has = os.HasField
    return Envelope(
        report_id=report.report_id,
        agent_id=report.agent_id,
        target_id=target.id,
        labels=dict(target.labels),
        hostname=report.hostname if has("hostname") else None,
        vendor=report.vendor if has("vendor") else None,
        model=report.model if has("model") else None,
        serial=report.serial if has("serial") else None,
        os_family=os.family if os_has("family") else None,
        os_version=os.version if os_has("version") else None,
        complete=report.complete,
        collected_at=_to_second(report.collected_at),
        payload=report.SerializeToString(deterministic=True) if payload is None else payload,
    )


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_SECONDS = range(-62_135_596_800, 253_402_300_800)  # 0001-01-01 .. 9999-12-31, Timestamp's range


def _to_second(stamp: Timestamp) -> datetime:
    """``stamp`` to the second, as ``ToDatetime(tzinfo=UTC).replace(microsecond=0)`` with the
    same validity checks, in a third of the time (ingest does it for every report)."""
    seconds, nanos = stamp.seconds, stamp.nanos
    if seconds not in _SECONDS or not 0 <= nanos < 1_000_000_000:
        raise ContractError(
            f"collected_at is not a valid time ({seconds} s, {nanos} ns): a Timestamp holds"
            " 0001-01-01 to 9999-12-31 and 0 to 999,999,999 ns"
        )
    return _EPOCH + timedelta(seconds=seconds)


@functools.lru_cache(maxsize=4096)  # a poll round reports many devices in the same second
def _time_text(moment: datetime) -> str:
    return format_time(moment)


def envelope_of(record: DeviceRecord) -> Envelope:
    return envelope(to_report(record))


# What a reader may leave out of the records it decodes (see from_report); the topology does.
OMITTABLE = frozenset({"software", "provenance", "components"})
# With "components" omitted, each component that is not a port is this one shared placeholder:
# a record keeps its number of components (identity resolution merges two views of a device by
# taking the components of the view with the most) and the ports the links are checked against.
OMITTED_COMPONENT = Component(index="", cls="omitted")


def record_from_payload(
    payload: bytes, omit: frozenset[str] = frozenset(), shared: SharedComponents | None = None
) -> DeviceRecord:
    """The record a stored payload holds (``omit``, ``shared``: see :func:`from_report`)."""
    return from_report(decode_report(payload), omit, shared)


# Components already built during one read, by their serialized bytes (see from_report).
SharedComponents = dict[bytes, Component]


def from_report(
    report: pb.DeviceReport,
    omit: frozenset[str] = frozenset(),
    shared: SharedComponents | None = None,
) -> DeviceRecord:
    """Build a record from a received report; a report missing its identity raises ContractError.

    ``omit`` (a subset of :data:`OMITTABLE`) leaves software and provenance empty and turns each
    component but the ports into :data:`OMITTED_COMPONENT`, for readers that never look at them
    (the topology: half the objects to build at 10,000 devices, a fifth of its CPU).
    ``shared``: a dict a reader of many records passes to each call; identical components
    (devices of one model: their ports, fans, slots) become one immutable Component, built once
    (at 10,000 synthetic devices ~45 % of 160,000 components: the topology process 12 % smaller)."""
    if not report.report_id or not report.agent_id or not report.target.id:
        raise ContractError("report_id, agent_id and target.id are required")
    if not report.HasField("collected_at"):
        raise ContractError("collected_at is required")
    collected_at = _time_text(_to_second(report.collected_at))
    target = report.target
    return DeviceRecord(
        target=Target(
            id=target.id,
            address=target.address,
            port=target.port,
            transport=target.transport,
            labels=tuple(sorted(target.labels.items())),
        ),
        agent_id=report.agent_id,
        collected_at=collected_at,
        report_id=report.report_id,
        hostname=_opt(report, "hostname"),
        vendor=_opt(report, "vendor"),
        model=_opt(report, "model"),
        serial=_opt(report, "serial"),
        chassis_id=_opt(report, "chassis_id"),
        description=_opt(report, "description"),
        sys_object_id=_opt(report, "sys_object_id"),
        os=_os(report.os, report.os_hashes),
        components=_components(report.components, shared, "components" in omit),
        software=() if "software" in omit else tuple(map(_software, report.software)),
        neighbors=tuple(map(_neighbor, report.neighbors)),
        identifiers=_identifiers(report.identifiers),
        provenance=()
        if "provenance" in omit
        else tuple(
            Provenance(
                field=p.field, method=p.method, source=p.source, confidence=round(p.confidence, 4)
            )
            for p in report.provenance
        ),
        errors=tuple(ErrorInfo(**_values(e)) for e in report.errors),
        complete=report.complete,
        virtual=report.virtual if report.HasField("virtual") else None,
    )


# The repeated messages of a report, field by field and positionally (in the dataclasses' field
# order): a store read of 10,000 devices converts ~270,000 of them, and this is ~3x faster than
# ListFields into keyword arguments (:func:`_values`). tests/proto check them against _values
# for every field of the proto, so a field added or reordered on either side fails there.


def _component(c: pb.Component) -> Component:
    has = c.HasField
    return Component(
        c.index,
        c.parent if has("parent") else None,
        getattr(c, "class"),
        c.name if has("name") else None,
        c.description if has("description") else None,
        c.vendor if has("vendor") else None,
        c.model if has("model") else None,
        c.serial if has("serial") else None,
        c.hardware_rev if has("hardware_rev") else None,
        c.firmware_rev if has("firmware_rev") else None,
        c.software_rev if has("software_rev") else None,
        c.is_fru if has("is_fru") else None,
    )


def _components(
    items: Iterable[pb.Component], shared: SharedComponents | None, ports_only: bool
) -> tuple[Component, ...]:
    if shared is None and not ports_only:
        return tuple(map(_component, items))
    shared = {} if shared is None else shared
    out = []
    for item in items:
        if ports_only and getattr(item, "class") != "port":
            out.append(OMITTED_COMPONENT)
            continue
        key = item.SerializeToString()
        component = shared.get(key)
        if component is None:
            component = shared[key] = _component(item)
        out.append(component)
    return tuple(out)


def _os(o: pb.OsInfo, hashes: Any = None) -> OsInfo:
    """The OS fields of a report; the image digests travel beside them (DeviceReport.os_hashes)."""
    has = o.HasField
    return OsInfo(
        o.family if has("family") else None,
        o.version if has("version") else None,
        o.build if has("build") else None,
        o.image if has("image") else None,
        o.name if has("name") else None,
        o.copyright if has("copyright") else None,
        tuple(sorted(hashes.items())) if hashes else (),
    )


def _identifiers(i: pb.Identifiers) -> Identifiers:
    has = i.HasField
    return Identifiers(
        i.os_cpe if has("os_cpe") else None,
        i.hardware_cpe if has("hardware_cpe") else None,
        i.purl if has("purl") else None,
    )


def _software(s: pb.Software) -> Software:
    has = s.HasField
    return Software(
        s.name,
        s.version if has("version") else None,
        s.kind,
        s.source if has("source") else None,
        s.purl if has("purl") else None,
        s.cpe if has("cpe") else None,
        s.licence if has("licence") else None,
    )


def _neighbor(n: pb.Neighbor) -> Neighbor:
    has = n.HasField
    return Neighbor(
        n.protocol,
        n.local_port if has("local_port") else None,
        n.remote_chassis_id if has("remote_chassis_id") else None,
        n.remote_name if has("remote_name") else None,
        n.remote_port if has("remote_port") else None,
        n.remote_mgmt_address if has("remote_mgmt_address") else None,
        n.remote_description if has("remote_description") else None,
    )


def component_links(report: pb.DeviceReport) -> list[tuple[str, str | None]]:
    """``(index, parent)`` of every component (for ``core.record.component_tree_problem``)."""
    return [(c.index, c.parent if c.HasField("parent") else None) for c in report.components]


def drop_invalid_identifiers(report: pb.DeviceReport) -> int:
    """Clear the purls and CPEs of ``report`` that are not valid (:mod:`netsbom.core.identifiers`);
    each one dropped leaves a provenance entry (method ``validation``) with the reason. Returns
    how many were dropped. Each distinct value is checked once (a fleet repeats its packages)."""
    software, identifiers = report.software, report.identifiers
    purls = {s.purl for s in software} | {identifiers.purl}
    cpes = {s.cpe for s in software} | {identifiers.os_cpe, identifiers.hardware_cpe}
    if not any(purl_problem(v) for v in purls if v) and not any(  # the common case: all valid
        cpe23_problem(v) for v in cpes if v
    ):
        return 0
    found: list[tuple[Message, str, str, str | None]] = [
        (report.identifiers, f"identifiers.{name}", name, check(getattr(report.identifiers, name)))
        for name, check in _IDENTIFIER_CHECKS
        if report.identifiers.HasField(name)
    ]
    for index, entry in enumerate(software):
        for name, check in (("purl", purl_problem), ("cpe", cpe23_problem)):
            if entry.HasField(name):
                problem = check(getattr(entry, name))
                found.append((entry, f"software[{index}].{name}", name, problem))
    dropped = 0
    for message, path, name, problem in found:
        if problem is None:
            continue
        message.ClearField(name)
        report.provenance.append(
            pb.Provenance(
                field=path,
                method="validation",
                source=f"dropped by the collector: {problem}",
                confidence=0.0,
            )
        )
        dropped += 1
    return dropped


def decode_report(data: bytes) -> pb.DeviceReport:
    """Parse serialized bytes (e.g. from the spool); malformed input raises ContractError."""
    report = pb.DeviceReport()
    try:
        report.ParseFromString(data)
    except DecodeError as exc:
        raise ContractError(f"not a DeviceReport: {exc}") from None
    return report


def _fields(obj: Any) -> dict[str, Any]:
    """Dataclass fields without Nones (proto3 optional fields stay unset)."""
    return {
        name: value
        for name in obj.__dataclass_fields__
        if name != "cls" and (value := getattr(obj, name)) is not None
    }


def _values(message: Message, skip: frozenset[str] | set[str] = frozenset()) -> dict[str, Any]:
    """Message fields as keyword arguments; unset optional fields become None.

    Scalar messages only (no repeated or message fields). ``ListFields`` (implemented in C)
    yields the set fields; the rest come from a per-type table of defaults: twice as fast as
    asking ``HasField`` field by field, which matters at thousands of reports per second."""
    values = dict(_defaults(message.DESCRIPTOR))
    for field, value in message.ListFields():
        values[field.name] = value
    for name in skip:
        values.pop(name, None)
    return values


@functools.cache
def _defaults(descriptor: Any) -> dict[str, Any]:
    """Per message type: None for fields with presence, the proto3 default for the others."""
    return {f.name: None if f.has_presence else f.default_value for f in descriptor.fields}


_IDENTIFIER_CHECKS = (
    ("os_cpe", cpe23_problem),
    ("hardware_cpe", cpe23_problem),
    ("purl", purl_problem),
)


def _opt(message: Message, name: str) -> Any:
    return getattr(message, name) if message.HasField(name) else None


def _class(component: Component) -> dict[str, Any]:
    return {"class": component.cls}  # a Python keyword, so passed by name
