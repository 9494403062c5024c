"""The one SBOM model of a configuration: typed, frozen, sorted, with stable refs.

:func:`netsbom.collector.sbom.build.build_document` turns a configuration (plus optional
firmware assessments) into a :class:`Document` once; the writers only format it:
:mod:`~netsbom.collector.sbom.cyclonedx_json`, :mod:`~netsbom.collector.sbom.cyclonedx_xml`,
:mod:`~netsbom.collector.sbom.spdx2`, :mod:`~netsbom.collector.sbom.spdx3`. Nothing here knows a
wire format; ``type`` values are CycloneDX's component types because every format maps them
(SPDX: primary purpose).

Tree (refs in brackets)::

    Document.network         the network, type platform          [network:<name>]
    Document.components      devices                              [device:<name>]
      ├─ os                  operating system (or firmware image) [device:<name>/os]
      ├─ module              hardware module, physical tree       [device:<name>/hw:<index>]
      │   └─ firmware        the module's firmware/software rev   [.../hw:<index>/firmware]
      └─ package             installed software                   [device:<name>/sw:<n>@<v>]
    external devices         neighbours nobody polled             [external:<name>]
    Document.services        links (2 ends) and shared segments (N ends)
    Document.dependencies    network -> devices -> os -> packages; module -> firmware;
                             service -> its ends; every component has an entry
    Document.vulnerabilities VEX; ``affects`` name the component carrying version and CPE

Refs are unique (a taken ref gets ``#2``, ``#3``...) and follow from names, never from order
of arrival. Identifiers (purl, CPE) from agents are checked when it is built (:mod:`.build`):
an invalid one leaves its field and becomes a ``netsbom:invalid:<field>`` property saying why.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any, Literal

from netsbom.core import __version__

__all__ = [
    "Component",
    "CustomLicence",
    "Dependency",
    "Document",
    "Entity",
    "ExternalBom",
    "Hash",
    "Identity",
    "Service",
    "Vulnerability",
    "flat_view",
    "walk",
]

Kind = Literal["network", "device", "external", "os", "module", "firmware", "package"]
Properties = tuple[tuple[str, str], ...]
Json = dict[str, Any]

# uuid5 namespace of serial numbers: uuid5(NAMESPACE_URL, "https://netsbom/cyclonedx").
SERIAL_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://netsbom/cyclonedx")
TOOL_REF = "tool:netsbom"


@dataclass(frozen=True, slots=True)
class Entity:
    """An organisation or person: SBOM author, supplier, manufacturer."""

    name: str
    url: str | None = None
    email: str | None = None


@dataclass(frozen=True, slots=True)
class Hash:
    algorithm: str  # CycloneDX spelling: SHA-256, SHA-512, MD5...
    value: str  # lower-case hex


@dataclass(frozen=True, slots=True)
class CustomLicence:
    """A licence that is not on the SPDX list (``LicenseRef-...``): a vendor's EULA."""

    id: str  # LicenseRef-Cisco-EULA
    name: str
    text: str  # what SPDX carries as its text: the terms' name and where they are published
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Identity:
    """Evidence of one field (name, version): how it was learned, with confidence."""

    field: str
    methods: tuple[tuple[float, str], ...]  # (confidence, "method source")

    @property
    def confidence(self) -> float:
        return max(c for c, _ in self.methods)


@dataclass(frozen=True, slots=True)
class Component:
    ref: str
    kind: Kind
    type: str  # CycloneDX component type: platform, device, operating-system, firmware, ...
    name: str
    version: str | None = None
    supplier: Entity | None = None
    manufacturer: Entity | None = None
    description: str | None = None
    purl: str | None = None
    cpe: str | None = None
    hashes: tuple[Hash, ...] = ()
    filename: str | None = None
    virtual: bool | None = None
    # SPDX licence expression (or NONE) the SBOM author concludes, copyright notice(s) (or
    # NONE); None: no assertion. Where each comes from: netsbom:licence_source / copyright_source
    licence: str | None = None
    copyright: str | None = None
    properties: Properties = ()  # sorted, unique, no empty values
    evidence: tuple[Identity, ...] = ()
    children: tuple[Component, ...] = ()
    composition: str | None = None  # complete / incomplete / unknown (devices, externals)

    def prop(self, name: str, default: str | None = None) -> str | None:
        return next((v for k, v in self.properties if k == name), default)


