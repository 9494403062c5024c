"""Which vendor / OS a device is, from sysObjectID and sysDescr, driven by data files.

Knowledge lives in ``agent/fingerprints/<vendor_family>.yaml`` (one file per vendor family), each
validated with pydantic when loaded; this module is the one generic engine that applies them::

    vendor: Juniper Networks          # default vendor for this family
    enterprises: ["1.3.6.1.4.1.2636"] # sysObjectID prefixes that identify the vendor
    os:                               # tried in order; first match wins
      - family: junos
        name: Junos OS
        descr: ['\\bJUNOS\\b']         # any regex matching sysDescr (empty: no sysDescr test)
        sys_object_ids: []            # optional: sysObjectID prefixes this rule requires
        version: ['JUNOS (?P<version>[^ ,]+)']   # named groups version / build / model
    objects:                          # vendor OIDs read when the standard ones are empty
      - {field: serial, oid: "1.3.6.1.4.1.2636.3.1.3"}
      - {field: version, oid: "...", pattern: 'v(?P<version>[\\d.]+)'}

A file whose ``enterprises`` match the sysObjectID is tried first; rules of other files may still
match on sysDescr alone (``descr_only: true``), e.g. Linux behind a generic Net-SNMP OID.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from netsbom.agent.snmp.view import Oid, parse_oid
from netsbom.errors import ConfigError

FINGERPRINT_DIR = Path(__file__).resolve().parent.parent / "fingerprints"
OS_FAMILIES = (
    "ios", "ios-xe", "nxos", "iosxr", "asa", "junos", "eos", "sros", "vrp", "panos", "fortios",
    "comware", "routeros", "linux",
)  # fmt: skip
_GROUPS = ("version", "build", "model")


def _compile(patterns: list[str]) -> list[str]:
    for pattern in patterns:
        try:
            compiled = re.compile(pattern)
        except re.error as exc:
            raise ValueError(f"bad regex {pattern!r}: {exc}") from None
        unknown = set(compiled.groupindex) - set(_GROUPS)
        if unknown:
            raise ValueError(f"regex {pattern!r}: unknown named group(s) {sorted(unknown)}")
    return patterns


def _oids(values: list[str]) -> list[str]:
    for value in values:
        parse_oid(value)
    return values


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class OsRule(_Model):
    family: str
    name: str | None = None
    vendor: str | None = None  # overrides the file's vendor; "" means: not a hardware vendor
    descr: list[str] = Field(default_factory=list)
    sys_object_ids: list[str] = Field(default_factory=list)
    descr_only: bool = False  # may match devices outside the file's enterprises
    version: list[str] = Field(default_factory=list)

    @field_validator("family")
    @classmethod
    def _family(cls, value: str) -> str:
        if value not in OS_FAMILIES:
            raise ValueError(f"unknown os family {value!r} (known: {', '.join(OS_FAMILIES)})")
        return value

    _check_regex = field_validator("descr", "version")(_compile)
    _check_oids = field_validator("sys_object_ids")(_oids)


class VendorObject(_Model):
    field: Literal["version", "build", "model", "serial"]
    oid: str
    pattern: str | None = None  # optional regex; the named group of ``field`` (or group 0) is kept
    families: list[str] = Field(default_factory=list)  # only for these os families (empty: all)

    @field_validator("oid")
    @classmethod
    def _oid(cls, value: str) -> str:
        parse_oid(value)
        return value

    @field_validator("pattern")
    @classmethod
    def _pattern(cls, value: str | None) -> str | None:
        if value is not None:
            _compile([value])
        return value


class VendorFile(_Model):
    vendor: str
    enterprises: list[str] = Field(default_factory=list)
    os: list[OsRule] = Field(default_factory=list)
    objects: list[VendorObject] = Field(default_factory=list)

    _check_oids = field_validator("enterprises")(_oids)


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """What the knowledge base concluded; ``*_source`` say which datum matched."""

    vendor: str | None = None
    family: str | None = None
    os_name: str | None = None
    version: str | None = None
    build: str | None = None
    model: str | None = None
    vendor_file: str | None = None
    objects: tuple[VendorObject, ...] = ()


@dataclass(frozen=True, slots=True)
class _Loaded:
    name: str
    data: VendorFile
    enterprises: tuple[Oid, ...]


class KnowledgeBase:
    def __init__(self, files: list[_Loaded]) -> None:
        self.files = files

    def vendor_oids(self) -> tuple[Oid, ...]:
        return tuple(parse_oid(o.oid) for f in self.files for o in f.data.objects)

    def identify(self, sys_object_id: str | None, sys_descr: str | None) -> Fingerprint:
        descr = sys_descr or ""
        oid: Oid | None = None
        if sys_object_id:
            try:
                oid = parse_oid(sys_object_id)
            except ValueError:
                oid = None
        owner = self._owner(oid)
        candidates: list[tuple[_Loaded, OsRule]] = []
        if owner is not None:
            candidates += [(owner, rule) for rule in owner.data.os]
        candidates += [
            (f, rule) for f in self.files if f is not owner for rule in f.data.os if rule.descr_only
        ]
        for loaded, rule in candidates:
            if not _rule_matches(rule, oid, descr):
                continue
            groups = _first_groups(rule.version, descr)
            if rule.vendor is not None:
                vendor = rule.vendor
            elif owner is not None and loaded is not owner:
                vendor = owner.data.vendor  # e.g. Linux on a vendor's own sysObjectID
            else:
                vendor = loaded.data.vendor
            sources = [loaded] if owner is None or owner is loaded else [owner, loaded]
            return Fingerprint(
                vendor=vendor or None,
                family=rule.family,
                os_name=rule.name,
                version=groups.get("version"),
                build=groups.get("build"),
                model=groups.get("model"),
                vendor_file=loaded.name,
                objects=tuple(
                    o for f in sources for o in f.data.objects if _for_family(o, rule.family)
                ),
            )
        if owner is not None:
            return Fingerprint(
                vendor=owner.data.vendor or None,
                vendor_file=owner.name,
                objects=tuple(o for o in owner.data.objects if not o.families),
            )
        return Fingerprint()

    def _owner(self, oid: Oid | None) -> _Loaded | None:
        if oid is None:
            return None
        best: tuple[int, _Loaded] | None = None
        for loaded in self.files:
            for prefix in loaded.enterprises:
                if oid[: len(prefix)] == prefix and (best is None or len(prefix) > best[0]):
                    best = (len(prefix), loaded)
        return best[1] if best else None


def _for_family(obj: VendorObject, family: str) -> bool:
    return not obj.families or family in obj.families


def _rule_matches(rule: OsRule, oid: Oid | None, descr: str) -> bool:
    if rule.sys_object_ids:
        if oid is None:
            return False
        if not any(oid[: len(p)] == p for p in (parse_oid(s) for s in rule.sys_object_ids)):
            return False
    if rule.descr:
        return any(_regex(p).search(descr) for p in rule.descr)
    return bool(rule.sys_object_ids) or not rule.descr_only


def _first_groups(patterns: list[str], text: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for pattern in patterns:
        match = _regex(pattern).search(text)
        if match:
            for key, value in match.groupdict().items():
                if value and key not in found:
                    found[key] = value.strip()
        if "version" in found:
            break
    return found


def extract(pattern: str | None, field_name: str, value: str) -> str | None:
    """Apply a vendor object's optional regex to its value."""
    if pattern is None:
        return value.strip() or None
    match = _regex(pattern).search(value)
    if not match:
        return None
    groups = match.groupdict()
    result = groups.get(field_name) or match.group(0)
    return result.strip() or None


@cache
def _regex(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def load_directory(directory: Path) -> KnowledgeBase:
    """Load and validate every ``*.yaml`` in ``directory``; errors name the file and field."""
    files: list[_Loaded] = []
    for path in sorted(directory.glob("*.yaml")):
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise ConfigError(f"{path}: cannot load fingerprint file: {exc}") from None
        try:
            data = VendorFile.model_validate(raw)
        except ValidationError as exc:
            error = exc.errors()[0]
            where = ".".join(str(p) for p in error["loc"])
            message = error["msg"].removeprefix("Value error, ")
            raise ConfigError(f"{path}: field '{where}': {message}") from None
        files.append(_Loaded(path.stem, data, tuple(parse_oid(e) for e in data.enterprises)))
    return KnowledgeBase(files)


@cache
def knowledge_base() -> KnowledgeBase:
    """The bundled knowledge base, loaded once per process."""
    return load_directory(FINGERPRINT_DIR)
