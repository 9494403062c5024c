"""CycloneDX 1.6 (JSON and XML) for a deployment configuration.

Built as plain dicts: cyclonedx-python-lib's model is quadratic at fleet size (docs: FIELD-NOTES).
The XML is written from the same dict with the standard library, in the XSD's element order.

Shape (``netsbom:`` properties carry what CycloneDX has no field for):

- ``metadata.component``: the network, type ``platform``, version ``<at>@<fingerprint[:12]>``;
  ``metadata.timestamp`` = the configuration's time (never the wall clock); lifecycles
  operations + discovery; the tool is netsbom.
- each record: a ``device`` (``bom-ref`` ``device:<name>``), manufacturer = vendor,
  description = model, ``cpe`` = hardware CPE, properties ``netsbom:model``, ``netsbom:serial``, ...
  and how it was polled (``netsbom:collected_at``, ``netsbom:report_id``, ``netsbom:errors``,
  ``netsbom:provenance:<field>``); contradictions found by identity resolution as
  ``netsbom:flag`` (also on the network). Nested: the ``operating-system`` (or ``firmware``)
  with version and OS CPE; hardware modules as ``device`` components in their physical tree,
  each with its own ``firmware``; installed software as ``library``/``application``/``firmware``.
- a neighbour that is none of the records: a ``device`` with ``netsbom:external`` = ``true``.
- each link: a ``service`` (``bom-ref`` ``link:...``) with both ends and the LLDP/CDP details.
- ``dependencies``: network -> devices; device -> OS -> software; module -> firmware;
  link -> both devices; every component has an entry (empty when it depends on nothing).
- ``compositions``: ``complete`` / ``incomplete`` assemblies by what polling reached, ``unknown``
  for external devices.
- ``vulnerabilities`` (only with assessments, :mod:`netsbom.collector.sbom.vulnerabilities`): VEX
  per (CVE, status) whose ``affects`` are the device components; the serial number then also
  covers them, so a document with VEX never shares its serial with one without.

Deterministic: same configuration, same bytes (sorted collections, no clock, uuid5 serial number).
"""

from __future__ import annotations

import json
import re
import uuid
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, Literal

from netsbom.core import __version__
from netsbom.core.errors import ExportError
from netsbom.core.record import Component, DeviceRecord, Provenance, Software
from netsbom.topology.configuration import Configuration, fingerprint
from netsbom.topology.links import Link, LinkEnd, LinkObservation, normalize_interface

if TYPE_CHECKING:
    from netsbom.vuln.assess import Assessment

__all__ = [
    "FIRMWARE_OS_FAMILIES",
    "HARDWARE_CLASSES",
    "SPEC_VERSION",
    "render_cyclonedx",
    "to_cyclonedx",
]

SPEC_VERSION = "1.6"
XML_NAMESPACE = "http://cyclonedx.org/schema/bom/1.6"
JSON_SCHEMA_URL = "http://cyclonedx.org/schema/bom-1.6.schema.json"
# uuid5 namespace of netsbom serial numbers: uuid5(NAMESPACE_URL, "https://netsbom/cyclonedx").
_SERIAL_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://netsbom/cyclonedx")
_TOOL_REF = "tool:netsbom"

# OS families whose "OS" is a monolithic firmware image (appliances, embedded management cards).
FIRMWARE_OS_FAMILIES = frozenset({"firmware", "embedded"})
# ENTITY-MIB classes that become hardware modules; ports, sensors and containers do not.
HARDWARE_CLASSES = frozenset(
    {"chassis", "module", "power-supply", "fan", "cpu", "stack", "backplane"}
)
_SOFTWARE_TYPES = {
    "os-package": "library",
    "application": "application",
    "extension": "application",
    "firmware": "firmware",
    "image": "firmware",
}

Json = dict[str, Any]


# --- public API ----------------------------------------------------------------------------------


