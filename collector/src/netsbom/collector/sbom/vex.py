"""VEX as a document of its own (``netsbom sbom vex``), linked to the SBOM by BOM-Link.

BSI TR-03183-2 wants vulnerability data outside the SBOM: the SBOM is exported without
``vulnerabilities`` (its serial number then follows from the fingerprint alone) and the VEX
names the SBOM's components by BOM-Link, ``urn:cdx:<SBOM serial uuid>/1#<bom-ref>``
(CycloneDX 1.6 ``bomLinkElementType``).

- CycloneDX VEX: a CycloneDX 1.6 BOM with ``vulnerabilities`` only; ``affects[].ref`` are
  BOM-Links to the OS components (version + CPE); ``metadata.component`` is the network and an
  ``externalReferences`` entry of type ``bom`` names the SBOM.
- Both say which feeds the statements come from and of when (CycloneDX ``metadata.properties``
  ``netsbom:feeds:*``; OpenVEX ``tooling``): CVE records, NVD records, KEV, EPSS.
- OpenVEX 0.2.0: one statement per VEX entry; ``products`` are the same BOM-Links with the
  component's CPE and purl as identifiers; ``not_affected`` carries a justification
  (``vulnerable_code_not_present`` for the version, ``component_not_present`` for the hardware)
  and an impact statement, ``affected`` an action statement.

Deterministic: same model, same bytes (ids derive from the fingerprint and the VEX content).
"""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import quote

from netsbom.collector.sbom.common import dumps
from netsbom.collector.sbom.cyclonedx_json import JSON_SCHEMA_URL, SPEC_VERSION, contact, tools
from netsbom.collector.sbom.model import SERIAL_NAMESPACE, Component, Document, walk
from netsbom.core.errors import ExportError

__all__ = ["OPENVEX_CONTEXT", "VEX_FORMATS", "bom_link", "cyclonedx_vex", "openvex", "render_vex"]

VEX_FORMATS = ("cyclonedx-vex", "openvex")
OPENVEX_CONTEXT = "https://openvex.dev/ns/v0.2.0"
Json = dict[str, Any]
_OPENVEX_STATUS = {
    "exploitable": "affected",
    "in_triage": "under_investigation",
    "not_affected": "not_affected",
}
_OPENVEX_JUSTIFICATION = {
    "code_not_present": "vulnerable_code_not_present",
    "requires_environment": "component_not_present",
}
_ACTION = (
    "Upgrade the operating system to a release the vendor lists as fixed for its train, or "
    "apply the vendor's workaround."
)


def sbom_serial(doc: Document) -> str:
    """The serial number of the SBOM without VEX (what ``sbom export`` writes without
    ``--with-vulnerabilities``): the VEX links to it."""
    return f"urn:uuid:{uuid.uuid5(SERIAL_NAMESPACE, doc.fingerprint)}"


def bom_link(doc: Document, ref: str | None = None) -> str:
    """``urn:cdx:<uuid>/1`` for the SBOM, ``...#<bom-ref>`` for one of its components."""
    link = f"urn:cdx:{sbom_serial(doc).removeprefix('urn:uuid:')}/1"
    return f"{link}#{quote(ref, safe='')}" if ref is not None else link


def _feeds(doc: Document) -> list[tuple[str, str]]:
    """The feeds the statements were judged from, and of when (``netsbom:feeds:*``)."""
    return [(k, v) for k, v in doc.properties if k.startswith("netsbom:feeds:")]


def _require_vex(doc: Document) -> None:
    if not doc.vulnerabilities:
        raise ExportError(
            "no VEX statements: the feeds name no CVE for these devices (nothing to write)"
        )


def cyclonedx_vex(doc: Document) -> Json:
    _require_vex(doc)
    entries = []
    for vulnerability in doc.vulnerabilities:
        entry = dict(vulnerability.entry)
        entry["affects"] = [
            {**affect, "ref": bom_link(doc, affect["ref"])} for affect in entry["affects"]
        ]
        entries.append(entry)
    network = doc.network
    metadata: Json = {
        "timestamp": doc.at,
        "tools": tools(doc),
        "component": {
            "type": "platform",
            "bom-ref": network.ref,
            "name": network.name,
            "version": network.version,
            "externalReferences": [
                {
                    "type": "bom",
                    "url": bom_link(doc),
                    "comment": "the SBOM these statements are about",
                }
            ],
        },
    }
    if doc.authors:
        metadata["authors"] = [contact(a) for a in doc.authors]
    if _feeds(doc):
        metadata["properties"] = [{"name": k, "value": v} for k, v in _feeds(doc)]
    return {
        "$schema": JSON_SCHEMA_URL,
        "bomFormat": "CycloneDX",
        "specVersion": SPEC_VERSION,
        "serialNumber": f"urn:uuid:{uuid.uuid5(SERIAL_NAMESPACE, f'{doc.id_key}:vex-document')}",
        "version": 1,
        "metadata": metadata,
        "vulnerabilities": entries,
    }


def openvex(doc: Document) -> Json:
    _require_vex(doc)
    components: dict[str, Component] = {c.ref: c for c, _ in walk(doc.components)}
    statements: list[Json] = []
    for vulnerability in doc.vulnerabilities:
        entry = vulnerability.entry
        analysis = entry.get("analysis") or {}
        status = _OPENVEX_STATUS.get(vulnerability.state, "under_investigation")
        statement: Json = {
            "vulnerability": {
                "name": vulnerability.id,
                "@id": (entry.get("source") or {}).get("url")
                or f"https://nvd.nist.gov/vuln/detail/{vulnerability.id}",
            },
            "products": [_product(doc, ref, components.get(ref)) for ref in vulnerability.affects],
            "status": status,
        }
        detail = analysis.get("detail")
        if status == "not_affected":
            statement["justification"] = _OPENVEX_JUSTIFICATION.get(
                vulnerability.justification or "", "vulnerable_code_not_present"
            )
            if detail:
                statement["impact_statement"] = detail
        elif status == "affected":
            statement["action_statement"] = _ACTION
            if detail:
                statement["status_notes"] = detail
        elif detail:
            statement["status_notes"] = detail
        statements.append(statement)
    author = ", ".join(a.name for a in doc.authors) or "netsbom"
    return {
        "@context": OPENVEX_CONTEXT,
        "@id": f"urn:uuid:{uuid.uuid5(SERIAL_NAMESPACE, f'{doc.id_key}:openvex')}",
        "author": author,
        "timestamp": doc.at,
        "version": 1,
        "tooling": f"netsbom {doc.tool_version}"
        + "".join(f"; {k.removeprefix('netsbom:')}: {v}" for k, v in _feeds(doc)),
        "statements": statements,
    }


def _product(doc: Document, ref: str, component: Component | None) -> Json:
    product: Json = {"@id": bom_link(doc, ref)}
    identifiers = {}
    if component is not None and component.cpe:
        identifiers["cpe23"] = component.cpe
    if component is not None and component.purl:
        identifiers["purl"] = component.purl
    if identifiers:
        product["identifiers"] = identifiers
    return product


def render_vex(doc: Document, fmt: str, *, compact: bool = False) -> bytes:
    if fmt == "cyclonedx-vex":
        return dumps(cyclonedx_vex(doc), compact=compact)
    if fmt == "openvex":
        return dumps(openvex(doc), sort_keys=False, compact=compact)
    raise ExportError(f"unknown VEX format {fmt!r} (one of {', '.join(VEX_FORMATS)})")
