"""Graph: a MultiGraph with parallel links, the issue's JSON shape, GraphML, pictures."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from click.testing import CliRunner

from netsbom.core.cli import cli
from netsbom.core.record import Neighbor, record_to_dict
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
        assert set(node) == {"id", "hostname", "vendor", "model", "os", "external"}
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
