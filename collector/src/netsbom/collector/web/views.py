"""What the console shows, as plain rows: one :class:`NetworkView` per configuration, its
derived tables computed once on first use (the pages and the API read the same rows).

    view = NetworkView(config)
    view.rows                      one row per device (the Firmware page, /api/v1/.../devices)
    select_rows(view.rows, filters, sort="os_version", descending=False)
    view.neighbours(node)          links and segments of one device
    view.graph(positions)          cytoscape elements, laid out by site and role
"""

from __future__ import annotations

import functools
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from netsbom.core.record import DeviceRecord
from netsbom.topology.configuration import Configuration, fingerprint
from netsbom.topology.inventory import drift_rows, version_sort_key

Row = dict[str, Any]
SORTABLE = (
    "device",
    "vendor",
    "model",
    "os_family",
    "os_version",
    "site",
    "role",
    "collected_at",
    "complete",
    "drift",
    "compliance",
)
FILTERS = ("vendor", "model", "os", "version", "label", "q")
# component classes whose firmware/software revision is "module firmware" (BIOS, ROMMON, FPD, CPLD)
_NOT_MODULES = frozenset({"port", "sensor", "container"})
# roles drawn top to bottom in a site's block; others follow in name order
_ROLE_ORDER = (
    "core",
    "spine",
    "border",
    "edge",
    "pe",
    "p",
    "distribution",
    "aggregation",
    "leaf",
    "access",
    "firewall",
    "server",
    "host",
)
GROUP_PREFIX = "site-group:"  # the id of a site's box on the topology picture
SITE_MAP_ABOVE = 600  # nodes: above this, a network without ?site= is drawn as a map of sites


@dataclass(frozen=True, slots=True)
class Filters:
    """The Firmware page's and the devices API's filters; empty means any."""

    vendor: str = ""
    model: str = ""
    os: str = ""
    version: str = ""
    label: str = ""  # KEY=VALUE
    q: str = ""  # part of the device name

    def matches(self, row: Row) -> bool:
        for value, column in (
            (self.vendor, "vendor"),
            (self.model, "model"),
            (self.os, "os_family"),
            (self.version, "os_version"),
        ):
            if value and (row[column] or "").casefold() != value.casefold():
                return False
        if self.label:
            key, _, wanted = self.label.partition("=")
            if (row["labels"].get(key.strip()) or "").casefold() != wanted.strip().casefold():
                return False
        return not self.q or self.q.casefold() in row["device"].casefold()

    def query(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in FILTERS if getattr(self, name)}


def module_firmware(record: DeviceRecord) -> list[str]:
    """``name: revision`` of each module that carries firmware or software of its own."""
    out = []
    for c in record.components:
        if c.cls in _NOT_MODULES:
            continue
        revisions = [r for r in (c.firmware_rev, c.software_rev) if r]
        if revisions:
            out.append(f"{c.name or c.model or c.index}: {' / '.join(dict.fromkeys(revisions))}")
    out += [f"{s.name}: {s.version or '?'}" for s in record.software if s.kind == "firmware"]
    return out