def to_cyclonedx(config: Configuration, assessments: Iterable[Assessment] | None = None) -> Json:
    """The CycloneDX 1.6 document of ``config`` as JSON-ready dicts; with ``assessments``
    (:func:`netsbom.vuln.assess.assess` of ``config.records``) it carries ``vulnerabilities``."""
    return _Builder(config).build(assessments)


def render_cyclonedx(
    config: Configuration,
    fmt: Literal["json", "xml"],
    assessments: Iterable[Assessment] | None = None,
) -> bytes:
    """Serialised CycloneDX 1.6: UTF-8 JSON (sorted keys, indent 2) or XML."""
    doc = to_cyclonedx(config, assessments)
    if fmt == "json":
        text = json.dumps(doc, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
        return text.encode("utf-8")
    if fmt == "xml":
        return to_xml(doc)
    raise ExportError(f"unknown CycloneDX format {fmt!r} (json, xml)")


# --- building the dict ---------------------------------------------------------------------------


class _Refs:
    """Hands out unique bom-refs: a taken one gets ``#2``, ``#3``, ..."""

    def __init__(self) -> None:
        self._taken: set[str] = set()

    def take(self, wanted: str) -> str:
        ref, n = wanted, 1
        while ref in self._taken:
            n += 1
            ref = f"{wanted}#{n}"
        self._taken.add(ref)
        return ref


class _Builder:
    def __init__(self, config: Configuration) -> None:
        self.config = config
        self.fingerprint = fingerprint(config)
        self.refs = _Refs()
        self.dependencies: dict[str, set[str]] = {}
        self.device_refs: dict[str, str] = {}  # device name -> first bom-ref with that name
        # (target id, device name) -> bom-ref: what an assessment names, exact under duplicates
        self.assessed_refs: dict[tuple[str, str], str] = {}
        self.external_refs: dict[str, str] = {}  # external device name -> bom-ref
        self.flags: dict[str, list[str]] = defaultdict(list)  # device name -> flag texts
        for flag in config.flags:
            for device in flag.devices:
                self.flags[device].append(f"{flag.kind}: {flag.message}")

    def depends(self, ref: str, *on: str) -> None:
        self.dependencies.setdefault(ref, set()).update(on)

    def build(self, assessments: Iterable[Assessment] | None = None) -> Json:
        config = self.config
        network_ref = self.refs.take(f"network:{config.network}")
        devices: list[Json] = []
        complete: list[str] = []
        incomplete: list[str] = []
        for record in config.records:
            component = self.device(record)
            devices.append(component)
            (complete if record.complete else incomplete).append(component["bom-ref"])
        externals = self.externals(config.links)
        services = [self.link(link) for link in config.links]
        self.depends(network_ref, *(d["bom-ref"] for d in devices))

        doc: Json = {
            "$schema": JSON_SCHEMA_URL,
            "bomFormat": "CycloneDX",
            "specVersion": SPEC_VERSION,
            "serialNumber": f"urn:uuid:{uuid.uuid5(_SERIAL_NAMESPACE, self.fingerprint)}",
            "version": 1,
            "metadata": {
                "timestamp": config.at,
                "lifecycles": [{"phase": "operations"}, {"phase": "discovery"}],
                "tools": {
                    "components": [
                        {
                            "type": "application",
                            "bom-ref": self.refs.take(_TOOL_REF),
                            "name": "netsbom",
                            "version": __version__,
                        }
                    ]
                },
                "component": {
                    "type": "platform",
                    "bom-ref": network_ref,
                    "name": config.network,
                    "version": f"{config.at}@{self.fingerprint[:12]}",
                    "properties": _properties(
                        [
                            ("netsbom:fingerprint", f"sha256:{self.fingerprint}"),
                            ("netsbom:at", config.at),
                            ("netsbom:devices", str(len(config.records))),
                            ("netsbom:links", str(len(config.links))),
                            *(("netsbom:flag", f"{f.kind}: {f.message}") for f in config.flags),
                        ]
                    ),
                },
            },
        }
        components = devices + [e for _, e in sorted(externals.items())]
        if components:
            doc["components"] = components
        if services:
            doc["services"] = services
        doc["dependencies"] = [
            {"ref": ref, "dependsOn": sorted(on)} if on else {"ref": ref}
            for ref, on in sorted(self.dependencies.items())
        ]
        compositions = [
            {"aggregate": aggregate, "assemblies": sorted(refs)}
            for aggregate, refs in (
                ("complete", complete),
                ("incomplete", incomplete),
                ("unknown", [e["bom-ref"] for e in externals.values()]),
            )
            if refs
        ]
        if compositions:
            doc["compositions"] = compositions
        if assessments is not None:
            from netsbom.collector.sbom.vulnerabilities import (
                cyclonedx_vulnerabilities,
                vulnerabilities_digest,
            )

            vulnerabilities = cyclonedx_vulnerabilities(
                assessments, self.assessed_refs, self.refs.take
            )
            if vulnerabilities:
                doc["vulnerabilities"] = vulnerabilities
                key = f"{self.fingerprint}:vex:{vulnerabilities_digest(vulnerabilities)}"
                doc["serialNumber"] = f"urn:uuid:{uuid.uuid5(_SERIAL_NAMESPACE, key)}"
        return doc

    # devices -------------------------------------------------------------------------------

    def device(self, record: DeviceRecord) -> Json:
        ref = self.refs.take(f"device:{record.name}")
        self.device_refs.setdefault(record.name, ref)
        self.assessed_refs.setdefault((record.target.id, record.name), ref)
        by_place = _provenance_by_place(record.provenance)

        props: list[tuple[str, str | None]] = [
            ("netsbom:target_id", record.target.id),
            ("netsbom:agent_id", record.agent_id),
            ("netsbom:collected_at", record.collected_at),
            ("netsbom:report_id", record.report_id),
            ("netsbom:complete", _bool(record.complete)),
            ("netsbom:model", record.model),
            ("netsbom:serial", record.serial),
            ("netsbom:chassis_id", record.chassis_id),
            ("netsbom:sys_object_id", record.sys_object_id),
            ("netsbom:sys_descr", record.description),
        ]
        props += [(f"netsbom:label:{k}", v) for k, v in record.target.labels]
        props += [
            ("netsbom:errors", _error_text(e.kind, e.message, e.source)) for e in record.errors
        ]
        props += [("netsbom:flag", text) for text in self.flags.get(record.name, ())]
        methods = sorted({p.method for p in record.provenance if p.method})
        if methods:
            props.append(("netsbom:method", ",".join(methods)))
        props += _provenance_properties(by_place["device"])

        component: Json = {"type": "device", "bom-ref": ref, "name": record.name}
        if record.vendor:
            component["manufacturer"] = {"name": record.vendor}
        if record.model:
            component["description"] = record.model
        if record.identifiers.hardware_cpe:
            component["cpe"] = record.identifiers.hardware_cpe

        children: list[Json] = []
        os_component = self.operating_system(ref, record, by_place["os"])
        if os_component is not None:
            children.append(os_component)
            self.depends(ref, os_component["bom-ref"])
        elif record.identifiers.purl:
            component["purl"] = record.identifiers.purl
        children += self.modules(ref, record.components, by_place["components"])
        packages = [self.package(ref, s, by_place["software"]) for s in _sorted_software(record)]
        children += packages
        package_refs = [p["bom-ref"] for p in packages]
        self.depends(os_component["bom-ref"] if os_component else ref, *package_refs)
        self.depends(ref)
        if children:
            component["components"] = children
        component["properties"] = _properties(props)
        evidence = _evidence(by_place["device"], {"hostname": "name"})
        if evidence:
            component["evidence"] = evidence
        return component

    def operating_system(
        self, device_ref: str, record: DeviceRecord, provenance: list[Provenance]
    ) -> Json | None:
        os = record.os
        if not (os.family or os.version or os.name or record.identifiers.os_cpe):
            return None
        ref = self.refs.take(f"{device_ref}/os")
        family = (os.family or "").lower()
        component: Json = {
            "type": "firmware" if family in FIRMWARE_OS_FAMILIES else "operating-system",
            "bom-ref": ref,
            "name": os.name or os.family or "operating system",
        }
        if record.vendor and family != "linux":
            component["manufacturer"] = {"name": record.vendor}
        if os.version:
            component["version"] = os.version
        if record.identifiers.os_cpe:
            component["cpe"] = record.identifiers.os_cpe
        if record.identifiers.purl:
            component["purl"] = record.identifiers.purl
        props: list[tuple[str, str | None]] = [
            ("netsbom:os:family", os.family),
            ("netsbom:os:build", os.build),
            ("netsbom:os:image", os.image),
        ]
        props += _provenance_properties(provenance)
        if _properties(props):
            component["properties"] = _properties(props)
        evidence = _evidence(provenance, {"os.version": "version", "os.name": "name"})
        if evidence:
            component["evidence"] = evidence
        self.depends(ref)
        return component

    def modules(
        self, device_ref: str, rows: Sequence[Component], provenance: list[Provenance]
    ) -> list[Json]:
        """Hardware modules nested along the physical tree (through skipped ports/containers)."""
        by_index = {row.index: row for row in rows}
        kept = [row for row in rows if _is_hardware(row)]
        kept_indexes = {row.index for row in kept}
        children: dict[str | None, list[Component]] = defaultdict(list)
        for row in kept:
            children[_kept_ancestor(row, by_index, kept_indexes)].append(row)

        def build(row: Component, seen: frozenset[str]) -> Json:
            ref = self.refs.take(f"{device_ref}/hw:{row.index}")
            component: Json = {
                "type": "device",
                "bom-ref": ref,
                "name": row.name or row.model or row.description or f"{row.cls} {row.index}",
            }
            if row.vendor:
                component["manufacturer"] = {"name": row.vendor}
            if row.description and row.description != component["name"]:
                component["description"] = row.description
            props: list[tuple[str, str | None]] = [
                ("netsbom:class", row.cls),
                ("netsbom:entity_index", row.index),
                ("netsbom:model", row.model),
                ("netsbom:serial", row.serial),
                ("netsbom:hardware_rev", row.hardware_rev),
                ("netsbom:is_fru", None if row.is_fru is None else _bool(row.is_fru)),
            ]
            props += _provenance_properties(provenance)
            component["properties"] = _properties(props)
            nested: list[Json] = []
            for kind, version in _revisions(row):
                firmware: Json = {
                    "type": "firmware",
                    "bom-ref": self.refs.take(f"{ref}/{kind}"),
                    "name": f"{row.model or row.name or row.cls} {kind}",
                    "version": version,
                    "properties": _properties([("netsbom:revision", f"{kind}_rev")]),
                }
                if row.vendor:
                    firmware["manufacturer"] = {"name": row.vendor}
                nested.append(firmware)
                self.depends(firmware["bom-ref"])
            self.depends(ref, *(f["bom-ref"] for f in nested))
            nested += [
                build(child, seen | {row.index})
                for child in sorted(children.get(row.index, ()), key=_component_key)
                if child.index not in seen
            ]
            if nested:
                component["components"] = nested
            return component

        roots = sorted(children.get(None, ()), key=_component_key)
        # Rows whose parents loop back to them (broken ENTITY-MIB data) are reachable from no
        # root: the first of each loop becomes a root itself.
        reachable: set[str] = set()

        def mark(index: str) -> None:
            stack = [index]
            while stack:
                current = stack.pop()
                if current not in reachable:
                    reachable.add(current)
                    stack.extend(child.index for child in children.get(current, ()))

        for row in roots:
            mark(row.index)
        for row in sorted(kept, key=_component_key):
            if row.index not in reachable:
                roots.append(row)
                mark(row.index)
        return [build(row, frozenset()) for row in roots]

    def package(self, device_ref: str, software: Software, provenance: list[Provenance]) -> Json:
        ref = self.refs.take(f"{device_ref}/sw:{software.name}@{software.version or ''}")
        component: Json = {
            "type": _SOFTWARE_TYPES.get(software.kind, "application"),
            "bom-ref": ref,
            "name": software.name,
        }
        if software.version:
            component["version"] = software.version
        if software.cpe:
            component["cpe"] = software.cpe
        if software.purl:
            component["purl"] = software.purl
        props: list[tuple[str, str | None]] = [
            ("netsbom:software:kind", software.kind),
            ("netsbom:software:source", software.source),
        ]
        props += _provenance_properties(provenance)
        component["properties"] = _properties(props)
        self.depends(ref)
        return component

    # neighbours and links ------------------------------------------------------------------

    def externals(self, links: Iterable[Link]) -> dict[str, Json]:
        """A ``device`` per external neighbour, with what its neighbours advertised about it."""
        seen: dict[str, dict[str, set[str]]] = {}
        for link in links:
            for side, end in (("a", link.a), ("b", link.b)):
                if not end.external:
                    continue
                about = seen.setdefault(end.device, defaultdict(set))
                for obs in link.observations:
                    if _described_end(link, obs) != side:
                        continue
                    for key, value in (
                        ("netsbom:seen_by", f"{obs.protocol} {obs.reporter}"),
                        ("netsbom:chassis_id", obs.remote_chassis_id),
                        ("netsbom:mgmt_address", obs.remote_mgmt_address),
                        ("netsbom:sys_descr", obs.remote_description),
                        ("netsbom:remote_name", obs.remote_name),
                    ):
                        if value:
                            about[key].add(value)
        result: dict[str, Json] = {}
        for name in sorted(seen):
            ref = self.refs.take(f"external:{name}")
            self.external_refs[name] = ref
            props: list[tuple[str, str | None]] = [("netsbom:external", "true")]
            props += [(key, value) for key, values in seen[name].items() for value in values]
            result[name] = {
                "type": "device",
                "bom-ref": ref,
                "name": name,
                "properties": _properties(props),
            }
            self.depends(ref)
        return result

    def end_ref(self, end: LinkEnd) -> str | None:
        refs = self.external_refs if end.external else self.device_refs
        return refs.get(end.device)

    def link(self, link: Link) -> Json:
        a, b = link.a, link.b
        ref = self.refs.take(f"link:{a.device}:{a.port or '-'}--{b.device}:{b.port or '-'}")
        props: list[tuple[str, str | None]] = [
            ("netsbom:link:protocols", ",".join(link.protocols)),
            ("netsbom:link:one_sided", _bool(link.one_sided)),
        ]
        for side, end in (("a", a), ("b", b)):
            props += [
                (f"netsbom:link:{side}:device", end.device),
                (f"netsbom:link:{side}:port", end.port),
            ]
            if end.external:
                props.append((f"netsbom:link:{side}:external", "true"))
        for obs in link.observations:
            side = _described_end(link, obs)
            props += [
                (f"netsbom:link:{side}:chassis_id", obs.remote_chassis_id),
                (f"netsbom:link:{side}:mgmt_address", obs.remote_mgmt_address),
                (f"netsbom:link:{side}:description", obs.remote_description),
                ("netsbom:link:observation", _observation_text(obs)),
            ]
        ends = [r for r in (self.end_ref(a), self.end_ref(b)) if r is not None]
        self.depends(ref, *ends)
        return {
            "bom-ref": ref,
            "name": f"{a.device} {a.port or '?'} <-> {b.device} {b.port or '?'}",
            "description": f"{'/'.join(link.protocols)} link"
            + (" (seen from one side)" if link.one_sided else ""),
            "properties": _properties(props),
        }


# --- helpers -------------------------------------------------------------------------------------


def _bool(value: bool) -> str:
    return "true" if value else "false"


def _properties(pairs: Iterable[tuple[str, str | None]]) -> list[dict[str, str]]:
    """Sorted, duplicate-free ``{name, value}`` list; empty values are left out."""
    unique = {(name, value) for name, value in pairs if value is not None and value != ""}
    return [{"name": name, "value": value} for name, value in sorted(unique)]


def _error_text(kind: str, message: str, source: str | None) -> str:
    return f"{kind}: {message}" + (f" [{source}]" if source else "")


def _provenance_by_place(provenance: Iterable[Provenance]) -> dict[str, list[Provenance]]:
    """Which component each provenance entry belongs to: device, os, components or software."""
    places: dict[str, list[Provenance]] = {"device": [], "os": [], "components": [], "software": []}
    for entry in provenance:
        head = entry.field.split(".", 1)[0].split("[", 1)[0]
        if head == "os" or entry.field == "identifiers.os_cpe":
            places["os"].append(entry)
        elif head in ("components", "software"):
            places[head].append(entry)
        else:
            places["device"].append(entry)
    for entries in places.values():
        entries.sort(key=lambda p: (p.field, p.method, p.source, p.confidence))
    return places


def _provenance_properties(provenance: Iterable[Provenance]) -> list[tuple[str, str | None]]:
    return [(f"netsbom:provenance:{p.field}", _provenance_text(p)) for p in provenance]


def _provenance_text(p: Provenance) -> str:
    text = f"{p.method} {p.source}"
    return text if p.confidence == 1.0 else f"{text} (confidence {p.confidence:g})"


def _evidence(provenance: Iterable[Provenance], fields: dict[str, str]) -> Json | None:
    """CycloneDX identity evidence for the fields that have provenance (1.6 array form)."""
    identities: dict[str, list[Provenance]] = defaultdict(list)
    for entry in provenance:
        if entry.field in fields:
            identities[fields[entry.field]].append(entry)
    if not identities:
        return None
    return {
        "identity": [
            {
                "field": field,
                "confidence": max(_confidence(p.confidence) for p in entries),
                "methods": [
                    {
                        "technique": "other",
                        "confidence": _confidence(p.confidence),
                        "value": f"{p.method} {p.source}",
                    }
                    for p in entries
                ],
            }
            for field, entries in sorted(identities.items())
        ]
    }


def _confidence(value: float) -> float:
    return min(1.0, max(0.0, float(value)))


def _is_hardware(row: Component) -> bool:
    if row.cls in HARDWARE_CLASSES:
        return True
    return row.cls == "other" and bool(row.model or row.serial)


def _kept_ancestor(row: Component, by_index: dict[str, Component], kept: set[str]) -> str | None:
    seen = {row.index}
    parent = row.parent
    while parent is not None and parent not in seen:
        if parent in kept:
            return parent
        seen.add(parent)
        node = by_index.get(parent)
        parent = node.parent if node is not None else None
    return None


def _revisions(row: Component) -> list[tuple[str, str]]:
    result: list[tuple[str, str]] = []
    if row.firmware_rev:
        result.append(("firmware", row.firmware_rev))
    if row.software_rev and row.software_rev != row.firmware_rev:
        result.append(("software", row.software_rev))
    return result


_DIGITS = re.compile(r"(\d+)")


def _natural(text: str | None) -> tuple[tuple[int, int, str], ...]:
    """``2`` before ``10``; total order on any strings."""
    if text is None:
        return ()
    return tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part)
        for part in _DIGITS.split(text)
        if part
    )


