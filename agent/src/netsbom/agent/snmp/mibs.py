"""sysObjectID -> product name, from the vendors' registration MIBs, read at runtime.

Vendors name every product they ship in a registration MIB (CISCO-PRODUCTS-MIB, JUNIPER-CHASSIS-
DEFINES-MIB, HUAWEI-MIB ...): ``cisco2960X48FPSL OBJECT IDENTIFIER ::= { ciscoProducts 1208 }``.
The agent reads such files from a MIB directory the operator points it at (``--mibs DIR`` of
``agent run`` / ``agent poll``, or ``NETSBOM_MIBS``); what a scan of ../shared/mibs concludes ships
as a compact table (:mod:`netsbom.agent.snmp.mibtable`), used when the operator's folder does not
answer.

This is not a MIB compiler: a small dependency-free scanner collects every
``name <MACRO> ... ::= { parent n }`` assignment (OBJECT IDENTIFIER, MODULE-IDENTITY,
OBJECT-IDENTITY, OBJECT-TYPE ...), resolves names to numeric OIDs (a module's own names first,
then any module's) and keeps the result per directory set, in memory, for the process.

``product(oid)`` answers the registered name of an exact sysObjectID and a display form with the
family prefix its siblings share removed (``jnxProductNameMX80`` -> ``MX80``,
``cisco2960X48FPSL`` -> ``2960X48FPSL``), so callers can match either.

IANA's registry of private enterprise numbers names the organisation behind any sysObjectID:
``organization(oid)`` (``1.3.6.1.4.1.1991.…`` -> ``Foundry Networks``). netsbom ships a copy
(:mod:`netsbom.agent.snmp.mibtable`); a newer one dropped into the MIB folder (IANA's
``enterprise-numbers`` text file, or Wireshark's ``enterprises.tsv``) takes precedence.
"""

from __future__ import annotations

import itertools
import logging
import os
import re
import threading
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, cast

from netsbom.agent.snmp.view import Oid
from netsbom.core.companies import LEGAL_FORM

log = logging.getLogger(__name__)

ENV_VAR = "NETSBOM_MIBS"
MAX_FILE_BYTES = 8 * 1024 * 1024  # a registration MIB is at most a few MB; skip anything bigger
MIN_PRODUCT_SIBLINGS = 3  # a registration list names many products under one parent
ENTERPRISE_FILES = ("enterprise-numbers", "enterprise-numbers.txt", "enterprises.tsv")
ENTERPRISES: Oid = (1, 3, 6, 1, 4, 1)

# The SMI roots every MIB imports from SNMPv2-SMI / RFC1155-SMI (never defined in vendor files).
_ROOTS: dict[str, Oid] = {
    "ccitt": (0,), "iso": (1,), "joint-iso-ccitt": (2,), "zeroDotZero": (0, 0),
    "org": (1, 3), "dod": (1, 3, 6), "internet": (1, 3, 6, 1), "directory": (1, 3, 6, 1, 1),
    "mgmt": (1, 3, 6, 1, 2), "mib-2": (1, 3, 6, 1, 2, 1), "transmission": (1, 3, 6, 1, 2, 1, 10),
    "experimental": (1, 3, 6, 1, 3), "private": (1, 3, 6, 1, 4), "enterprises": (1, 3, 6, 1, 4, 1),
    "security": (1, 3, 6, 1, 5), "snmpV2": (1, 3, 6, 1, 6),
    "snmpDomains": (1, 3, 6, 1, 6, 1), "snmpProxys": (1, 3, 6, 1, 6, 2),
    "snmpModules": (1, 3, 6, 1, 6, 3),
}  # fmt: skip
_MACROS = (
    r"OBJECT\s+IDENTIFIER|MODULE-IDENTITY|OBJECT-IDENTITY|OBJECT-TYPE|NOTIFICATION-TYPE|"
    r"OBJECT-GROUP|NOTIFICATION-GROUP|MODULE-COMPLIANCE|AGENT-CAPABILITIES"
)
_HEADER = re.compile(rf"(?<![\w-])([a-zA-Z][\w-]*)\s+({_MACROS})(?![\w-])")
_VALUE = re.compile(r"\s*\{([^{}]*)\}")
_ARC = re.compile(r"^(?:[a-zA-Z][\w-]*\()?(\d+)\)?$")
_UNREADABLE = re.compile(r"\bACCESS\s+(?:not-accessible|accessible-for-notify)\b")
_MODULE = re.compile(r"([A-Z][\w-]*)\s+DEFINITIONS\s*::=\s*BEGIN")
_STRING = re.compile(r'"[^"]*"', re.DOTALL)
_COMMENT = re.compile(r"--.*?(?:--|$)", re.MULTILINE)
# where a name's prefix may end: before a capital or digit after a small letter
# (``jnxProduct|MX80``), or after a first word of small letters and digits and its hyphen
# (``hh3c-|s5500``, where the camel-case cut ``hh|3c-s5500`` would leave the prefix's own digit)
_CAMEL_CUT = re.compile(r"(?<=[a-z])(?=[A-Z0-9])|^[a-z][a-z0-9]*[-_](?=[A-Za-z0-9])")


