"""The console's tables over a configuration: the topology's elements (segments, external
peers, devices of another site), the map of sites, the device rows' filters and order."""

from __future__ import annotations

import dataclasses

from netsbom.collector.web.views import Filters, NetworkView, select_rows
from netsbom.core.record import Target
from netsbom.lab.fleet import synthetic_fleet
from netsbom.topology.configuration import build_configuration
from tests.topology.test_graph import AT, management_network


def test_a_shared_segment_is_one_node_joined_to_each_port() -> None:
    view = NetworkView(build_configuration("lab", AT, management_network()))
    graph = view.graph({})
    kinds = {n["data"]["id"]: n["data"]["kind"] for n in graph["nodes"]}
    (segment,) = view.config.segments
    assert kinds[segment.node] == "segment" and kinds["console"] == "external"
    joined = [e["data"] for e in graph["edges"] if e["data"]["target"] == segment.node]
    assert sorted(e["source"] for e in joined) == ["console", "m1", "m2", "m3", "m4"]
    assert any("mgmt0" in e["ports"] for e in joined)
    assert {n["neighbour"] for n in view.neighbours("m1")} >= {"m2"}
    segment_row = next(n for n in view.neighbours("m3") if n["segment"])
    assert segment_row["port"] == "mgmt0" and "console" in segment_row["neighbour"]
    placed = [n["position"] for n in graph["nodes"] if "position" in n]
    assert len({(p["x"], p["y"]) for p in placed}) == len(placed), "no two nodes on one spot"


def test_a_site_shows_its_devices_and_the_ends_of_their_links_only() -> None:
    view = NetworkView(build_configuration("fleet", AT, synthetic_fleet(400, links=600)))
    site = view.sites()[0]
    graph = view.graph({}, site)
    mine = [
        n
        for n in graph["nodes"]
        if n["data"]["kind"] == "device"
        and n["data"]["site"] == site
        and not n["data"]["elsewhere"]
    ]
    (group,) = [n for n in graph["nodes"] if n["data"]["kind"] == "group"]
    assert group["data"]["site"] == site and "position" not in group
    assert {n["data"]["parent"] for n in mine} == {group["data"]["id"]}
    assert len(mine) == sum(1 for r in view.config.records if r.target.label("site") == site)
    drawn = {n["data"]["id"] for n in mine}
    assert all(e["data"]["source"] in drawn or e["data"]["target"] in drawn for e in graph["edges"])
    assert len(graph["nodes"]) < 4 * len(mine), "no cascade through other sites"
    assert all("parent" not in n["data"] for n in graph["nodes"] if n["data"].get("elsewhere"))
    sites = view.site_map()
    assert len(sites["nodes"]) == len(view.sites())
    assert all(" links" in e["data"]["ports"] for e in sites["edges"])


def test_saved_positions_win_over_the_layout() -> None:
    view = NetworkView(build_configuration("lab", AT, management_network()))
    graph = view.graph({"m1": (7.0, 8.0)})
    placed = {n["data"]["id"]: n["position"] for n in graph["nodes"] if "position" in n}
    assert placed["m1"] == {"x": 7.0, "y": 8.0}


def test_filters_and_natural_version_order() -> None:
    records = synthetic_fleet(30, links=30)
    view = NetworkView(build_configuration("fleet", AT, records))
    rows = select_rows(view.rows, Filters(), "os_version")
    versions = [r["os_version"] for r in rows if r["os_family"] == "ios-xe"]
    assert versions == sorted(
        versions,
        key=lambda v: [int(p) if p.isdigit() else p for p in v.replace("a", ".a").split(".")],
    )
    label = f"site={rows[0]['site']}"
    assert {r["site"] for r in select_rows(view.rows, Filters(label=label))} == {rows[0]["site"]}
    odd = dataclasses.replace(records[0], target=Target("x", "192.0.2.9", 161, "snmp"))
    assert NetworkView(build_configuration("n", AT, [odd])).rows[0]["site"] is None
