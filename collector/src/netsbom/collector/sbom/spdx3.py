"""SPDX 3.0.1 JSON-LD for a deployment configuration (same content as the CycloneDX document).

Shape (one ``@graph``):

- ``CreationInfo`` (blank node ``_:creationinfo``): created = the configuration's time,
  createdBy = the netsbom ``SoftwareAgent``, createdUsing = the netsbom ``Tool``;
- ``SpdxDocument`` (profiles core + software) whose root is a ``software_Sbom`` with
  ``software_sbomType`` ``deployed``, rooted at the network (``software_Package`` with purpose
  ``platform``, version ``<at>@<fingerprint[:12]>``);
- every CycloneDX component is a ``software_Package``: ``software_primaryPurpose`` device /
  operatingSystem / firmware / library / application, ``software_packageVersion``,
  ``suppliedBy`` an ``Organization``, CPE and purl as ``externalIdentifier`` (``cpe23``,
  ``packageUrl``), ``comment`` = how it was learned; an ``Annotation`` per package carries every
  ``netsbom:`` property; ``software_copyrightText`` and a ``hasConcludedLicense`` relationship
  to a ``simplelicensing_LicenseExpression`` (vendors' EULAs as ``CustomLicense``) or to
  ``NoneLicense`` where a licence is concluded (:mod:`.licences`);
- ``Relationship``: ``contains`` along the nesting (with ``completeness`` complete / incomplete
  for a device by what polling reached, ``noAssertion`` for external devices), ``dependsOn`` for
  the CycloneDX dependencies, ``other`` between the two devices of a link (comment: ports,
  protocols).
- with assessments (``--with-vulnerabilities``): the Security profile
  (:func:`netsbom.collector.sbom.vulnerabilities.spdx3_security_elements`): a
  ``security_Vulnerability`` per CVE and, from it to the device packages, the VEX relationship of
  each CycloneDX entry (affects / doesNotAffect / underInvestigationFor), SSVC, EPSS and KEV
  (exploit catalog) assessments, supplied by the netsbom agent; the documents then conform to
  ``security`` too and their ids cover the VEX content.

Ids are IRIs under a namespace derived from the fingerprint. Deterministic: same configuration,
same bytes.
"""

from __future__ import annotations

import re
import uuid
from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING

from netsbom.collector.sbom.build import build_document
from netsbom.collector.sbom.common import (
    PURPOSE_3,
    Json,
    dumps,
    how_learned,
    property_text,
    safe_id,
)
from netsbom.collector.sbom.model import Component, Document, Entity, walk
from netsbom.core import __version__
from netsbom.topology.configuration import Configuration

if TYPE_CHECKING:
    from netsbom.vuln.assess import Assessment

__all__ = ["CONTEXT_URL", "render", "render_spdx3", "to_spdx3", "write"]

CONTEXT_URL = "https://spdx.org/rdf/3.0.1/spdx-context.jsonld"
_BASE = "https://spdx.netsbom.invalid/spdx3"
_NAMESPACE_UUID = uuid.uuid5(uuid.NAMESPACE_URL, "https://netsbom/spdx3")
_CREATION = "_:creationinfo"
_HASH_3 = {
    "SHA-256": "sha256",
    "SHA-384": "sha384",
    "SHA-512": "sha512",
    "SHA-1": "sha1",
    "MD5": "md5",
}
_COMPLETENESS = {"complete": "complete", "incomplete": "incomplete", "unknown": "noAssertion"}
_NONE_LICENSE = "expandedlicensing_NoneLicense"  # the author concludes no licence is present
_LICENCE_REF = re.compile(r"LicenseRef-[A-Za-z0-9.\-]+")


def to_spdx3(config: Configuration, assessments: Iterable[Assessment] | None = None) -> Json:
    return write(build_document(config, assessments))


