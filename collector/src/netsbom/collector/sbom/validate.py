"""Validation against the official CycloneDX 1.6 schemas, offline.

The schema files are the ones cyclonedx-python-lib bundles (``cyclonedx/schema/_res``, pinned to a
commit of the CycloneDX specification in that folder's README). The JSON schema refers to the SPDX
licence list and JSF schemas by relative URL; a retriever serves them from the same folder so
nothing is fetched. The XSD imports ``spdx.SNAPSHOT.xsd`` by relative path.

JSON: jsonschema-rs (Draft 7, formats checked). cyclonedx-python-lib's validator (the Python
``jsonschema``) checks ``uniqueItems`` pairwise and does not finish on a 10,000-device document;
with a hashed ``uniqueItems`` it took 152 s. jsonschema-rs validates the same document in under a
second after parsing (bench group ``validate``). XML: lxml's XSD validation (libxml2).

Validators are built once per process (``functools.cache``).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Sequence
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any, cast

import jsonschema_rs
from lxml import etree

from netsbom.core.errors import ExportError

__all__ = [
    "cyclonedx_json_problems",
    "json_path",
    "schema_dir",
    "validate_cyclonedx_json",
    "validate_cyclonedx_xml",
]

_JSON_SCHEMA = "bom-1.6.SNAPSHOT.schema.json"
_XML_SCHEMA = "bom-1.6.SNAPSHOT.xsd"
_REFERENCED = ("spdx.SNAPSHOT.schema.json", "jsf-0.82.SNAPSHOT.schema.json")
_BASE_URL = "http://cyclonedx.org/schema/"


def schema_dir() -> Traversable:
    """The folder of CycloneDX schema files shipped with cyclonedx-python-lib."""
    return resources.files("cyclonedx").joinpath("schema", "_res")


def validate_cyclonedx_json(doc: bytes | dict[str, Any]) -> None:
    """Raise :class:`ExportError` naming the first violation of the CycloneDX 1.6 JSON schema."""
    problems = cyclonedx_json_problems(doc, limit=1)
    if problems:
        raise ExportError(f"CycloneDX 1.6 JSON schema: {problems[0]}")


def cyclonedx_json_problems(doc: bytes | dict[str, Any], limit: int = 20) -> list[str]:
    """Up to ``limit`` violations of the CycloneDX 1.6 JSON schema, each ``at PATH: message``."""
    if isinstance(doc, bytes | bytearray):
        try:
            instance = json.loads(doc)
        except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError
            raise ExportError(f"CycloneDX JSON does not parse: {exc}") from exc
    else:
        instance = doc
    validator = _json_validator()
    if validator.is_valid(instance):
        return []
    problems: list[str] = []
    for error in validator.iter_errors(instance):
        problems.append(f"at {json_path(error.instance_path)}: {_message(error)}")
        if len(problems) >= limit:
            break
    return problems


def json_path(parts: Sequence[str | int]) -> str:
    """``["components", 0, "type"]`` -> ``$.components[0].type``."""
    return "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in parts)


def _message(error: Any) -> str:
    if isinstance(error.kind, jsonschema_rs.ValidationErrorKind.UniqueItems):
        return "array has non-unique elements"
    message = str(error.message)
    return message if len(message) <= 300 else message[:297] + "..."


def validate_cyclonedx_xml(doc: bytes) -> None:
    """Raise :class:`ExportError` naming the first violation of the CycloneDX 1.6 XSD."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    try:
        tree = etree.fromstring(doc, parser)
    except etree.XMLSyntaxError as exc:
        raise ExportError(f"CycloneDX XML does not parse: {exc}") from exc
    schema = _xml_schema()
    if not schema.validate(tree):
        # lxml-stubs declare _ErrorLog opaque; at run time it is a sequence of _LogEntry.
        first = next(iter(cast("Iterable[Any]", schema.error_log)))
        raise ExportError(f"CycloneDX 1.6 XSD: line {first.line}: {first.path}: {first.message}")


@functools.cache
def _json_validator() -> Any:
    folder = schema_dir()
    schema = json.loads(folder.joinpath(_JSON_SCHEMA).read_text(encoding="utf-8"))
    served: dict[str, Any] = {}
    for name in _REFERENCED:
        contents = json.loads(folder.joinpath(name).read_text(encoding="utf-8"))
        # Served under the relative URL the bom schema uses and under the file's own $id.
        served[_BASE_URL + name] = contents
        if isinstance(contents.get("$id"), str):
            served[contents["$id"]] = contents

    def retrieve(uri: str) -> Any:
        if uri in served:
            return served[uri]
        raise ExportError(f"CycloneDX schema refers to {uri}, which is not bundled (offline)")

    return jsonschema_rs.Draft7Validator(schema, retriever=retrieve, validate_formats=True)


@functools.cache
def _xml_schema() -> etree.XMLSchema:
    with resources.as_file(schema_dir().joinpath(_XML_SCHEMA)) as path:
        parser = etree.XMLParser(resolve_entities=False, no_network=True)
        return etree.XMLSchema(etree.parse(str(path), parser))
