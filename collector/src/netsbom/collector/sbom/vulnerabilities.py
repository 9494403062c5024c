"""Vulnerabilities (VEX) in the exports, from firmware assessments.

CycloneDX: the entries themselves come from :func:`netsbom.vuln.vex.vulnerabilities_for_cyclonedx`
(analysis, affects, SSVC rating, KEV/EPSS properties); this module decides which assessments go
into one entry and which bom-ref each device has:

- one entry per (CVE, VEX status, SSVC outcome): ``exploitable`` (some device affected),
  ``in_triage`` (undecidable), ``not_affected`` + ``code_not_present`` (version) and
  ``not_affected`` + ``requires_environment`` (hardware). An analysis applies to every device in
  its ``affects``, so a device that is not affected never sits under an ``exploitable`` entry
  and each not-affected device keeps its own justification. ``bom-ref``
  ``vuln:<CVE>:<status>`` (``#2``... when a CVE has several SSVC outcomes, e.g. by labels);
- ``affects`` points at the exact bom-ref of the component that carries each record's assessed
  version and CPE (its OS component; :mod:`netsbom.collector.sbom.model` hands out the refs),
  keyed by (target id, device name) as the assessment carries them, so two records with one
  hostname (a ``name-conflict``) stay apart; in ``detail`` such devices read
  ``name [target id]``;
- CVEs about other products (basis ``product``) are left out.

SPDX 3.0.1: :func:`spdx3_security_elements` turns the CycloneDX entries into Security-profile
elements (see :mod:`netsbom.collector.sbom.spdx3`).

Linear in the number of assessments; deterministic order (CVE year/number, status, SSVC).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from decimal import Decimal, InvalidOperation
from typing import Any

from netsbom.vuln.assess import Assessment
from netsbom.vuln.verdict import BASIS_HARDWARE, BASIS_PRODUCT
from netsbom.vuln.vex import vulnerabilities_for_cyclonedx

__all__ = [
    "KEV_CATALOG_URL",
    "cyclonedx_vulnerabilities",
    "spdx3_security_elements",
    "vulnerabilities_digest",
]

Json = dict[str, Any]

KEV_CATALOG_URL = "https://www.cisa.gov/known-exploited-vulnerabilities-catalog"
NVD_URL = "https://nvd.nist.gov/vuln/detail/"
# Entry order within a CVE, and the bom-ref suffix of each status.
_STATUS_ORDER = ("exploitable", "in_triage", "code_not_present", "requires_environment")
_CVE_NUMBER = re.compile(r"^CVE-(\d+)-(\d+)$", re.IGNORECASE)

# CycloneDX -> SPDX 3.0.1 Security profile
_SPDX_VEX = {
    "exploitable": ("security_VexAffectedVulnAssessmentRelationship", "affects"),
    "in_triage": (
        "security_VexUnderInvestigationVulnAssessmentRelationship",
        "underInvestigationFor",
    ),
    "not_affected": ("security_VexNotAffectedVulnAssessmentRelationship", "doesNotAffect"),
}
# code_not_present: the deployed release does not carry the vulnerable code.
# requires_environment (hardware): the platform the vulnerable code needs is not in the product.
_SPDX_JUSTIFICATION = {
    "code_not_present": "vulnerableCodeNotPresent",
    "requires_environment": "componentNotPresent",
}
_SPDX_SSVC = {"Act": "act", "Attend": "attend", "Track": "track", "Track*": "trackStar"}
_ACTION = (
    "Upgrade the device's operating system to a release the vendor lists as fixed for its "
    "train, or apply the vendor's workaround; see the status notes for each device's reason."
)


# --- CycloneDX -----------------------------------------------------------------------------------


def cyclonedx_vulnerabilities(
    assessments: Iterable[Assessment],
    device_refs: Mapping[tuple[str, str], str],
    take_ref: Callable[[str], str] | None = None,
) -> list[Json]:
    """CycloneDX 1.6 ``vulnerabilities`` for the devices in ``device_refs``.

    ``device_refs`` maps (target id, device name) to the bom-ref VEX names (the OS component);
    ``take_ref`` hands out unique bom-refs (the document builder's; by default a counter
    that adds ``#2``, ``#3``... to a taken one)."""
    labels = _labels(device_refs)
    groups: dict[tuple[str, str, str], dict[str, Assessment]] = {}
    # A fleet repeats the same SSVC outcome and reason texts: keep one copy of each.
    shared_ssvc: dict[str, dict[str, Any]] = {}
    shared_text: dict[str, str] = {}
    for item in assessments:
        if item.affected is False and item.basis == BASIS_PRODUCT:
            continue
        key = (item.target_id, item.device)
        ref = device_refs.get(key)
        if ref is None:
            continue
        ssvc_key = _ssvc_key(item.ssvc)
        group = groups.setdefault((item.cve, vex_state(item), ssvc_key), {})
        if ref not in group:  # one statement per device
            group[ref] = replace(
                item,
                device=labels[key],
                reason=shared_text.setdefault(item.reason, item.reason),
                ssvc=shared_ssvc.setdefault(ssvc_key, item.ssvc),
            )
    take = take_ref or _unique_refs()
    entries: list[Json] = []
    for (cve, status, _), by_ref in sorted(groups.items(), key=_group_order):
        refs = {item.device: ref for ref, item in by_ref.items()}
        for entry in vulnerabilities_for_cyclonedx(by_ref.values(), refs):
            entry["bom-ref"] = take(f"vuln:{cve}:{status}")
            entries.append(entry)
    return entries


def _unique_refs() -> Callable[[str], str]:
    taken: set[str] = set()

    def take(wanted: str) -> str:
        ref, n = wanted, 1
        while ref in taken:
            n += 1
            ref = f"{wanted}#{n}"
        taken.add(ref)
        return ref

    return take


def vulnerabilities_digest(entries: list[Json]) -> str:
    """sha256 of the entries' canonical JSON: documents that differ only in VEX differ in id."""
    text = json.dumps(entries, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _labels(device_refs: Mapping[tuple[str, str], str]) -> dict[tuple[str, str], str]:
    """The name a device has in ``detail``: its name, with the target id when names repeat."""
    count: dict[str, int] = {}
    for _, name in device_refs:
        count[name] = count.get(name, 0) + 1
    return {
        (target, name): name if count[name] == 1 else f"{name} [{target}]"
        for target, name in device_refs
    }


def vex_state(item: Assessment) -> str:
    """The CycloneDX VEX analysis state of an assessment."""
    if item.affected is True:
        return "exploitable"
    if item.affected is None:
        return "in_triage"
    return "requires_environment" if item.basis == BASIS_HARDWARE else "code_not_present"


def _ssvc_key(ssvc: Mapping[str, Any]) -> str:
    return json.dumps(ssvc, sort_keys=True, default=str)


def _group_order(item: tuple[tuple[str, str, str], Any]) -> tuple[object, ...]:
    cve, status, ssvc = item[0]
    return (cve_key(cve), _STATUS_ORDER.index(status), ssvc)


def cve_key(cve: str) -> tuple[int, int, str]:
    """CVE-2020-3566 before CVE-2020-10189 (by year, then number)."""
    match = _CVE_NUMBER.match(cve)
    if match is None:
        return (0, 0, cve)
    return (int(match.group(1)), int(match.group(2)), cve)


# --- SPDX 3.0.1 ----------------------------------------------------------------------------------


def spdx3_security_elements(
    entries: list[Json],
    element_ids: Mapping[str, str],
    iri: Callable[[str, str], str],
    creation: str,
    supplier: str,
) -> list[Json]:
    """Security-profile elements for CycloneDX ``vulnerabilities`` entries.

    - a ``security_Vulnerability`` per CVE (external identifier ``cve``, locator NVD);
    - per entry a VEX relationship from the vulnerability to the entry's devices:
      ``security_VexAffectedVulnAssessmentRelationship`` (``affects``, with an action
      statement), ``security_VexNotAffectedVulnAssessmentRelationship`` (``doesNotAffect``,
      justification ``vulnerableCodeNotPresent`` for the version, ``componentNotPresent`` for
      the hardware) or ``security_VexUnderInvestigationVulnAssessmentRelationship``
      (``underInvestigationFor``); the reasons as status notes / impact statement;
    - per entry with an SSVC rating a ``security_SsvcVulnAssessmentRelationship``
      (``hasAssessmentFor``, decision act / attend / track / trackStar);
    - per CVE a ``security_EpssVulnAssessmentRelationship`` (probability, percentile) and, for
      KEV CVEs, a ``security_ExploitCatalogVulnAssessmentRelationship`` (kev, exploited, the
      catalog's URL), both for every device the CVE's entries name.

    ``element_ids`` maps bom-refs to SPDX ids; ``iri(kind, key)`` makes ids; ``supplier`` is
    the agent that made the assessments."""
    vulnerabilities: dict[str, Json] = {}
    per_cve_targets: dict[str, set[str]] = {}
    per_cve_properties: dict[str, dict[str, str]] = {}
    relationships: list[Json] = []

    def relation(kind: str, key: str, source: str, rel: str, to: list[str]) -> Json:
        return {
            "type": kind,
            "spdxId": iri("relationship", key),
            "creationInfo": creation,
            "from": source,
            "relationshipType": rel,
            "to": to,
            "suppliedBy": supplier,
        }

    for entry in entries:
        cve = entry["id"]
        targets = sorted(
            {element_ids[a["ref"]] for a in entry["affects"] if a["ref"] in element_ids}
        )
        if not targets:
            continue
        vuln_id = iri("vulnerability", cve)
        if cve not in vulnerabilities:
            vulnerabilities[cve] = _vulnerability(cve, vuln_id, entry, creation)
        per_cve_targets.setdefault(cve, set()).update(targets)
        properties = {p["name"]: p["value"] for p in entry.get("properties") or ()}
        per_cve_properties.setdefault(cve, properties)

        analysis = entry["analysis"]
        kind, rel = _SPDX_VEX[analysis["state"]]
        vex = relation(kind, f"vex:{entry['bom-ref']}", vuln_id, rel, targets)
        detail = analysis.get("detail")
        if analysis["state"] == "not_affected":
            vex["security_justificationType"] = _SPDX_JUSTIFICATION.get(
                analysis.get("justification", ""), "vulnerableCodeNotPresent"
            )
            if detail:
                vex["security_impactStatement"] = detail
        else:
            if analysis["state"] == "exploitable":
                vex["security_actionStatement"] = _ACTION
            if detail:
                vex["security_statusNotes"] = detail
        relationships.append(vex)

        decision = _SPDX_SSVC.get(properties.get("netsbom:vuln:ssvc:decision", ""))
        rating = next((r for r in entry.get("ratings") or () if r.get("method") == "SSVC"), None)
        if rating is not None and decision is not None:
            ssvc = relation(
                "security_SsvcVulnAssessmentRelationship",
                f"ssvc:{entry['bom-ref']}",
                vuln_id,
                "hasAssessmentFor",
                targets,
            )
            ssvc["security_decisionType"] = decision
            if rating.get("vector"):
                ssvc["comment"] = rating["vector"]
            relationships.append(ssvc)

    for cve, cve_targets in per_cve_targets.items():
        vuln_id = iri("vulnerability", cve)
        properties = per_cve_properties[cve]
        to = sorted(cve_targets)
        probability = _decimal(properties.get("netsbom:vuln:epss:score"))
        percentile = _decimal(properties.get("netsbom:vuln:epss:percentile"))
        if probability is not None and percentile is not None:
            epss = relation(
                "security_EpssVulnAssessmentRelationship",
                f"epss:{cve}",
                vuln_id,
                "hasAssessmentFor",
                to,
            )
            epss["security_probability"] = probability
            epss["security_percentile"] = percentile
            relationships.append(epss)
        if properties.get("netsbom:vuln:kev") == "true":
            kev = relation(
                "security_ExploitCatalogVulnAssessmentRelationship",
                f"kev:{cve}",
                vuln_id,
                "hasAssessmentFor",
                to,
            )
            kev["security_catalogType"] = "kev"
            kev["security_exploited"] = True
            kev["security_locator"] = KEV_CATALOG_URL
            due = properties.get("netsbom:vuln:kev:dueDate")
            if due:
                kev["comment"] = f"CISA KEV due date {due}"
            relationships.append(kev)

    return [*vulnerabilities.values(), *relationships]


def _vulnerability(cve: str, spdx_id: str, entry: Json, creation: str) -> Json:
    locator = (entry.get("source") or {}).get("url") or f"{NVD_URL}{cve}"
    return {
        "type": "security_Vulnerability",
        "spdxId": spdx_id,
        "creationInfo": creation,
        "name": cve,
        "externalIdentifier": [
            {
                "type": "ExternalIdentifier",
                "externalIdentifierType": "cve",
                "identifier": cve,
                "identifierLocator": [locator],
            }
        ],
    }


def _decimal(text: str | None) -> str | None:
    """A property value as an ``xsd:decimal`` literal (never the exponent form ``4e-05``)."""
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    if not value.is_finite():
        return None
    return format(value, "f")
