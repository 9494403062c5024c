"""The HTTP API under /api/v1: the console's data as JSON, paginated and filterable, read-only
except the admin's saved topology positions. The schema is served at /api/openapi.json."""

from __future__ import annotations

import math
from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Request
from fastapi.responses import Response

from netsbom.collector.export import FORMATS
from netsbom.collector.web.app import (
    AdminDep,
    AtQuery,
    ConsoleDep,
    NotFound,
    PageQuery,
    PerPageQuery,
    UserDep,
    at_param,
    known_network,
)
from netsbom.collector.web.console import PROFILES, Console
from netsbom.collector.web.views import SORTABLE, Filters, NetworkView, paginate, select_rows
from netsbom.core.errors import ConfigError
from netsbom.core.record import record_to_dict

router = APIRouter(prefix="/api/v1", tags=["api"])
MEDIA_TYPES = {
    "cyclonedx-json": ("application/vnd.cyclonedx+json", "cdx.json"),
    "cyclonedx-xml": ("application/vnd.cyclonedx+xml", "cdx.xml"),
    "spdx-json": ("application/spdx+json", "spdx.json"),
    "spdx3-jsonld": ("application/ld+json", "spdx3.jsonld"),
}
MAX_POSITIONS = 50_000


def network_view(console: Console, network: str, at: str | None) -> NetworkView:
    return console.view(known_network(network, console), at_param(at))


def device_of(view: NetworkView, node: str) -> Any:
    record = view.by_node.get(node)
    if record is None:
        raise NotFound(f"no device {node!r} in network {view.config.network!r} at {view.config.at}")
    return record


@router.get(
    "/networks", summary="Every network with its devices, vendors, OS families, completeness"
)
def networks(console: ConsoleDep, _user: UserDep, at: AtQuery = None) -> dict[str, Any]:
    moment = at_param(at)
    return {"items": [console.view(n, moment).summary for n in console.networks()]}


@router.get("/networks/{network}/devices", summary="Devices with firmware; filter, sort, page")
def devices(
    network: str,
    console: ConsoleDep,
    _user: UserDep,
    at: AtQuery = None,
    vendor: str = "",
    model: str = "",
    os: Annotated[str, Query(description="OS family id (ios-xe, junos...)")] = "",
    version: str = "",
    label: Annotated[str, Query(description="KEY=VALUE")] = "",
    q: Annotated[str, Query(description="Part of the device name")] = "",
    sort: Annotated[str, Query(description=f"One of {', '.join(SORTABLE)}")] = "device",
    descending: bool = False,
    page: PageQuery = 1,
    per_page: PerPageQuery = 100,
) -> dict[str, Any]:
    view = network_view(console, network, at)
    rows = select_rows(
        console.rows(view), Filters(vendor, model, os, version, label, q), sort, descending
    )
    return {"network": network, "at": view.config.at, **paginate(rows, page, per_page).json()}


@router.get(
    "/networks/{network}/devices/{node:path}", summary="One device, its history, neighbours"
)
def device(
    network: str, node: str, console: ConsoleDep, _user: UserDep, at: AtQuery = None
) -> dict[str, Any]:
    view = network_view(console, network, at)
    record = device_of(view, node)
    return {
        "node": node,
        "record": record_to_dict(record),
        "drift": view.drift.get(record.name),
        "neighbours": view.neighbours(node),
        "history": console.history(record),
    }


@router.get("/networks/{network}/drift", summary="Devices not on their model's majority version")
def drift(network: str, console: ConsoleDep, _user: UserDep, at: AtQuery = None) -> dict[str, Any]:
    from netsbom.topology.inventory import drift_rows

    view = network_view(console, network, at)
    return {"network": network, "at": view.config.at, "items": drift_rows(view.config)}


@router.get("/networks/{network}/topology", summary="Nodes and links (cytoscape elements)")
def topology(
    network: str,
    console: ConsoleDep,
    _user: UserDep,
    at: AtQuery = None,
    site: Annotated[str | None, Query(description="Only this site's devices")] = None,
) -> dict[str, Any]:
    view = network_view(console, network, at)
    positions = console.store.topology_positions(network)
    return {"network": network, "at": view.config.at, **view.graph(positions, site or None)}


