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
- external devices (neighbours nobody polled) are ``DEVICE`` packages whose comment says so;
- with assessments (``--with-vulnerabilities``; SPDX 2.3 has no VEX model): each CVE that
  affects a device is a ``SECURITY`` / ``advisory`` external reference of its package (locator:
  the NVD page; comment: KEV, EPSS, SSVC), and one more annotation per device lists every VEX
  statement of the CycloneDX document (``CVE: state (justification)``); the namespace then
  covers the VEX content.

Deterministic: same configuration, same bytes.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING

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
from netsbom.core import __version__
from netsbom.topology.configuration import Configuration, fingerprint

if TYPE_CHECKING:
    from netsbom.vuln.assess import Assessment

__all__ = ["NAMESPACE_BASE", "render_spdx2", "to_spdx2"]

NAMESPACE_BASE = "https://spdx.netsbom.invalid/spdx2"
_TOOL = f"Tool: netsbom-{__version__}"
_NAMESPACE_UUID = uuid.uuid5(uuid.NAMESPACE_URL, "https://netsbom/spdx2")


def to_spdx2(config: Configuration, assessments: Iterable[Assessment] | None = None) -> Json:
    doc = to_cyclonedx(config, assessments)
    digest = config_digest = fingerprint(config)
    vex = _vex_by_ref(doc.get("vulnerabilities") or [])
    if doc.get("vulnerabilities"):
        from netsbom.collector.sbom.vulnerabilities import vulnerabilities_digest

        digest = f"{digest}:vex:{vulnerabilities_digest(doc['vulnerabilities'])}"
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
        package = _package(component, spdx_id(ref), config.at, completeness.get(ref))
        if ref in vex:
            _add_vex(package, vex[ref], config.at)
        packages.append(package)
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
            "comment": f"netsbom configuration sha256:{config_digest}; "
            "lifecycle operations/discovery" + ("; with VEX" if vex else ""),
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


def render_spdx2(config: Configuration, assessments: Iterable[Assessment] | None = None) -> bytes:
    text = (
        json.dumps(to_spdx2(config, assessments), sort_keys=True, indent=2, ensure_ascii=False)
        + "\n"
    )
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


def _vex_by_ref(entries: list[Json]) -> dict[str, list[Json]]:
    """bom-ref -> the CycloneDX ``vulnerabilities`` entries whose ``affects`` name it."""
    by_ref: dict[str, list[Json]] = {}
    for entry in entries:
        for affect in entry.get("affects") or ():
            by_ref.setdefault(affect["ref"], []).append(entry)
    return by_ref


def _add_vex(package: Json, entries: list[Json], at: str) -> None:
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


def _agent_text(name: str) -> str:
    """Supplier names may not contain the ``(``/``)`` SPDX reserves for an e-mail address."""
    return name.replace("(", "[").replace(")", "]").strip() or "NOASSERTION"


def _slug(text: str) -> str:
    return safe_id(text).rsplit("-", 1)[0] or "network"