# Identity objects a vendor MIB declares, recognised by the SMI naming convention (RFC 2578
# descriptors name what an object is, the thing last: ``jnxBoxSerialNo``, ``fgSysVersion``,
# ``ruckusZD1000SystemModel``). Only scalars count (a table column describes rows: disks,
# members, peers), and none named for a part of the box rather than the box.
IDENTITY_NAMES: dict[str, re.Pattern[str]] = {
    # "jnxBoxSerialNo", "fnSysSerial", "hwSysEsn" (Electronic Serial Number), Dell's service tag
    "serial": re.compile(r"(?:Serial(?:Number|Num|No|Nbr)?|SerNum|SerNo|Esn|ServiceTag)$"),
    # "fgSysVersion", "racFirmwareVersion", "tachyonFirmware", "xtmVersion": a release of the
    # box's software (not of its hardware, boot code, MIB or protocol: _NOT_SOFTWARE_WORDS)
    "version": re.compile(
        r"(?:Version|Ver|Firmware|FwVersion|SwVersion|SoftwareRev|SoftwareRevision|FirmwareRev"
        r"|FirmwareRevision|SwRelease|SoftwareRelease)(?:String|Str)?$"
    ),
    # "ruckusZD1000SystemModel", "systemModelName", "valereModel", "cpqSiProductName"
    "model": re.compile(r"(?:Model|ModelName|ModelNumber|ModelNo|ProductName)$"),
}
# words that make a name another thing's: a part of the box, a peer, another release than the
# running one, the hardware's or boot code's revision, the MIB's or a protocol's version
_NOT_SOFTWARE_WORDS = frozenset({
    "hardware", "hw", "pcb", "board", "mib", "protocol", "boot", "bootrom", "bios", "rom",
    "cpld", "fpga", "latest", "available", "required", "min", "max", "minimum", "maximum",
    "previous", "backup", "next", "new", "old", "target", "upgrade", "update", "download",
    "pending", "standby", "alternate", "secondary", "config", "configuration", "schema", "api",
})  # fmt: skip
_IDENTITY_ORDER: tuple[tuple[Literal["serial", "version", "model"], re.Pattern[str]], ...] = (
    ("serial", IDENTITY_NAMES["serial"]),
    ("version", IDENTITY_NAMES["version"]),
    ("model", IDENTITY_NAMES["model"]),
)
_PART_WORDS = frozenset({
    "disk", "drive", "fan", "psu", "power", "batt", "battery", "module", "card", "port", "sfp",
    "xcvr", "transceiver", "slot", "blade", "ap", "client", "peer", "neighbor", "neighbour",
    "remote", "license", "licence", "bios", "boot", "bootrom", "rom", "cpld", "fpga", "sensor",
    "probe", "lamp", "toner", "cartridge", "member", "line", "rectifier", "inverter", "antenna",
    "radio", "link", "agent", "snmp", "mib", "lib",
    "alert", "trap", "notify", "notification", "event", "log",  # a trap's copy, not the state
})  # fmt: skip
_CAMEL_WORDS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
MAX_IDENTITY_OBJECTS = 6  # per field and device: a bounded number of GETNEXTs
# a name that says the object is something else than the box's serial, release or model, whatever
# its DESCRIPTION says: a part's, another release, a date, a status, a count, a table
_NAMED_OTHERWISE = re.compile(
    r"(?i)(?:Date|Time|Status|State|Count|Number(?!$)|Index|Table|Entry|Type|Oid|Id$)"
)