@router.put("/networks/{network}/topology/positions", summary="Save node positions (admin)")
def save_positions(
    network: str,
    request: Request,
    console: ConsoleDep,
    user: AdminDep,
    positions: Annotated[dict[str, dict[str, float]], Body(embed=True)],
) -> dict[str, Any]:
    if not request.headers.get("content-type", "").startswith("application/json"):
        raise ConfigError("send the positions as application/json")
    known_network(network, console)
    if len(positions) > MAX_POSITIONS:
        raise ConfigError(f"at most {MAX_POSITIONS} positions at once")
    parsed: dict[str, tuple[float, float]] = {}
    for node, point in positions.items():
        x, y = point.get("x"), point.get("y")
        if (
            not isinstance(x, int | float)
            or not isinstance(y, int | float)
            or not (math.isfinite(x) and math.isfinite(y))
        ):
            raise ConfigError(f"position of {node[:80]!r}: x and y must be finite numbers")
        parsed[node[:512]] = (float(x), float(y))
    merged = {**console.store.topology_positions(network), **parsed}
    console.store.save_topology_positions(network, merged, saved_by=user.name)
    return {"network": network, "saved": len(parsed), "total": len(merged)}


@router.get("/networks/{network}/vulnerabilities", summary="Device x CVE, most urgent first")
def vulnerabilities(
    network: str,
    console: ConsoleDep,
    _user: UserDep,
    at: AtQuery = None,
    device: str = "",
    cve: str = "",
    affected: Annotated[str, Query(description="yes, no, unknown")] = "",
    page: PageQuery = 1,
    per_page: PerPageQuery = 100,
) -> dict[str, Any]:
    view = network_view(console, network, at)
    rows = filter_vulnerabilities(console.vulnerability_rows(view), device, cve, affected)
    return {"network": network, "at": view.config.at, **paginate(rows, page, per_page).json()}


def filter_vulnerabilities(
    rows: list[dict[str, Any]], device: str, cve: str, affected: str
) -> list[dict[str, Any]]:
    wanted = {"yes": True, "no": False, "unknown": None}
    if affected and affected not in wanted:
        raise ConfigError(f"affected={affected!r}: one of yes, no, unknown")
    return [
        r
        for r in rows
        if (not device or r["device"] == device)
        and (not cve or r["cve"].upper() == cve.upper())
        and (not affected or r["affected"] is wanted[affected])
    ]


def sbom_response(console: Console, view: NetworkView, fmt: str, profile: str) -> Response:
    if fmt not in MEDIA_TYPES:
        raise ConfigError(f"format {fmt!r}: one of {', '.join(FORMATS)}")
    data = console.sbom(view, fmt, profile)
    media, suffix = MEDIA_TYPES[fmt]
    stamp = view.config.at.replace(":", "").replace("-", "")
    name = f"{view.config.network}-{stamp}{'-vex' if profile != 'inventory' else ''}.{suffix}"
    return Response(
        data, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


@router.get("/networks/{network}/sbom", summary="The system SBOM, any format and profile")
def sbom(
    network: str,
    console: ConsoleDep,
    _user: UserDep,
    at: AtQuery = None,
    format: Annotated[str, Query(description=", ".join(FORMATS))] = "cyclonedx-json",
    profile: Annotated[str, Query(description=", ".join(PROFILES))] = "inventory",
) -> Response:
    return sbom_response(console, network_view(console, network, at), format, profile)


@router.get("/networks/{network}/diff", summary="What changed between two times")
def diff(
    network: str,
    console: ConsoleDep,
    _user: UserDep,
    from_: Annotated[str, Query(alias="from", description="Earlier time (ISO 8601)")],
    to: Annotated[str | None, Query(description="Later time; default: latest")] = None,
) -> dict[str, Any]:
    known_network(network, console)
    before = at_param(from_)
    if before is None:
        raise ConfigError("from= is required")
    result: dict[str, Any] = console.diff(network, before, at_param(to))
    return result