class NetworkView:
    """A configuration with the tables the console shows, each built once when first asked."""

    def __init__(self, config: Configuration) -> None:
        self.config = config
        self.by_node: dict[str, DeviceRecord] = dict(zip(config.nodes, config.records, strict=True))
        self.cache: dict[Any, Any] = {}  # what the console derives with feeds, a policy, filters

    def prepare(self) -> None:
        """Build the tables every page reads now, so that no page pays for them later."""
        for table in (self.fingerprint, self.rows, self.summary, self.choices, self._adjacency):
            assert table is not None

    @functools.cached_property
    def fingerprint(self) -> str:
        return fingerprint(self.config)

    @functools.cached_property
    def drift(self) -> dict[str, str]:
        """device name -> its group's majority version, for devices that drift from it."""
        return {str(r["device"]): str(r["majority_version"]) for r in drift_rows(self.config)}

    @functools.cached_property
    def rows(self) -> list[Row]:
        drift = self.drift
        rows = []
        for node, r in self.by_node.items():
            labels = dict(r.target.labels)
            rows.append(
                {
                    "node": node,
                    "device": r.name,
                    "vendor": r.vendor,
                    "model": r.model,
                    "serial": r.serial,
                    "os_family": r.os.family,
                    "os_version": r.os.version,
                    "modules": module_firmware(r),
                    "packages": len(r.software),
                    "site": labels.get("site"),
                    "role": labels.get("role"),
                    "labels": labels,
                    "collected_at": r.collected_at,
                    "complete": r.complete,
                    "drift": drift.get(r.name),
                    "compliance": None,
                }
            )
        return rows

    @functools.cached_property
    def summary(self) -> Row:
        records = self.config.records
        complete = sum(1 for r in records if r.complete)
        return {
            "network": self.config.network,
            "at": self.config.at,
            "devices": len(records),
            "complete": complete,
            "completeness": round(100 * complete / len(records), 1) if records else 0.0,
            "vendors": dict(sorted(Counter(r.vendor or "?" for r in records).items())),
            "families": dict(sorted(Counter(r.os.family or "?" for r in records).items())),
            "last_poll": max((r.collected_at for r in records), default=None),
            "links": len(self.config.links),
            "segments": len(self.config.segments),
            "drifting": len(self.drift),
        }

    @functools.cached_property
    def choices(self) -> dict[str, list[str]]:
        """The values each filter can take (the page's drop-downs)."""
        rows = self.rows

        def distinct(column: str) -> list[str]:
            return sorted({str(r[column]) for r in rows if r[column]}, key=str.casefold)

        labels = sorted({f"{k}={v}" for r in rows for k, v in r["labels"].items()})
        return {
            "vendor": distinct("vendor"),
            "model": distinct("model"),
            "os": distinct("os_family"),
            "version": distinct("os_version"),
            "label": labels,
        }

    @functools.cached_property
    def _adjacency(self) -> dict[str, list[Row]]:
        out: dict[str, list[Row]] = defaultdict(list)
        for link in self.config.links:
            for near, far in ((link.a, link.b), (link.b, link.a)):
                out[near.node].append(
                    {
                        "port": near.port,
                        "neighbour": far.device,
                        "node": far.node,
                        "remote_port": far.port,
                        "external": far.external,
                        "protocols": list(link.protocols),
                        "one_sided": link.one_sided,
                        "segment": None,
                    }
                )
        for segment in self.config.segments:
            for end in segment.ends:
                others = [e.device for e in segment.ends if e is not end]
                out[end.node].append(
                    {
                        "port": end.port,
                        "neighbour": ", ".join(others),
                        "node": None,
                        "remote_port": None,
                        "external": False,
                        "protocols": list(segment.protocols),
                        "one_sided": False,
                        "segment": segment.node,
                    }
                )
        return out

    def neighbours(self, node: str) -> list[Row]:
        return sorted(self._adjacency.get(node, []), key=lambda n: (str(n["port"]), n["neighbour"]))

    def sites(self) -> list[str]:
        return sorted({r.target.label("site") or "" for r in self.config.records} - {""})

    def graph(self, positions: Mapping[str, tuple[float, float]], site: str | None = None) -> Row:
        """Cytoscape elements of the devices (of ``site``), their links and segments; a node's
        position is the saved one, else its place in its site's block (rows by role)."""
        records = {
            n: r for n, r in self.by_node.items() if site is None or r.target.label("site") == site
        }
        layout = _layout_by_site_and_role(records)
        nodes: dict[str, Row] = {}
        for node, r in records.items():
            nodes[node] = {
                "id": node,
                "label": r.name,
                "kind": "device",
                "site": r.target.label("site"),
                "role": r.target.label("role"),
                "vendor": r.vendor,
                "model": r.model,
                "version": r.os.version,
                "drift": r.name in self.drift,
                "elsewhere": False,
                "pos": layout[node],
            }
        edges: list[Row] = []
        crowd: dict[str, int] = {}

        def outside(node: str, label: str, near: str) -> None:
            """An end outside the drawn devices: an external peer, or a device of another site
            (drawn next to the device it is seen from; clicking it opens it)."""
            x, y = nodes[near]["pos"]
            step = crowd[near] = crowd.get(near, 0) + 1  # several around one device: fanned out
            x, y = x + 22.0 * (step - 1) - 11.0, y + 40.0 + 22.0 * (step // 6)
            elsewhere = self.by_node.get(node)
            nodes[node] = {
                "id": node,
                "label": label,
                "kind": "external" if elsewhere is None else "device",
                "site": None if elsewhere is None else elsewhere.target.label("site"),
                "elsewhere": elsewhere is not None,
                "pos": (x, y),
            }

        for i, link in enumerate(self.config.links):
            if link.a.node not in records and link.b.node not in records:
                continue  # neither end is drawn (another site)
            for end, other in ((link.a, link.b), (link.b, link.a)):
                if end.node not in nodes:
                    outside(end.node, end.device, other.node)
            edges.append(
                {
                    "id": f"l{i}",
                    "source": link.a.node,
                    "target": link.b.node,
                    "ports": f"{link.a.device} {link.a.port or '?'} \u2194 "
                    f"{link.b.device} {link.b.port or '?'}",
                    "protocols": ",".join(link.protocols),
                    "one_sided": link.one_sided,
                }
            )
        for segment in self.config.segments:
            anchor = next((e.node for e in segment.ends if e.node in records), None)
            if anchor is None:
                continue  # no drawn device is on it
            ends = list(segment.ends)
            for end in ends:
                if end.node not in nodes:
                    outside(end.node, end.device, anchor)
            xs = [nodes[e.node]["pos"][0] for e in ends]
            ys = [nodes[e.node]["pos"][1] for e in ends]
            nodes[segment.node] = {
                "id": segment.node,
                "label": "shared segment",
                "kind": "segment",
                "pos": (sum(xs) / len(xs) + 40.0, sum(ys) / len(ys) + 40.0),
            }
            for j, end in enumerate(ends):
                edges.append(
                    {
                        "id": f"{segment.node}|{j}",
                        "source": end.node,
                        "target": segment.node,
                        "ports": f"{end.device} {end.port or '?'} on a shared segment",
                        "protocols": ",".join(segment.protocols),
                        "one_sided": False,
                    }
                )
        for node, data in nodes.items():
            if node in positions:
                data["pos"] = positions[node]
        groups = sorted(
            {str(r.target.label("site")) for r in records.values() if r.target.label("site")}
        )
        for node, record in records.items():  # a box per site around its devices
            if record.target.label("site"):
                nodes[node]["parent"] = f"{GROUP_PREFIX}{record.target.label('site')}"
        return {
            "nodes": [
                {"data": {"id": f"{GROUP_PREFIX}{g}", "label": g, "kind": "group", "site": g}}
                for g in groups
            ]
            + [
                {
                    "data": {k: v for k, v in d.items() if k != "pos"},
                    "position": {"x": d["pos"][0], "y": d["pos"][1]},
                }
                for d in nodes.values()
            ],
            "edges": [{"data": e} for e in edges],
        }

    def site_map(self) -> Row:
        """One node per site (its device count), one edge per pair of linked sites."""
        site_of = {n: r.target.label("site") or "(no site)" for n, r in self.by_node.items()}
        counts = Counter(site_of.values())
        pairs: Counter[tuple[str, str]] = Counter()
        for link in self.config.links:
            a, b = site_of.get(link.a.node), site_of.get(link.b.node)
            if a and b and a != b:
                pairs[(min(a, b), max(a, b))] += 1
        names = sorted(counts)
        columns = max(1, math.ceil(math.sqrt(len(names))))
        return {
            "nodes": [
                {
                    "data": {
                        "id": f"site:{s}",
                        "label": f"{s} ({counts[s]})",
                        "kind": "site",
                        "site": s,
                    },
                    "position": {"x": 220.0 * (i % columns), "y": 160.0 * (i // columns)},
                }
                for i, s in enumerate(names)
            ],
            "edges": [
                {
                    "data": {
                        "id": f"s{i}",
                        "source": f"site:{a}",
                        "target": f"site:{b}",
                        "ports": f"{a} \u2194 {b}: {n} links",
                        "protocols": "",
                        "one_sided": False,
                    }
                }
                for i, ((a, b), n) in enumerate(sorted(pairs.items()))
            ],
        }


def _role_key(role: str) -> tuple[int, str]:
    return (_ROLE_ORDER.index(role) if role in _ROLE_ORDER else len(_ROLE_ORDER), role)


def _layout_by_site_and_role(records: Mapping[str, DeviceRecord]) -> dict[str, tuple[float, float]]:
    """Sites side by side in a grid of blocks; in a block, one band per role (core on top),
    devices in rows of at most ``width`` within their band."""
    by_site: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for node, r in records.items():
        by_site[r.target.label("site") or ""][r.target.label("role") or ""].append(node)
    spacing = 90.0
    positions: dict[str, tuple[float, float]] = {}
    sites = sorted(by_site)
    per_row = max(1, math.ceil(math.sqrt(len(sites))))
    x0 = y0 = 0.0
    row_height = 0.0
    for i, site in enumerate(sites):
        roles = by_site[site]
        size = sum(len(v) for v in roles.values())
        width = max(4, math.ceil(math.sqrt(size * 2)))
        y = y0
        for role in sorted(roles, key=_role_key):
            members = sorted(roles[role], key=lambda n: records[n].name)
            for k, node in enumerate(members):
                positions[node] = (x0 + spacing * (k % width), y + spacing * (k // width))
            y += spacing * (math.ceil(len(members) / width) + 0.6)
        row_height = max(row_height, y - y0)
        x0 += spacing * (width + 2)
        if (i + 1) % per_row == 0:
            x0, y0, row_height = 0.0, y0 + row_height + spacing * 2, 0.0
    return positions


def select_rows(
    rows: Iterable[Row], filters: Filters, sort: str = "device", descending: bool = False
) -> list[Row]:
    """The rows that match ``filters``, sorted by ``sort`` (empty values last)."""
    column = sort if sort in SORTABLE else "device"
    chosen = [r for r in rows if filters.matches(r)]
    if column == "os_version":
        key: Any = lambda r: (r[column] is None, version_sort_key(r[column] or ""), r["device"])  # noqa: E731
    else:
        key = lambda r: (r[column] is None, str(r[column]).casefold(), r["device"])  # noqa: E731
    chosen.sort(key=key, reverse=descending)
    return chosen


@dataclass(frozen=True, slots=True)
class Page:
    items: Sequence[Row]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    def json(self) -> Row:
        return {
            "items": list(self.items),
            "total": self.total,
            "page": self.page,
            "per_page": self.per_page,
            "pages": self.pages,
        }


def paginate(rows: Sequence[Row], page: int, per_page: int) -> Page:
    page = max(1, page)
    start = (page - 1) * per_page
    return Page(rows[start : start + per_page], len(rows), page, per_page)


_FIELDS = (
    ("hostname", lambda r: r.hostname),
    ("vendor", lambda r: r.vendor),
    ("model", lambda r: r.model),
    ("serial", lambda r: r.serial),
    ("chassis_id", lambda r: r.chassis_id),
    ("description", lambda r: r.description),
    ("sys_object_id", lambda r: r.sys_object_id),
    ("os.family", lambda r: r.os.family),
    ("os.name", lambda r: r.os.name),
    ("os.version", lambda r: r.os.version),
    ("os.build", lambda r: r.os.build),
    ("os.image", lambda r: r.os.image),
    ("identifiers.hardware_cpe", lambda r: r.identifiers.hardware_cpe),
    ("identifiers.os_cpe", lambda r: r.identifiers.os_cpe),
    ("identifiers.purl", lambda r: r.identifiers.purl),
    ("components", lambda r: f"{len(r.components)} components"),
    ("software", lambda r: f"{len(r.software)} packages"),
    ("neighbors", lambda r: f"{len(r.neighbors)} neighbours"),
)


def device_fields(record: DeviceRecord) -> list[Row]:
    """Every field of the record with how it was learned: method, source (OID or command),
    confidence; the agent and time are the record's. A field's provenance is the entry for it
    or for the nearest enclosing field (``os`` for ``os.version``)."""
    by_field: dict[str, list[Row]] = defaultdict(list)
    for p in record.provenance:
        by_field[p.field].append(
            {"method": p.method, "source": p.source, "confidence": p.confidence}
        )
    rows = []
    for name, get in _FIELDS:
        value = get(record)
        provenance: list[Row] = []
        path = name
        while path and not provenance:
            provenance = by_field.get(path, [])
            path = path.rpartition(".")[0]
        rows.append(
            {
                "field": name,
                "value": value,
                "provenance": provenance,
                "agent": record.agent_id,
                "collected_at": record.collected_at,
            }
        )
    known = {name for name, _ in _FIELDS}
    for name in sorted(set(by_field) - known):  # provenance of fields the table does not list
        rows.append(
            {
                "field": name,
                "value": None,
                "provenance": by_field[name],
                "agent": record.agent_id,
                "collected_at": record.collected_at,
            }
        )
    return rows