def _component_key(row: Component) -> tuple[object, ...]:
    return (_natural(row.index), row.name or "", row.model or "", row.serial or "")


def _sorted_software(record: DeviceRecord) -> list[Software]:
    return sorted(
        record.software,
        key=lambda s: (
            s.name,
            _natural(s.version),
            s.version or "",
            s.kind,
            s.source or "",
            s.purl or "",
            s.cpe or "",
        ),
    )


def _described_end(link: Link, obs: LinkObservation) -> str:
    """Which end (``a``/``b``) an observation describes: the end that did not report it."""
    port = normalize_interface(obs.local_port)
    ends = (("a", link.a, "b"), ("b", link.b, "a"))
    for _, end, other in ends:
        if (
            not end.external
            and end.device == obs.reporter
            and normalize_interface(end.port) == port
        ):
            return other
    for _, end, other in ends:
        if not end.external and end.device == obs.reporter:
            return other
    return "b"


def _observation_text(obs: LinkObservation) -> str:
    remote = obs.remote_name or obs.remote_chassis_id or obs.remote_mgmt_address or "?"
    return (
        f"{obs.protocol}: {obs.reporter} {obs.local_port or '?'}"
        f" -> {remote} {obs.remote_port or '?'}"
    )


# --- XML -----------------------------------------------------------------------------------------

