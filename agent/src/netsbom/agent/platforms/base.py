"""What every platform driver is made of: a partial record, commands, and parsing helpers.

A platform module (``agent/platforms/<netmiko device_type>.py``) defines one :class:`Platform`: the
read-only commands it runs, in order, each with the pure parser that turns that command's output
into a :class:`Partial`, plus the session facts the lab server needs (prompt, paging commands,
error message). Parsers never do I/O and never raise for device output: what they cannot read
becomes a ``parse`` error on the partial.

A :class:`Command` may have several forms (``show version | json`` then ``show version``): the
first form the device answers is the one used, and its parser accepts either output.
"""

from __future__ import annotations

import itertools
import json
import re
import textwrap
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any

import textfsm  # type: ignore[import-untyped]

from netsbom.core.families import family
from netsbom.core.placeholders import states_nothing
from netsbom.core.record import Component, ErrorInfo, Neighbor, Software


@dataclass(frozen=True, slots=True)
class Partial:
    """What one command taught us about a device; ``None`` means: this command does not say."""

    hostname: str | None = None
    vendor: str | None = None
    model: str | None = None
    serial: str | None = None
    chassis_id: str | None = None
    description: str | None = None
    os_family: str | None = None
    os_version: str | None = None
    os_build: str | None = None
    os_image: str | None = None
    os_name: str | None = None
    os_copyright: str | None = None  # the device's copyright notice about its OS
    os_hashes: tuple[tuple[str, str], ...] = ()  # digests of the running image it reports
    components: tuple[Component, ...] = ()
    software: tuple[Software, ...] = ()
    neighbors: tuple[Neighbor, ...] = ()
    errors: tuple[ErrorInfo, ...] = ()
    virtual: bool | None = None  # the device's own word (systemd-detect-virt): True, False


SCALAR_FIELDS = (
    "hostname", "vendor", "model", "serial", "chassis_id", "description",
    "os_family", "os_version", "os_build", "os_image", "os_name", "os_copyright", "os_hashes",
)  # fmt: skip
LIST_FIELDS = ("components", "software", "neighbors")

Parser = Callable[[str], Partial]


@dataclass(frozen=True, slots=True)
class Command:
    """One thing to ask: its forms in order of preference and the parser for their output."""

    forms: tuple[str, ...]
    parse: Parser
    # Partial fields this command is the authority for: it wins them over earlier commands
    authority: tuple[str, ...] = ()
    label: str = ""  # how errors name the command (default: its last form)
    # A probe asks what only some devices of the platform have (rpm on a Debian host, DMI in a
    # container): a device without it is not in error.
    probe: bool = False

    @property
    def name(self) -> str:
        return self.label or self.forms[-1]


def command(
    *forms: str,
    parse: Parser,
    label: str | None = None,
    authority: tuple[str, ...] = (),
    probe: bool = False,
) -> Command:
    """A :class:`Command` whose parser is :func:`guarded`; ``label`` (how errors name it)
    defaults to the first form without its pipes (``show version | json`` -> ``show version``)."""
    name = label or forms[0].split("|")[0].strip()
    return Command(forms, guarded(name, parse), authority, name, probe)


@dataclass(frozen=True, slots=True)
class Platform:
    """An SSH driver: the commands to run and how the device's CLI behaves. Its names (the
    netmiko device_type, the vendor, the OS's name) are registry data (families.yaml)."""

    family: str  # registry id; a parser may refine the record's family (ios -> ios-xe)
    commands: tuple[Command, ...]
    prompt: str = "{hostname}#"  # how the lab server prompts; {hostname} is replaced
    paging: tuple[str, ...] = ()  # session-setup commands a device accepts silently
    error: str = "% Invalid input detected at '^' marker."  # answer to an unknown command
    error_markers: tuple[str, ...] = ("% Invalid input", "% Unknown command", "% Incomplete")
    names_family: bool = True  # False: the generic driver, which knows no OS by itself

    @property
    def name(self) -> str:
        """The driver's name: its family id."""
        return self.family

    @property
    def netmiko(self) -> str:
        """netmiko's device_type for the session."""
        entry = family(self.family)
        assert entry.ssh is not None, f"{self.family}: no ssh entry in families.yaml"
        return entry.ssh.netmiko

    @property
    def vendor(self) -> str | None:
        return family(self.family).vendor or None

    @property
    def os_name(self) -> str:
        return family(self.family).name

    def is_error(self, output: str) -> bool:
        head = output.strip()[:400]
        return any(marker in head for marker in self.error_markers)


