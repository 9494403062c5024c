"""Which vendor / OS a device is and where it keeps its facts, driven by data files.

Knowledge lives in ``agent/fingerprints/<vendor_family>.yaml`` (one file per vendor family), each
validated with pydantic when loaded; this module is the one generic engine that applies them::

    vendor: Juniper                   # canonical company name for this family
    enterprises: ["1.3.6.1.4.1.2636"] # sysObjectID prefixes that make a device this vendor's
    scope: owner                      # owner | probe | always (see below)
    os:                               # tried in order; first match wins
      - family: junos
        name: Junos OS
        descr: ['\\bJUNOS\\b']         # any regex matching sysDescr (empty: no sysDescr test)
        sys_object_ids: []            # optional: sysObjectID prefixes this rule requires
        version: ['JUNOS (?P<version>[^ ,]+)']   # named groups version / build / model / serial
    objects:                          # vendor MIB objects, first instance under ``oid`` (GETNEXT)
      - {field: serial, oid: "1.3.6.1.4.1.2636.3.1.3", name: jnxBoxSerialNo}
      - {field: version, oid: "...", pattern: 'v(?P<version>[\\d.]+)'}
      - {field: serial, oid: "sysObjectID.1.78"}   # relative to the device's sysObjectID
      - {field: serial, oid: "...", over_entity: true}  # outranks ENTITY-MIB's chassis row
      - {field: serial, oid: "...", command: true, smbios: true}  # a command's output (its
        # error states nothing), an SMBIOS string (a BIOS template's placeholder neither)
      - {field: version, oid: "...", agent: true}  # the SNMP agent's own software: only when
        # nothing else, the maker's subtree included, states the field

``scope``: ``owner`` files apply to devices whose sysObjectID they own (or whose sysDescr one of
their ``descr_only`` rules matches); ``probe`` files are also read on devices with a generic or
unknown sysObjectID (appliances running Net-SNMP), and own such a device when one of their objects
answers; ``always`` files hold standard-MIB fallbacks read on every device (Printer-MIB, UPS-MIB)
and generic sysDescr grammar (``fallback``), used only when nothing vendor-specific answered.

The same :func:`KnowledgeBase.plan` decides what a live poll reads and what a replay keeps, from
the system group alone, so replay == live.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from netsbom.agent.snmp.view import Oid, parse_oid
from netsbom.core.errors import ConfigError
from netsbom.core.families import family, known_family
from netsbom.core.yamlfile import read_yaml

FINGERPRINT_DIR = Path(__file__).resolve().parent.parent / "fingerprints"
_GROUPS = ("version", "build", "model", "serial")
RELATIVE = "sysObjectID"
ENTERPRISES: Oid = (1, 3, 6, 1, 4, 1)
# "vendor": a manufacturer object of an agent vendors build into others' products (OEM UPS cards);
# "distribution": a Linux host's distribution and release on one line (agent/snmp/distro.py)
Field_ = Literal["version", "build", "model", "serial", "vendor", "distribution"]


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
    family: str  # a registry id (netsbom/core/families.yaml)
    name: str | None = None  # the OS's name when this rule's brand differs from the registry's
    vendor: str | None = None  # overrides the file's vendor; "" means: not a hardware vendor
    descr: list[str] = Field(default_factory=list)
    sys_object_ids: list[str] = Field(default_factory=list)
    descr_only: bool = False  # may match devices outside the file's enterprises
    version: list[str] = Field(default_factory=list)
    # Where this OS keeps its product name in ENTITY-MIB: entPhysicalModelName (the default), or
    # entPhysicalDescr of the device's top row when ModelName holds an orderable part number.
    entity_model: Literal["model", "description"] = "model"
    # Product ids this OS writes in lower case in sysDescr ("ex3400-48t") that the vendor names in
    # upper case everywhere else (EX3400-48T).
    model_case: Literal["upper"] | None = None

    @field_validator("family")
    @classmethod
    def _family(cls, value: str) -> str:
        entry = known_family(value)
        if entry is None or entry.id != value:
            raise ValueError(f"unknown os family {value!r}: add it to netsbom/core/families.yaml")
        return value

    _check_regex = field_validator("descr", "version")(_compile)
    _check_oids = field_validator("sys_object_ids")(_oids)


class VendorObject(_Model):
    field: Field_
    oid: str  # numeric, or "sysObjectID.<arcs>" relative to the device's sysObjectID
    name: str | None = None  # the MIB object's name, for people
    pattern: str | None = None  # optional regex; the named group of ``field`` (or group 0) is kept
    families: list[str] = Field(default_factory=list)  # only for these os families (empty: all)
    sys_object_ids: list[str] = Field(default_factory=list)  # only for these product lines
    # A table column whose row is chosen by another object: the first instance under ``row_from``
    # (an integer, e.g. TIMETRA-CHASSIS-MIB tmnxChassisType) is the row index of ``oid``
    # (tmnxChassisTypeName). The whole column is walked so that live and replay agree.
    row_from: str | None = None
    # A device-level object the vendor defines as the device's identity (Huawei's ESN, which its
    # licences are bound to): it outranks ENTITY-MIB's chassis row and sysDescr for its field.
    over_entity: bool = False
    # A command's output line (NET-SNMP-EXTEND-MIB, UCD-SNMP's exec): when the command fails,
    # snmpd serves its error in place of the output ("/bin/cat: ...: Permission denied"), which
    # states nothing.
    command: bool = False
    # An SMBIOS (DMI) string: a BIOS template's placeholder for an unset field ("System Serial
    # Number", "To Be Filled By O.E.M.") states nothing (netsbom.core.placeholders).
    smbios: bool = False
    # The SNMP agent's own software (UPS-MIB's upsIdentAgentSoftwareVersion: a UPS's management
    # card), not the device's: its field only when no other source states one, the maker's
    # subtree included.
    agent: bool = False

    @field_validator("oid")
    @classmethod
    def _oid(cls, value: str) -> str:
        if value.startswith(RELATIVE + "."):
            parse_oid(value[len(RELATIVE) + 1 :])
        else:
            parse_oid(value)
        return value

    @field_validator("pattern")
    @classmethod
    def _pattern(cls, value: str | None) -> str | None:
        if value is not None:
            _compile([value])
        return value

    _check_oids = field_validator("sys_object_ids")(_oids)

    @field_validator("row_from")
    @classmethod
    def _row_from(cls, value: str | None) -> str | None:
        if value is not None:
            parse_oid(value)
        return value

    def resolve(self, sys_object_id: Oid | None) -> Oid | None:
        """The numeric OID for one device (None: relative and the device has no sysObjectID)."""
        if self.sys_object_ids and not _under(sys_object_id, self.sys_object_ids):
            return None
        if self.oid.startswith(RELATIVE + "."):
            if not sys_object_id:
                return None
            return (*sys_object_id, *parse_oid(self.oid[len(RELATIVE) + 1 :]))
        return parse_oid(self.oid)


class VendorFile(_Model):
    vendor: str
    enterprises: list[str] = Field(default_factory=list)
    scope: Literal["owner", "probe", "always"] = "owner"
    generic: bool = False  # its sysObjectIDs say "some agent", not whose device (Net-SNMP)
    os: list[OsRule] = Field(default_factory=list)
    objects: list[VendorObject] = Field(default_factory=list)
    fallback: list[str] = Field(default_factory=list)  # sysDescr regexes, named groups

    _check_oids = field_validator("enterprises")(_oids)
    _check_regex = field_validator("fallback")(_compile)


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """What the knowledge base concluded from the system group (and probe answers)."""

    vendor: str | None = None
    family: str | None = None
    os_name: str | None = None
    version: str | None = None
    build: str | None = None
    model: str | None = None
    serial: str | None = None
    vendor_file: str | None = None
    objects: tuple[VendorObject, ...] = ()
    # The OS rule came from another file than the sysObjectID's owner (Linux on an appliance):
    # the owner's own objects know the product better than the generic sysDescr rule.
    borrowed_rule: bool = False
    entity_model: str = "model"
    rule: str | None = None  # the unit id of the OS rule that matched (see KnowledgeBase.unit)


@dataclass(frozen=True, slots=True)
class _Loaded:
    name: str
    data: VendorFile
    enterprises: tuple[Oid, ...]
    # id(rule or object) -> its unit id, "<file>:os[2]", "<file>:objects[0]"
    units: dict[int, str] = field(default_factory=dict, compare=False)
    fallback_units: tuple[str, ...] = ()  # "<file>:fallback[1]", aligned with data.fallback

    def without(self, units: frozenset[str]) -> _Loaded:
        """This file less the named units (the same objects, so unit ids stay)."""
        keep = {key: unit for key, unit in self.units.items() if unit not in units}
        fallback = [
            (pattern, unit)
            for pattern, unit in zip(self.data.fallback, self.fallback_units, strict=True)
            if unit not in units
        ]
        data = self.data.model_copy(
            update={
                "os": [r for r in self.data.os if id(r) in keep],
                "objects": [o for o in self.data.objects if id(o) in keep],
                "fallback": [pattern for pattern, _unit in fallback],
            }
        )
        return _Loaded(
            self.name, data, self.enterprises, keep, tuple(unit for _p, unit in fallback)
        )


def _with_units(name: str, data: VendorFile, enterprises: tuple[Oid, ...]) -> _Loaded:
    units: dict[int, str] = {}
    for kind, items in (("os", data.os), ("objects", data.objects)):
        for position, item in enumerate(items):
            units[id(item)] = f"{name}:{kind}[{position}]"
    fallback = tuple(f"{name}:fallback[{n}]" for n in range(len(data.fallback)))
    return _Loaded(name, data, enterprises, units, fallback)


def _under(oid: Oid | None, prefixes: list[str]) -> bool:
    if oid is None:
        return False
    return any(oid[: len(p)] == p for p in (parse_oid(s) for s in prefixes))


def _parse_sys_oid(text: str | None) -> Oid | None:
    if not text:
        return None
    try:
        return parse_oid(text)
    except ValueError:
        return None


class KnowledgeBase:
    """Every vendor file, and the engine applying them.

    Each OS rule, vendor object and fallback pattern is a *unit* with a stable id
    (``juniper:os[1]``, ``standard:objects[3]``): :func:`tracing` collects the units that gave a
    record its values, :meth:`without` switches units off. Cross-validation uses both to score
    OS types with none of the knowledge that only their recordings use
    (tests/agent/snmp/test_generalisation.py).
    """

    def __init__(self, files: list[_Loaded]) -> None:
        self.files = files
        self.always = [f for f in files if f.data.scope == "always"]
        self.probes = [f for f in files if f.data.scope == "probe"]
        self._units = {key: unit for f in files for key, unit in f.units.items()}
        self._all_units = frozenset(
            [*self._units.values(), *(unit for f in files for unit in f.fallback_units)]
        )
        makers = {f.data.vendor for f in files if f.data.vendor}
        self._vendor_names = tuple(sorted(makers, key=lambda name: (-len(name.split()), name)))

    def unit(self, item: OsRule | VendorObject) -> str | None:
        """The unit id of a rule or vendor object of this knowledge base."""
        return self._units.get(id(item))

    def units(self) -> frozenset[str]:
        return self._all_units

    def without(self, units: Iterable[str]) -> KnowledgeBase:
        """The same knowledge less ``units`` (vendors and enterprise numbers stay)."""
        off = frozenset(units)
        return KnowledgeBase([f.without(off) for f in self.files])

    def vendor_oids(self) -> tuple[Oid, ...]:
        """Every absolute vendor object OID (for tools that want the union of all plans)."""
        found: list[Oid] = []
        for f in self.files:
            for o in f.data.objects:
                if not o.oid.startswith(RELATIVE):
                    found.append(parse_oid(o.oid))
                if o.row_from is not None:
                    found.append(parse_oid(o.row_from))
        return tuple(found)

    def plan(self, sys_object_id: str | None, sys_descr: str | None) -> tuple[Oid, ...]:
        """The vendor objects to read from a device (first instances), given its system group."""
        return self.plan_all(sys_object_id, sys_descr)[0]

    def plan_all(
        self, sys_object_id: str | None, sys_descr: str | None
    ) -> tuple[tuple[Oid, ...], tuple[Oid, ...]]:
        """(objects read by their first instance, table columns walked whole) for one device."""
        oid = _parse_sys_oid(sys_object_id)
        found = self.identify(sys_object_id, sys_descr)
        objects = list(found.objects)
        if self._needs_probe(oid):
            objects += [o for _name, probe in self.probe_files() for o in probe]
        objects += [o for f in self.always for o in f.data.objects]
        result: list[Oid] = []
        tables: list[Oid] = []
        for obj in objects:
            resolved = obj.resolve(oid)
            if resolved is None:
                continue
            if obj.row_from is not None:
                row_from = parse_oid(obj.row_from)
                if row_from not in result:
                    result.append(row_from)
                if resolved not in tables:
                    tables.append(resolved)
            elif resolved not in result:
                result.append(resolved)
        return tuple(result), tuple(tables)

    def _needs_probe(self, oid: Oid | None) -> bool:
        owner = self._owner(oid)
        return owner is None or owner.data.generic

    def identify(
        self,
        sys_object_id: str | None,
        sys_descr: str | None,
        answered: set[str] | None = None,
    ) -> Fingerprint:
        """Vendor, OS and where to look; ``answered`` names probe files whose objects answered."""
        descr = sys_descr or ""
        oid = _parse_sys_oid(sys_object_id)
        owner = self._owner(oid)
        if answered and (owner is None or owner.data.generic):
            for probe in self.probes:
                if probe.name in answered:
                    owner = probe
                    break
        candidates: list[tuple[_Loaded, OsRule]] = []
        if owner is not None:
            candidates += [(owner, rule) for rule in owner.data.os]
        candidates += [
            (f, rule) for f in self.files if f is not owner for rule in f.data.os if rule.descr_only
        ]
        for candidate_file, candidate_rule in candidates:
            if not _rule_matches(candidate_rule, oid, descr):
                continue
            # the owner's product registrations alone say which OS: a sysDescr that names
            # another one outright, by another maker's rule ("Alcatel-Lucent OS6850-U24X
            # 6.4.3.520.R01" under Nokia's 6527.6 line is an OmniSwitch's AOS), says better
            by_registration = candidate_file is owner and not candidate_rule.descr
            named = self._named_by_descr(owner, descr) if owner and by_registration else None
            loaded, rule = named or (candidate_file, candidate_rule)
            groups = _first_groups(rule.version, descr)
            if rule.vendor is not None:
                vendor = rule.vendor
            elif owner is not None and loaded is not owner and not owner.data.generic:
                vendor = owner.data.vendor  # e.g. Linux on a vendor's own sysObjectID
            else:
                vendor = loaded.data.vendor
            sources = [loaded] if owner is None or owner is loaded else [owner, loaded]
            return _matched(
                loaded,
                rule,
                groups,
                vendor,
                objects=tuple(
                    o for f in sources for o in f.data.objects if _for_family(o, rule.family)
                ),
                borrowed_rule=owner is not None and loaded is not owner,
            )
        if owner is not None:
            return Fingerprint(
                vendor=owner.data.vendor or None,
                vendor_file=owner.name,
                objects=tuple(o for o in owner.data.objects if not o.families),
            )
        return Fingerprint()

    def _rules_naming(self, text: str) -> Iterator[tuple[_Loaded, OsRule]]:
        """The OS rules (not the ``always`` files' grammar) whose sysDescr patterns ``text``
        matches, in file order."""
        for loaded in self.files:
            if loaded.data.scope == "always":
                continue
            for rule in loaded.data.os:
                if rule.descr and any(_regex(p).search(text) for p in rule.descr):
                    yield loaded, rule

    def _named_by_descr(self, owner: _Loaded, descr: str) -> tuple[_Loaded, OsRule] | None:
        """The first OS rule of another maker's file whose sysDescr pattern ``descr`` matches
        (not a general-purpose OS's: a Linux ``uname`` line on an appliance names its kernel)."""
        return next(
            (
                (loaded, rule)
                for loaded, rule in self._rules_naming(descr)
                if loaded is not owner and not loaded.data.generic
            ),
            None,
        )

    def identify_text(self, text: str) -> Fingerprint:
        """The OS a device's own description names (a CLI ``show version`` banner), from the
        OS rules' sysDescr patterns alone: no sysObjectID to say whose device it is."""
        for loaded, rule in self._rules_naming(text):
            groups: dict[str, str] = {}
            for line in text.splitlines():  # a release never spans lines
                if not _LICENCE.search(line):  # "(LGPL) Version 2.1" is the licence's
                    groups = {**_first_groups(rule.version, line), **groups}
            vendor = loaded.data.vendor if rule.vendor is None else rule.vendor
            return _matched(loaded, rule, groups, vendor)
        return Fingerprint()

    def fallback(self, sys_descr: str | None) -> dict[str, str]:
        """Generic sysDescr grammar (``always`` files): field -> value, first pattern wins."""
        return {key: value for key, (value, _unit) in self.fallback_units(sys_descr).items()}

    def fallback_units(self, sys_descr: str | None) -> dict[str, tuple[str, str | None]]:
        """:meth:`fallback` with the unit id of the pattern that gave each value."""
        found: dict[str, tuple[str, str | None]] = {}
        for loaded in self.always:
            for pattern, unit in zip(loaded.data.fallback, loaded.fallback_units, strict=True):
                match = _regex(pattern).search(sys_descr or "")
                if match:
                    for key, value in match.groupdict().items():
                        if value and value.strip() and key not in found:
                            found[key] = (value.strip(), unit)
        return found

    def always_objects(self) -> tuple[VendorObject, ...]:
        return tuple(o for f in self.always for o in f.data.objects)

    def probe_files(self) -> list[tuple[str, tuple[VendorObject, ...]]]:
        """Each probe file's objects that may be asked of any device: absolute OIDs only (one
        relative to the device's own sysObjectID says nothing about whose device it is)."""
        return [
            (f.name, tuple(o for o in f.data.objects if not o.oid.startswith(RELATIVE)))
            for f in self.probes
        ]

    def needs_probe(self, sys_object_id: str | None) -> bool:
        return self._needs_probe(_parse_sys_oid(sys_object_id))

    def general_agent(self, sys_object_id: str | None) -> bool:
        """The sysObjectID is a general SNMP agent's (Net-SNMP, UCD ...): it says "some agent",
        not whose device."""
        owner = self._owner(_parse_sys_oid(sys_object_id))
        return owner is not None and owner.data.generic

    @cached_property
    def host_agent_enterprises(self) -> frozenset[int]:
        """Enterprise numbers of software any general-purpose host may serve: the general SNMP
        agents' and the server-hardware agents' (the arcs of ``scope: always`` objects)."""
        numbers = {
            prefix[len(ENTERPRISES)]
            for f in self.files
            if f.data.generic
            for prefix in f.enterprises
            if prefix[: len(ENTERPRISES)] == ENTERPRISES and len(prefix) > len(ENTERPRISES)
        }
        for f in self.always:
            for obj in f.data.objects:
                oid = obj.resolve(None)
                if oid is not None and oid[: len(ENTERPRISES)] == ENTERPRISES:
                    numbers.add(oid[len(ENTERPRISES)])
        return frozenset(numbers)

    def is_appliance(self, sys_object_id: str | None) -> bool:
        """A sysObjectID of the box's maker, not of a general SNMP agent (Net-SNMP, UCD ...):
        the box is an appliance whatever OS it runs underneath."""
        oid = _parse_sys_oid(sys_object_id)
        if oid is None or oid[: len(ENTERPRISES)] != ENTERPRISES or len(oid) <= len(ENTERPRISES):
            return False
        owner = self._owner(oid)
        return owner is None or not owner.data.generic

    def vendor_names(self) -> tuple[str, ...]:
        """The makers the vendor files name, those of more words first."""
        return self._vendor_names

    def enterprise_vendor(self, number: int) -> str | None:
        """The maker a vendor file names for a private enterprise number: "" when the file
        that owns the number names none (an agent's number, Net-SNMP's), None when no file
        owns it."""
        owner = self._owner((*ENTERPRISES, number))
        return owner.data.vendor if owner is not None else None

    def _owner(self, oid: Oid | None) -> _Loaded | None:
        if oid is None:
            return None
        best: tuple[int, _Loaded] | None = None
        for loaded in self.files:
            for prefix in loaded.enterprises:
                if oid[: len(prefix)] == prefix and (best is None or len(prefix) > best[0]):
                    best = (len(prefix), loaded)
        return best[1] if best else None


def _matched(
    loaded: _Loaded,
    rule: OsRule,
    groups: dict[str, str],
    vendor: str,
    objects: tuple[VendorObject, ...] = (),
    borrowed_rule: bool = False,
) -> Fingerprint:
    """What an OS rule that matched says, with the named groups its patterns found."""
    return Fingerprint(
        vendor=vendor or None,
        family=rule.family,
        os_name=rule.name or family(rule.family).name,
        version=groups.get("version"),
        build=groups.get("build"),
        model=_cased(groups.get("model"), rule.model_case),
        serial=groups.get("serial"),
        vendor_file=loaded.name,
        objects=objects,
        borrowed_rule=borrowed_rule,
        entity_model=rule.entity_model,
        rule=loaded.units.get(id(rule)),
    )


def _cased(model: str | None, case: str | None) -> str | None:
    return model.upper() if model and case == "upper" else model


def _for_family(obj: VendorObject, family: str) -> bool:
    return not obj.families or family in obj.families


def _rule_matches(rule: OsRule, oid: Oid | None, descr: str) -> bool:
    if rule.sys_object_ids and not _under(oid, rule.sys_object_ids):
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
                if value and value.strip() and key not in found:
                    found[key] = value.strip()
        if "version" in found:
            break
    return found


_LICENCE = re.compile(r"(?i)\blicen[cs]e")  # a banner's legal text names licences' versions


def extract(pattern: str | None, field_name: str, value: str) -> str | None:
    """Apply a vendor object's optional regex to its value (a value the agent wrote in double
    quotes, ``"HP MSA 2040 SAN"``, without them)."""
    if pattern is None:
        return _unquoted(value)
    match = _regex(pattern).search(value)
    if not match:
        return None
    groups = match.groupdict()
    return _unquoted(groups.get(field_name) or match.group(0))


def _unquoted(value: str) -> str | None:
    text = value.strip()
    if len(text) > 2 and text[0] == text[-1] == '"':
        text = text[1:-1].strip()
    return text or None


@cache
def _regex(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def load_directory(directory: Path) -> KnowledgeBase:
    """Load and validate every ``*.yaml`` in ``directory``; errors name the file and field."""
    files: list[_Loaded] = []
    for path in sorted(directory.glob("*.yaml")):
        raw = read_yaml(path, "fingerprint file")
        try:
            data = VendorFile.model_validate(raw)
        except ValidationError as exc:
            error = exc.errors()[0]
            where = ".".join(str(p) for p in error["loc"])
            message = error["msg"].removeprefix("Value error, ")
            raise ConfigError(f"{path}: field '{where}': {message}") from None
        files.append(_with_units(path.stem, data, tuple(parse_oid(e) for e in data.enterprises)))
    return KnowledgeBase(files)


@cache
def bundled() -> KnowledgeBase:
    """The bundled knowledge base, loaded once per process."""
    return load_directory(FINGERPRINT_DIR)


_ACTIVE: ContextVar[KnowledgeBase | None] = ContextVar("netsbom_knowledge", default=None)
_TRACE: ContextVar[set[str] | None] = ContextVar("netsbom_knowledge_trace", default=None)


def knowledge_base() -> KnowledgeBase:
    """The knowledge in force: the bundled one, unless :func:`using` chose another."""
    return _ACTIVE.get() or bundled()


@contextmanager
def using(kb: KnowledgeBase) -> Iterator[KnowledgeBase]:
    """Plan, replay and parse with ``kb`` in this context (cross-validation, tests)."""
    token = _ACTIVE.set(kb)
    try:
        yield kb
    finally:
        _ACTIVE.reset(token)


@contextmanager
def tracing() -> Iterator[set[str]]:
    """Collect the ids of the units that give records parsed in this context their values."""
    trace: set[str] = set()
    token = _TRACE.set(trace)
    try:
        yield trace
    finally:
        _TRACE.reset(token)


def used(unit: str | None) -> None:
    """Note that ``unit`` gave a record a value (when :func:`tracing`)."""
    trace = _TRACE.get()
    if trace is not None and unit:
        trace.add(unit)