def write(doc: Document) -> Json:
    """The SPDX 3.0.1 JSON-LD of the model."""
    digest = doc.fingerprint
    base = f"{_BASE}/{uuid.uuid5(_NAMESPACE_UUID, digest)}"
    network = doc.network

    def iri(kind: str, key: str) -> str:
        return f"{base}/{kind}/{safe_id(key)}"

    agent_id = iri("agent", "netsbom")
    tool_id = iri("tool", f"netsbom-{__version__}")
    authors = [_agent("Person", iri("person", a.name), a) for a in doc.authors]
    comment = f"netsbom configuration sha256:{digest}"
    comment += "".join(f"; {k}={v}" for k, v in doc.properties)
    graph: list[Json] = [
        {
            "type": "CreationInfo",
            "@id": _CREATION,
            "specVersion": "3.0.1",
            "created": doc.at,
            "createdBy": [agent_id, *(a["spdxId"] for a in authors)],
            "createdUsing": [tool_id],
            "comment": comment,
        },
        *authors,
        {"type": "SoftwareAgent", "spdxId": agent_id, "creationInfo": _CREATION, "name": "netsbom"},
        {
            "type": "Tool",
            "spdxId": tool_id,
            "creationInfo": _CREATION,
            "name": f"netsbom {__version__}",
        },
    ]
    ids: dict[str, str] = {}
    organizations: dict[str, str] = {}
    contacts: dict[str, Entity] = {}
    elements: list[Json] = []
    annotations: list[Json] = []
    customs: dict[str, Json] = {}  # LicenseRef id -> its CustomLicense
    expressions: dict[str, Json] = {}  # expression -> its LicenseExpression
    concluded: list[tuple[str, str]] = []  # (package id, licence element id)
    custom_ids = {c.id: iri("licence", c.id) for c in doc.licences}
    for custom in doc.licences:
        customs[custom.id] = {
            "type": "expandedlicensing_CustomLicense",
            "spdxId": custom_ids[custom.id],
            "creationInfo": _CREATION,
            "name": custom.name,
            "simplelicensing_licenseText": custom.text,
        } | ({"expandedlicensing_seeAlso": [custom.url]} if custom.url else {})

    def licence_element(expression: str) -> str:
        """NoneLicense, a custom licence alone, or an expression naming its custom ones."""
        if expression == "NONE":
            return _NONE_LICENSE
        if expression in custom_ids:
            return custom_ids[expression]
        if expression not in expressions:
            refs = sorted(set(_LICENCE_REF.findall(expression)) & set(custom_ids))
            expressions[expression] = {
                "type": "simplelicensing_LicenseExpression",
                "spdxId": iri("licence-expression", expression),
                "creationInfo": _CREATION,
                "simplelicensing_licenseExpression": expression,
            } | (
                {
                    "simplelicensing_customIdToUri": [
                        {"type": "DictionaryEntry", "key": ref, "value": custom_ids[ref]}
                        for ref in refs
                    ]
                }
                if refs
                else {}
            )
        return str(expressions[expression]["spdxId"])

    def organization(entity: Entity) -> str:
        if entity.name not in organizations:
            organizations[entity.name] = iri("organization", entity.name)
            contacts[entity.name] = entity
        return organizations[entity.name]

    def add_package(component: Component) -> str:
        ref = component.ref
        spdx_id = iri("package", ref)
        ids[ref] = spdx_id
        package: Json = {
            "type": "software_Package",
            "spdxId": spdx_id,
            "creationInfo": _CREATION,
            "name": component.name,
            "software_primaryPurpose": PURPOSE_3.get(component.type, "other"),
        }
        if component.version:
            package["software_packageVersion"] = component.version
        if component.description:
            package["description"] = component.description
        supplier = component.supplier or component.manufacturer
        if supplier is not None:
            package["suppliedBy"] = organization(supplier)
        if component.copyright:
            package["software_copyrightText"] = component.copyright
        if component.licence:
            concluded.append((spdx_id, licence_element(component.licence)))
        if component.hashes:
            package["verifiedUsing"] = [
                {"type": "Hash", "algorithm": _HASH_3[h.algorithm], "hashValue": h.value}
                for h in component.hashes
                if h.algorithm in _HASH_3
            ]
        identifiers: list[Json] = []
        if component.cpe:
            identifiers.append(
                {
                    "type": "ExternalIdentifier",
                    "externalIdentifierType": "cpe23",
                    "identifier": component.cpe,
                }
            )
        if component.purl:
            identifiers.append(
                {
                    "type": "ExternalIdentifier",
                    "externalIdentifierType": "packageUrl",
                    "identifier": component.purl,
                }
            )
            package["software_packageUrl"] = component.purl
        if identifiers:
            package["externalIdentifier"] = identifiers
        comment = how_learned(component)
        if comment:
            package["comment"] = comment
        elements.append(package)
        statement = property_text(component)
        if statement:
            annotations.append(
                {
                    "type": "Annotation",
                    "spdxId": iri("annotation", ref),
                    "creationInfo": _CREATION,
                    "annotationType": "other",
                    "subject": spdx_id,
                    "statement": statement,
                }
            )
        return spdx_id

    network_id = add_package(network)
    contains: dict[str, list[str]] = defaultdict(list)
    completeness: dict[str, str] = {}
    for component, parent in walk(doc.components):
        child = add_package(component)
        if component.kind != "external":  # a neighbour outside the system: linked, not contained
            contains[ids[parent.ref] if parent is not None else network_id].append(child)
        if component.composition:
            completeness[component.ref] = component.composition
    by_id = {spdx_id: ref for ref, spdx_id in ids.items()}

    relationships: list[Json] = []

    def relate(kind: str, source: str, targets: list[str], **extra: str) -> None:
        key = f"{kind}:{source}:{','.join(targets)}:{extra.get('comment', '')}"
        relationship: Json = {
            "type": "Relationship",
            "spdxId": iri("relationship", key),
            "creationInfo": _CREATION,
            "from": source,
            "relationshipType": kind,
            "to": sorted(targets),
        }
        relationship.update(extra)
        relationships.append(relationship)

    for source, targets in contains.items():
        aggregate = completeness.get(by_id.get(source, ""))
        extra = {"completeness": _COMPLETENESS[aggregate]} if aggregate in _COMPLETENESS else {}
        relate("contains", source, targets, **extra)
    nested = {(s, t) for s, ts in contains.items() for t in ts}
    for dependency in doc.dependencies:
        ref = dependency.ref
        if ref not in ids or ref == network.ref:
            continue
        wanted = [
            ids[t] for t in dependency.depends_on if t in ids and (ids[ref], ids[t]) not in nested
        ]
        if wanted:
            relate("dependsOn", ids[ref], wanted)
    for service in doc.services:
        ends = [ids[e] for e in service.ends if e in ids]
        if ends:
            relate("other", ends[0], ends[1:] or ends[:1], comment=service.summary)
    for package_id, licence_id in concluded:
        relate("hasConcludedLicense", package_id, [licence_id])

    security: list[Json] = []
    profiles = ["core", "software"]
    document_key = network.name
    if doc.vulnerabilities:
        from netsbom.collector.sbom.vulnerabilities import spdx3_security_elements

        entries = [dict(v.entry) for v in doc.vulnerabilities]
        security = spdx3_security_elements(entries, ids, iri, _CREATION, supplier=agent_id)
        profiles.append("security")
        document_key = f"{network.name}:vex:{(doc.vex_digest or '')[:16]}"

    for name, org_id in sorted(organizations.items()):
        graph.append(_agent("Organization", org_id, contacts[name]))
    sbom_id = iri("sbom", document_key)
    licence_elements = sorted([*customs.values(), *expressions.values()], key=lambda e: e["spdxId"])
    content = [
        e["spdxId"] for e in (*elements, *licence_elements, *relationships, *annotations, *security)
    ]
    content += sorted(organizations.values())
    graph.append(
        {
            "type": "software_Sbom",
            "spdxId": sbom_id,
            "creationInfo": _CREATION,
            "name": f"{network.name} as deployed at {doc.at}",
            "software_sbomType": ["deployed"],
            "profileConformance": profiles,
            "rootElement": [network_id],
            "element": sorted(content),
        }
    )
    graph.append(
        {
            "type": "SpdxDocument",
            "spdxId": iri("document", document_key),
            "creationInfo": _CREATION,
            "name": f"{network.name} as deployed at {doc.at}",
            "profileConformance": profiles,
            "rootElement": [sbom_id],
            "element": sorted(
                [sbom_id, agent_id, tool_id, *(a["spdxId"] for a in authors), *content]
            ),
        }
        | (
            {
                "import": [
                    {"type": "ExternalMap", "externalSpdxId": bom.url, "locationHint": bom.url}
                    | (
                        {
                            "verifiedUsing": [
                                {
                                    "type": "Hash",
                                    "algorithm": _HASH_3[h.algorithm],
                                    "hashValue": h.value,
                                }
                                for h in bom.hashes
                                if h.algorithm in _HASH_3
                            ]
                        }
                        if any(h.algorithm in _HASH_3 for h in bom.hashes)
                        else {}
                    )
                    for bom in doc.external_boms
                ]
            }
            if doc.external_boms
            else {}
        )
    )
    graph += sorted(elements, key=lambda e: e["spdxId"])
    graph += licence_elements
    graph += sorted(relationships, key=lambda e: e["spdxId"])
    graph += sorted(annotations, key=lambda e: e["spdxId"])
    graph += sorted(security, key=lambda e: e["spdxId"])
    return {"@context": CONTEXT_URL, "@graph": graph}


def render_spdx3(config: Configuration, assessments: Iterable[Assessment] | None = None) -> bytes:
    return render(build_document(config, assessments))


def render(doc: Document, *, compact: bool = False) -> bytes:
    return dumps(write(doc), sort_keys=False, compact=compact)


def _agent(kind: str, spdx_id: str, entity: Entity) -> Json:
    out: Json = {"type": kind, "spdxId": spdx_id, "creationInfo": _CREATION, "name": entity.name}
    identifiers = [
        {"type": "ExternalIdentifier", "externalIdentifierType": "email", "identifier": e}
        for e in (entity.email,)
        if e
    ]
    if identifiers:
        out["externalIdentifier"] = identifiers
    if entity.url:
        out["externalRef"] = [
            {"type": "ExternalRef", "externalRefType": "other", "locator": [entity.url]}
        ]
    return out