@dataclass(frozen=True, slots=True)
class IdentityObject:
    """A scalar of a vendor MIB whose name says it is the device's serial, version or model."""

    field: Literal["serial", "version", "model"]
    oid: Oid
    name: str
    module: str


# words that say an identity object is the whole box's / its running software's: preferred among
# objects at the same depth ("systemServiceTag" over "chassisServiceTag" of a blade's enclosure,
# "racFirmwareVersion" over "racVersion", the card's product version)
_BOX_WORDS = frozenset({"sys", "system", "box", "device", "unit", "node"})
_SOFTWARE_WORDS = frozenset({"software", "sw", "firmware", "fw", "os", "build", "image"})


def _specific(item: IdentityObject) -> int:
    words = {w.lower() for w in _CAMEL_WORDS.findall(item.name)}
    preferred = _SOFTWARE_WORDS if item.field == "version" else _BOX_WORDS
    return len(words & preferred)


def order_identity(found: Sequence[IdentityObject], sys_oid: Oid) -> tuple[IdentityObject, ...]:
    """Those sharing the longest prefix with ``sys_oid`` first (a product's own branch), then
    those naming the whole box or the running software, then by OID; at most
    :data:`MAX_IDENTITY_OBJECTS` per field."""

    def shared(item: IdentityObject) -> int:
        return next(
            (i for i, (a, b) in enumerate(zip(item.oid, sys_oid, strict=False)) if a != b),
            min(len(item.oid), len(sys_oid)),
        )

    ordered = sorted(found, key=lambda item: (-shared(item), -_specific(item), item.oid))
    kept: list[IdentityObject] = []
    for field_name in IDENTITY_NAMES:
        kept += [item for item in ordered if item.field == field_name][:MAX_IDENTITY_OBJECTS]
    return tuple(kept)


def identity_field(name: str) -> Literal["serial", "version", "model"] | None:
    """The field an object's name declares it holds (serial, version, model), if any."""
    field_name: Literal["serial", "version", "model"]
    for field_name, pattern in _IDENTITY_ORDER:
        if pattern.search(name):
            words = {w.lower() for w in _CAMEL_WORDS.findall(name)}
            if words & _PART_WORDS or (field_name == "version" and words & _NOT_SOFTWARE_WORDS):
                return None
            return field_name
    return None


# What an object's DESCRIPTION says it holds, for names that do not say it (``acmeUnitIdent``:
# "The serial number of this unit."): its first sentence names the field and the thing is the
# box (no part, peer or other release: _PART_WORDS, _NOT_SOFTWARE_WORDS), and the SYNTAX is text.
_DESCRIBED: dict[Literal["serial", "version", "model"], re.Pattern[str]] = {
    "serial": re.compile(r"(?i)\bserial[\s-]*(?:number|no\b|num\b)"),
    "version": re.compile(
        r"(?i)\b(?:firmware|software|operating[\s-]system|os)\s+(?:version|release|revision)\b"
        r"|\bversion\s+of\s+(?:the\s+)?(?:firmware|software|operating[\s-]system)\b"
    ),
    "model": re.compile(r"(?i)\bmodel\s+(?:name|number)\b|\bproduct\s+(?:name|model)\b"),
}
_TEXT_SYNTAX = re.compile(
    r"^(?:DisplayString|OCTET\s+STRING|SnmpAdminString|OctetString|[\w-]*String)", re.IGNORECASE
)
_SENTENCE_END = re.compile(r"\.(?:\s|$)")


