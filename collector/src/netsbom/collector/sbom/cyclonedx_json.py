"""CycloneDX 1.6 JSON of the SBOM model (:mod:`netsbom.collector.sbom.model`).

Plain dicts + orjson (:func:`~netsbom.collector.sbom.common.dumps`): cyclonedx-python-lib's
model is quadratic at fleet size (FIELD-NOTES; measured in bench group ``library``). Shape
(``netsbom:`` properties carry what CycloneDX has no field for):

- ``metadata``: ``timestamp`` = the configuration's time (never the wall clock); lifecycles
  operations + discovery; the tool; ``authors`` and ``supplier`` when given; ``component`` = the
  network (type ``platform``, version ``<at>@<fingerprint[:12]>``); ``externalReferences`` type
  ``bom`` for vendor product SBOMs; document ``properties``.
- components as the model nests them (device -> os / modules -> firmware / packages), external
  devices at the top; ``supplier``, ``manufacturer``, ``hashes``, ``cpe``, ``purl``, identity
  ``evidence``; ``netsbom:virtual`` for virtual appliances;
- links and shared segments as ``services``; ``dependencies`` (every component has an entry);
  ``compositions`` complete / incomplete / unknown; ``vulnerabilities`` (VEX) when assessed.

Deterministic: same model, same bytes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from netsbom.collector.sbom.common import dumps
from netsbom.collector.sbom.model import (
    TOOL_REF,
    Component,
    CustomLicence,
    Document,
    Entity,
    ExternalBom,
    Service,
)

__all__ = ["JSON_SCHEMA_URL", "SPEC_VERSION", "dumps", "render", "to_dict"]

SPEC_VERSION = "1.6"
JSON_SCHEMA_URL = "http://cyclonedx.org/schema/bom-1.6.schema.json"
Json = dict[str, Any]


def to_dict(doc: Document) -> Json:
    """The CycloneDX 1.6 document as JSON-ready dicts."""
    metadata: Json = {
        "timestamp": doc.at,
        "lifecycles": [{"phase": "operations"}, {"phase": "discovery"}],
        "tools": tools(doc),
    }
    if doc.authors:
        metadata["authors"] = [contact(a) for a in doc.authors]
    if doc.supplier is not None:
        metadata["supplier"] = _organization(doc.supplier)
    licences = {c.id: c for c in doc.licences}
    network = component(doc.network, licences=licences)
    boms = [b for b in doc.external_boms if b.component is None]
    if boms:
        network["externalReferences"] = [_bom_reference(b) for b in boms]
    metadata["component"] = network
    if doc.properties:
        metadata["properties"] = _properties(doc.properties)
    out: Json = {
        "$schema": JSON_SCHEMA_URL,
        "bomFormat": "CycloneDX",
        "specVersion": SPEC_VERSION,
        "serialNumber": doc.serial,
        "version": 1,
        "metadata": metadata,
    }
    attached: dict[str, list[Json]] = {}
    for bom in doc.external_boms:
        if bom.component is not None:
            attached.setdefault(bom.component, []).append(_bom_reference(bom))
    if doc.components:
        out["components"] = [component(c, attached, licences) for c in doc.components]
    if doc.services:
        out["services"] = [service(s) for s in doc.services]
    out["dependencies"] = [
        {"ref": d.ref, "dependsOn": list(d.depends_on)} if d.depends_on else {"ref": d.ref}
        for d in doc.dependencies
    ]
    compositions = [
        {"aggregate": aggregate, "assemblies": refs} for aggregate, refs in doc.compositions()
    ]
    if compositions:
        out["compositions"] = compositions
    if doc.vulnerabilities:
        out["vulnerabilities"] = [dict(v.entry) for v in doc.vulnerabilities]
    return out


def render(doc: Document, *, compact: bool = False) -> bytes:
    return dumps(to_dict(doc), compact=compact)


def component(
    c: Component,
    attached: dict[str, list[Json]] | None = None,
    licences: Mapping[str, CustomLicence] | None = None,
) -> Json:
    out: Json = {"type": c.type, "bom-ref": c.ref, "name": c.name}
    if c.version:
        out["version"] = c.version
    if c.supplier is not None:
        out["supplier"] = _organization(c.supplier)
    if c.manufacturer is not None:
        out["manufacturer"] = _organization(c.manufacturer)
    if c.description:
        out["description"] = c.description
    if c.hashes:
        out["hashes"] = [{"alg": h.algorithm, "content": h.value} for h in c.hashes]
    if c.licence and c.licence != "NONE":  # NONE (hardware): CycloneDX has no such statement
        out["licenses"] = [_licence(c.licence, licences or {})]
    if c.copyright and c.copyright != "NONE":
        out["copyright"] = c.copyright
    if c.cpe:
        out["cpe"] = c.cpe
    if c.purl:
        out["purl"] = c.purl
    if attached and c.ref in attached:
        out["externalReferences"] = attached[c.ref]
    if c.properties:
        out["properties"] = _properties(c.properties)
    if c.children:
        out["components"] = [component(child, attached, licences) for child in c.children]
    if c.evidence:
        out["evidence"] = {
            "identity": [
                {
                    "field": identity.field,
                    "confidence": identity.confidence,
                    "methods": [
                        {"technique": "other", "confidence": confidence, "value": value}
                        for confidence, value in identity.methods
                    ],
                }
                for identity in c.evidence
            ]
        }
    return out


def service(s: Service) -> Json:
    out: Json = {"bom-ref": s.ref, "name": s.name, "description": s.description}
    if s.properties:
        out["properties"] = _properties(s.properties)
    return out


def _licence(expression: str, licences: Mapping[str, CustomLicence]) -> Json:
    """A concluded licence: a custom one alone by its name and URL, else as an expression."""
    custom = licences.get(expression)
    if custom is not None:
        named: Json = {"name": custom.name, "acknowledgement": "concluded"}
        if custom.url:
            named["url"] = custom.url
        return {"license": named}
    return {"expression": expression, "acknowledgement": "concluded"}


def _properties(pairs: tuple[tuple[str, str], ...]) -> list[dict[str, str]]:
    return [{"name": name, "value": value} for name, value in pairs]


def _organization(entity: Entity) -> Json:
    out: Json = {"name": entity.name}
    if entity.url:
        out["url"] = [entity.url]
    if entity.email:
        out["contact"] = [{"name": entity.name, "email": entity.email}]
    return out


def tools(doc: Document) -> Json:
    """``metadata.tools``: netsbom, the tool that wrote the document (SBOM and VEX alike)."""
    tool = {"type": "application", "bom-ref": TOOL_REF, "name": "netsbom"}
    return {"components": [{**tool, "version": doc.tool_version}]}


def contact(entity: Entity) -> Json:
    """An author: name and e-mail (``organizationalContact``)."""
    out: Json = {"name": entity.name}
    if entity.email:
        out["email"] = entity.email
    return out


def _bom_reference(bom: ExternalBom) -> Json:
    out: Json = {"type": "bom", "url": bom.url}
    if bom.comment:
        out["comment"] = bom.comment
    if bom.hashes:
        out["hashes"] = [{"alg": h.algorithm, "content": h.value} for h in bom.hashes]
    return out
