"""What changed between two configurations (or two exported CycloneDX files).

Both sides are reduced to a :class:`Snapshot` read from the CycloneDX document, so comparing the
store at two times and comparing two exported files is one code path::

    before = snapshot_from_cyclonedx(to_cyclonedx(config_t1))   # or json.load(open(A))
    changes = diff_snapshots(before, after)

Change kinds (``Change.kind``), in report order:

=====================  ===========================================================
device-added           a device present only in the second
device-removed         a device present only in the first
device-replaced        same name, different serial or chassis id: another chassis
hardware-changed       vendor or model changed under the same name and serial
os-changed             OS family or version (the firmware of the box)
module-added/-removed  a hardware module (line card, PSU, transceiver...) appeared/went
module-changed         a module's model, serial or firmware/software revision
package-added/-removed installed software appeared/went
package-changed        an installed package's version
link-added/-removed    a link (by both ends' device and port)
=====================  ===========================================================
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from netsbom.core.errors import ExportError

__all__ = [
    "CHANGE_KINDS",
    "Change",
    "DeviceView",
    "Snapshot",
    "diff_json",
    "diff_snapshots",
    "diff_table",
    "load_snapshot",
    "snapshot_from_cyclonedx",
]

CHANGE_KINDS = (
    "device-added",
    "device-removed",
    "device-replaced",
    "hardware-changed",
    "os-changed",
    "module-added",
    "module-removed",
    "module-changed",
    "package-added",
    "package-removed",
    "package-changed",
    "link-added",
    "link-removed",
)
Json = dict[str, Any]


@dataclass(frozen=True, slots=True)
class DeviceView:
    name: str
    vendor: str | None = None
    model: str | None = None
    serial: str | None = None
    chassis_id: str | None = None
    os: str | None = None  # "family version", as a person reads it
    modules: dict[str, str] = field(default_factory=dict)  # module key -> "model serial fw..."
    packages: dict[str, str] = field(default_factory=dict)  # package name -> version(s)


@dataclass(frozen=True, slots=True)
class Snapshot:
    network: str
    at: str
    fingerprint: str | None
    devices: dict[str, DeviceView]
    links: frozenset[str]  # "a-device a-port <-> b-device b-port (protocols)"


@dataclass(frozen=True, slots=True)
class Change:
    kind: str
    device: str
    item: str | None = None
    before: str | None = None
    after: str | None = None


# --- reading CycloneDX -------------------------------------------------------------------------


def _props(component: Json) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for prop in component.get("properties") or ():
        if isinstance(prop, dict) and "name" in prop:
            out[str(prop["name"])].append(str(prop.get("value", "")))
    return out


def _one(props: dict[str, list[str]], name: str) -> str | None:
    values = props.get(name)
    return values[0] if values else None


def _module_text(component: Json) -> str:
    props = _props(component)
    parts = [
        _one(props, "netsbom:model") or "",
        f"serial {_one(props, 'netsbom:serial')}" if _one(props, "netsbom:serial") else "",
        f"hw {_one(props, 'netsbom:hardware_rev')}" if _one(props, "netsbom:hardware_rev") else "",
    ]
    for child in component.get("components") or ():
        if child.get("type") == "firmware" and child.get("version"):
            kind = (_one(_props(child), "netsbom:revision") or "firmware").removesuffix("_rev")
            parts.append(f"{kind} {child['version']}")
    return " ".join(p for p in parts if p) or "-"


def _device_view(component: Json) -> DeviceView:
    props = _props(component)
    os_text: str | None = None
    modules: dict[str, str] = {}
    packages: dict[str, list[str]] = defaultdict(list)

    def visit_module(module: Json, path: str) -> None:
        key = f"{path}{module.get('name', '?')}"
        n, unique = 1, key
        while unique in modules:
            n += 1
            unique = f"{key}#{n}"
        modules[unique] = _module_text(module)
        for child in module.get("components") or ():
            if child.get("type") == "device":
                visit_module(child, f"{unique}/")

    for child in component.get("components") or ():
        kind = child.get("type")
        child_props = _props(child)
        if kind in ("operating-system", "firmware") and "netsbom:software:kind" not in child_props:
            family = _one(child_props, "netsbom:os:family") or child.get("name")
            os_text = " ".join(v for v in (family, child.get("version")) if v) or None
        elif kind == "device":
            visit_module(child, "")
        else:
            packages[str(child.get("name"))].append(str(child.get("version") or "-"))
    return DeviceView(
        name=str(component.get("name")),
        vendor=(component.get("manufacturer") or {}).get("name"),
        model=_one(props, "netsbom:model") or component.get("description"),
        serial=_one(props, "netsbom:serial"),
        chassis_id=_one(props, "netsbom:chassis_id"),
        os=os_text,
        modules=modules,
        packages={name: ", ".join(sorted(versions)) for name, versions in packages.items()},
    )


def _link_text(service: Json) -> str:
    props = _props(service)

    def end(side: str) -> str:
        device = _one(props, f"netsbom:link:{side}:device") or "?"
        return f"{device} {_one(props, f'netsbom:link:{side}:port') or '?'}"

    protocols = _one(props, "netsbom:link:protocols") or "?"
    return f"{end('a')} <-> {end('b')} ({protocols})"


def snapshot_from_cyclonedx(doc: Json) -> Snapshot:
    """A snapshot of a netsbom CycloneDX document (other producers' devices are read too)."""
    if not isinstance(doc, dict) or doc.get("bomFormat") != "CycloneDX":
        raise ExportError("not a CycloneDX JSON document (bomFormat is not CycloneDX)")
    metadata = doc.get("metadata") or {}
    network = metadata.get("component") or {}
    props = _props(network)
    devices: dict[str, DeviceView] = {}
    for component in doc.get("components") or ():
        if component.get("type") != "device" or _one(_props(component), "netsbom:external"):
            continue
        view = _device_view(component)
        name, n = view.name, 1
        while name in devices:  # two devices of one name stay two
            n += 1
            name = f"{view.name}#{n}"
        devices[name] = view
    links = frozenset(_link_text(s) for s in doc.get("services") or () if isinstance(s, dict))
    fingerprint = _one(props, "netsbom:fingerprint")
    return Snapshot(
        network=str(network.get("name") or "?"),
        at=str(_one(props, "netsbom:at") or metadata.get("timestamp") or "?"),
        fingerprint=fingerprint.removeprefix("sha256:") if fingerprint else None,
        devices=devices,
        links=links,
    )


def load_snapshot(path: Path) -> Snapshot:
    """A snapshot from an exported CycloneDX JSON file."""
    try:
        doc = json.loads(path.read_bytes())
    except OSError as exc:
        raise ExportError(f"{path}: cannot read: {exc.strerror}") from None
    except ValueError:
        raise ExportError(f"{path}: not JSON (sbom diff compares CycloneDX JSON files)") from None
    try:
        return snapshot_from_cyclonedx(doc)
    except ExportError as exc:
        raise ExportError(f"{path}: {exc}") from None


# --- comparing ---------------------------------------------------------------------------------


def _mapping_changes(
    device: str, noun: str, before: dict[str, str], after: dict[str, str]
) -> Iterable[Change]:
    for key in sorted(before.keys() | after.keys()):
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        if old is None:
            yield Change(f"{noun}-added", device, key, None, new)
        elif new is None:
            yield Change(f"{noun}-removed", device, key, old, None)
        else:
            yield Change(f"{noun}-changed", device, key, old, new)


def diff_snapshots(before: Snapshot, after: Snapshot) -> list[Change]:
    changes: list[Change] = []
    for name in sorted(before.devices.keys() | after.devices.keys()):
        old, new = before.devices.get(name), after.devices.get(name)
        if old is None and new is not None:
            changes.append(Change("device-added", name, None, None, _describe(new)))
            continue
        if new is None and old is not None:
            changes.append(Change("device-removed", name, None, _describe(old), None))
            continue
        assert old is not None and new is not None
        replaced = any(
            a is not None and b is not None and a.lower() != b.lower()
            for a, b in ((old.serial, new.serial), (old.chassis_id, new.chassis_id))
        )
        if replaced:
            changes.append(
                Change("device-replaced", name, "serial", _identity(old), _identity(new))
            )
        elif (old.vendor, old.model) != (new.vendor, new.model):
            changes.append(
                Change("hardware-changed", name, "model", _hardware(old), _hardware(new))
            )
        if old.os != new.os:
            changes.append(Change("os-changed", name, "os", old.os, new.os))
        changes += _mapping_changes(name, "module", old.modules, new.modules)
        changes += _mapping_changes(name, "package", old.packages, new.packages)
    for link in sorted(after.links - before.links):
        changes.append(Change("link-added", link.split(" ", 1)[0], link))
    for link in sorted(before.links - after.links):
        changes.append(Change("link-removed", link.split(" ", 1)[0], link))
    order = {kind: i for i, kind in enumerate(CHANGE_KINDS)}
    return sorted(changes, key=lambda c: (order[c.kind], c.device, c.item or ""))


def _describe(view: DeviceView) -> str:
    return " ".join(v for v in (view.vendor, view.model, view.os) if v) or "-"


def _identity(view: DeviceView) -> str:
    return " ".join(v for v in (view.model, view.serial, view.chassis_id) if v) or "-"


def _hardware(view: DeviceView) -> str:
    return " ".join(v for v in (view.vendor, view.model) if v) or "-"


def diff_json(before: Snapshot, after: Snapshot, changes: list[Change]) -> Json:
    def side(s: Snapshot) -> Json:
        return {
            "network": s.network,
            "at": s.at,
            "fingerprint": s.fingerprint,
            "devices": len(s.devices),
            "links": len(s.links),
        }

    return {
        "from": side(before),
        "to": side(after),
        "summary": dict(sorted(Counter(c.kind for c in changes).items())),
        "changes": [
            {
                "kind": c.kind,
                "device": c.device,
                "item": c.item,
                "before": c.before,
                "after": c.after,
            }
            for c in changes
        ],
    }


def diff_table(before: Snapshot, after: Snapshot, changes: list[Change]) -> str:
    head = (
        f"{before.network} {before.at} ({(before.fingerprint or '?')[:12]}) -> "
        f"{after.network} {after.at} ({(after.fingerprint or '?')[:12]})"
    )
    if not changes:
        return f"{head}\nno changes\n"
    rows = [("CHANGE", "DEVICE", "ITEM", "BEFORE", "AFTER")]
    rows += [(c.kind, c.device, c.item or "", *_what_changed(c.before, c.after)) for c in changes]
    counts = ", ".join(f"{n} {k}" for k, n in sorted(Counter(c.kind for c in changes).items()))
    return f"{head}\n{format_table(rows)}{len(changes)} changes: {counts}\n"


def _what_changed(before: str | None, after: str | None) -> tuple[str, str]:
    """For people: of two descriptions (``model serial X hw Y firmware Z``), the part that
    differs, starting at the label before it; the JSON form keeps both whole."""
    if not before or not after:
        return before or "", after or ""
    old, new = before.split(" "), after.split(" ")
    start = 0
    while start < min(len(old), len(new)) and old[start] == new[start]:
        start += 1
    end = 0
    while end < min(len(old), len(new)) - start and old[-1 - end] == new[-1 - end]:
        end += 1
    start = max(0, start - 1) if start else 0  # keep the label ("serial", "firmware") in view
    return " ".join(old[start : len(old) - end]), " ".join(new[start : len(new) - end])


def format_table(rows: Sequence[tuple[str, ...]]) -> str:
    """Left-aligned columns, two spaces apart; cells cut at 60 characters."""
    cut = [tuple(c if len(c) <= 60 else c[:57] + "..." for c in row) for row in rows]
    widths = [max(len(row[i]) for row in cut) for i in range(len(cut[0]))]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cut
    ]
    return "\n".join(lines) + "\n"
