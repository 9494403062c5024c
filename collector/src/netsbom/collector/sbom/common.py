"""What the writers share. They all write the one model (:mod:`netsbom.collector.sbom.model`),
so the formats carry the same components, versions, identifiers, nesting, dependencies, links
and provenance by construction. Linear in the document size.

JSON goes out through :func:`dumps` (orjson): the same bytes as ``json.dumps(sort_keys=True,
indent=2, ensure_ascii=False)`` for these documents (tests/data/golden), ~10x faster; the
standard library's encoder is pure Python once it indents (bench group ``sbom``)."""

from __future__ import annotations

import hashlib
import re
from typing import Any

import orjson

from netsbom.collector.sbom.model import Component

Json = dict[str, Any]


def dumps(data: Any, *, sort_keys: bool = True, compact: bool = False) -> bytes:
    """UTF-8 JSON with a final newline: indented by 2 unless ``compact``, keys sorted unless
    the format wants its own order (JSON-LD's ``@context`` first)."""
    option = (0 if compact else orjson.OPT_INDENT_2) | (orjson.OPT_SORT_KEYS if sort_keys else 0)
    return orjson.dumps(data, option=option) + b"\n"


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


def how_learned(component: Component) -> str | None:
    """One line on how the component was learned (methods, sources), from its properties and
    identity evidence."""
    parts = [
        f"{k.removeprefix('netsbom:')}={v}"
        for k, v in component.properties
        if k.startswith(_HOW_PREFIXES)
    ]
    for identity in component.evidence:
        for _, value in identity.methods:
            parts.append(f"evidence:{identity.field}={value}")
    return "; ".join(parts) if parts else None


def property_text(component: Component) -> str | None:
    """Every ``netsbom:`` property as ``name: value`` lines (the annotation statement)."""
    lines = [f"{k}: {v}" for k, v in component.properties]
    return "\n".join(lines) if lines else None


_ID_UNSAFE = re.compile(r"[^A-Za-z0-9.\-]+")


def safe_id(ref: str) -> str:
    """A readable, unique SPDX id fragment for a bom-ref (letters, digits, ``.``, ``-``)."""
    digest = hashlib.sha256(ref.encode("utf-8")).hexdigest()[:10]
    readable = _ID_UNSAFE.sub("-", ref).strip("-")[:60]
    return f"{readable}-{digest}" if readable else digest