_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(parent: ET.Element, tag: str, value: object) -> ET.Element:
    element = ET.SubElement(parent, tag)
    element.text = _xml_string(value)
    return element


def _xml_string(value: object) -> str:
    if isinstance(value, bool):
        return _bool(value)
    return _XML_ILLEGAL.sub("\ufffd", str(value))


def to_xml(doc: Json) -> bytes:
    """The XML form of a document built by :func:`to_cyclonedx` (only the shapes it produces)."""
    # Unprefixed tags under a default namespace declared on the root: every element is in it.
    attributes = {
        "xmlns": XML_NAMESPACE,
        "serialNumber": doc["serialNumber"],
        "version": str(doc["version"]),
    }
    root = ET.Element("bom", attributes)
    _xml_metadata(root, doc["metadata"])
    if "components" in doc:
        parent = ET.SubElement(root, "components")
        for component in doc["components"]:
            _xml_component(parent, component)
    if "services" in doc:
        parent = ET.SubElement(root, "services")
        for service in doc["services"]:
            _xml_service(parent, service)
    if "dependencies" in doc:
        parent = ET.SubElement(root, "dependencies")
        for dependency in doc["dependencies"]:
            element = ET.SubElement(parent, "dependency", {"ref": dependency["ref"]})
            for ref in dependency.get("dependsOn", ()):
                ET.SubElement(element, "dependency", {"ref": ref})
    if "compositions" in doc:
        parent = ET.SubElement(root, "compositions")
        for composition in doc["compositions"]:
            element = ET.SubElement(parent, "composition")
            _text(element, "aggregate", composition["aggregate"])
            assemblies = ET.SubElement(element, "assemblies")
            for ref in composition["assemblies"]:
                ET.SubElement(assemblies, "assembly", {"ref": ref})
    if "vulnerabilities" in doc:
        parent = ET.SubElement(root, "vulnerabilities")
        for vulnerability in doc["vulnerabilities"]:
            _xml_vulnerability(parent, vulnerability)
    for element in root.iter():
        for name, value in element.attrib.items():
            element.set(name, _xml_string(value))
    ET.indent(root, space="  ")
    data: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return data


