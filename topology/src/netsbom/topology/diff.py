"""What changed between two configurations (or two exported CycloneDX files).

Both sides are SBOM models (:mod:`netsbom.collector.sbom.model`: built from the store at a time,
or read from a CycloneDX file by :mod:`netsbom.collector.sbom.reader`), reduced to the
:class:`Snapshot` this module compares, so the store and files go one code path::

    before = snapshot_of(build_document(config_t1))    # or snapshot_of(load_cyclonedx(path))
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
licence-changed        the concluded licence of the OS or of a package present on both sides
link-added/-removed    a link (by both ends' device and port) or a shared segment
=====================  ===========================================================
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "CHANGE_KINDS",
    "Change",
    "DeviceView",
    "Snapshot",
    "diff_json",
    "diff_snapshots",
    "diff_table",
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
    "licence-changed",
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
    # "os" / "package NAME" -> concluded licence(s), NOASSERTION where none is stated
    licences: dict[str, str] = field(default_factory=dict)


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
        changes += [
            Change("licence-changed", name, item, old.licences[item], new.licences[item])
            for item in sorted(old.licences.keys() & new.licences.keys())
            if old.licences[item] != new.licences[item]
        ]
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
