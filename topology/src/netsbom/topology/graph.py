"""The topology as a graph: networkx ``MultiGraph`` (parallel links stay distinct), JSON, GraphML
and a picture (SVG/PNG) with firmware labels.

    graph = build_graph(config)
    topology_json(config)            {"nodes": [...], "links": [...]} (the CLI's JSON contract)
    render_graphml(config)           bytes; attributes flattened to strings/booleans
    render_picture(config, "svg")    bytes; matplotlib, headless (Agg), deterministic

Node ids are device names (``#2``, ``#3``... when two records share one); an external device (a
neighbour that is none of the records) is a node with ``external`` true.
"""

from __future__ import annotations

import io
import json
import math
from collections.abc import Iterator
from typing import Any, Literal

import networkx as nx

from netsbom.core.errors import ExportError
from netsbom.core.record import DeviceRecord
from netsbom.topology.configuration import Configuration
from netsbom.topology.links import Link, LinkEnd

__all__ = [
    "build_graph",
    "node_ids",
    "render_graphml",
    "render_picture",
    "render_topology_json",
    "topology_json",
]

Json = dict[str, Any]
_OS_FIELDS = ("family", "version", "name", "build", "image")


def node_ids(config: Configuration) -> tuple[dict[str, str], dict[str, str]]:
    """(record name -> node id of its first record, external name -> node id)."""
    taken: set[str] = set()
    internal: dict[str, str] = {}
    for record in config.records:
        node = _unique(record.name, taken)
        internal.setdefault(record.name, node)
    external: dict[str, str] = {}
    for link in config.links:
        for end in (link.a, link.b):
            if end.external and end.device not in external:
                external[end.device] = _unique(end.device, taken)
    return internal, external


def _unique(name: str, taken: set[str]) -> str:
    node, n = name, 1
    while node in taken:
        n += 1
        node = f"{name}#{n}"
    taken.add(node)
    return node


def _end_node(end: LinkEnd, ids: tuple[dict[str, str], dict[str, str]]) -> str:
    internal, external = ids
    return (external if end.external else internal)[end.device]


def _records_by_node(config: Configuration) -> Iterator[tuple[str, DeviceRecord]]:
    taken: set[str] = set()
    for record in config.records:
        yield _unique(record.name, taken), record


def build_graph(config: Configuration) -> nx.MultiGraph:
    """Nodes carry ``record`` (or ``external``); each link is one edge keyed by its position."""
    graph = nx.MultiGraph(network=config.network, at=config.at)
    ids = node_ids(config)
    for node, record in _records_by_node(config):
        graph.add_node(node, record=record, external=False)
    for name, node in ids[1].items():
        graph.add_node(node, name=name, external=True)
    for key, link in enumerate(config.links):
        graph.add_edge(_end_node(link.a, ids), _end_node(link.b, ids), key=key, link=link)
    return graph


# --- JSON --------------------------------------------------------------------------------------


def _node_json(node: str, data: dict[str, Any]) -> Json:
    if data["external"]:
        return {
            "id": node,
            "hostname": data["name"],
            "vendor": None,
            "model": None,
            "os": dict.fromkeys(_OS_FIELDS),
            "external": True,
        }
    record: DeviceRecord = data["record"]
    return {
        "id": node,
        "hostname": record.hostname or record.name,
        "vendor": record.vendor,
        "model": record.model,
        "os": {name: getattr(record.os, name) for name in _OS_FIELDS},
        "external": False,
    }


def _link_json(link: Link) -> Json:
    return {
        "a": {"device": link.a.device, "port": link.a.port},
        "b": {"device": link.b.device, "port": link.b.port},
        "protocols": list(link.protocols),
        "one_sided": link.one_sided,
    }


def topology_json(config: Configuration) -> Json:
    """``{"nodes": [...], "links": [...]}``; ``"flags"`` is added only when contradictions exist."""
    graph = build_graph(config)
    doc: Json = {
        "nodes": [_node_json(node, graph.nodes[node]) for node in sorted(graph.nodes)],
        "links": [_link_json(link) for link in config.links],
    }
    if config.flags:
        doc["flags"] = [
            {"kind": f.kind, "devices": list(f.devices), "message": f.message} for f in config.flags
        ]
    return doc


def render_topology_json(config: Configuration) -> bytes:
    text = json.dumps(topology_json(config), indent=2, sort_keys=True, ensure_ascii=False)
    return (text + "\n").encode("utf-8")


# --- GraphML -----------------------------------------------------------------------------------


def _flat(values: dict[str, object]) -> dict[str, str | bool | int]:
    """GraphML takes str/bool/int/float only (networkx refuses dict and None): drop Nones."""
    out: dict[str, str | bool | int] = {}
    for key, value in values.items():
        if value is None or value == "":
            continue
        out[key] = value if isinstance(value, bool | int) else str(value)
    return out


