"""SPDX 2.3 JSON for a deployment configuration (same content as the CycloneDX document).

Shape:

- the document ``DESCRIBES`` the network, a package with purpose ``OTHER`` whose version is
  ``<at>@<fingerprint[:12]>``; ``documentNamespace`` follows from the fingerprint;
  ``creationInfo.created`` is the configuration's time (never the wall clock);
- every CycloneDX component becomes a package: devices ``DEVICE``, operating systems
  ``OPERATING-SYSTEM``, firmware ``FIRMWARE``, packages ``LIBRARY``/``APPLICATION``; supplier =
  manufacturer; CPE and purl as ``externalRefs``; ``comment`` = how it was learned (SNMP/SSH
  sources, evidence); one annotation per package carries every ``netsbom:`` property
  (serial, model, report id, errors...);
- nesting is ``CONTAINS`` (network -> device -> OS / module / package; module -> firmware), the
  CycloneDX dependencies are ``DEPENDS_ON``; a link is an ``OTHER`` relationship between the two
  devices whose comment names the ports and protocols;
- external devices (neighbours nobody polled) are ``DEVICE`` packages whose comment says so.

Deterministic: same configuration, same bytes.
"""

from __future__ import annotations

import json
import uuid

from netsbom import __version__
from netsbom.collector.sbom.common import (
    PURPOSE_2,
    Json,
    composition_of,
    how_learned,
    link_text,
    property_text,
    safe_id,
    walk,
)
from netsbom.collector.sbom.cyclonedx import to_cyclonedx
from netsbom.topology.configuration import Configuration, fingerprint

__all__ = ["NAMESPACE_BASE", "render_spdx2", "to_spdx2"]

NAMESPACE_BASE = "https://spdx.netsbom.invalid/spdx2"
_TOOL = f"Tool: netsbom-{__version__}"
_NAMESPACE_UUID = uuid.uuid5(uuid.NAMESPACE_URL, "https://netsbom/spdx2")


def to_spdx2(config: Configuration) -> Json:
    doc = to_cyclonedx(config)
    digest = fingerprint(config)
    metadata = doc["metadata"]
    network = metadata["component"]
    ids: dict[str, str] = {}

    def spdx_id(ref: str) -> str:
        if ref not in ids:
            ids[ref] = f"SPDXRef-{safe_id(ref)}"
        return ids[ref]

    completeness = composition_of(doc)
    packages: list[Json] = [_package(network, spdx_id(network["bom-ref"]), config.at, None)]
    relationships: list[tuple[str, str, str, str | None]] = [
        ("SPDXRef-DOCUMENT", "DESCRIBES", spdx_id(network["bom-ref"]), None)
    ]
    for flat in walk(doc.get("components") or []):
        component = flat.component
        ref = component["bom-ref"]
        packages.append(_package(component, spdx_id(ref), config.at, completeness.get(ref)))
        parent = flat.parent or network["bom-ref"]
        relationships.append((spdx_id(parent), "CONTAINS", spdx_id(ref), None))
    contained = {(a, b) for a, kind, b, _ in relationships if kind == "CONTAINS"}
    for dependency in doc.get("dependencies") or ():
        source = dependency["ref"]
        if source.startswith("link:") or source not in ids:
            continue
        for target in dependency.get("dependsOn") or ():
            if target in ids and (spdx_id(source), spdx_id(target)) not in contained:
                relationships.append((spdx_id(source), "DEPENDS_ON", spdx_id(target), None))
    depends_on = {d["ref"]: d.get("dependsOn") or [] for d in doc.get("dependencies") or ()}
    for service in doc.get("services") or ():
        ends = depends_on.get(service["bom-ref"], [])
        if len(ends) == 2:  # a link has two ends (one when it is a self-loop)
            a, b = ends
        elif len(ends) == 1:
            a = b = ends[0]
        else:
            continue
        relationships.append((spdx_id(a), "OTHER", spdx_id(b), link_text(service)))

    unique_relationships = sorted(set(relationships), key=lambda r: (r[0], r[1], r[2], r[3] or ""))
    document: Json = {
        "spdxVersion": "SPDX-2.3",
        "dataLicense": "CC0-1.0",
        "SPDXID": "SPDXRef-DOCUMENT",
        "name": f"{config.network} as deployed at {config.at}",
        "documentNamespace": f"{NAMESPACE_BASE}/{_slug(config.network)}-"
        f"{uuid.uuid5(_NAMESPACE_UUID, digest)}",
        "creationInfo": {
            "created": config.at,
            "creators": [_TOOL],
            "comment": f"netsbom configuration sha256:{digest}; lifecycle operations/discovery",
        },
        "documentDescribes": [spdx_id(network["bom-ref"])],
        "packages": sorted(packages, key=lambda p: p["SPDXID"]),
        "relationships": [
            {"spdxElementId": a, "relationshipType": kind, "relatedSpdxElement": b}
            | ({"comment": comment} if comment else {})
            for a, kind, b, comment in unique_relationships
        ],
    }
    return document


def render_spdx2(config: Configuration) -> bytes:
    text = json.dumps(to_spdx2(config), sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    return text.encode("utf-8")


def _package(component: Json, spdx_id: str, at: str, completeness: str | None) -> Json:
    package: Json = {
        "SPDXID": spdx_id,
        "name": component["name"],
        "downloadLocation": "NOASSERTION",
        "filesAnalyzed": False,
        "primaryPackagePurpose": PURPOSE_2.get(component["type"], "OTHER"),
    }
    if component.get("version"):
        package["versionInfo"] = component["version"]
    manufacturer = (component.get("manufacturer") or {}).get("name")
    if manufacturer:
        package["supplier"] = f"Organization: {_agent_text(manufacturer)}"
    if component.get("description"):
        package["description"] = component["description"]
    refs: list[Json] = []
    if component.get("cpe"):
        refs.append(
            {
                "referenceCategory": "SECURITY",
                "referenceType": "cpe23Type",
                "referenceLocator": component["cpe"],
            }
        )
    if component.get("purl"):
        refs.append(
            {
                "referenceCategory": "PACKAGE-MANAGER",
                "referenceType": "purl",
                "referenceLocator": component["purl"],
            }
        )
    if refs:
        package["externalRefs"] = refs
    comment = how_learned(component)
    if completeness:
        comment = f"composition: {completeness}" + (f"; {comment}" if comment else "")
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


def _agent_text(name: str) -> str:
    """Supplier names may not contain the ``(``/``)`` SPDX reserves for an e-mail address."""
    return name.replace("(", "[").replace(")", "]").strip() or "NOASSERTION"


def _slug(text: str) -> str:
    return safe_id(text).rsplit("-", 1)[0] or "network"
