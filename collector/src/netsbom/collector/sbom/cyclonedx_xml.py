"""CycloneDX 1.6 XML of the SBOM model: the JSON writer's dict in the XSD's element order,
written with the standard library (only the shapes :mod:`cyclonedx_json` produces)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

from netsbom.collector.sbom.cyclonedx_json import to_dict
from netsbom.collector.sbom.model import Document

__all__ = ["XML_NAMESPACE", "render", "to_xml"]

XML_NAMESPACE = "http://cyclonedx.org/schema/bom/1.6"
Json = dict[str, Any]


def render(doc: Document) -> bytes:
    return to_xml(to_dict(doc))


_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(parent: ET.Element, tag: str, value: object) -> ET.Element:
    element = ET.SubElement(parent, tag)
    element.text = _xml_string(value)
    return element


def _xml_string(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return _XML_ILLEGAL.sub("\ufffd", str(value))


def to_xml(doc: Json) -> bytes:
    """The XML form of a document built by :func:`to_cyclonedx` (only the shapes it produces)."""
    # Unprefixed tags under a default namespace declared on the root: every element is in it.
    attributes = {
        "xmlns": XML_NAMESPACE,
        "serialNumber": doc["serialNumber"],
        "version": str(doc["version"]),
    }
    root = ET.Element("bom", attributes)
    _xml_metadata(root, doc["metadata"])
    if "components" in doc:
        parent = ET.SubElement(root, "components")
        for component in doc["components"]:
            _xml_component(parent, component)
    if "services" in doc:
        parent = ET.SubElement(root, "services")
        for service in doc["services"]:
            _xml_service(parent, service)
    if "dependencies" in doc:
        parent = ET.SubElement(root, "dependencies")
        for dependency in doc["dependencies"]:
            element = ET.SubElement(parent, "dependency", {"ref": dependency["ref"]})
            for ref in dependency.get("dependsOn", ()):
                ET.SubElement(element, "dependency", {"ref": ref})
    if "compositions" in doc:
        parent = ET.SubElement(root, "compositions")
        for composition in doc["compositions"]:
            element = ET.SubElement(parent, "composition")
            _text(element, "aggregate", composition["aggregate"])
            assemblies = ET.SubElement(element, "assemblies")
            for ref in composition["assemblies"]:
                ET.SubElement(assemblies, "assembly", {"ref": ref})
    if "vulnerabilities" in doc:
        parent = ET.SubElement(root, "vulnerabilities")
        for vulnerability in doc["vulnerabilities"]:
            _xml_vulnerability(parent, vulnerability)
    for element in root.iter():
        for name, value in element.attrib.items():
            element.set(name, _xml_string(value))
    ET.indent(root, space="  ")
    data: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return data


def _xml_metadata(root: ET.Element, metadata: Json) -> None:
    element = ET.SubElement(root, "metadata")
    _text(element, "timestamp", metadata["timestamp"])
    lifecycles = ET.SubElement(element, "lifecycles")
    for lifecycle in metadata["lifecycles"]:
        _text(ET.SubElement(lifecycles, "lifecycle"), "phase", lifecycle["phase"])
    tools = ET.SubElement(ET.SubElement(element, "tools"), "components")
    for tool in metadata["tools"]["components"]:
        _xml_component(tools, tool)
    if "authors" in metadata:
        authors = ET.SubElement(element, "authors")
        for author in metadata["authors"]:
            node = ET.SubElement(authors, "author")
            for tag in ("name", "email"):
                if tag in author:
                    _text(node, tag, author[tag])
    _xml_component(element, metadata["component"])
    if "supplier" in metadata:
        _xml_entity(element, "supplier", metadata["supplier"])
    if "properties" in metadata:
        _xml_properties(element, metadata["properties"])


def _xml_entity(parent: ET.Element, tag: str, entity: Json) -> None:
    element = ET.SubElement(parent, tag)
    if "name" in entity:
        _text(element, "name", entity["name"])
    for url in entity.get("url", ()):
        _text(element, "url", url)
    for contact in entity.get("contact", ()):
        node = ET.SubElement(element, "contact")
        for key in ("name", "email"):
            if key in contact:
                _text(node, key, contact[key])


def _xml_hashes(parent: ET.Element, hashes: list[Json]) -> None:
    element = ET.SubElement(parent, "hashes")
    for item in hashes:
        ET.SubElement(element, "hash", {"alg": item["alg"]}).text = item["content"]


def _xml_references(parent: ET.Element, references: list[Json]) -> None:
    element = ET.SubElement(parent, "externalReferences")
    for reference in references:
        node = ET.SubElement(element, "reference", {"type": reference["type"]})
        _text(node, "url", reference["url"])
        if "comment" in reference:
            _text(node, "comment", reference["comment"])
        if "hashes" in reference:
            _xml_hashes(node, reference["hashes"])


def _xml_properties(parent: ET.Element, properties: list[dict[str, str]]) -> None:
    element = ET.SubElement(parent, "properties")
    for prop in properties:
        ET.SubElement(element, "property", {"name": prop["name"]}).text = _xml_string(prop["value"])


def _xml_component(parent: ET.Element, component: Json) -> None:
    attributes = {"type": component["type"]}
    if "bom-ref" in component:
        attributes["bom-ref"] = component["bom-ref"]
    element = ET.SubElement(parent, "component", attributes)
    for tag in ("supplier", "manufacturer"):
        if tag in component:
            _xml_entity(element, tag, component[tag])
    for tag in ("name", "version", "description"):
        if tag in component:
            _text(element, tag, component[tag])
    if "hashes" in component:
        _xml_hashes(element, component["hashes"])
    if "licenses" in component:
        licenses = ET.SubElement(element, "licenses")
        for choice in component["licenses"]:
            if "expression" in choice:
                attributes = {"acknowledgement": choice["acknowledgement"]}
                _text(licenses, "expression", choice["expression"]).attrib.update(attributes)
                continue
            named = choice["license"]
            node = ET.SubElement(licenses, "license", {"acknowledgement": named["acknowledgement"]})
            _text(node, "name", named["name"])
            if "url" in named:
                _text(node, "url", named["url"])
    if "copyright" in component:
        _text(element, "copyright", component["copyright"])
    for tag in ("cpe", "purl"):
        if tag in component:
            _text(element, tag, component[tag])
    if "externalReferences" in component:
        _xml_references(element, component["externalReferences"])
    if "properties" in component:
        _xml_properties(element, component["properties"])
    if "components" in component:
        children = ET.SubElement(element, "components")
        for child in component["components"]:
            _xml_component(children, child)
    if "evidence" in component:
        evidence = ET.SubElement(element, "evidence")
        for identity in component["evidence"]["identity"]:
            node = ET.SubElement(evidence, "identity")
            _text(node, "field", identity["field"])
            _text(node, "confidence", identity["confidence"])
            methods = ET.SubElement(node, "methods")
            for method in identity["methods"]:
                item = ET.SubElement(methods, "method")
                _text(item, "technique", method["technique"])
                _text(item, "confidence", method["confidence"])
                _text(item, "value", method["value"])


def _xml_service(parent: ET.Element, service: Json) -> None:
    element = ET.SubElement(parent, "service", {"bom-ref": service["bom-ref"]})
    _text(element, "name", service["name"])
    if "description" in service:
        _text(element, "description", service["description"])
    if "properties" in service:
        _xml_properties(element, service["properties"])


def _xml_vulnerability(parent: ET.Element, vulnerability: Json) -> None:
    """A ``vulnerability`` in the XSD's order: id, source, ratings, ..., analysis, affects,
    properties (only the fields :mod:`netsbom.vuln.vex` writes)."""
    attributes = {"bom-ref": vulnerability["bom-ref"]} if "bom-ref" in vulnerability else {}
    element = ET.SubElement(parent, "vulnerability", attributes)
    if "id" in vulnerability:
        _text(element, "id", vulnerability["id"])
    if "source" in vulnerability:
        source = ET.SubElement(element, "source")
        for tag in ("name", "url"):
            if tag in vulnerability["source"]:
                _text(source, tag, vulnerability["source"][tag])
    if "ratings" in vulnerability:
        ratings = ET.SubElement(element, "ratings")
        for rating in vulnerability["ratings"]:
            item = ET.SubElement(ratings, "rating")
            for tag in ("score", "severity", "method", "vector", "justification"):
                if tag in rating:
                    _text(item, tag, rating[tag])
    for tag in ("description", "detail", "recommendation"):
        if tag in vulnerability:
            _text(element, tag, vulnerability[tag])
    if "analysis" in vulnerability:
        analysis = ET.SubElement(element, "analysis")
        for tag in ("state", "justification"):
            if tag in vulnerability["analysis"]:
                _text(analysis, tag, vulnerability["analysis"][tag])
        if "response" in vulnerability["analysis"]:
            responses = ET.SubElement(analysis, "responses")
            for response in vulnerability["analysis"]["response"]:
                _text(responses, "response", response)
        if "detail" in vulnerability["analysis"]:
            _text(analysis, "detail", vulnerability["analysis"]["detail"])
    if "affects" in vulnerability:
        affects = ET.SubElement(element, "affects")
        for affect in vulnerability["affects"]:
            target = ET.SubElement(affects, "target")
            _text(target, "ref", affect["ref"])
            if "versions" in affect:
                versions = ET.SubElement(target, "versions")
                for version in affect["versions"]:
                    item = ET.SubElement(versions, "version")
                    _text(
                        item,
                        "version" if "version" in version else "range",
                        version.get("version", version.get("range")),
                    )
                    if "status" in version:
                        _text(item, "status", version["status"])
    if "properties" in vulnerability:
        _xml_properties(element, vulnerability["properties"])
