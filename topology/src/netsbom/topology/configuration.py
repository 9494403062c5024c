"""A deployment configuration: a network's devices and links at one time, and its fingerprint.

The fingerprint is the sha256 of a canonical JSON form of what the network *is* (identities, OS,
component revisions, installed software, links), not of how or when it was observed (report ids,
collection times, agents, provenance, errors): the same configuration polled twice gives the same
fingerprint, and the SBOM's serial number follows from it.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson

from netsbom.core.errors import ExportError
from netsbom.core.record import Component, DeviceRecord, Software
from netsbom.topology.identity import Flag, check_links, resolve_identities
from netsbom.topology.links import (
    Link,
    LinkEnd,
    LinkObservation,
    Segment,
    derive_topology,
)

__all__ = [
    "Configuration",
    "build_configuration",
    "canonical_form",
    "fingerprint",
    "flags_of",
    "normalize_timestamp",
]

FINGERPRINT_FORMAT = 2  # bump when canonical_form changes shape, so old and new never collide


@dataclass(frozen=True, slots=True)
class Configuration:
    """A network at one time: its devices, how they are wired, what contradicts itself.

    Every device, external neighbour and segment is a *node* with an id unique in the
    configuration; link and segment ends name their node (:class:`LinkEnd.node`) beside the
    device's name, so two devices named alike never become one.

    ``segments`` are the shared media (a hub, a bridge, a switch that speaks no LLDP/CDP) that
    the neighbour tables reveal: ports that each see several devices. A segment is a node of its
    own (``segment.node``) joined to each port on it (``segment.ends``), instead of a mesh of
    links between every pair of those ports; ``config.links`` holds the point-to-point links
    only. An SBOM shows a segment as one more element of the network, depended on by (or
    connecting) every device that has a port on it, with the ports and protocols as properties.
    """

    network: str
    at: str  # RFC 3339 UTC, second precision: "2026-11-26T08:00:00Z"
    records: tuple[DeviceRecord, ...]  # one per physical device, sorted by name (then target id...)
    nodes: tuple[str, ...]  # the node id of each record, in the order of ``records``
    links: tuple[Link, ...]  # point-to-point links, sorted
    segments: tuple[Segment, ...]  # shared segments, sorted by node id
    flags: tuple[Flag, ...] = ()  # contradictions found (identity, links), sorted


def flags_of(config: Configuration, device: str) -> list[Flag]:
    """The flags that concern ``device`` (by name)."""
    return [f for f in config.flags if device in f.devices]


def build_configuration(network: str, at: str, records: Iterable[DeviceRecord]) -> Configuration:
    """The configuration of ``network`` at ``at`` from each device's latest record(s).

    Records that are views of one device (SNMP and SSH, two agents) are merged first
    (:mod:`netsbom.topology.identity`); contradictions become :attr:`Configuration.flags`."""
    if not network.strip():
        raise ExportError("a configuration needs a network name")
    resolution = resolve_identities(records)
    ordered = resolution.records  # sorted by record_order_key
    topology = derive_topology(ordered)
    flags = sorted(
        {*resolution.flags, *check_links(ordered, topology)},
        key=lambda f: (f.kind, f.devices, f.message),
    )
    return Configuration(
        network=network,
        at=normalize_timestamp(at),
        records=ordered,
        links=topology.links,
        flags=tuple(flags),
        nodes=topology.nodes,
        segments=topology.segments,
    )


def normalize_timestamp(value: str) -> str:
    """RFC 3339 in any offset -> UTC ``YYYY-MM-DDTHH:MM:SSZ`` (fractions dropped)."""
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError as exc:
        raise ExportError(f"not an RFC 3339 timestamp: {value!r}") from exc
    if parsed.tzinfo is None:
        raise ExportError(f"timestamp without a time zone: {value!r}")
    return parsed.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def fingerprint(config: Configuration) -> str:
    """sha256 hex of :func:`canonical_form` as compact JSON, keys sorted, UTF-8: the bytes of
    ``json.dumps(sort_keys=True, separators=(",", ":"), ensure_ascii=False)`` (strings, booleans,
    None and small integers only; tests compare), written by orjson (0.16 s instead of 0.75 s at
    10,000 devices)."""
    data = orjson.dumps(canonical_form(config), option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(data).hexdigest()


def canonical_form(config: Configuration) -> dict[str, Any]:
    """What the fingerprint covers, as plain JSON values in a fixed order."""
    devices = _sorted_by(
        (_device(r, node) for r, node in zip(config.records, config.nodes, strict=True)),
        lambda d: (d["name"], d["target_id"]),
    )
    return {
        "format": FINGERPRINT_FORMAT,
        "network": config.network,
        "devices": devices,
        "links": _sorted_by(
            (_link(link) for link in config.links),
            lambda d: (
                d["a"]["device"],
                str(d["a"]["port"]),
                d["b"]["device"],
                str(d["b"]["port"]),
            ),
        ),
        "segments": [
            {"node": s.node, "ends": [_end(e) for e in s.ends], "protocols": list(s.protocols)}
            for s in config.segments
        ],
    }


def _json_key(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _link_ends(link: dict[str, Any]) -> tuple[str, str, str, str]:
    a, b = link["a"], link["b"]
    return (a["device"], str(a["port"]), b["device"], str(b["port"]))


def _sorted_by(items: Iterable[dict[str, Any]], key: Callable[[dict[str, Any]], Any]) -> list[Any]:
    """Sorted by a cheap ``key``; only items that tie on it are ordered by their whole JSON, so
    the order is total without serialising every item twice."""
    ordered = sorted(items, key=key)
    out: list[Any] = []
    for _, group in itertools.groupby(ordered, key=key):
        tied = list(group)
        out.extend(sorted(tied, key=_json_key) if len(tied) > 1 else tied)
    return out


def _flat_key(value: dict[str, Any]) -> tuple[tuple[bool, str], ...]:
    """A total order on flat dicts of one shape (fields in a fixed order), without serialising
    them: the fingerprint sorts hundreds of thousands of components at fleet size."""
    return tuple((item is not None, str(item)) for item in value.values())


def _device(record: DeviceRecord, node: str) -> dict[str, Any]:
    os = record.os
    return {
        "name": record.name,
        "node": node,
        "target_id": record.target.id,
        "hostname": record.hostname,
        "vendor": record.vendor,
        "model": record.model,
        "serial": record.serial,
        "chassis_id": record.chassis_id,
        "sys_object_id": record.sys_object_id,
        "os": {
            "family": os.family,
            "version": os.version,
            "build": os.build,
            "image": os.image,
            "name": os.name,
        },
        "identifiers": {
            "os_cpe": record.identifiers.os_cpe,
            "hardware_cpe": record.identifiers.hardware_cpe,
            "purl": record.identifiers.purl,
        },
        "components": sorted((_component(c) for c in record.components), key=_flat_key),
        "software": sorted((_software(s) for s in record.software), key=_flat_key),
    }


def _component(c: Component) -> dict[str, Any]:
    return {
        "index": c.index,
        "parent": c.parent,
        "class": c.cls,
        "name": c.name,
        "description": c.description,
        "vendor": c.vendor,
        "model": c.model,
        "serial": c.serial,
        "hardware_rev": c.hardware_rev,
        "firmware_rev": c.firmware_rev,
        "software_rev": c.software_rev,
        "is_fru": c.is_fru,
    }


def _software(s: Software) -> dict[str, Any]:
    return {
        "name": s.name,
        "version": s.version,
        "kind": s.kind,
        "source": s.source,
        "purl": s.purl,
        "cpe": s.cpe,
    }


def _end(end: LinkEnd) -> dict[str, Any]:
    return {"node": end.node, "device": end.device, "port": end.port, "external": end.external}


def _observation(o: LinkObservation) -> dict[str, Any]:
    return {
        "protocol": o.protocol,
        "reporter": o.reporter,
        "local_port": o.local_port,
        "remote_name": o.remote_name,
        "remote_port": o.remote_port,
        "remote_chassis_id": o.remote_chassis_id,
        "remote_mgmt_address": o.remote_mgmt_address,
        "remote_description": o.remote_description,
    }


def _link(link: Link) -> dict[str, Any]:
    return {
        "a": _end(link.a),
        "b": _end(link.b),
        "protocols": list(link.protocols),
        "one_sided": link.one_sided,
        "observations": [_observation(o) for o in link.observations],
    }
