"""SPDX 2.3 JSON for a deployment configuration (same content as the CycloneDX document).

Shape:

- the document ``DESCRIBES`` the network, a package with purpose ``OTHER`` whose version is
  ``<at>@<fingerprint[:12]>``; ``documentNamespace`` follows from the fingerprint;
  ``creationInfo.created`` is the configuration's time (never the wall clock);
- every CycloneDX component becomes a package: devices ``DEVICE``, operating systems
  ``OPERATING-SYSTEM``, firmware ``FIRMWARE``, packages ``LIBRARY``/``APPLICATION``; supplier =
  manufacturer; CPE and purl as ``externalRefs``; ``licenseConcluded`` / ``copyrightText``
  as concluded (:mod:`.licences`; NOASSERTION where nothing is), the vendors' EULAs as
  ``hasExtractedLicensingInfos``; ``comment`` = how it was learned (SNMP/SSH
  sources, evidence); one annotation per package carries every ``netsbom:`` property
  (serial, model, report id, errors...);
- nesting is ``CONTAINS`` (network -> device -> OS / module / package; module -> firmware), the
  CycloneDX dependencies are ``DEPENDS_ON``; a link is an ``OTHER`` relationship between the two
  devices whose comment names the ports and protocols;
- external devices (neighbours nobody polled) are ``DEVICE`` packages whose comment says so;
- with assessments (``--with-vulnerabilities``; SPDX 2.3 has no VEX model): each CVE that
  affects a device is a ``SECURITY`` / ``advisory`` external reference of its package (locator:
  the NVD page; comment: KEV, EPSS, SSVC), and one more annotation per device lists every VEX
  statement of the CycloneDX document (``CVE: state (justification)``); the namespace then
  covers the VEX content.

Deterministic: same configuration, same bytes.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from netsbom.collector.sbom.build import build_document
from netsbom.collector.sbom.common import (
    PURPOSE_2,
    Json,
    dumps,
    how_learned,
    property_text,
    safe_id,
)
from netsbom.collector.sbom.model import (
    Component,
    Document,
    Entity,
    Vulnerability,
    walk,
)
from netsbom.core import __version__
from netsbom.topology.configuration import Configuration

if TYPE_CHECKING:
    from netsbom.vuln.assess import Assessment

__all__ = ["NAMESPACE_BASE", "render", "render_spdx2", "to_spdx2", "write"]

NAMESPACE_BASE = "https://spdx.netsbom.invalid/spdx2"
_TOOL = f"Tool: netsbom-{__version__}"
_NAMESPACE_UUID = uuid.uuid5(uuid.NAMESPACE_URL, "https://netsbom/spdx2")


def to_spdx2(config: Configuration, assessments: Iterable[Assessment] | None = None) -> Json:
    return write(build_document(config, assessments))


def write(doc: Document) -> Json:
    """The SPDX 2.3 document of the model, as JSON-ready dicts."""
    vex = _vex_by_ref(doc.vulnerabilities)
    network = doc.network
    ids: dict[str, str] = {}

    def spdx_id(ref: str) -> str:
        if ref not in ids:
            ids[ref] = f"SPDXRef-{safe_id(ref)}"
        return ids[ref]

    packages: list[Json] = [_package(network, spdx_id(network.ref), doc.at)]
    relationships: list[tuple[str, str, str, str | None]] = [
        ("SPDXRef-DOCUMENT", "DESCRIBES", spdx_id(network.ref), None)
    ]
    for component, parent in walk(doc.components):
        package = _package(component, spdx_id(component.ref), doc.at)
        if component.ref in vex:
            _add_vex(package, vex[component.ref], doc.at)
        packages.append(package)
        if component.kind == "external":  # a neighbour outside the system: linked, not contained
            continue
        parent_ref = parent.ref if parent is not None else network.ref
        relationships.append((spdx_id(parent_ref), "CONTAINS", spdx_id(component.ref), None))
    contained = {(a, b) for a, kind, b, _ in relationships if kind == "CONTAINS"}
    services = {s.ref for s in doc.services}
    for dependency in doc.dependencies:
        source = dependency.ref
        if source in services or source not in ids:
            continue
        for target in dependency.depends_on:
            if target in ids and (spdx_id(source), spdx_id(target)) not in contained:
                relationships.append((spdx_id(source), "DEPENDS_ON", spdx_id(target), None))
    for service in doc.services:
        ends = list(service.ends) or []
        if not ends:
            continue
        first, others = ends[0], ends[1:] or ends[:1]  # a self-loop has one end
        for other in others:
            relationships.append((spdx_id(first), "OTHER", spdx_id(other), service.summary))

    unique_relationships = sorted(set(relationships), key=lambda r: (r[0], r[1], r[2], r[3] or ""))
    creators = [*(f"Person: {_agent_text(a.name)}{_email(a)}" for a in doc.authors), _TOOL]
    if doc.supplier is not None:
        creators.insert(0, f"Organization: {_agent_text(doc.supplier.name)}{_email(doc.supplier)}")
    comment = f"netsbom configuration sha256:{doc.fingerprint}; lifecycle operations/discovery"
    comment += "; with VEX" if vex else ""
    comment += "".join(f"; {k}={v}" for k, v in doc.properties)
    document: Json = {
        "spdxVersion": "SPDX-2.3",
        "dataLicense": "CC0-1.0",
        "SPDXID": "SPDXRef-DOCUMENT",
        "name": f"{network.name} as deployed at {doc.at}",
        "documentNamespace": f"{NAMESPACE_BASE}/{_slug(network.name)}-"
        f"{uuid.uuid5(_NAMESPACE_UUID, doc.id_key)}",
        "creationInfo": {"created": doc.at, "creators": creators, "comment": comment},
        "documentDescribes": [spdx_id(network.ref)],
        "packages": sorted(packages, key=lambda p: p["SPDXID"]),
        "relationships": [
            {"spdxElementId": a, "relationshipType": kind, "relatedSpdxElement": b}
            | ({"comment": comment} if comment else {})
            for a, kind, b, comment in unique_relationships
        ],
    }
    if doc.licences:
        document["hasExtractedLicensingInfos"] = [
            {"licenseId": c.id, "name": c.name, "extractedText": c.text}
            | ({"seeAlsos": [c.url]} if c.url else {})
            for c in doc.licences
        ]
    if doc.external_boms:
        document["externalDocumentRefs"] = [
            {
                "externalDocumentId": f"DocumentRef-{safe_id(bom.url)}",
                "spdxDocument": bom.url,
                "checksum": {"algorithm": h.algorithm.replace("-", ""), "checksumValue": h.value},
            }
            for bom in doc.external_boms
            for h in bom.hashes[:1]  # SPDX 2.3 requires a checksum of the referenced document
        ] or None
        if document["externalDocumentRefs"] is None:
            del document["externalDocumentRefs"]
    return document


def render_spdx2(config: Configuration, assessments: Iterable[Assessment] | None = None) -> bytes:
    return render(build_document(config, assessments))


def render(doc: Document, *, compact: bool = False) -> bytes:
    return dumps(write(doc), compact=compact)


def _package(component: Component, spdx_id: str, at: str) -> Json:
    package: Json = {
        "SPDXID": spdx_id,
        "name": component.name,
        "downloadLocation": "NOASSERTION",
        "filesAnalyzed": False,
        "licenseConcluded": component.licence or "NOASSERTION",
        "copyrightText": component.copyright or "NOASSERTION",
        "primaryPackagePurpose": PURPOSE_2.get(component.type, "OTHER"),
    }
    if component.version:
        package["versionInfo"] = component.version
    supplier = component.supplier or component.manufacturer
    if supplier is not None:
        package["supplier"] = f"Organization: {_agent_text(supplier.name)}{_email(supplier)}"
    if component.description:
        package["description"] = component.description
    if component.filename:
        package["packageFileName"] = component.filename
    if component.hashes:
        package["checksums"] = [
            {"algorithm": h.algorithm.replace("-", ""), "checksumValue": h.value}
            for h in component.hashes
        ]
    refs: list[Json] = []
    if component.cpe:
        refs.append(
            {
                "referenceCategory": "SECURITY",
                "referenceType": "cpe23Type",
                "referenceLocator": component.cpe,
            }
        )
    if component.purl:
        refs.append(
            {
                "referenceCategory": "PACKAGE-MANAGER",
                "referenceType": "purl",
                "referenceLocator": component.purl,
            }
        )
    if refs:
        package["externalRefs"] = refs
    comment = how_learned(component)
    if component.composition:
        comment = f"composition: {component.composition}" + (f"; {comment}" if comment else "")
    if comment:
        package["comment"] = comment
    statement = property_text(component)
    if statement:
        package["annotations"] = [
            {
                "annotationDate": at,
                "annotationType": "OTHER",
                "annotator": _TOOL,
                "comment": statement,
            }
        ]
    return package


def _vex_by_ref(entries: Iterable[Vulnerability]) -> dict[str, list[Mapping[str, Any]]]:
    """ref -> the VEX entries whose ``affects`` name it."""
    by_ref: dict[str, list[Mapping[str, Any]]] = {}
    for entry in entries:
        for ref in entry.affects:
            by_ref.setdefault(ref, []).append(entry.entry)
    return by_ref


def _add_vex(package: Json, entries: list[Mapping[str, Any]], at: str) -> None:
    lines: list[str] = []
    refs: list[Json] = []
    for entry in entries:
        analysis = entry["analysis"]
        state = analysis["state"]
        justification = analysis.get("justification")
        lines.append(f"{entry['id']}: {state}" + (f" ({justification})" if justification else ""))
        if state != "exploitable":
            continue
        properties = {p["name"]: p["value"] for p in entry.get("properties") or ()}
        facts = [f"netsbom VEX: {entry['id']} {state}"]
        if properties.get("netsbom:vuln:kev") == "true":
            due = properties.get("netsbom:vuln:kev:dueDate")
            facts.append("CISA KEV" + (f" (due {due})" if due else ""))
        if "netsbom:vuln:epss:score" in properties:
            facts.append(f"EPSS {properties['netsbom:vuln:epss:score']}")
        decision = properties.get("netsbom:vuln:ssvc:decision")
        if decision and decision != "None":
            facts.append(f"SSVC {decision}")
        refs.append(
            {
                "referenceCategory": "SECURITY",
                "referenceType": "advisory",
                "referenceLocator": (entry.get("source") or {}).get("url")
                or f"https://nvd.nist.gov/vuln/detail/{entry['id']}",
                "comment": "; ".join(facts),
            }
        )
    package["externalRefs"] = [*package.get("externalRefs", ()), *refs]
    package.setdefault("annotations", []).append(
        {
            "annotationDate": at,
            "annotationType": "REVIEW",
            "annotator": _TOOL,
            "comment": "netsbom:vuln (VEX)\n" + "\n".join(lines),
        }
    )
    if not package["externalRefs"]:
        del package["externalRefs"]


def _email(entity: Entity) -> str:
    return f" ({entity.email})" if entity.email else ""


def _agent_text(name: str) -> str:
    """Supplier names may not contain the ``(``/``)`` SPDX reserves for an e-mail address."""
    return name.replace("(", "[").replace(")", "]").strip() or "NOASSERTION"


def _slug(text: str) -> str:
    return safe_id(text).rsplit("-", 1)[0] or "network"