# --- helpers for parsers -------------------------------------------------------------------


def clean(value: object) -> str | None:
    """Strip; placeholders (``""``, ``N/A``, ``unknown``...) become ``None``."""
    if value is None:
        return None
    if isinstance(value, list):
        value = next((v for v in value if clean(v)), None)
        if value is None:
            return None
    text = str(value).strip().strip('"').strip()
    return None if states_nothing(text) else text


def first(*values: object) -> str | None:
    for value in values:
        cleaned = clean(value)
        if cleaned is not None:
            return cleaned
    return None


def _template_dir() -> Path:
    import ntc_templates  # type: ignore[import-untyped]

    return Path(ntc_templates.__file__).resolve().parent / "templates"


@cache
def _template_text(name: str) -> str:
    return (_template_dir() / f"{name}.textfsm").read_text(encoding="utf-8")


class TemplateError(ValueError):
    """Output a TextFSM template refused."""


# Compiled templates ready for reuse (with their lower-cased header), per template: compiling
# one costs far more than running it. A machine serves one parse at a time (list.pop/append
# are atomic) and is Reset() before each, which TextFSM provides for exactly this reuse.
_MACHINES: dict[str, list[tuple[Any, list[str]]]] = {}


def fsm(template: str, text: str, *, strict: bool = False) -> list[dict[str, Any]]:
    """Run ntc-templates' ``template`` (file stem) over ``text``; keys lower-cased.

    A template that rejects the output (its ``Error`` state) gives no rows, so the parser's own
    fallbacks get their chance; ``strict`` raises :class:`TemplateError` instead. Output that no
    parser understood at all is reported by :func:`netsbom.agent.platforms.parse_outputs`.
    """
    import io

    free = _MACHINES.setdefault(template, [])
    try:
        machine, header = free.pop()
    except IndexError:
        machine = textfsm.TextFSM(io.StringIO(_template_text(template)))
        header = [h.lower() for h in machine.header]
    try:
        machine.Reset()
        rows = machine.ParseText(text)
    except textfsm.TextFSMError as exc:
        if strict:
            raise TemplateError(f"{template}: {exc}") from None
        return []
    finally:
        free.append((machine, header))
    return [dict(zip(header, row, strict=True)) for row in rows]


def load_json(text: str) -> Any | None:
    """The JSON document in ``text`` (a trailing prompt or banner tolerated), else ``None``."""
    start = min((i for i in (text.find("{"), text.find("[")) if i >= 0), default=-1)
    if start < 0 or text[:start].strip():
        return None
    end = max(text.rfind("}"), text.rfind("]"))
    try:
        return json.loads(text[start : end + 1])
    except ValueError:
        return None


def leaf(node: Any, *path: str) -> Any:
    """Walk ``path`` through JSON in which any level may be wrapped in a list and a leaf in
    ``{"data": x}`` (Junos) or ``{"value": x}`` (lldpd): the value at the end, or ``None``."""
    node = _unwrap(node)
    for key in path:
        node = _unwrap(node.get(key) if isinstance(node, dict) else None)
    return node


def _unwrap(node: Any) -> Any:
    while True:
        if isinstance(node, list):
            node = node[0] if node else None
        elif isinstance(node, dict) and ("data" in node or "value" in node):
            node = node["data"] if "data" in node else node["value"]
        else:
            return node