def render_graphml(config: Configuration) -> bytes:
    graph = build_graph(config)
    flat = nx.MultiGraph()
    flat.graph.update(_flat({"network": config.network, "at": config.at}))
    for node in sorted(graph.nodes):
        data = graph.nodes[node]
        if data["external"]:
            attributes = _flat({"hostname": data["name"], "external": True, "label": data["name"]})
        else:
            record: DeviceRecord = data["record"]
            attributes = _flat(
                {
                    "hostname": record.hostname or record.name,
                    "vendor": record.vendor,
                    "model": record.model,
                    "serial": record.serial,
                    "os_family": record.os.family,
                    "os_version": record.os.version,
                    "os_name": record.os.name,
                    "external": False,
                    "complete": record.complete,
                    "label": _label(record),
                }
            )
        flat.add_node(node, **attributes)
    for u, v, key, data in sorted(graph.edges(keys=True, data=True), key=lambda e: e[2]):
        link: Link = data["link"]
        flat.add_edge(
            u,
            v,
            key=f"link{key}",
            **_flat(
                {
                    "a_device": link.a.device,
                    "a_port": link.a.port,
                    "b_device": link.b.device,
                    "b_port": link.b.port,
                    "protocols": ",".join(link.protocols),
                    "one_sided": link.one_sided,
                }
            ),
        )
    buffer = io.BytesIO()
    nx.write_graphml_xml(flat, buffer, encoding="utf-8", prettyprint=True)
    return buffer.getvalue()


# --- picture -----------------------------------------------------------------------------------


def _label(record: DeviceRecord) -> str:
    firmware = " ".join(v for v in (record.os.family, record.os.version) if v)
    return f"{record.name}\n{firmware}" if firmware else record.name


def _layout(graph: nx.MultiGraph) -> dict[str, tuple[float, float]]:
    nodes = sorted(graph.nodes)
    if not nodes:
        return {}
    simple = nx.Graph()
    simple.add_nodes_from(nodes)
    simple.add_edges_from(sorted((min(u, v), max(u, v)) for u, v in graph.edges()))
    if len(nodes) <= 2:
        positions = nx.circular_layout(simple)
    elif len(nodes) <= 400:  # numpy only (networkx goes to scipy above 500 nodes)
        positions = nx.spring_layout(simple, seed=7, k=1.5 / math.sqrt(len(nodes)))
    else:  # fleets: a circle is legible enough and linear
        positions = nx.circular_layout(simple)
    return {n: (round(float(p[0]), 6), round(float(p[1]), 6)) for n, p in positions.items()}


def render_picture(config: Configuration, fmt: Literal["svg", "png"]) -> bytes:
    """The topology drawn with matplotlib (Agg, no display): devices with OS/firmware version,
    external devices grey and dashed, one-sided links dashed, parallel links bent apart."""
    if fmt not in ("svg", "png"):
        raise ExportError(f"unknown picture format {fmt!r} (svg, png)")
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyArrowPatch

    graph = build_graph(config)
    positions = _layout(graph)
    size = max(6.0, min(60.0, 2.2 * math.sqrt(max(1, graph.number_of_nodes()))))
    with matplotlib.rc_context(
        {"svg.hashsalt": "netsbom", "svg.fonttype": "none", "path.simplify": False}
    ):
        figure, axes = plt.subplots(figsize=(size, size * 0.75), dpi=100)
        try:
            axes.set_axis_off()
            axes.set_title(f"{config.network} at {config.at}", fontsize=10)
            by_pair: dict[tuple[str, str], list[tuple[int, Link]]] = {}
            for u, v, key, data in graph.edges(keys=True, data=True):
                pair = (min(u, v), max(u, v))
                by_pair.setdefault(pair, []).append((key, data["link"]))
            for (u, v), edges in sorted(by_pair.items()):
                for i, (_, link) in enumerate(sorted(edges, key=lambda e: e[0])):
                    bend = 0.0 if len(edges) == 1 else (i - (len(edges) - 1) / 2) * 0.25
                    axes.add_patch(
                        FancyArrowPatch(
                            positions[u],
                            positions[v],
                            arrowstyle="-",
                            connectionstyle=f"arc3,rad={bend}",
                            linestyle="--" if link.one_sided else "-",
                            color="#888888" if link.one_sided else "#33527a",
                            linewidth=1.0,
                        )
                    )
            for node in sorted(graph.nodes):
                data = graph.nodes[node]
                x, y = positions[node]
                external = data["external"]
                text = data["name"] if external else _label(data["record"])
                axes.text(
                    x,
                    y,
                    text,
                    ha="center",
                    va="center",
                    fontsize=7,
                    bbox={
                        "boxstyle": "round,pad=0.3",
                        "facecolor": "#eeeeee" if external else "#dbe8f6",
                        "edgecolor": "#999999" if external else "#33527a",
                        "linestyle": "--" if external else "-",
                    },
                )
            xs = [p[0] for p in positions.values()] or [0.0]
            ys = [p[1] for p in positions.values()] or [0.0]
            axes.set_xlim(min(xs) - 0.3, max(xs) + 0.3)
            axes.set_ylim(min(ys) - 0.3, max(ys) + 0.3)
            buffer = io.BytesIO()
            metadata: dict[str, Any] = (
                {"Date": None, "Creator": "netsbom"} if fmt == "svg" else {"Software": "netsbom"}
            )
            figure.savefig(buffer, format=fmt, metadata=metadata)
        finally:
            plt.close(figure)
    return buffer.getvalue()
