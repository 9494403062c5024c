"""CycloneDX 1.6 of a configuration in one call: the model (:mod:`.model`) and its writers
(:mod:`.cyclonedx_json`, :mod:`.cyclonedx_xml`). Kept for callers that start from a
configuration (the lab demo, benchmarks, tests); the export builds the model once itself."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Literal

from netsbom.collector.sbom import cyclonedx_json, cyclonedx_xml
from netsbom.collector.sbom.build import FIRMWARE_OS_FAMILIES, HARDWARE_CLASSES, build_document
from netsbom.collector.sbom.cyclonedx_json import SPEC_VERSION
from netsbom.core.errors import ExportError
from netsbom.topology.configuration import Configuration

if TYPE_CHECKING:
    from netsbom.vuln.assess import Assessment

__all__ = [
    "FIRMWARE_OS_FAMILIES",
    "HARDWARE_CLASSES",
    "SPEC_VERSION",
    "render_cyclonedx",
    "to_cyclonedx",
]


def to_cyclonedx(
    config: Configuration, assessments: Iterable[Assessment] | None = None
) -> dict[str, Any]:
    """The CycloneDX 1.6 document of ``config`` as JSON-ready dicts (with VEX when assessed)."""
    return cyclonedx_json.to_dict(build_document(config, assessments))


def render_cyclonedx(
    config: Configuration,
    fmt: Literal["json", "xml"],
    assessments: Iterable[Assessment] | None = None,
) -> bytes:
    """Serialised CycloneDX 1.6: UTF-8 JSON (sorted keys, indent 2) or XML."""
    doc = build_document(config, assessments)
    if fmt == "json":
        return cyclonedx_json.render(doc)
    if fmt == "xml":
        return cyclonedx_xml.render(doc)
    raise ExportError(f"unknown CycloneDX format {fmt!r} (json, xml)")
