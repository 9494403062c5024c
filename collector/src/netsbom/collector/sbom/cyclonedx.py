"""The CycloneDX 1.6 document of a configuration as JSON-ready dicts, in one call (benchmarks,
tests); bytes in any format come from :func:`netsbom.collector.export.render_sbom`."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from netsbom.collector.sbom import cyclonedx_json
from netsbom.collector.sbom.build import FIRMWARE_OS_FAMILIES, HARDWARE_CLASSES, build_document
from netsbom.collector.sbom.cyclonedx_json import SPEC_VERSION
from netsbom.topology.configuration import Configuration

if TYPE_CHECKING:
    from netsbom.vuln.assess import Assessment

__all__ = [
    "FIRMWARE_OS_FAMILIES",
    "HARDWARE_CLASSES",
    "SPEC_VERSION",
    "to_cyclonedx",
]


def to_cyclonedx(
    config: Configuration, assessments: Iterable[Assessment] | None = None
) -> dict[str, Any]:
    """The CycloneDX 1.6 document of ``config`` as JSON-ready dicts (with VEX when assessed)."""
    return cyclonedx_json.to_dict(build_document(config, assessments))
