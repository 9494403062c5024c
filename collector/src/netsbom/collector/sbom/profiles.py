"""SBOM profiles: what a regulator's technical guideline adds to a valid document.

``bsi-tr-03183-2`` (BSI TR-03183-2 v2.x, the German guideline for the EU CRA): CycloneDX >= 1.6
or SPDX >= 3.0.1 only; a creator of the SBOM with an e-mail address or URL (``--author``);
vulnerability data outside the SBOM (``netsbom sbom vex``); per component a name, a version, a
creator (supplier), its dependencies. What a live network cannot tell is stated in the document
itself (``netsbom:profile:unmet`` properties) and in docs/sbom.md.

:func:`apply_profile` prepares the model for an export; :func:`profile_problems` checks a
document (``netsbom sbom validate --profile``): errors break the profile, notes name the
requirements no network-derived SBOM can meet.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from netsbom.collector.sbom.model import Document, properties, walk
from netsbom.core.errors import ExportError

__all__ = ["BSI", "PROFILES", "apply_profile", "check_format", "profile_problems"]

BSI = "bsi-tr-03183-2"
PROFILES = (BSI,)
_FORMATS = {BSI: ("cyclonedx-json", "cyclonedx-xml", "spdx3-jsonld")}
# (requirement, why a network-derived SBOM cannot meet it); licences: see _licence_gap
UNMET = {
    BSI: (
        (
            "SHA-512 hash of each component",
            "a device states its running image's digest in the version output only on some "
            "platforms (Cisco Small Business: MD5, carried as the OS component's hash); computing "
            "SHA-512 (verify /sha512) reads the whole image on the device, and package managers "
            "keep digests of headers or control files, not of the component",
        ),
        (
            "executable, archive and structured properties",
            "the network shows the version a device runs, not the form of the file it came in",
        ),
    )
}


def check_format(profile: str | None, fmt: str) -> None:
    if profile is None:
        return
    if profile not in PROFILES:
        raise ExportError(f"unknown profile {profile!r} (one of {', '.join(PROFILES)})")
    if fmt not in _FORMATS[profile]:
        raise ExportError(
            f"profile {profile} needs CycloneDX 1.6 or SPDX 3.0.1: --format "
            + " / ".join(_FORMATS[profile])
        )


def apply_profile(doc: Document, profile: str | None) -> Document:
    """``doc`` ready for ``profile``: refuses what the profile forbids, states what it cannot
    meet."""
    if profile is None:
        return doc
    if profile == BSI:
        if not any(a.email or a.url for a in doc.authors):
            raise ExportError(
                f"profile {BSI} needs the SBOM's creator with an e-mail address or URL: "
                "--author NAME,URL or NAME,EMAIL"
            )
        if doc.vulnerabilities:
            raise ExportError(
                f"profile {BSI} keeps vulnerability data outside the SBOM: export without "
                "--with-vulnerabilities and write the VEX with `netsbom sbom vex`"
            )
    gap = _licence_gap(
        [c.name for c, _ in walk(doc.components) if c.kind in _SOFTWARE_KINDS],
        [c.name for c, _ in walk(doc.components) if c.kind in _SOFTWARE_KINDS and not c.licence],
    )
    unmet = [("netsbom:profile:unmet", f"{what}: {why}") for what, why in UNMET.get(profile, ())]
    unmet += [("netsbom:profile:unmet", gap)] if gap else []
    return replace(
        doc, properties=properties([*doc.properties, ("netsbom:profile", profile), *unmet])
    )


def profile_problems(data: Any, profile: str) -> tuple[list[str], list[str]]:
    """(errors, notes) of a parsed CycloneDX JSON or SPDX 3 JSON-LD document under ``profile``."""
    if profile not in PROFILES:
        raise ExportError(f"unknown profile {profile!r} (one of {', '.join(PROFILES)})")
    gap = None
    if isinstance(data, dict) and data.get("bomFormat") == "CycloneDX":
        errors = list(_bsi_cyclonedx(data))
        software = [
            c
            for c in _walk(data.get("components") or [])
            if c.get("type") in ("operating-system", "firmware", "library", "application")
        ]
        gap = _licence_gap(
            [c["name"] for c in software], [c["name"] for c in software if not c.get("licenses")]
        )
    elif isinstance(data, dict) and "@graph" in data:
        errors = list(_bsi_spdx3(data))
        graph = data["@graph"]
        licensed = {
            e.get("from") for e in graph if e.get("relationshipType") == "hasConcludedLicense"
        }
        software = [
            e
            for e in graph
            if e.get("type") == "software_Package"
            and e.get("software_primaryPurpose")
            in ("operatingSystem", "firmware", "library", "application")
        ]
        gap = _licence_gap(
            [p["name"] for p in software],
            [p["name"] for p in software if p.get("spdxId") not in licensed],
        )
    else:
        errors = [f"profile {profile} accepts CycloneDX 1.6 or SPDX 3.0.1 documents only"]
    notes = [f"{what}: {why}" for what, why in UNMET[profile]]
    return errors, notes + ([gap] if gap else [])


_SOFTWARE_KINDS = ("os", "firmware", "package")


def _licence_gap(software: list[str], unlicensed: list[str]) -> str | None:
    """The licences requirement, when some software component has no concluded licence."""
    if not unlicensed:
        return None
    names = sorted(set(unlicensed))
    shown = ", ".join(names[:5]) + (", ..." if len(names) > 5 else "")
    return (
        f"licences: {len(unlicensed)} of {len(software)} software components have none"
        f" ({shown}): neither the device, its package manager nor the registry of vendor"
        " terms states one; an auditor's conclusions go in with --licences FILE"
    )


def _missing(what: str, names: list[str]) -> Iterator[str]:
    if names:
        shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
        yield f"{len(names)} components without {what}: {shown}"


def _bsi_cyclonedx(doc: dict[str, Any]) -> Iterator[str]:
    if doc.get("specVersion") != "1.6":
        yield f"CycloneDX {doc.get('specVersion')}: the profile needs 1.6"
    metadata = doc.get("metadata") or {}
    authors = metadata.get("authors") or []
    supplier = metadata.get("supplier") or {}
    if not any(a.get("email") for a in authors) and not supplier.get("url"):
        yield "no SBOM creator with an e-mail address or URL (metadata.authors / supplier)"
    if not metadata.get("timestamp"):
        yield "no creation time (metadata.timestamp)"
    if doc.get("vulnerabilities"):
        yield "vulnerability data inside the SBOM (the profile wants it in a separate VEX)"
    # neighbours nobody polled are outside the system (compositions: unknown)
    components = [c for c in _walk(doc.get("components") or []) if not _external(c)]
    listed = {d.get("ref") for d in doc.get("dependencies") or ()}
    yield from _missing("a version", [c["name"] for c in components if not c.get("version")])
    yield from _missing(
        "a creator (supplier or manufacturer)",
        [c["name"] for c in components if not (c.get("supplier") or c.get("manufacturer"))],
    )
    yield from _missing(
        "a dependencies entry", [c["name"] for c in components if c.get("bom-ref") not in listed]
    )


def _bsi_spdx3(doc: dict[str, Any]) -> Iterator[str]:
    graph = doc.get("@graph") or []
    creation = [e for e in graph if e.get("type") == "CreationInfo"]
    if not creation or any(c.get("specVersion") != "3.0.1" for c in creation):
        yield "not SPDX 3.0.1 (CreationInfo.specVersion)"
    agents = [e for e in graph if e.get("type") in ("Person", "Organization")]
    if not any(e.get("externalIdentifier") or e.get("externalRef") for e in agents):
        yield "no SBOM creator with an e-mail address or URL (createdBy)"
    if any(str(e.get("type", "")).startswith("security_") for e in graph):
        yield "vulnerability data inside the SBOM (the profile wants it in a separate VEX)"
    packages = [  # neighbours nobody polled are outside the system
        e
        for e in graph
        if e.get("type") == "software_Package" and "external=true" not in e.get("comment", "")
    ]
    yield from _missing(
        "a version", [p["name"] for p in packages if not p.get("software_packageVersion")]
    )
    yield from _missing(
        "a creator (suppliedBy)", [p["name"] for p in packages if not p.get("suppliedBy")]
    )


def _external(component: dict[str, Any]) -> bool:
    return any(
        p.get("name") == "netsbom:external" and p.get("value") == "true"
        for p in component.get("properties") or ()
    )


def _walk(components: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for component in components:
        yield component
        yield from _walk(component.get("components") or [])
