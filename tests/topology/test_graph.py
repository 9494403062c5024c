"""Graph: a MultiGraph with parallel links, the issue's JSON shape, GraphML, pictures."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

from click.testing import CliRunner

from netsbom.core.cli import cli
from netsbom.core.record import Neighbor, Target, record_to_dict
from netsbom.topology.configuration import build_configuration
from netsbom.topology.graph import (
    build_graph,
    render_graphml,
    render_picture,
    render_topology_json,
    topology_json,
)
from tests.conftest import make_record

AT = "2026-11-20T10:00:00Z"


def records():  # type: ignore[no-untyped-def]
    a = make_record(
        "a",
        neighbors=(
            Neighbor("lldp", "Gi1/0/1", remote_name="b", remote_port="Gi1/0/2"),
            Neighbor("lldp", "Gi1/0/3", remote_name="b", remote_port="Gi1/0/4"),
            Neighbor("cdp", "Gi1/0/5", remote_name="isp-router", remote_port="ge-0/0/0"),
        ),
    )
    b = make_record(
        "b",
        version="17.6.5",
        neighbors=(
            Neighbor("lldp", "Gi1/0/2", remote_name="a", remote_port="Gi1/0/1"),
            Neighbor("lldp", "Gi1/0/4", remote_name="a", remote_port="Gi1/0/3"),
        ),
    )
    return [a, b]


def test_multigraph_keeps_parallel_links_and_external_nodes() -> None:
    graph = build_graph(build_configuration("lab", AT, records()))
    assert graph.number_of_edges("a", "b") == 2
    assert graph.nodes["isp-router"]["external"] is True
    assert graph.nodes["a"]["record"].os.version == "17.9.4a"


def test_json_has_exactly_the_contract_shape() -> None:
    doc = topology_json(build_configuration("lab", AT, records()))
    assert set(doc) >= {"nodes", "links"}
    for node in doc["nodes"]:
        assert set(node) == {"id", "hostname", "vendor", "model", "os", "external", "segment"}
    for link in doc["links"]:
        assert set(link) == {"a", "b", "protocols", "one_sided"}
        assert set(link["a"]) == {"device", "port"}
    ab = [x for x in doc["links"] if {x["a"]["device"], x["b"]["device"]} == {"a", "b"}]
    assert sorted((x["a"]["port"], x["b"]["port"]) for x in ab) == [
        ("Gi1/0/1", "Gi1/0/2"),
        ("Gi1/0/3", "Gi1/0/4"),
    ]
    assert all(not x["one_sided"] and x["protocols"] == ["lldp"] for x in ab)
    external = next(n for n in doc["nodes"] if n["id"] == "isp-router")
    assert external["external"] is True and external["vendor"] is None
    assert next(n for n in doc["nodes"] if n["id"] == "b")["os"]["version"] == "17.6.5"
    # make_record gives every device one serial: kept, and flagged
    assert {f["kind"] for f in doc["flags"]} == {"duplicate-serial", "duplicate-chassis-id"}


def test_graphml_is_flat_and_parses() -> None:
    data = render_graphml(build_configuration("lab", AT, records()))
    root = ET.fromstring(data)
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    assert len(root.findall(".//g:node", ns)) == 3
    assert len(root.findall(".//g:edge", ns)) == 3
    names = {k.get("attr.name") for k in root.findall("g:key", ns)}
    assert {"os_version", "external", "a_port", "b_port", "protocols", "one_sided"} <= names
    assert b"None" not in data


def test_outputs_are_deterministic() -> None:
    one = build_configuration("lab", AT, records())
    two = build_configuration("lab", AT, list(reversed(records())))
    assert render_topology_json(one) == render_topology_json(two)
    assert render_graphml(one) == render_graphml(two)
    for fmt in ("svg", "png"):
        assert render_picture(one, fmt) == render_picture(two, fmt)  # type: ignore[arg-type]


def test_picture_has_firmware_labels() -> None:
    svg = render_picture(build_configuration("lab", AT, records()), "svg").decode()
    assert svg.startswith("<?xml") and "17.9.4a" in svg and "17.6.5" in svg
    png = render_picture(build_configuration("lab", AT, records()), "png")
    assert png.startswith(b"\x89PNG")


def test_empty_and_single_device_pictures_render() -> None:
    single = build_configuration("lab", AT, [make_record("solo")])
    assert render_picture(single, "svg")
    assert topology_json(single)["links"] == []


def test_cli_topology_from_records(tmp_path: Path) -> None:
    path = tmp_path / "records.jsonl"
    path.write_text("".join(json.dumps(record_to_dict(r)) + "\n" for r in records()))
    runner = CliRunner()
    result = runner.invoke(cli, ["topology", "--records", str(path)])
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.output)["links"]) == 3
    out = tmp_path / "t.graphml"
    result = runner.invoke(
        cli, ["topology", "--records", str(path), "--format", "graphml", "--out", str(out)]
    )
    assert result.exit_code == 0 and out.read_bytes().startswith(b"<?xml")
    result = runner.invoke(
        cli,
        ["topology", "--records", str(path), "--format", "png", "--out", str(tmp_path / "t.png")],
    )
    assert result.exit_code == 0


def test_cli_topology_at_before_any_record_is_one_clear_line(tmp_path: Path) -> None:
    path = tmp_path / "records.jsonl"
    path.write_text("".join(json.dumps(record_to_dict(r)) + "\n" for r in records()))
    result = CliRunner().invoke(cli, ["topology", "--records", str(path), "--at", "2020-01-01"])
    assert result.exit_code == 1
    assert "before the first observation" in result.output
    assert "Traceback" not in result.output


def test_cli_topology_bad_line_is_named_and_skipped(tmp_path: Path) -> None:
    path = tmp_path / "records.jsonl"
    path.write_text(json.dumps(record_to_dict(make_record("a"))) + "\n{not json\n")
    result = CliRunner().invoke(cli, ["topology", "--records", str(path)])
    assert result.exit_code == 0, result.output
    assert f"warning: {path}:2: not a device record" in result.stderr
    assert [node["id"] for node in json.loads(result.stdout)["nodes"]] == ["a"]


def management_network() -> list:  # type: ignore[type-arg]
    """Four devices whose mgmt0 ports share a switch that speaks no LLDP: each port sees the three
    other devices; two of them also have a cable between them. And a fifth box nobody polls,
    seen on the same segment."""
    names = ("m1", "m2", "m3", "m4")
    out = []
    for name in names:
        neighbors = [
            Neighbor("lldp", "mgmt0", remote_name=other, remote_port="mgmt0")
            for other in names
            if other != name
        ]
        neighbors.append(Neighbor("lldp", "mgmt0", remote_name="console", remote_port="eth0"))
        if name in ("m1", "m2"):
            peer = "m2" if name == "m1" else "m1"
            neighbors.append(Neighbor("lldp", "Eth1/1", remote_name=peer, remote_port="Eth1/1"))
        out.append(make_record(name, neighbors=tuple(neighbors)))
    return out


def test_a_port_that_sees_several_neighbours_is_a_shared_segment() -> None:
    config = build_configuration("lab", AT, management_network())
    assert [(x.a.device, x.a.port, x.b.device, x.b.port) for x in config.links] == [
        ("m1", "Eth1/1", "m2", "Eth1/1")
    ]  # not the 6 + 4 mesh links of the management network
    (segment,) = config.segments
    assert [(e.node, e.port, e.external) for e in segment.ends] == [
        ("console", "eth0", True), ("m1", "mgmt0", False), ("m2", "mgmt0", False),
        ("m3", "mgmt0", False), ("m4", "mgmt0", False),
    ]  # fmt: skip
    doc = topology_json(config)
    node = next(n for n in doc["nodes"] if n["id"] == segment.node)
    assert node["segment"] is True and node["external"] is False
    joined = sorted(
        (x["a"]["device"], x["a"]["port"]) for x in doc["links"] if x["b"]["device"] == segment.node
    )
    assert joined == [("console", "eth0"), *((f"m{i}", "mgmt0") for i in range(1, 5))]
    graph = build_graph(config)
    assert graph.degree(segment.node) == 5 and not graph.has_edge("m3", "m4")
    root = ET.fromstring(render_graphml(config))
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    assert len(root.findall(".//g:edge", ns)) == 1 + 5
    assert "segment" in render_picture(config, "svg").decode()


def test_two_devices_named_alike_are_two_nodes_and_no_self_loop() -> None:
    """Two boxes both called "switch" (factory default), cabled to each other and to core."""
    one = replace(
        make_record("switch", neighbors=(
            Neighbor("lldp", "Gi1/0/1", remote_name="switch", remote_port="Gi1/0/2",
                     remote_chassis_id="00:00:00:00:00:02"),
            Neighbor("lldp", "Gi1/0/24", remote_name="core", remote_port="Eth1"),
        )),
        target=Target("sw-a", "10.0.0.1", 161, "snmp"), chassis_id="00:00:00:00:00:01",
        serial="A1",
    )  # fmt: skip
    two = replace(
        make_record("switch", neighbors=(
            Neighbor("lldp", "Gi1/0/2", remote_name="switch", remote_port="Gi1/0/1",
                     remote_chassis_id="00:00:00:00:00:01"),
        )),
        target=Target("sw-b", "10.0.0.2", 161, "snmp"), chassis_id="00:00:00:00:00:02",
        serial="B2",
    )  # fmt: skip
    config = build_configuration("lab", AT, [one, two])
    assert config.nodes == ("switch", "switch#2")
    cable = next(x for x in config.links if not x.a.external and not x.b.external)
    assert {cable.a.node, cable.b.node} == {"switch", "switch#2"}  # not a self-loop
    assert {(cable.a.port, cable.b.port)} <= {("Gi1/0/1", "Gi1/0/2"), ("Gi1/0/2", "Gi1/0/1")}
    graph = build_graph(config)
    assert not any(u == v for u, v in graph.edges())
    assert graph.has_edge("switch", "switch#2")
    doc = topology_json(config)
    assert {x["a"]["device"] for x in doc["links"]} | {x["b"]["device"] for x in doc["links"]} <= {
        n["id"] for n in doc["nodes"]
    }
    assert "name-conflict" in {f["kind"] for f in doc["flags"]}


def test_the_topology_json_writer_is_json_dumps_byte_for_byte() -> None:
    import json

    from netsbom.topology.graph import dumps_indented

    hostile = {
        "z": [], "a": {}, "uni": "Zürich \u2603 \U0001f600 \u2028",
        "ctl": "tab\tnl\n\x00\x1f\x7f\"\\/",
        "nested": [{"b": None, "a": [True, False, 1, -2, 2**63 - 1]}, [], [[]], "x"],
        "flags": ({"kind": "k", "devices": ("d1", "d2")},),
    }  # fmt: skip
    expected = json.dumps(hostile, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert dumps_indented(hostile) == expected.encode()
    config = build_configuration("lab", AT, records())
    document = topology_json(config)
    expected = json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert render_topology_json(config) == expected.encode()
