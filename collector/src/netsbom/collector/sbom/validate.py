"""Validation against the official CycloneDX 1.6 schemas, offline.

The schema files are the ones cyclonedx-python-lib bundles (``cyclonedx/schema/_res``, pinned to a
commit of the CycloneDX specification in that folder's README). The JSON schema refers to the SPDX
licence list and JSF schemas by relative URL; a ``referencing`` registry serves them from the same
folder so nothing is fetched. The XSD imports ``spdx.SNAPSHOT.xsd`` by relative path.

Validators are built once per process (``functools.cache``). jsonschema checks ``uniqueItems`` on
arrays of objects pairwise: 70 s for a 1,000-device document (the ``dependencies`` array). The
validator here replaces that keyword with a hash of each item's canonical JSON, same semantics
(``1 == 1.0``, ``true != 1``), linear time.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Iterator
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any, cast

from jsonschema import Draft7Validator, validators
from jsonschema.exceptions import ValidationError, best_match
from lxml import etree
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from netsbom.core.errors import ExportError

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
    validator_class = validators.extend(Draft7Validator, {"uniqueItems": _unique_items})
    validator: Draft7Validator = validator_class(
        schema, registry=registry, format_checker=Draft7Validator.FORMAT_CHECKER
    )
    return validator


def _unique_items(
    validator: Draft7Validator, unique: bool, instance: Any, schema: dict[str, Any]
) -> Iterator[ValidationError]:
    """``uniqueItems`` in linear time: items compared by their canonical JSON."""
    if not unique or not validator.is_type(instance, "array"):
        return
    seen: set[str] = set()
    for item in instance:
        key = json.dumps(_canonical(item), sort_keys=True, separators=(",", ":"))
        if key in seen:
            yield ValidationError(f"array has non-unique elements (repeated: {key[:200]})")
            return
        seen.add(key)


def _canonical(value: Any) -> Any:
    """JSON Schema equality: integral floats equal their int; booleans stay apart from numbers."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _canonical(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_canonical(v) for v in value]
    return value


@functools.cache
def _xml_schema() -> etree.XMLSchema:
    with resources.as_file(schema_dir().joinpath(_XML_SCHEMA)) as path:
        parser = etree.XMLParser(resolve_entities=False, no_network=True)
        return etree.XMLSchema(etree.parse(str(path), parser))