@dataclass(frozen=True, slots=True)
class Service:
    """A link (two ends) or a shared segment (N ends): ``ends`` are component refs."""

    ref: str
    kind: Literal["link", "segment"]
    name: str
    description: str
    summary: str  # one line for formats without a service element (SPDX comments)
    ends: tuple[str, ...]  # sorted
    properties: Properties = ()


@dataclass(frozen=True, slots=True)
class Dependency:
    ref: str
    depends_on: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Vulnerability:
    """One VEX statement (CVE, status) as :mod:`netsbom.vuln.vex` writes it for CycloneDX;
    ``affects`` are component refs."""

    ref: str
    id: str
    state: str
    justification: str | None
    affects: tuple[str, ...]
    entry: Mapping[str, Any]  # the CycloneDX ``vulnerabilities`` entry (read-only by contract)


@dataclass(frozen=True, slots=True)
class ExternalBom:
    """A vendor's product SBOM this document refers to (not embedded)."""

    url: str  # BOM-Link (urn:cdx:...) or URL
    comment: str | None = None
    hashes: tuple[Hash, ...] = ()
    component: str | None = None  # ref of the component it describes; None: the network


@dataclass(frozen=True, slots=True)
class Document:
    network: Component
    at: str
    fingerprint: str
    serial: str  # urn:uuid:...
    components: tuple[Component, ...] = ()  # devices, then external devices
    services: tuple[Service, ...] = ()
    dependencies: tuple[Dependency, ...] = ()
    vulnerabilities: tuple[Vulnerability, ...] = ()
    vex_digest: str | None = None  # sha256 of the VEX entries; ids of documents with VEX cover it
    authors: tuple[Entity, ...] = ()
    supplier: Entity | None = None
    external_boms: tuple[ExternalBom, ...] = ()
    licences: tuple[CustomLicence, ...] = ()  # the LicenseRefs components name, sorted by id
    properties: Properties = ()  # document-level (CycloneDX metadata.properties)
    tool_version: str = __version__

    @property
    def id_key(self) -> str:
        """What document ids derive from: the fingerprint, plus the VEX when there is one."""
        return f"{self.fingerprint}:vex:{self.vex_digest}" if self.vex_digest else self.fingerprint

    def compositions(self) -> list[tuple[str, list[str]]]:
        found: dict[str, list[str]] = {"complete": [], "incomplete": [], "unknown": []}
        for component in self.components:
            if component.composition in found:
                found[component.composition].append(component.ref)
        return [(k, sorted(refs)) for k, refs in found.items() if refs]


def walk(
    components: Iterable[Component], parent: Component | None = None
) -> Iterable[tuple[Component, Component | None]]:
    """Every component with the one that nests it (None at the top), depth first."""
    for component in components:
        yield component, parent
        yield from walk(component.children, component)


def properties(pairs: Iterable[tuple[str, str | None]]) -> Properties:
    """Sorted, duplicate-free; empty values are left out."""
    return tuple(sorted({(k, v) for k, v in pairs if v is not None and v != ""}))


def bool_text(value: bool) -> str:
    return "true" if value else "false"


# --- views ---------------------------------------------------------------------------------------


def flat_view(doc: Document) -> Document:
    """Every component at the top level with a name unique in the document (``device / module
    / firmware``), the nesting carried by ``dependencies`` (parent -> child): what
    Dependency-Track wants, since it flattens nested components and then cannot tell two
    ``Fan Tray 0`` apart."""
    flat: list[Component] = []
    edges: dict[str, set[str]] = {d.ref: set(d.depends_on) for d in doc.dependencies}
    taken: set[str] = set()

    def unique(name: str) -> str:
        chosen, n = name, 1
        while chosen in taken:
            n += 1
            chosen = f"{name} #{n}"
        taken.add(chosen)
        return chosen

    def visit(component: Component, path: str | None) -> None:
        name = unique(f"{path} / {component.name}" if path else component.name)
        flat.append(replace(component, name=name, children=()))
        for child in component.children:
            edges.setdefault(component.ref, set()).add(child.ref)
            visit(child, name)

    for component in doc.components:
        visit(component, None)
    return replace(
        doc,
        components=tuple(flat),
        dependencies=tuple(Dependency(r, tuple(sorted(on))) for r, on in sorted(edges.items())),
        properties=properties([*doc.properties, ("netsbom:view", "flat")]),
    )