def described_field(description: str, syntax: str) -> Literal["serial", "version", "model"] | None:
    """The field an object's DESCRIPTION (its first sentence) says it holds, if its SYNTAX is
    text and the sentence is about the box, not a part of it or another release."""
    if not _TEXT_SYNTAX.match(syntax.strip()):
        return None
    sentence = _SENTENCE_END.split(" ".join(description.split()), maxsplit=1)[0]
    words = {w.lower() for w in re.findall(r"[A-Za-z]+", sentence)}
    for field_name, pattern in _DESCRIBED.items():
        if pattern.search(sentence):
            if words & _PART_WORDS or (field_name == "version" and words & _NOT_SOFTWARE_WORDS):
                return None
            return field_name
    return None


@dataclass(frozen=True, slots=True)
class Product:
    """A registered sysObjectID: the MIB's ``name``, and ``short`` without the family prefix."""

    name: str
    short: str
    module: str


class MibIndex:
    """Numeric OID -> registered name, built from the assignments of every MIB in some folders."""

    def __init__(
        self,
        assignments: Iterable[tuple[str, str, str, tuple[int, ...]]],
        organizations: dict[int, str] | None = None,
        object_types: Iterable[tuple[str, str, str]] = (),
    ) -> None:
        # (module, name, parent, arcs); object_types: (module, name, the field its DESCRIPTION
        # declares or "") of the readable OBJECT-TYPEs
        self.organizations = organizations or {}  # private enterprise number -> organisation
        by_module: dict[str, dict[str, tuple[str, tuple[int, ...]]]] = defaultdict(dict)
        anywhere: dict[str, tuple[str, str, tuple[int, ...]]] = {}
        for module, name, parent, arcs in assignments:
            by_module[module].setdefault(name, (parent, arcs))
            anywhere.setdefault(name, (module, parent, arcs))
        self._by_module = by_module
        self._anywhere = anywhere
        self._resolved: dict[tuple[str, str], Oid | None] = {}
        self.names: dict[Oid, tuple[str, str]] = {}  # oid -> (module, name)
        for module, names in by_module.items():
            for name in names:
                oid = self._resolve(module, name, 0)
                if oid is not None:
                    self.names.setdefault(oid, (module, name))
        self._children: dict[Oid, list[str]] = defaultdict(list)
        for oid, (_, name) in self.names.items():
            self._children[oid[:-1]].append(name)
        self.identity: dict[int, list[IdentityObject]] = defaultdict(list)
        for module, name, described in sorted(set(object_types)):
            self._add_identity(module, name, described)

    def _add_identity(self, module: str, name: str, described: str = "") -> None:
        field_name = identity_field(name)
        if field_name is None and described in IDENTITY_NAMES and not _NAMED_OTHERWISE.search(name):
            field_name = cast(Literal["serial", "version", "model"], described)
        oid = self._resolve(module, name, 0) if field_name else None
        if field_name is None or oid is None or len(oid) <= len(ENTERPRISES) + 1:
            return
        if oid[: len(ENTERPRISES)] != ENTERPRISES:
            return
        parent = self.names.get(oid[:-1])
        if parent is not None and parent[1].endswith(("Entry", "Table")):
            return  # a table column: one value per row, not the device's
        known = self.identity[oid[len(ENTERPRISES)]]
        if all(item.oid != oid for item in known):  # one module in two files (SMIv1 and v2)
            known.append(IdentityObject(field_name, oid, name, module))

    def identity_objects(self, sys_oid: Oid) -> tuple[IdentityObject, ...]:
        """The identity scalars the MIBs declare under ``sys_oid``'s enterprise, those sharing
        the longest prefix with it first (a product's own branch), at most
        :data:`MAX_IDENTITY_OBJECTS` per field."""
        if len(sys_oid) <= len(ENTERPRISES) or sys_oid[: len(ENTERPRISES)] != ENTERPRISES:
            return ()
        return order_identity(self.identity.get(sys_oid[len(ENTERPRISES)], []), sys_oid)

    def _resolve(self, module: str, name: str, depth: int) -> Oid | None:
        if name in _ROOTS:
            return _ROOTS[name]
        key = (module, name)
        if key in self._resolved:
            return self._resolved[key]
        if depth > 64:
            return None
        self._resolved[key] = None  # breaks cycles
        local = self._by_module.get(module, {}).get(name)
        if local is not None:
            parent_module, (parent, arcs) = module, local
        elif name in self._anywhere:
            parent_module, parent, arcs = self._anywhere[name]
        else:
            return None
        if parent.isdigit():
            base: Oid | None = (int(parent),)
        else:
            base = self._resolve(parent_module, parent, depth + 1)
        oid = None if base is None else (*base, *arcs)
        self._resolved[key] = oid
        return oid

    def __len__(self) -> int:
        return len(self.names)

    def organization(self, oid: Oid) -> str | None:
        """The organisation IANA registered the enterprise number of ``oid`` to."""
        if len(oid) <= len(ENTERPRISES) or oid[: len(ENTERPRISES)] != ENTERPRISES:
            return None
        return self.organizations.get(oid[len(ENTERPRISES)])

    def name(self, oid: Oid) -> str | None:
        found = self.names.get(oid)
        return found[1] if found else None

    def product(self, oid: Oid) -> Product | None:
        """The registered name of exactly this OID, with its siblings' shared prefix removed."""
        found = self.names.get(oid)
        if found is None:
            return None
        module, name = found
        siblings = self._children[oid[:-1]]
        parent = self.names.get(oid[:-1])
        in_product_branch = parent is not None and "product" in parent[1].lower()
        if len(siblings) < MIN_PRODUCT_SIBLINGS and not in_product_branch:
            return None  # a branch node (``ahProduct``, ``outOfBandGroup``), not a product list
        return Product(name=name, short=_short(name, siblings), module=module)


