"""The console's pages: Networks, Firmware, Device, Topology, Vulnerabilities, SBOM, login.

Server-rendered; htmx swaps the Firmware and Vulnerabilities tables when a filter changes (the
same URL answers with the table alone when htmx asks, ``HX-Request``)."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, quote, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse

from netsbom.collector.export import FORMATS
from netsbom.collector.web.api import (
    device_of,
    filter_vulnerabilities,
    network_view,
    sbom_response,
)
from netsbom.collector.web.app import (
    COOKIE,
    AtQuery,
    ConsoleDep,
    PageQuery,
    PerPageQuery,
    UserDep,
    at_param,
    known_network,
)
from netsbom.collector.web.auth import User
from netsbom.collector.web.console import PROFILES
from netsbom.collector.web.views import (
    SITE_MAP_ABOVE,
    SORTABLE,
    Filters,
    device_fields,
    paginate,
    select_rows,
)
from netsbom.core.errors import NetsbomError

router = APIRouter(include_in_schema=False)
CSV_COLUMNS = (
    "device",
    "vendor",
    "model",
    "serial",
    "os_family",
    "os_version",
    "modules",
    "packages",
    "site",
    "role",
    "collected_at",
    "complete",
    "drift",
    "compliance",
)


def render(request: Request, name: str, user: User | None, **context: Any) -> HTMLResponse:
    template = request.app.state.templates.get_template(name)
    console = request.app.state.console
    html = template.render(
        request=request,
        user=user,
        networks=console.networks(),
        page=name.removesuffix(".html").lstrip("_"),
        # the page's other query parameters (filters, sort): the as-of picker keeps them
        kept=[(key, value) for key, value in request.query_params.multi_items() if key != "at"],
        **context,
    )
    return HTMLResponse(html)


@router.get("/", response_class=HTMLResponse)
def networks_page(
    request: Request, console: ConsoleDep, user: UserDep, at: AtQuery = None
) -> Response:
    moment = at_param(at)
    summaries, problems = [], []
    for network in console.networks():
        try:
            summaries.append(console.view(network, moment).summary)
        except NetsbomError as exc:  # e.g. a network first seen after `at`
            problems.append(f"{network}: {exc}")
    return render(
        request, "networks.html", user, summaries=summaries, problems=problems, at=at or ""
    )


@router.get("/networks/{network}", response_class=HTMLResponse)
def network_home(network: str, at: AtQuery = None) -> Response:
    query = "?" + urlencode({"at": at}) if at else ""
    return RedirectResponse(f"/networks/{quote(network, safe='')}/firmware{query}", 303)


def _filters(request: Request) -> Filters:
    p = request.query_params
    return Filters(
        *(p.get(name, "").strip() for name in ("vendor", "model", "os", "version", "label", "q"))
    )


@router.get("/networks/{network}/firmware", response_class=HTMLResponse)
def firmware_page(
    request: Request,
    network: str,
    console: ConsoleDep,
    user: UserDep,
    at: AtQuery = None,
    sort: str = "device",
    descending: bool = False,
    page: PageQuery = 1,
    per_page: PerPageQuery = 100,
) -> Response:
    view = network_view(console, network, at)
    filters = _filters(request)
    rows = select_rows(console.rows(view), filters, sort, descending)
    context = {
        "network": network,
        "view": view,
        "filters": filters,
        "sort": sort,
        "descending": descending,
        "result": paginate(rows, page, per_page),
        "sortable": SORTABLE,
        "at": at or "",
        "with_compliance": console.policy is not None,
    }
    name = "_firmware_table.html" if request.headers.get("hx-request") else "firmware.html"
    return render(request, name, user, **context)


@router.get("/networks/{network}/firmware.csv")
def firmware_csv(
    request: Request,
    network: str,
    console: ConsoleDep,
    _user: UserDep,
    at: AtQuery = None,
    sort: str = "device",
    descending: bool = False,
) -> Response:
    view = network_view(console, network, at)
    rows = select_rows(console.rows(view), _filters(request), sort, descending)

    def lines() -> Iterator[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        for i, row in enumerate(rows, start=1):
            writer.writerow(_csv_cells(row))
            if i % 500 == 0 or i == len(rows):
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        if not rows:
            yield buffer.getvalue()

    name = f"{network}-firmware-{view.config.at.replace(':', '')}.csv"
    return StreamingResponse(
        lines(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _csv_cells(row: dict[str, Any]) -> list[str]:
    cells = []
    for column in CSV_COLUMNS:
        value = row.get(column)
        if isinstance(value, list):
            value = "; ".join(value)
        elif isinstance(value, bool):
            value = "yes" if value else "no"
        text = "" if value is None else str(value)
        # device data is untrusted: a cell a spreadsheet would run as a formula is quoted
        cells.append("'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text)
    return cells


@router.get("/networks/{network}/devices/{node:path}", response_class=HTMLResponse)
def device_page(
    request: Request,
    network: str,
    node: str,
    console: ConsoleDep,
    user: UserDep,
    at: AtQuery = None,
) -> Response:
    view = network_view(console, network, at)
    record = device_of(view, node)
    compliance = (console.compliance(view) or {}).get(node)
    return render(
        request,
        "device.html",
        user,
        network=network,
        view=view,
        node=node,
        record=record,
        fields=device_fields(record),
        at=at or "",
        neighbours=view.neighbours(node),
        history=console.history(record),
        drift=view.drift.get(record.name),
        compliance=compliance,
    )


@router.get("/networks/{network}/topology", response_class=HTMLResponse)
def topology_page(
    request: Request,
    network: str,
    console: ConsoleDep,
    user: UserDep,
    at: AtQuery = None,
    site: str = "",
) -> Response:
    view = network_view(console, network, at)
    sites = view.sites()
    site_map = not site and len(view.by_node) > SITE_MAP_ABOVE and len(sites) > 1
    if site_map:
        elements = view.site_map()
    else:
        elements = view.graph(console.store.topology_positions(network), site or None)
    return render(
        request,
        "topology.html",
        user,
        network=network,
        view=view,
        sites=sites,
        site=site,
        site_map=site_map,
        elements=elements,
        at=at or "",
    )


@router.get("/networks/{network}/vulnerabilities", response_class=HTMLResponse)
def vulnerabilities_page(
    request: Request,
    network: str,
    console: ConsoleDep,
    user: UserDep,
    at: AtQuery = None,
    by: str = "pair",
    device: str = "",
    cve: str = "",
    affected: str = "",
    page: PageQuery = 1,
    per_page: PerPageQuery = 100,
) -> Response:
    view = network_view(console, network, at)
    context: dict[str, Any] = {
        "network": network,
        "view": view,
        "at": at or "",
        "by": by,
        "device": device,
        "cve": cve,
        "affected": affected,
        "feeds": console.feeds_dir is not None,
    }
    if console.feeds_dir is not None:
        key = ("vulnerabilities", by, device, cve, affected)
        rows = view.cache.get(key)  # the same filters again (another page): no new grouping
        if rows is None:
            rows = filter_vulnerabilities(console.vulnerability_rows(view), device, cve, affected)
            if by in ("device", "cve"):
                rows = _grouped(rows, by)
            if len(view.cache) < 64:
                view.cache[key] = rows
        context["result"] = paginate(rows, page, per_page)
    name = (
        "_vulnerabilities_table.html"
        if request.headers.get("hx-request")
        else "vulnerabilities.html"
    )
    return render(request, name, user, **context)


def _grouped(rows: list[dict[str, Any]], by: str) -> list[dict[str, Any]]:
    """One row per device (or CVE), in the order of its most urgent pair."""
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[row["device"] if by == "device" else row["cve"]].append(row)
    out = []
    for key, members in groups.items():
        first = members[0]
        out.append(
            {
                "key": key,
                "rank": first["rank"],
                "node": first.get("node"),
                "pairs": len(members),
                "affected": sum(1 for m in members if m["affected"] is True),
                "unknown": sum(1 for m in members if m["affected"] is None),
                "kev": any(m["kev"] for m in members),
                "decision": first["decision"],
                "epss": first["epss"],
                "top": first["cve"] if by == "device" else first["device"],
                "vex_states": sorted({m["vex_state"] for m in members}),
            }
        )
    return out


@router.get("/networks/{network}/sbom", response_class=HTMLResponse)
def sbom_page(
    request: Request,
    network: str,
    console: ConsoleDep,
    user: UserDep,
    at: AtQuery = None,
    diff_from: str = "",
    diff_to: str = "",
) -> Response:
    view = network_view(console, network, at)
    diff = None
    if diff_from:
        before = at_param(diff_from)
        assert before is not None
        diff = console.diff(known_network(network, console), before, at_param(diff_to))
    return render(
        request,
        "sbom.html",
        user,
        network=network,
        view=view,
        at=at or "",
        formats=FORMATS,
        profiles=PROFILES,
        feeds=console.feeds_dir is not None,
        diff=diff,
        diff_from=diff_from,
        diff_to=diff_to,
    )


@router.get("/networks/{network}/sbom/download")
def sbom_download(
    network: str,
    console: ConsoleDep,
    _user: UserDep,
    at: AtQuery = None,
    format: str = "cyclonedx-json",
    profile: str = "inventory",
) -> Response:
    return sbom_response(console, network_view(console, network, at), format, profile)


# --- login -------------------------------------------------------------------------------------


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str = "/", failed: bool = False) -> Response:
    return render(request, "login.html", None, next=_local(next), failed=failed)


@router.post("/login")
async def login(request: Request) -> Response:
    form = parse_qs((await request.body()).decode("utf-8", "replace"), max_num_fields=4)
    token = (form.get("token") or [""])[0].strip()
    target = _local((form.get("next") or ["/"])[0])
    tokens = request.app.state.tokens
    if tokens is None:
        return RedirectResponse(target, status_code=303)
    if tokens.user_for(token) is None:
        return RedirectResponse("/login?" + urlencode({"failed": 1, "next": target}), 303)
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=request.app.state.secure_cookies,
        path="/",
    )
    return response


@router.post("/logout")
def logout() -> Response:
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


def _local(target: str) -> str:
    """Only a path of this site (no open redirect)."""
    return target if target.startswith("/") and not target.startswith("//") else "/"