def rows(value: Any, *path: str) -> list[dict[str, Any]]:
    """Walk NX-OS style ``TABLE_x`` / ``ROW_x`` nesting: always a list of dicts."""
    current: Any = value
    for key in path:
        if not isinstance(current, dict):
            return []
        current = current.get(key)
    if isinstance(current, dict):
        return [current]
    if isinstance(current, list):
        return [c for c in current if isinstance(c, dict)]
    return []


_KEY_VALUE = re.compile(r"^\s*\*?\s*([A-Za-z][\w ./()#-]*?)\s*(?::|=|\.{2,})\s*(\S.*?)\s*$")


# a second "Key : value" pair on the same line, after two spaces or more (two-column screens:
# "Software revision  : K.15.06.0017         Base MAC Addr      : 7446a0-41a56f")
_SECOND_PAIR = re.compile(r"^(?P<value>.*?\S)\s{2,}(?P<pair>[A-Za-z][\w ./()#-]*?\s*:\s.*)$")


def key_values(text: str) -> dict[str, str]:
    """``Key : value`` lines (``System Type: X440``, ``Serial-Number.... ABC``, ``Serial No. :
    123``) as lower-cased keys, ``-``/``_``/``#`` as spaces, a trailing ``.`` dropped, single
    spaces -> first value; a two-column screen gives both of a line's pairs."""
    found: dict[str, str] = {}
    for line in text.splitlines():
        rest = line
        while match := _KEY_VALUE.match(rest):
            key = " ".join(re.sub(r"[-_#]", " ", match.group(1).lower()).split()).rstrip(".")
            value, rest = match.group(2), ""
            if second := _SECOND_PAIR.match(value):
                value, rest = second["value"], second["pair"]
            found.setdefault(key, value)
    return found


def pick(values: Mapping[str, str], *keys: str) -> str | None:
    """The first stated value among ``keys`` of :func:`key_values` output."""
    return first(*(values.get(key) for key in keys))


def parse_error(source: str, message: str) -> Partial:
    return Partial(errors=(ErrorInfo("parse", message, source),))


def guarded(source: str, parser: Parser) -> Parser:
    """Wrap a parser so that an exception on odd output becomes a parse error on the partial."""

    def run(text: str) -> Partial:
        text = textwrap.dedent(text.replace("\r\n", "\n").replace("\r", "\n"))
        if not text.strip():
            return Partial()
        try:
            return parser(text)
        except (TemplateError, ValueError, KeyError, IndexError, TypeError, AttributeError) as exc:
            return parse_error(source, f"output not understood: {type(exc).__name__}: {exc}"[:300])

    return run


_MAC_HEX = re.compile(r"[0-9A-Fa-f]")


def mac(value: object) -> str | None:
    """Normalise a MAC address (any of aabb.ccdd.eeff, aa-bb-.., aabb-ccdd-eeff) to aa:bb:..."""
    text = clean(value)
    if text is None:
        return None
    digits = "".join(_MAC_HEX.findall(text))
    if len(digits) != 12 or len(re.sub(r"[0-9A-Fa-f.:\- ]", "", text)) > 0:
        return text
    return ":".join(digits[i : i + 2] for i in range(0, 12, 2)).lower()


def components_from_inventory(
    entries: Iterable[Mapping[str, object]], vendor: str | None = None
) -> tuple[Component, ...]:
    """``show inventory``-shaped rows (name, descr, pid, vid, sn) to components; the first row or
    the one named like a chassis is the chassis, the rest hang under it."""
    items = [e for e in entries if first(e.get("name"), e.get("pid"), e.get("descr"))]
    if not items:
        return ()
    chassis_at = 0
    for position, entry in enumerate(items):
        label = f"{entry.get('name') or ''} {entry.get('descr') or ''}".lower()
        if "chassis" in label or "system" in str(entry.get("name") or "").lower():
            chassis_at = position
            break
    out: list[Component] = []
    for position, entry in enumerate(items):
        is_chassis = position == chassis_at
        name = first(entry.get("name"))
        out.append(
            Component(
                index=str(position + 1),
                parent=None if is_chassis else str(chassis_at + 1),
                cls="chassis" if is_chassis else component_class(name, first(entry.get("descr"))),
                name=name,
                description=first(entry.get("descr")),
                vendor=vendor,
                model=first(entry.get("pid")),
                serial=first(entry.get("sn")),
                hardware_rev=first(entry.get("vid")),
                firmware_rev=first(entry.get("firmware")),
                software_rev=first(entry.get("software")),
                is_fru=None if is_chassis else True,
            )
        )
    return tuple(out)


