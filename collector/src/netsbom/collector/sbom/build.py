"""Building the SBOM model (:mod:`netsbom.collector.sbom.model`) from a configuration, once.

What becomes a component, its ref, version, supplier and identifiers (checked with
:mod:`netsbom.core.identifiers`: an invalid purl or CPE leaves its field and becomes a
``netsbom:invalid:<field>`` property saying why); linear in the configuration's size.
"""

from __future__ import annotations

import re
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from netsbom.collector.sbom.licences import (
    HARDWARE,
    Conclusion,
    Facts,
    LicenceRules,
    Licensing,
    spdx_expression,
)
from netsbom.collector.sbom.model import (
    SERIAL_NAMESPACE,
    TOOL_REF,
    Component,
    Dependency,
    Document,
    Entity,
    ExternalBom,
    Hash,
    Identity,
    Json,
    Service,
    Vulnerability,
    bool_text,
    properties,
)
from netsbom.core.copyright import copyright_notice
from netsbom.core.families import known_family
from netsbom.core.identifiers import cpe23_problem, purl_problem
from netsbom.core.record import Component as Row
from netsbom.core.record import DeviceRecord, Provenance, Software
from netsbom.topology.configuration import Configuration, fingerprint
from netsbom.topology.links import Link, LinkEnd, LinkObservation, Segment, normalize_interface

if TYPE_CHECKING:
    from netsbom.vuln.assess import Assessment

__all__ = ["FIRMWARE_OS_FAMILIES", "HARDWARE_CLASSES", "build_document"]

# OS families whose "OS" is a monolithic firmware image (appliances, embedded management cards).
FIRMWARE_OS_FAMILIES = frozenset({"firmware", "embedded"})
# ENTITY-MIB classes that become hardware modules; ports, sensors and containers do not.
HARDWARE_CLASSES = frozenset(
    {"chassis", "module", "power-supply", "fan", "cpu", "stack", "backplane"}
)
SOFTWARE_TYPES = {
    "os-package": "library",
    "application": "application",
    "extension": "application",
    "firmware": "firmware",
    "image": "firmware",
}

# --- building ----------------------------------------------------------------------------------


def build_document(
    config: Configuration,
    assessments: Iterable[Assessment] | None = None,
    *,
    authors: Sequence[Entity] = (),
    supplier: Entity | None = None,
    external_boms: Sequence[ExternalBom] = (),
    extra_properties: Iterable[tuple[str, str]] = (),
    device_properties: Mapping[str, Sequence[tuple[str, str]]] | None = None,
    device_boms: Mapping[str, Sequence[ExternalBom]] | None = None,
    licences: LicenceRules | None = None,
) -> Document:
    """The model of ``config``; with ``assessments`` (of ``config.records``) it carries VEX.
    ``device_properties`` / ``device_boms``: more properties (golden-firmware policy results)
    and vendor product SBOMs per node id of a device; ``licences``: the operator's concluded
    licences and copyright texts (:mod:`.licences`)."""
    builder = _Builder(config, device_properties or {}, Licensing(licences))
    boms = builder.build(
        assessments, tuple(authors), supplier, tuple(external_boms), tuple(extra_properties)
    )
    on_devices = tuple(
        replace(bom, component=builder.node_refs[node])
        for node, items in sorted((device_boms or {}).items())
        if node in builder.node_refs
        for bom in items
    )
    return replace(boms, external_boms=(*boms.external_boms, *on_devices)) if on_devices else boms


