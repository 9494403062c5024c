"""What the SPDX writers share: the CycloneDX document as the one model of a configuration.

SPDX 2.3 and 3.0.1 are written *from* the CycloneDX dict of the same configuration
(:func:`netsbom.collector.sbom.cyclonedx.to_cyclonedx`), so the three formats carry the same
components, versions, identifiers, nesting, dependencies, links and provenance by construction.
Everything here is plain dicts, linear in the document size.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

Json = dict[str, Any]

# CycloneDX component type -> SPDX 2.3 primaryPackagePurpose / SPDX 3.0.1 software_primaryPurpose
PURPOSE_2 = {
    "device": "DEVICE",
    "operating-system": "OPERATING-SYSTEM",
    "firmware": "FIRMWARE",
    "library": "LIBRARY",
    "application": "APPLICATION",
    "platform": "OTHER",
}
PURPOSE_3 = {
    "device": "device",
    "operating-system": "operatingSystem",
    "firmware": "firmware",
    "library": "library",
    "application": "application",
    "platform": "platform",
}
# Properties that say how a component was learned: they become the SPDX comment.
_HOW_PREFIXES = ("netsbom:method", "netsbom:provenance:", "netsbom:seen_by", "netsbom:external")


@dataclass(frozen=True, slots=True)
class Flat:
    """One CycloneDX component, flattened, with the ref of the component that nests it."""

    component: Json
    parent: str | None


def walk(components: list[Json], parent: str | None = None) -> Iterator[Flat]:
    for component in components:
        yield Flat(component, parent)
        yield from walk(component.get("components") or [], component["bom-ref"])


def props(component: Json) -> list[tuple[str, str]]:
    return [(p["name"], p["value"]) for p in component.get("properties") or ()]


def prop(component: Json, name: str) -> str | None:
    return next((v for k, v in props(component) if k == name), None)


def how_learned(component: Json) -> str | None:
    """One line on how the component was learned (methods, sources), from its properties and
    CycloneDX identity evidence."""
    parts = [
        f"{k.removeprefix('netsbom:')}={v}"
        for k, v in props(component)
        if k.startswith(_HOW_PREFIXES)
    ]
    for identity in (component.get("evidence") or {}).get("identity", ()):
        for method in identity.get("methods", ()):
            parts.append(f"evidence:{identity['field']}={method['value']}")
    return "; ".join(parts) if parts else None


def property_text(component: Json) -> str | None:
    """Every ``netsbom:`` property as ``name: value`` lines (the annotation statement)."""
    lines = [f"{k}: {v}" for k, v in props(component)]
    return "\n".join(lines) if lines else None


_ID_UNSAFE = re.compile(r"[^A-Za-z0-9.\-]+")


def safe_id(ref: str) -> str:
    """A readable, unique SPDX id fragment for a bom-ref (letters, digits, ``.``, ``-``)."""
    digest = hashlib.sha256(ref.encode("utf-8")).hexdigest()[:10]
    readable = _ID_UNSAFE.sub("-", ref).strip("-")[:60]
    return f"{readable}-{digest}" if readable else digest


def link_text(service: Json) -> str:
    """A link (CycloneDX service) as one line: ends, protocols, one-sidedness."""
    one_sided = prop(service, "netsbom:link:one_sided") == "true"
    return (
        f"{prop(service, 'netsbom:link:protocols') or 'neighbour'} link "
        f"{prop(service, 'netsbom:link:a:device')} {prop(service, 'netsbom:link:a:port') or '?'}"
        f" <-> {prop(service, 'netsbom:link:b:device')} "
        f"{prop(service, 'netsbom:link:b:port') or '?'}"
        + (" (seen from one side)" if one_sided else "")
    )


def composition_of(doc: Json) -> dict[str, str]:
    """bom-ref -> ``complete`` / ``incomplete`` / ``unknown`` from the CycloneDX compositions."""
    out: dict[str, str] = {}
    for composition in doc.get("compositions") or ():
        for ref in composition.get("assemblies") or ():
            out[ref] = composition["aggregate"]
    return out