_CLASS_WORDS = (
    ("power-supply", ("power", "psu", "pem", "pwr")),
    ("fan", ("fan",)),
    ("cpu", ("routing engine", "supervisor", "route processor", "cpu", "mpu", "cpm", "re ")),
    ("port", ("transceiver", "sfp", "qsfp", "xcvr", "optic")),
    ("stack", ("stack",)),
    ("chassis", ("chassis",)),
    ("sensor", ("sensor",)),
    (
        "module",
        (
            "module",
            "card",
            "linecard",
            "line card",
            "slot",
            "fpc",
            "pic",
            "mic",
            "lpu",
            "mda",
            "iom",
            "blade",
            "cb ",
            "scb",
        ),
    ),
)


def component_class(*labels: str | None) -> str:
    text = " ".join(label for label in labels if label).lower() + " "
    for cls, words in _CLASS_WORDS:
        if any(word in text for word in words):
            return cls
    return "other"


def merge_partials(parts: Sequence[Partial]) -> Partial:
    """First non-empty value per field, lists concatenated."""
    values: dict[str, Any] = {}
    for name in SCALAR_FIELDS:
        values[name] = next((getattr(p, name) for p in parts if getattr(p, name)), None)
    for name in (*LIST_FIELDS, "errors"):
        values[name] = tuple(item for p in parts for item in getattr(p, name))
    values["virtual"] = next((p.virtual for p in parts if p.virtual is not None), None)
    return replace(Partial(), **values)


# "MD5 Digest: 6f5b...", "SHA-512 hash: ...", "SHA256: ..." (the hex length must fit the name)
_DIGEST = re.compile(
    r"^\s*(?P<alg>md5|sha-?1|sha-?256|sha-?512)(?:\s+(?:digest|hash|checksum))?\s*[:=]\s*"
    r"(?P<hex>[0-9a-f]{32,128})\s*$",
    re.IGNORECASE | re.MULTILINE,
)
_DIGEST_NAMES = {"md5": ("MD5", 32), "sha1": ("SHA-1", 40), "sha256": ("SHA-256", 64)}
_DIGEST_NAMES["sha512"] = ("SHA-512", 128)
# an unindented "...image: <path>" line opens the section of one image (Active-image: ...)
_IMAGE_SECTION = re.compile(r"^(?P<head>\S[^:\n]*image)\s*:", re.IGNORECASE | re.MULTILINE)
_OTHER_IMAGE = re.compile(r"inactive|backup|standby|alternate|secondary|other|next", re.IGNORECASE)


def image_digests(text: str) -> tuple[tuple[str, str], ...]:
    """Digests of the running image a version output states (Cisco Small Business ``show
    version``: ``Active-image: ...`` then ``MD5 Digest: ...``), sorted; digests in the section of
    another image (``Inactive-image``) are not the running one's. An algorithm given two
    different values says nothing."""
    kept: list[str] = []
    sections = list(_IMAGE_SECTION.finditer(text))
    starts = [0, *(m.start() for m in sections), len(text)]
    for number, (start, end) in enumerate(itertools.pairwise(starts)):
        head = sections[number - 1].group("head") if number else ""
        if not _OTHER_IMAGE.search(head):
            kept.append(text[start:end])
    found: dict[str, set[str]] = {}
    for match in _DIGEST.finditer("\n".join(kept)):
        name, length = _DIGEST_NAMES[match.group("alg").lower().replace("-", "")]
        if len(match.group("hex")) == length:
            found.setdefault(name, set()).add(match.group("hex").lower())
    return tuple(sorted((name, next(iter(v))) for name, v in found.items() if len(v) == 1))
