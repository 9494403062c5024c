"""CycloneDX 1.6 ``vulnerabilities`` entries from assessments (VEX), as plain JSON dicts.

The SBOM exporter owns the document; it calls :func:`vulnerabilities_for_cyclonedx` with the
bom-ref of each device's component (keyed by the assessment's ``device`` name) and adds the
result under ``vulnerabilities``. Output is deterministic: sorted by CVE, affects by ref.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from netsbom.vuln.assess import Assessment
from netsbom.vuln.verdict import BASIS_HARDWARE, BASIS_PRODUCT, BASIS_VERSION

_JUSTIFICATION = {
    BASIS_VERSION: "code_not_present",
    BASIS_HARDWARE: "requires_environment",
    BASIS_PRODUCT: "code_not_present",
}
# SSVC outcomes to CycloneDX severities (ratings need one; the SSVC decision is the vector).
_SEVERITY = {"Act": "critical", "Attend": "high", "Track*": "medium", "Track": "low"}


def vulnerabilities_for_cyclonedx(
    assessments: Iterable[Assessment], device_refs: Mapping[str, str]
) -> list[dict[str, Any]]:
    """One entry per CVE. ``analysis.state`` is ``exploitable`` when any device is affected,
    ``in_triage`` when some cannot be decided, else ``not_affected`` with the justification of
    the first device (version -> ``code_not_present``, hardware -> ``requires_environment``).
    Devices without a ref in ``device_refs`` are left out; CVEs that concern other products
    (basis ``product``) are left out too, as they say nothing about the deployed system."""
    by_cve: dict[str, list[Assessment]] = {}
    for item in assessments:
        if item.device in device_refs and item.basis != BASIS_PRODUCT:
            by_cve.setdefault(item.cve, []).append(item)
    return [
        _entry(cve, sorted(items, key=lambda a: device_refs[a.device]), device_refs)
        for cve, items in sorted(by_cve.items())
    ]


def _entry(cve: str, items: list[Assessment], refs: Mapping[str, str]) -> dict[str, Any]:
    affected = [a for a in items if a.affected is True]
    unknown = [a for a in items if a.affected is None]
    first = items[0]
    analysis: dict[str, Any]
    if affected:
        analysis = {"state": "exploitable", "detail": _details(affected)}
    elif unknown:
        analysis = {"state": "in_triage", "detail": _details(unknown)}
    else:
        analysis = {
            "state": "not_affected",
            "justification": _JUSTIFICATION.get(first.basis or "", "code_not_present"),
            "detail": _details(items),
        }
    entry: dict[str, Any] = {
        "bom-ref": f"vuln-{cve}",
        "id": cve,
        "source": _source(cve, first),
        "analysis": analysis,
        "affects": [_affect(a, refs) for a in items],
    }
    decision = first.ssvc.get("decision")
    if decision:
        entry["ratings"] = [
            {
                "method": "SSVC",
                "severity": _SEVERITY.get(str(decision), "unknown"),
                "vector": _vector(first.ssvc),
                "justification": f"CISA coordinator decision {decision}",
            }
        ]
    properties = [{"name": "netsbom:vuln:kev", "value": "true" if first.kev else "false"}]
    if first.kev_due_date:
        properties.append({"name": "netsbom:vuln:kev:dueDate", "value": first.kev_due_date})
    if first.epss is not None:
        properties.append({"name": "netsbom:vuln:epss:score", "value": _decimal(first.epss)})
    if first.epss_percentile is not None:
        properties.append(
            {"name": "netsbom:vuln:epss:percentile", "value": _decimal(first.epss_percentile)}
        )
    if decision:
        properties.append({"name": "netsbom:vuln:ssvc:decision", "value": str(decision)})
    entry["properties"] = properties
    return entry


def _source(cve: str, item: Assessment) -> dict[str, str]:
    """Who said so: the vendor's CVE record when it decided the verdict, else NVD."""
    if item.sources and item.sources[0].startswith("cna:"):
        return {"name": item.sources[0].removeprefix("cna:"),
                "url": f"https://www.cve.org/CVERecord?id={cve}"}  # fmt: skip
    return {"name": "NVD", "url": f"https://nvd.nist.gov/vuln/detail/{cve}"}


def _decimal(value: float) -> str:
    """A probability as a plain decimal (never ``4e-05``)."""
    return f"{value:.6f}".rstrip("0").rstrip(".") or "0"


def _affect(item: Assessment, refs: Mapping[str, str]) -> dict[str, Any]:
    status = {True: "affected", False: "unaffected", None: "unknown"}[item.affected]
    affect: dict[str, Any] = {"ref": refs[item.device]}
    if item.os_version:
        affect["versions"] = [{"version": item.os_version, "status": status}]
    return affect


def _details(items: list[Assessment]) -> str:
    return "; ".join(f"{a.device}: {a.reason}" for a in items)[:2000]


def _vector(ssvc: Mapping[str, Any]) -> str:
    keys = (
        "Exploitation",
        "Automatable",
        "Technical Impact",
        "Mission & Well-being",
        "System Exposure",
        "Human Impact",
    )
    return "SSVC/" + "/".join(f"{k}:{ssvc[k]}" for k in keys if k in ssvc)
