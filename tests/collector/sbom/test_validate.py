"""The validators reject what the CycloneDX 1.6 schemas reject, with the place of the error."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest

from netsbom.collector.export import render_sbom
from netsbom.collector.sbom.cyclonedx import to_cyclonedx
from netsbom.collector.sbom.validate import validate_cyclonedx_json, validate_cyclonedx_xml
from netsbom.core.errors import ExportError
from netsbom.topology.configuration import build_configuration

AT = "2026-11-26T08:00:00Z"
NETWORK = "paris-campus"


@pytest.fixture
def good(lab: Any) -> Callable[[], dict[str, Any]]:
    return lambda: to_cyclonedx(build_configuration(NETWORK, AT, lab.campus()))


def test_valid_documents_pass_as_dict_and_bytes(good: Callable[[], dict[str, Any]]) -> None:
    doc = good()
    validate_cyclonedx_json(doc)
    validate_cyclonedx_json(json.dumps(doc).encode())


def test_a_bad_component_type_is_reported_with_its_path(good: Callable[[], dict[str, Any]]) -> None:
    doc = copy.deepcopy(good())
    doc["components"][0]["type"] = "router"
    with pytest.raises(ExportError, match=r"\$\.components\[0\]\.type"):
        validate_cyclonedx_json(doc)


def test_an_unknown_top_level_key_is_refused(good: Callable[[], dict[str, Any]]) -> None:
    doc = good()
    doc["netsbom"] = True
    with pytest.raises(ExportError, match="netsbom"):
        validate_cyclonedx_json(doc)


def test_an_spdx_licence_id_is_checked_offline(good: Callable[[], dict[str, Any]]) -> None:
    doc = copy.deepcopy(good())
    doc["components"][0]["licenses"] = [{"license": {"id": "Not-A-Licence"}}]
    with pytest.raises(ExportError):
        validate_cyclonedx_json(doc)
    doc["components"][0]["licenses"] = [{"license": {"id": "Apache-2.0"}}]
    validate_cyclonedx_json(doc)


def test_json_that_does_not_parse() -> None:
    with pytest.raises(ExportError, match="does not parse"):
        validate_cyclonedx_json(b"{")


def test_xml_violations_are_reported(lab: Any) -> None:
    xml = render_sbom(build_configuration(NETWORK, AT, lab.campus()), "cyclonedx-xml")
    validate_cyclonedx_xml(xml)
    broken = xml.replace(b'type="device"', b'type="router"', 1)
    with pytest.raises(ExportError, match="XSD: line"):
        validate_cyclonedx_xml(broken)
    with pytest.raises(ExportError, match="does not parse"):
        validate_cyclonedx_xml(b"<bom")


def test_repeated_items_are_refused(good: Callable[[], dict[str, Any]]) -> None:
    doc = copy.deepcopy(good())
    first = doc["dependencies"][0]
    first["dependsOn"] = ["device:x", "device:x"]
    with pytest.raises(ExportError, match=r"\$\.dependencies\[0\]\.dependsOn.*non-unique"):
        validate_cyclonedx_json(doc)


def test_repeated_objects_are_refused_whatever_their_key_order(
    good: Callable[[], dict[str, Any]],
) -> None:
    doc = copy.deepcopy(good())
    entry = doc["dependencies"][0]
    doc["dependencies"].append(dict(reversed(list(entry.items()))))
    with pytest.raises(ExportError, match="non-unique"):
        validate_cyclonedx_json(doc)