class _Refs:
    """Hands out unique refs: a taken one gets ``#2``, ``#3``, ..."""

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
    def __init__(
        self,
        config: Configuration,
        device_properties: Mapping[str, Sequence[tuple[str, str]]],
        licensing: Licensing,
    ) -> None:
        self.device_properties = device_properties
        self.licensing = licensing
        self.config = config
        self.fingerprint = fingerprint(config)
        self.refs = _Refs()
        self.dependencies: dict[str, set[str]] = {}
        self.device_refs: dict[str, str] = {}  # device name -> first ref with that name
        self.node_refs: dict[str, str] = {}  # topology node id -> ref
        # (target id, device name) -> the ref VEX points at: the component with version and CPE
        self.assessed_refs: dict[tuple[str, str], str] = {}
        self.external_refs: dict[str, str] = {}
        self.flags: dict[str, list[str]] = defaultdict(list)
        for flag in config.flags:
            for device in flag.devices:
                self.flags[device].append(f"{flag.kind}: {flag.message}")

    def depends(self, ref: str, *on: str) -> None:
        self.dependencies.setdefault(ref, set()).update(on)

    def build(
        self,
        assessments: Iterable[Assessment] | None,
        authors: tuple[Entity, ...],
        supplier: Entity | None,
        external_boms: tuple[ExternalBom, ...],
        extra_properties: tuple[tuple[str, str], ...],
    ) -> Document:
        config = self.config
        network_ref = self.refs.take(f"network:{config.network}")
        self.refs.take(TOOL_REF)
        devices = [
            self.device(record, node)
            for record, node in zip(config.records, config.nodes, strict=True)
        ]
        externals = self.externals(config.links, config.segments)
        services = [self.link(link) for link in config.links]
        services += [self.segment(segment) for segment in config.segments]
        self.depends(network_ref, *(d.ref for d in devices))
        concluded = self.licensing.conclude(Facts("network", config.network))
        network = Component(
            ref=network_ref,
            kind="network",
            type="platform",
            name=config.network,
            version=f"{config.at}@{self.fingerprint[:12]}",
            supplier=supplier,
            licence=concluded.licence,
            copyright=concluded.copyright,
            properties=properties(
                [
                    *concluded.properties(),
                    ("netsbom:fingerprint", f"sha256:{self.fingerprint}"),
                    ("netsbom:at", config.at),
                    ("netsbom:devices", str(len(config.records))),
                    ("netsbom:links", str(len(config.links))),
                    ("netsbom:segments", str(len(config.segments)) if config.segments else None),
                    *(("netsbom:flag", f"{f.kind}: {f.message}") for f in config.flags),
                ]
            ),
        )
        vulnerabilities: tuple[Vulnerability, ...] = ()
        vex_digest = None
        if assessments is not None:
            from netsbom.collector.sbom.vulnerabilities import (
                cyclonedx_vulnerabilities,
                vulnerabilities_digest,
            )

            entries = cyclonedx_vulnerabilities(assessments, self.assessed_refs, self.refs.take)
            if entries:
                vex_digest = vulnerabilities_digest(entries)
                vulnerabilities = tuple(_vulnerability(e) for e in entries)
        key = f"{self.fingerprint}:vex:{vex_digest}" if vex_digest else self.fingerprint
        return Document(
            network=network,
            at=config.at,
            fingerprint=self.fingerprint,
            serial=f"urn:uuid:{uuid.uuid5(SERIAL_NAMESPACE, key)}",
            components=(*devices, *(e for _, e in sorted(externals.items()))),
            services=tuple(services),
            dependencies=tuple(
                Dependency(ref, tuple(sorted(on))) for ref, on in sorted(self.dependencies.items())
            ),
            vulnerabilities=vulnerabilities,
            vex_digest=vex_digest,
            authors=authors,
            supplier=supplier,
            external_boms=external_boms,
            licences=self.licensing.custom_licences(),
            properties=properties(extra_properties),
        )

    # devices -------------------------------------------------------------------------------

    def device(self, record: DeviceRecord, node: str) -> Component:
        ref = self.refs.take(f"device:{record.name}")
        self.device_refs.setdefault(record.name, ref)
        self.node_refs[node] = ref
        by_place = _provenance_by_place(record.provenance)
        vendor = Entity(record.vendor) if record.vendor else None

        props: list[tuple[str, str | None]] = [
            ("netsbom:target_id", record.target.id),
            ("netsbom:agent_id", record.agent_id),
            ("netsbom:collected_at", record.collected_at),
            ("netsbom:report_id", record.report_id),
            ("netsbom:complete", bool_text(record.complete)),
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
        props += self.device_properties.get(node, ())
        virtual = record.virtual
        if virtual is not None:
            props.append(("netsbom:virtual", bool_text(virtual)))
        # a chassis is hardware; a virtual appliance's "device" is a VM, about which we know less
        facts = Facts("device", record.name, record.vendor, record.os.family, record.model)
        concluded = self.licensing.conclude(
            facts, HARDWARE if virtual is not True else Conclusion()
        )
        props += concluded.properties()
        cpe = _checked_cpe(record.identifiers.hardware_cpe, props)

        version, version_source = _device_version(record)
        props.append(("netsbom:version_source", version_source))
        children: list[Component] = []
        os_component = self.operating_system(ref, record, by_place["os"])
        purl = None
        if os_component is not None:
            children.append(os_component)
            self.depends(ref, os_component.ref)
        else:
            purl = _checked_purl(record.identifiers.purl, props)
        # VEX names the component that carries the assessed version and CPE: the OS
        self.assessed_refs.setdefault(
            (record.target.id, record.name), os_component.ref if os_component else ref
        )
        children += self.modules(ref, record, by_place["components"])
        packages = [
            self.package(ref, s, record, by_place["software"]) for s in _sorted_software(record)
        ]
        children += packages
        self.depends(os_component.ref if os_component else ref, *(p.ref for p in packages))
        self.depends(ref)
        return Component(
            ref=ref,
            kind="device",
            type="device",
            name=record.name,
            version=version,
            supplier=vendor or _os_supplier(record),
            manufacturer=vendor,
            description=record.model,
            cpe=cpe,
            purl=purl,
            virtual=virtual,
            licence=concluded.licence,
            copyright=concluded.copyright,
            properties=properties(props),
            evidence=_evidence(by_place["device"], {"hostname": "name"}),
            children=tuple(children),
            composition="complete" if record.complete else "incomplete",
        )

    def operating_system(
        self, device_ref: str, record: DeviceRecord, provenance: list[Provenance]
    ) -> Component | None:
        os = record.os
        if not (os.family or os.version or os.name or record.identifiers.os_cpe):
            return None
        ref = self.refs.take(f"{device_ref}/os")
        family = (os.family or "").lower()
        props: list[tuple[str, str | None]] = [
            ("netsbom:os:family", os.family),
            ("netsbom:os:build", os.build),
            ("netsbom:os:image", os.image),
        ]
        props += _provenance_properties(provenance)
        cpe = _checked_cpe(record.identifiers.os_cpe, props)
        purl = _checked_purl(record.identifiers.purl, props)
        self.depends(ref)
        name = os.name or os.family or "operating system"
        supplier = _os_supplier(record)
        # the notice the device printed: show version (SSH), else its sysDescr
        notice = os.copyright or copyright_notice(record.description)
        observed = Conclusion(copyright=notice, copyright_source="device" if notice else None)
        registry = self.licensing.supplier_terms(supplier.name if supplier else None)
        facts = Facts("os", name, record.vendor, os.family, record.model)
        concluded = self.licensing.conclude(facts, observed.over(registry))
        props += concluded.properties()
        return Component(
            ref=ref,
            kind="os",
            type="firmware" if family in FIRMWARE_OS_FAMILIES else "operating-system",
            name=name,
            version=os.version,
            supplier=supplier,
            manufacturer=Entity(record.vendor) if record.vendor and family != "linux" else None,
            cpe=cpe,
            purl=purl,
            filename=os.image,
            hashes=_checked_hashes(os.hashes, props),
            licence=concluded.licence,
            copyright=concluded.copyright,
            properties=properties(props),
            evidence=_evidence(provenance, {"os.version": "version", "os.name": "name"}),
        )

    def modules(
        self, device_ref: str, record: DeviceRecord, provenance: list[Provenance]
    ) -> list[Component]:
        """Hardware modules nested along the physical tree (through skipped ports/containers).

        A module's version is its hardware revision (its firmware is a component of its own); its
        supplier its own vendor, else the chassis vendor; the firmware of a module that runs the
        device's OS release carries the OS CPE (the name the vendor gives that image)."""
        rows = record.components
        chassis_vendor = Entity(record.vendor) if record.vendor else None
        os_version = (record.os.version or "").lower()
        by_index = {row.index: row for row in rows}
        kept = [row for row in rows if _is_hardware(row)]
        kept_indexes = {row.index for row in kept}
        children: dict[str | None, list[Row]] = defaultdict(list)
        for row in kept:
            children[_kept_ancestor(row, by_index, kept_indexes)].append(row)
        module_provenance = _provenance_properties(provenance)

        def build(row: Row, seen: frozenset[str]) -> Component:
            ref = self.refs.take(f"{device_ref}/hw:{row.index}")
            name = row.name or row.model or row.description or f"{row.cls} {row.index}"
            vendor = Entity(row.vendor) if row.vendor else None
            supplier = vendor or chassis_vendor
            props: list[tuple[str, str | None]] = [
                ("netsbom:class", row.cls),
                ("netsbom:entity_index", row.index),
                ("netsbom:model", row.model),
                ("netsbom:serial", row.serial),
                ("netsbom:hardware_rev", row.hardware_rev),
                ("netsbom:is_fru", None if row.is_fru is None else bool_text(row.is_fru)),
                *module_provenance,
            ]
            nested: list[Component] = []
            for kind, version in _revisions(row):
                firmware_name = f"{row.model or row.name or row.cls} {kind}"
                terms = self.licensing.supplier_terms(supplier.name if supplier else None)
                concluded = self.licensing.conclude(
                    Facts("firmware", firmware_name, record.vendor, record.os.family, row.model),
                    terms,
                )
                firmware = Component(
                    ref=self.refs.take(f"{ref}/{kind}"),
                    kind="firmware",
                    type="firmware",
                    name=firmware_name,
                    version=version,
                    supplier=supplier,
                    manufacturer=vendor,
                    cpe=record.identifiers.os_cpe
                    if os_version
                    and _same_release(version, os_version)
                    and cpe23_problem(record.identifiers.os_cpe or "") is None
                    else None,
                    licence=concluded.licence,
                    copyright=concluded.copyright,
                    properties=properties(
                        [("netsbom:revision", f"{kind}_rev"), *concluded.properties()]
                    ),
                )
                nested.append(firmware)
                self.depends(firmware.ref)
            self.depends(ref, *(f.ref for f in nested))
            nested += [
                build(child, seen | {row.index})
                for child in sorted(children.get(row.index, ()), key=_component_key)
                if child.index not in seen
            ]
            hardware = self.licensing.conclude(
                Facts("module", name, record.vendor, record.os.family, row.model), HARDWARE
            )
            props += hardware.properties()
            return Component(
                ref=ref,
                kind="module",
                type="device",
                name=name,
                version=row.hardware_rev,
                supplier=supplier,
                manufacturer=vendor,
                description=row.description if row.description != name else None,
                licence=hardware.licence,
                copyright=hardware.copyright,
                properties=properties(props),
                children=tuple(nested),
            )

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

    def package(
        self,
        device_ref: str,
        software: Software,
        record: DeviceRecord,
        provenance: list[Provenance],
    ) -> Component:
        ref = self.refs.take(f"{device_ref}/sw:{software.name}@{software.version or ''}")
        props: list[tuple[str, str | None]] = [
            ("netsbom:software:kind", software.kind),
            ("netsbom:software:source", software.source),
            *_provenance_properties(provenance),
        ]
        cpe = _checked_cpe(software.cpe, props)
        purl = _checked_purl(software.purl, props)
        self.depends(ref)
        supplier = _package_supplier(software, purl, record)
        declared = Conclusion()
        if software.licence:
            try:
                declared = Conclusion(spdx_expression(software.licence), "package-manager")
            except ValueError:  # not an SPDX expression (rpm's older GPLv2+): shown, not used
                props.append(("netsbom:licence:declared", software.licence))
        terms = self.licensing.supplier_terms(supplier.name if supplier else None)
        facts = Facts("package", software.name, record.vendor, record.os.family, record.model)
        concluded = self.licensing.conclude(facts, declared.over(terms))
        props += concluded.properties()
        return Component(
            ref=ref,
            kind="package",
            type=SOFTWARE_TYPES.get(software.kind, "application"),
            name=software.name,
            version=software.version,
            supplier=supplier,
            cpe=cpe,
            purl=purl,
            licence=concluded.licence,
            copyright=concluded.copyright,
            properties=properties(props),
        )

    # neighbours, links and segments --------------------------------------------------------

    def externals(self, links: Iterable[Link], segments: Iterable[Segment]) -> dict[str, Component]:
        """A device per external neighbour, with what its neighbours advertised about it."""
        seen: dict[str, dict[str, set[str]]] = {}
        for link in links:
            for side, end in (("a", link.a), ("b", link.b)):
                if not end.external:
                    continue
                about = seen.setdefault(end.device, defaultdict(set))
                for obs in link.observations:
                    if _described_end(link, obs) == side:
                        _advertised(about, obs)
        for segment in segments:
            for end in segment.ends:
                if end.external:
                    about = seen.setdefault(end.device, defaultdict(set))
                    for obs in segment.observations:
                        if obs.remote_name == end.device:
                            _advertised(about, obs)
        result: dict[str, Component] = {}
        for name in sorted(seen):
            ref = self.refs.take(f"external:{name}")
            self.external_refs[name] = ref
            props: list[tuple[str, str | None]] = [("netsbom:external", "true")]
            props += [(key, value) for key, values in seen[name].items() for value in values]
            result[name] = Component(
                ref=ref,
                kind="external",
                type="device",
                name=name,
                properties=properties(props),
                composition="unknown",
            )
            self.depends(ref)
        return result

    def end_ref(self, end: LinkEnd) -> str | None:
        if end.external:
            return self.external_refs.get(end.device)
        return self.node_refs.get(end.node) or self.device_refs.get(end.device)

    def link(self, link: Link) -> Service:
        a, b = link.a, link.b
        ref = self.refs.take(f"link:{a.device}:{a.port or '-'}--{b.device}:{b.port or '-'}")
        props: list[tuple[str, str | None]] = [
            ("netsbom:link:protocols", ",".join(link.protocols)),
            ("netsbom:link:one_sided", bool_text(link.one_sided)),
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
        ends = tuple(r for r in (self.end_ref(a), self.end_ref(b)) if r is not None)
        self.depends(ref, *ends)
        protocols = ",".join(link.protocols) or "neighbour"
        one_sided = " (seen from one side)" if link.one_sided else ""
        return Service(
            ref=ref,
            kind="link",
            name=f"{a.device} {a.port or '?'} <-> {b.device} {b.port or '?'}",
            description=f"{'/'.join(link.protocols)} link{one_sided}",
            summary=f"{protocols} link {a.device} {a.port or '?'} <-> {b.device} {b.port or '?'}"
            + one_sided,
            ends=tuple(sorted(set(ends))),
            properties=properties(props),
        )

    def segment(self, segment: Segment) -> Service:
        ref = self.refs.take(segment.node)
        names = [f"{e.device} {e.port or '?'}" for e in segment.ends]
        props: list[tuple[str, str | None]] = [
            ("netsbom:segment:protocols", ",".join(segment.protocols)),
            *(("netsbom:segment:end", text) for text in names),
            *(("netsbom:link:observation", _observation_text(o)) for o in segment.observations),
        ]
        ends = tuple(sorted({r for r in map(self.end_ref, segment.ends) if r is not None}))
        self.depends(ref, *ends)
        protocols = ",".join(segment.protocols) or "neighbour"
        return Service(
            ref=ref,
            kind="segment",
            name=f"shared segment: {', '.join(names)}",
            description=f"{'/'.join(segment.protocols)} shared segment of {len(names)} ports",
            summary=f"{protocols} shared segment {' | '.join(names)}",
            ends=ends,
            properties=properties(props),
        )


def _vulnerability(entry: Json) -> Vulnerability:
    analysis = entry.get("analysis") or {}
    return Vulnerability(
        ref=entry["bom-ref"],
        id=entry["id"],
        state=analysis.get("state", "in_triage"),
        justification=analysis.get("justification"),
        affects=tuple(a["ref"] for a in entry.get("affects") or ()),
        entry=entry,
    )


# --- minimum elements: versions and suppliers ----------------------------------------------------


def _device_version(record: DeviceRecord) -> tuple[str | None, str | None]:
    """A device's version: its chassis' hardware revision, else its OS version (docs/sbom.md)."""
    chassis = [row for row in record.components if row.cls == "chassis" and row.hardware_rev]
    own = [row for row in chassis if record.serial and row.serial == record.serial]
    for row in own or chassis[:1]:
        return row.hardware_rev, "hardware_rev"
    if record.os.version:
        return record.os.version, "os.version"
    return None, None


def _os_supplier(record: DeviceRecord) -> Entity | None:
    """A distribution supplies itself; a vendor's OS comes from the device's vendor (as the
    record names it), else from the vendor the family registry names."""
    found = known_family(record.os.family)
    if found is not None and not found.vendor:
        return Entity(found.name)
    if record.vendor:
        return Entity(record.vendor)
    return Entity(found.vendor) if found is not None else None


def _package_supplier(software: Software, purl: str | None, record: DeviceRecord) -> Entity | None:
    """A package's supplier from its origin: the family its source names (``junos``, ``eos``,
    ``debian``) or its purl's distribution (``pkg:deb/debian/...``); the device's OS supplier
    when that is the device's own OS family or nothing names the origin."""
    origin = known_family(software.source)
    if origin is None and purl and purl.count("/") >= 2:
        origin = known_family(purl.split("/", 2)[1])
    own = known_family(record.os.family)
    if origin is None or (own is not None and origin.id == own.id):
        return _os_supplier(record)
    return Entity(origin.vendor or origin.name)


def _same_release(version: str, os_version: str) -> bool:
    """``17.09.04a`` and ``17.9.4a`` are one release (ENTITY-MIB pads the numbers)."""

    def norm(text: str) -> str:
        return ".".join(part.lstrip("0") or "0" for part in text.lower().split("."))

    return norm(version) == norm(os_version)


# --- helpers -----------------------------------------------------------------------------------


def _checked_cpe(value: str | None, props: list[tuple[str, str | None]]) -> str | None:
    """``value`` if it is a CPE 2.3 formatted string; else None and a property saying why."""
    return _checked("cpe", cpe23_problem, value, props)


def _checked_purl(value: str | None, props: list[tuple[str, str | None]]) -> str | None:
    """``value`` if it is a valid package URL; else None and a property saying why."""
    return _checked("purl", purl_problem, value, props)


def _checked(
    kind: str,
    problem_of: Callable[[str], str | None],
    value: str | None,
    props: list[tuple[str, str | None]],
) -> str | None:
    if not value:
        return None
    problem = problem_of(value)
    if problem is None:
        return value
    props.append((f"netsbom:invalid:{kind}", f"dropped: {problem}"))  # never the value
    return None


_HASH_LENGTHS = {"MD5": 32, "SHA-1": 40, "SHA-256": 64, "SHA-384": 96, "SHA-512": 128}


def _checked_hashes(
    pairs: Iterable[tuple[str, str]], props: list[tuple[str, str | None]]
) -> tuple[Hash, ...]:
    """Digests an agent reported, if each names a known algorithm with a hex value of its
    length; else a ``netsbom:invalid:hash`` property (never the value) instead."""
    kept: list[Hash] = []
    for algorithm, value in pairs:
        text = str(value).lower()
        length = _HASH_LENGTHS.get(str(algorithm))
        if length is not None and len(text) == length and _HEX.fullmatch(text):
            kept.append(Hash(str(algorithm), text))
        else:
            props.append(("netsbom:invalid:hash", f"dropped: not a {algorithm!s:.20} digest"))
    return tuple(kept)


_HEX = re.compile(r"[0-9a-f]+")


def _advertised(about: dict[str, set[str]], obs: LinkObservation) -> None:
    for key, value in (
        ("netsbom:seen_by", f"{obs.protocol} {obs.reporter}"),
        ("netsbom:chassis_id", obs.remote_chassis_id),
        ("netsbom:mgmt_address", obs.remote_mgmt_address),
        ("netsbom:sys_descr", obs.remote_description),
        ("netsbom:remote_name", obs.remote_name),
    ):
        if value:
            about[key].add(value)


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


def _evidence(provenance: Iterable[Provenance], fields: dict[str, str]) -> tuple[Identity, ...]:
    identities: dict[str, list[Provenance]] = defaultdict(list)
    for entry in provenance:
        if entry.field in fields:
            identities[fields[entry.field]].append(entry)
    return tuple(
        Identity(
            field=name,
            methods=tuple(
                (min(1.0, max(0.0, float(p.confidence))), f"{p.method} {p.source}") for p in entries
            ),
        )
        for name, entries in sorted(identities.items())
    )


def _is_hardware(row: Row) -> bool:
    if row.cls in HARDWARE_CLASSES:
        return True
    return row.cls == "other" and bool(row.model or row.serial)


def _kept_ancestor(row: Row, by_index: dict[str, Row], kept: set[str]) -> str | None:
    seen = {row.index}
    parent = row.parent
    while parent is not None and parent not in seen:
        if parent in kept:
            return parent
        seen.add(parent)
        node = by_index.get(parent)
        parent = node.parent if node is not None else None
    return None


def _revisions(row: Row) -> list[tuple[str, str]]:
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


def _component_key(row: Row) -> tuple[object, ...]:
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
