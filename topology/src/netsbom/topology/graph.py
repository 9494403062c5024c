"""The topology as a graph: networkx ``MultiGraph`` (parallel links stay distinct), JSON, GraphML
and a picture (SVG/PNG) with firmware labels.

    graph = build_graph(config)
    topology_json(config)            {"nodes": [...], "links": [...]} (the CLI's JSON contract)
    render_graphml(config)           bytes; attributes flattened to strings/booleans
    render_picture(config, "svg")    bytes; matplotlib, headless (Agg), deterministic

Nodes are the configuration's node ids: a device's name (``#2``, ``#3``... when two records
share one), an external device (a neighbour that is none of the records, ``external`` true) and
a shared segment (``segment`` true) joined by one edge to each port on it.
"""

from __future__ import annotations

import io
import math
from typing import TYPE_CHECKING, Any, Literal

import orjson

from netsbom.core.errors import ExportError
from netsbom.core.record import DeviceRecord
from netsbom.topology.configuration import Configuration
from netsbom.topology.links import Link, LinkEnd, Segment

__all__ = [
    "build_graph",
    "render_graphml",
    "render_picture",
    "render_topology_json",
    "topology_json",
]

if TYPE_CHECKING:
    import networkx as nx

Json = dict[str, Any]
_OS_FIELDS = ("family", "version", "name", "build", "image")


def build_graph(config: Configuration) -> nx.MultiGraph:
    """Nodes carry ``record``, ``name`` (external) or ``segment``; each link is one edge keyed by
    its position, each port on a segment one edge (``segment``, ``end``) to the segment's node."""
    import networkx as nx

    graph = nx.MultiGraph(network=config.network, at=config.at)
    for node, record in zip(config.nodes, config.records, strict=True):
        graph.add_node(node, record=record, external=False, segment=None)
    ends = [end for link in config.links for end in (link.a, link.b)]
    ends += [end for segment in config.segments for end in segment.ends]
    for end in ends:
        if end.external and end.node not in graph:
            graph.add_node(end.node, name=end.device, external=True, segment=None)
    for key, link in enumerate(config.links):
        graph.add_edge(link.a.node, link.b.node, key=key, link=link)
    for segment in config.segments:
        graph.add_node(segment.node, external=False, segment=segment)
        for end in segment.ends:
            graph.add_edge(end.node, segment.node, key=f"{segment.node}|{end.port}", end=end)
    return graph


def _segment_link(segment: Segment, end: LinkEnd) -> Json:
    return {
        "a": {"device": end.node, "port": end.port},
        "b": {"device": segment.node, "port": None},
        "protocols": list(segment.protocols),
        "one_sided": False,
    }


# --- JSON --------------------------------------------------------------------------------------


def _node_json(node: str, data: dict[str, Any]) -> Json:
    if data.get("record") is None:
        return {
            "id": node,
            "hostname": data.get("name"),
            "vendor": None,
            "model": None,
            "os": dict.fromkeys(_OS_FIELDS),
            "external": data["external"],
            "segment": data["segment"] is not None,
        }
    record: DeviceRecord = data["record"]
    return {
        "id": node,
        "hostname": record.hostname or record.name,
        "vendor": record.vendor,
        "model": record.model,
        "os": {name: getattr(record.os, name) for name in _OS_FIELDS},
        "external": False,
        "segment": False,
    }


def _link_json(link: Link) -> Json:
    return {
        "a": {"device": link.a.node, "port": link.a.port},
        "b": {"device": link.b.node, "port": link.b.port},
        "protocols": list(link.protocols),
        "one_sided": link.one_sided,
    }


def _node_data(config: Configuration) -> dict[str, dict[str, Any]]:
    """The node attributes :func:`build_graph` gives, without building the graph (networkx
    loads in ~0.1 s and the graph of 10,000 devices takes as long again)."""
    nodes: dict[str, dict[str, Any]] = {
        node: {"record": record, "external": False, "segment": None}
        for node, record in zip(config.nodes, config.records, strict=True)
    }
    for link in config.links:
        for end in (link.a, link.b):
            if end.external:
                nodes.setdefault(end.node, {"name": end.device, "external": True, "segment": None})
    for segment in config.segments:
        for end in segment.ends:
            if end.external:
                nodes.setdefault(end.node, {"name": end.device, "external": True, "segment": None})
    for segment in config.segments:
        nodes.setdefault(segment.node, {}).update(external=False, segment=segment)
    return nodes