def _xml_metadata(root: ET.Element, metadata: Json) -> None:
    element = ET.SubElement(root, "metadata")
    _text(element, "timestamp", metadata["timestamp"])
    lifecycles = ET.SubElement(element, "lifecycles")
    for lifecycle in metadata["lifecycles"]:
        _text(ET.SubElement(lifecycles, "lifecycle"), "phase", lifecycle["phase"])
    tools = ET.SubElement(ET.SubElement(element, "tools"), "components")
    for tool in metadata["tools"]["components"]:
        _xml_component(tools, tool)
    _xml_component(element, metadata["component"])


def _xml_entity(parent: ET.Element, tag: str, entity: Json) -> None:
    element = ET.SubElement(parent, tag)
    if "name" in entity:
        _text(element, "name", entity["name"])


def _xml_properties(parent: ET.Element, properties: list[dict[str, str]]) -> None:
    element = ET.SubElement(parent, "properties")
    for prop in properties:
        ET.SubElement(element, "property", {"name": prop["name"]}).text = _xml_string(prop["value"])


def _xml_component(parent: ET.Element, component: Json) -> None:
    attributes = {"type": component["type"]}
    if "bom-ref" in component:
        attributes["bom-ref"] = component["bom-ref"]
    element = ET.SubElement(parent, "component", attributes)
    if "manufacturer" in component:
        _xml_entity(element, "manufacturer", component["manufacturer"])
    for tag in ("name", "version", "description", "cpe", "purl"):
        if tag in component:
            _text(element, tag, component[tag])
    if "properties" in component:
        _xml_properties(element, component["properties"])
    if "components" in component:
        children = ET.SubElement(element, "components")
        for child in component["components"]:
            _xml_component(children, child)
    if "evidence" in component:
        evidence = ET.SubElement(element, "evidence")
        for identity in component["evidence"]["identity"]:
            node = ET.SubElement(evidence, "identity")
            _text(node, "field", identity["field"])
            _text(node, "confidence", identity["confidence"])
            methods = ET.SubElement(node, "methods")
            for method in identity["methods"]:
                item = ET.SubElement(methods, "method")
                _text(item, "technique", method["technique"])
                _text(item, "confidence", method["confidence"])
                _text(item, "value", method["value"])


