"""Validation against the official CycloneDX 1.6 schemas, offline.

The schema files are the ones cyclonedx-python-lib bundles (``cyclonedx/schema/_res``, pinned to a
commit of the CycloneDX specification in that folder's README). The JSON schema refers to the SPDX
licence list and JSF schemas by relative URL; a ``referencing`` registry serves them from the same
folder so nothing is fetched. The XSD imports ``spdx.SNAPSHOT.xsd`` by relative path.

Validators are built once per process (``functools.cache``). jsonschema checks ``uniqueItems``
pairwise, which is quadratic in the length of an array: fine for hundreds of devices, to be measured
for fleet-size documents.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any, cast

from jsonschema import Draft7Validator
from jsonschema.exceptions import best_match
from lxml import etree
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from netsbom.errors import ExportError

__all__ = ["schema_dir", "validate_cyclonedx_json", "validate_cyclonedx_xml"]

_JSON_SCHEMA = "bom-1.6.SNAPSHOT.schema.json"
_XML_SCHEMA = "bom-1.6.SNAPSHOT.xsd"
_REFERENCED = ("spdx.SNAPSHOT.schema.json", "jsf-0.82.SNAPSHOT.schema.json")
_BASE_URL = "http://cyclonedx.org/schema/"


def schema_dir() -> Traversable:
    """The folder of CycloneDX schema files shipped with cyclonedx-python-lib."""
    return resources.files("cyclonedx").joinpath("schema", "_res")


def validate_cyclonedx_json(doc: bytes | dict[str, Any]) -> None:
    """Raise :class:`ExportError` naming the first violation of the CycloneDX 1.6 JSON schema."""
    if isinstance(doc, bytes | bytearray):
        try:
            instance = json.loads(doc)
        except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError
            raise ExportError(f"CycloneDX JSON does not parse: {exc}") from exc
    else:
        instance = doc
    error = best_match(_json_validator().iter_errors(instance))
    if error is not None:
        raise ExportError(f"CycloneDX 1.6 JSON schema: at {error.json_path}: {error.message}")


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
def _json_validator() -> Draft7Validator:
    folder = schema_dir()
    schema = json.loads(folder.joinpath(_JSON_SCHEMA).read_text(encoding="utf-8"))
    resources_: list[tuple[str, Resource[Any]]] = []
    for name in _REFERENCED:
        contents = json.loads(folder.joinpath(name).read_text(encoding="utf-8"))
        resource = Resource.from_contents(contents, default_specification=DRAFT7)
        # Served under the relative URL the bom schema uses and under the file's own $id.
        resources_.append((_BASE_URL + name, resource))
        if isinstance(contents.get("$id"), str):
            resources_.append((contents["$id"], resource))
    registry: Registry[Any] = Registry().with_resources(resources_)
    Draft7Validator.check_schema(schema)
    return Draft7Validator(schema, registry=registry, format_checker=Draft7Validator.FORMAT_CHECKER)


@functools.cache
def _xml_schema() -> etree.XMLSchema:
    with resources.as_file(schema_dir().joinpath(_XML_SCHEMA)) as path:
        parser = etree.XMLParser(resolve_entities=False, no_network=True)
        return etree.XMLSchema(etree.parse(str(path), parser))