def _short(name: str, siblings: Sequence[str]) -> str:
    """Remove the camel-case prefix most siblings share: ``jnxProductNameMX80`` -> ``MX80``."""
    if len(siblings) < 3:
        return name
    # a maker's prefix has two letters or more: one small letter starts the product's own name
    # (Dell's S4048-ON registered as ``s4048on``, Calix's E7-2 as ``e7x2``)
    cuts = [m.end() for m in _CAMEL_CUT.finditer(name) if m.end() >= 2]
    best = ""
    for cut in cuts:
        prefix = name[:cut]
        shared = sum(1 for s in siblings if s.startswith(prefix))
        if shared >= max(3, len(siblings) // 2):
            best = prefix
    rest = name[len(best) :]
    # a number alone names no product: "vdx6740" stays whole, not "6740"
    return rest if len(rest) >= 2 and any(c.isalpha() for c in rest) else name


def scan(text: str) -> tuple[str, list[tuple[str, str, tuple[int, ...]]]]:
    """Module name and ``(name, parent, arcs)`` of every brace-valued assignment in MIB text."""
    module, found = scan_kinds(text)
    return module, [(a.name, a.parent, a.arcs) for a in found]


@dataclass(frozen=True, slots=True)
class Assignment:
    """One ``name MACRO ... ::= { parent arcs }`` of a MIB, with an OBJECT-TYPE's clauses."""

    name: str
    kind: str  # the macro: OBJECT-TYPE, OBJECT IDENTIFIER ...; "OBJECT-TYPE unreadable"
    parent: str
    arcs: tuple[int, ...]
    syntax: str = ""
    description: str = ""


_SYNTAX = re.compile(r"\bSYNTAX\s+([A-Za-z][\w-]*(?:\s+STRING)?)")
_DESCRIPTION = re.compile(r'\bDESCRIPTION\s+"#(\d+)"')


def scan_kinds(text: str) -> tuple[str, list[Assignment]]:
    """:func:`scan` with each assignment's macro (``OBJECT-TYPE``, ``OBJECT IDENTIFIER`` ...),
    and an OBJECT-TYPE's SYNTAX and DESCRIPTION; an OBJECT-TYPE no manager can read
    (``not-accessible``, ``accessible-for-notify``: table entries, trap varbinds) is kind
    ``OBJECT-TYPE unreadable``."""
    strings: list[str] = []

    def keep(match: re.Match[str]) -> str:  # strings out of the way of "::=" and "--"
        strings.append(match.group(0)[1:-1])
        return f'"#{len(strings) - 1}"'

    text = _COMMENT.sub("", _STRING.sub(keep, text))
    module_match = _MODULE.search(text)
    module = module_match.group(1) if module_match else ""
    found: list[Assignment] = []
    pieces = text.split("::=")
    for before, after in itertools.pairwise(pieces):
        value = _VALUE.match(after)
        if value is None:
            continue
        headers = list(_HEADER.finditer(before))
        if not headers:
            continue
        tokens = value.group(1).split()
        if len(tokens) < 2:
            continue
        arcs: list[int] = []
        for token in tokens[1:]:
            arc = _ARC.match(token)
            if arc is None:
                break
            arcs.append(int(arc.group(1)))
        else:
            parent = tokens[0]
            numbered = _ARC.match(parent)
            if numbered is not None:  # { iso(1) org(3) ... } or { 1 3 6 }: a numeric root
                parent = numbered.group(1)
            name, kind = headers[-1].groups()
            kind = " ".join(kind.split())
            clauses = before[headers[-1].end() :]
            if kind == "OBJECT-TYPE" and _UNREADABLE.search(clauses):
                kind += " unreadable"
            syntax = _SYNTAX.search(clauses) if kind == "OBJECT-TYPE" else None
            described = _DESCRIPTION.search(clauses) if kind == "OBJECT-TYPE" else None
            found.append(
                Assignment(
                    name, kind, parent, tuple(arcs),
                    " ".join(syntax.group(1).split()) if syntax else "",
                    strings[int(described.group(1))] if described else "",
                )
            )  # fmt: skip
    return module, found


_IANA_NUMBER = re.compile(r"^(\d+)\s*$")
_FORMERLY = re.compile(r"\s*\((?:formerly|previous|was|now|https?:)[^)]*\)?", re.IGNORECASE)
_LEGAL_SUFFIX = re.compile(rf"(?:(?:,\s*|\s+){LEGAL_FORM})+\s*$", re.IGNORECASE)


# entries that name no organisation: numbers IANA holds back or took back
_NO_REGISTRANT = re.compile(r"^(?:reserved|unassigned|-*\s*none\s*-*)$", re.IGNORECASE)


def parse_enterprises(text: str) -> dict[int, str]:
    """Enterprise number -> organisation, from IANA's registry (a number line, then the
    organisation indented by two spaces) or a ``number<TAB>organisation`` table (Wireshark)."""
    found: dict[int, str] = {}
    number: int | None = None
    for line in text.splitlines():
        fields = line.split("\t")
        if len(fields) > 1 and fields[0].strip().isdigit():  # "1991<TAB>name<TAB># comment"
            found.setdefault(int(fields[0]), fields[1])
            continue
        match = _IANA_NUMBER.match(line)
        if match:
            number = int(match.group(1))
        elif number is not None and line.startswith("  ") and not line.startswith("    "):
            found.setdefault(number, line)
            number = None
    cleaned = {key: organization_name(name) for key, name in found.items()}
    return {key: name for key, name in cleaned.items() if name and not _NO_REGISTRANT.match(name)}


def organization_name(raw: str) -> str:
    """A registry entry as a supplier name: no "(formerly ...)", no legal-form suffix."""
    name = _FORMERLY.sub("", raw).strip().rstrip(".,;").strip()
    shorter = _LEGAL_SUFFIX.sub("", name).strip().rstrip(",").strip()
    return shorter or name


def _files(directories: Sequence[Path]) -> list[Path]:
    files: list[Path] = []
    for directory in directories:
        if directory.is_file():
            files.append(directory)
            continue
        for path in sorted(directory.rglob("*")):
            if path.is_file() and not path.name.startswith(".") and path.suffix.lower() not in (
                ".md", ".json", ".py", ".pl", ".gz", ".bz2", ".zip",
            ):  # fmt: skip
                files.append(path)
    return files


def load(directories: Sequence[Path]) -> MibIndex:
    """Scan every file under ``directories``; unreadable or odd files are skipped, never fatal."""
    assignments: list[tuple[str, str, str, tuple[int, ...]]] = []
    object_types: list[tuple[str, str, str]] = []
    organizations: dict[int, str] = {}
    for path in _files(directories):
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                continue
            raw = path.read_bytes()
        except OSError as exc:
            log.debug("skipping MIB file %s: %s", path, exc)
            continue
        if path.name.lower() in ENTERPRISE_FILES:
            organizations = {**parse_enterprises(raw.decode("utf-8", "replace")), **organizations}
            continue
        if b"DEFINITIONS" not in raw:
            continue
        module, found = scan_kinds(raw.decode("latin-1"))
        module = module or path.stem
        assignments += [(module, a.name, a.parent, a.arcs) for a in found]
        object_types += [
            (module, a.name, described_field(a.description, a.syntax) or "")
            for a in found
            if a.kind == "OBJECT-TYPE"
        ]
    index = MibIndex(assignments, organizations, object_types)
    log.debug("loaded %d OID names from %s", len(index), ", ".join(map(str, directories)))
    return index


_lock = threading.Lock()
_configured: list[tuple[Path, ...] | None] = [None]  # set by set_mib_dirs (CLI, inventory, tests)
_cache: dict[tuple[Path, ...], MibIndex] = {}


def set_mib_dirs(directories: Sequence[Path | str] | None) -> None:
    """Use these MIB folders (None: back to ``$NETSBOM_MIBS``, ``os.pathsep``-separated)."""
    with _lock:
        _configured[0] = None if directories is None else tuple(Path(d) for d in directories)


def mib_dirs() -> tuple[Path, ...]:
    configured = _configured[0]
    if configured is not None:
        return configured
    value = os.environ.get(ENV_VAR, "")
    return tuple(Path(part) for part in value.split(os.pathsep) if part)


def index() -> MibIndex | None:
    """The index of the configured folders (built once per folder set), or None if none."""
    directories = tuple(d for d in mib_dirs() if d.exists())
    if not directories:
        return None
    with _lock:
        if directories not in _cache:
            _cache[directories] = load(directories)
        return _cache[directories]


def product(oid: Oid) -> Product | None:
    """The registered product of ``oid``: the operator's MIB folder first, else the table
    netsbom ships (:mod:`netsbom.agent.snmp.mibtable`)."""
    from netsbom.agent.snmp.mibtable import bundled

    loaded = index()
    found = loaded.product(oid) if loaded is not None else None
    return found if found is not None else bundled().product(oid)


def identity_objects(sys_oid: Oid | None) -> tuple[IdentityObject, ...]:
    """The identity scalars of ``sys_oid``'s enterprise: the operator's MIB folder's and the
    shipped table's, ordered together."""
    from netsbom.agent.snmp.mibtable import bundled

    if not sys_oid:
        return ()
    loaded = index()
    found = {item.oid: item for item in bundled().identity_objects(sys_oid)}
    if loaded is not None:
        found.update({item.oid: item for item in loaded.identity_objects(sys_oid)})
    return order_identity(list(found.values()), sys_oid)


def organization(oid: Oid) -> str | None:
    """Who IANA registered ``oid``'s enterprise number to: the operator's MIB folder's registry
    first, else the copy netsbom ships (:func:`netsbom.agent.snmp.mibtable.organizations`)."""
    from netsbom.agent.snmp.mibtable import organizations

    loaded = index()
    found = loaded.organization(oid) if loaded is not None else None
    if found is not None or len(oid) <= len(ENTERPRISES) or oid[: len(ENTERPRISES)] != ENTERPRISES:
        return found
    return organizations().get(oid[len(ENTERPRISES)])