def _xml_service(parent: ET.Element, service: Json) -> None:
    element = ET.SubElement(parent, "service", {"bom-ref": service["bom-ref"]})
    _text(element, "name", service["name"])
    if "description" in service:
        _text(element, "description", service["description"])
    if "properties" in service:
        _xml_properties(element, service["properties"])


def _xml_vulnerability(parent: ET.Element, vulnerability: Json) -> None:
    """A ``vulnerability`` in the XSD's order: id, source, ratings, ..., analysis, affects,
    properties (only the fields :mod:`netsbom.vuln.vex` writes)."""
    attributes = {"bom-ref": vulnerability["bom-ref"]} if "bom-ref" in vulnerability else {}
    element = ET.SubElement(parent, "vulnerability", attributes)
    if "id" in vulnerability:
        _text(element, "id", vulnerability["id"])
    if "source" in vulnerability:
        source = ET.SubElement(element, "source")
        for tag in ("name", "url"):
            if tag in vulnerability["source"]:
                _text(source, tag, vulnerability["source"][tag])
    if "ratings" in vulnerability:
        ratings = ET.SubElement(element, "ratings")
        for rating in vulnerability["ratings"]:
            item = ET.SubElement(ratings, "rating")
            for tag in ("score", "severity", "method", "vector", "justification"):
                if tag in rating:
                    _text(item, tag, rating[tag])
    for tag in ("description", "detail", "recommendation"):
        if tag in vulnerability:
            _text(element, tag, vulnerability[tag])
    if "analysis" in vulnerability:
        analysis = ET.SubElement(element, "analysis")
        for tag in ("state", "justification"):
            if tag in vulnerability["analysis"]:
                _text(analysis, tag, vulnerability["analysis"][tag])
        if "response" in vulnerability["analysis"]:
            responses = ET.SubElement(analysis, "responses")
            for response in vulnerability["analysis"]["response"]:
                _text(responses, "response", response)
        if "detail" in vulnerability["analysis"]:
            _text(analysis, "detail", vulnerability["analysis"]["detail"])
    if "affects" in vulnerability:
        affects = ET.SubElement(element, "affects")
        for affect in vulnerability["affects"]:
            target = ET.SubElement(affects, "target")
            _text(target, "ref", affect["ref"])
            if "versions" in affect:
                versions = ET.SubElement(target, "versions")
                for version in affect["versions"]:
                    item = ET.SubElement(versions, "version")
                    _text(
                        item,
                        "version" if "version" in version else "range",
                        version.get("version", version.get("range")),
                    )
                    if "status" in version:
                        _text(item, "status", version["status"])
    if "properties" in vulnerability:
        _xml_properties(element, vulnerability["properties"])