def topology_json(config: Configuration) -> Json:
    """``{"nodes": [...], "links": [...]}``: link ends name node ids; a segment's ports are links
    to its node. ``"flags"`` is added only when contradictions exist."""
    nodes = _node_data(config)
    doc: Json = {
        "nodes": [_node_json(node, nodes[node]) for node in sorted(nodes)],
        "links": [_link_json(link) for link in config.links]
        + [_segment_link(s, end) for s in config.segments for end in s.ends],
    }
    if config.flags:
        doc["flags"] = [
            {"kind": f.kind, "devices": list(f.devices), "message": f.message} for f in config.flags
        ]
    return doc


def render_topology_json(config: Configuration) -> bytes:
    """UTF-8 :func:`topology_json`, indented by 2, keys sorted, with a final newline."""
    return dumps_indented(topology_json(config))


def dumps_indented(doc: Json) -> bytes:
    """``json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False)`` + a newline, byte for
    byte for what the topology holds (strings, booleans, None, lists, 64-bit integers; tests
    compare), written by orjson: json's C encoder does not indent, and its Python one (or a
    writer of ours) took 0.15-0.25 s at 10,000 devices."""
    return orjson.dumps(doc, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"


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
    import networkx as nx

    graph = build_graph(config)
    flat = nx.MultiGraph()
    flat.graph.update(_flat({"network": config.network, "at": config.at}))
    for node in sorted(graph.nodes):
        data = graph.nodes[node]
        record: DeviceRecord | None = data.get("record")
        if record is None:
            label = "segment" if data["segment"] is not None else data["name"]
            attributes = _flat(
                {
                    "hostname": data.get("name"),
                    "external": data["external"],
                    "segment": data["segment"] is not None,
                    "label": label,
                }
            )
        else:
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
                    "segment": False,
                    "complete": record.complete,
                    "label": _label(record),
                }
            )
        flat.add_node(node, **attributes)
    for number, link in enumerate(config.links):
        flat.add_edge(
            link.a.node,
            link.b.node,
            key=f"link{number}",
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
    for segment in config.segments:
        for number, end in enumerate(segment.ends):
            flat.add_edge(
                end.node,
                segment.node,
                key=f"{segment.node}#{number}",
                **_flat(
                    {
                        "a_device": end.device,
                        "a_port": end.port,
                        "protocols": ",".join(segment.protocols),
                        "segment": True,
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
    import networkx as nx

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
    external devices grey and dashed, shared segments as a round node joined to their ports,
    one-sided links dashed, parallel links bent apart."""
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
            by_pair: dict[tuple[str, str], list[tuple[str, bool]]] = {}
            for u, v, key, data in graph.edges(keys=True, data=True):
                pair = (min(u, v), max(u, v))
                link: Link | None = data.get("link")
                by_pair.setdefault(pair, []).append((str(key), bool(link and link.one_sided)))
            for (u, v), edges in sorted(by_pair.items()):
                for i, (_, dashed) in enumerate(sorted(edges)):
                    bend = 0.0 if len(edges) == 1 else (i - (len(edges) - 1) / 2) * 0.25
                    axes.add_patch(
                        FancyArrowPatch(
                            positions[u],
                            positions[v],
                            arrowstyle="-",
                            connectionstyle=f"arc3,rad={bend}",
                            linestyle="--" if dashed else "-",
                            color="#888888" if dashed else "#33527a",
                            linewidth=1.0,
                        )
                    )
            for node in sorted(graph.nodes):
                data = graph.nodes[node]
                x, y = positions[node]
                external = data["external"]
                segment = data["segment"] is not None
                if segment:
                    text, face, edge, shape = "segment", "#fdf3d8", "#b08a2e", "circle,pad=0.3"
                elif external:
                    text, face, edge, shape = data["name"], "#eeeeee", "#999999", "round,pad=0.3"
                else:
                    text, face, edge = _label(data["record"]), "#dbe8f6", "#33527a"
                    shape = "round,pad=0.3"
                axes.text(
                    x,
                    y,
                    text,
                    ha="center",
                    va="center",
                    fontsize=7,
                    bbox={
                        "boxstyle": shape,
                        "facecolor": face,
                        "edgecolor": edge,
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
