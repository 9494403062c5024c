"""The HTTP API and the pages over the demo's store (TestClient), tokens and roles, errors,
history and diff, SBOM downloads validated, CSV export, no secret on any answer."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
from fastapi.testclient import TestClient

from netsbom.collector.export import FORMATS
from netsbom.collector.sbom.validate import validate_cyclonedx_json, validate_cyclonedx_xml
from netsbom.collector.store import Store
from netsbom.collector.web.app import create_app
from netsbom.collector.web.console import Console
from netsbom.lab.definition import default_definition_path, load_lab
from tests.collector.sbom.test_spdx import validate_spdx2, validate_spdx3
from tests.collector.web.conftest import Demo, Tokens

pytestmark = pytest.mark.integration
LAB = load_lab(default_definition_path())
NETWORK = LAB.network


def _devices(client: TestClient, **params: Any) -> dict[str, Any]:
    response = client.get(f"/api/v1/networks/{NETWORK}/devices", params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_the_demo_serves_its_console_without_tokens(demo: Demo) -> None:
    """`netsbom demo --web` printed an address; it answers, read-only, with the lab's devices."""
    page = httpx.get(demo.url, timeout=30)
    assert page.status_code == 200
    assert f">{NETWORK}<" in page.text
    body = httpx.get(f"{demo.url}api/v1/networks/{NETWORK}/devices", timeout=30).json()
    assert {d["device"] for d in body["items"]} == {d.name for d in LAB.devices}
    first = body["items"][0]["node"]
    refused = httpx.put(
        f"{demo.url}api/v1/networks/{NETWORK}/topology/positions",
        json={"positions": {first: {"x": 1, "y": 1}}},
        timeout=30,
    )
    assert refused.status_code == 403


def test_networks_summary(viewer: TestClient) -> None:
    items = viewer.get("/api/v1/networks").json()["items"]
    assert [i["network"] for i in items] == [NETWORK]
    summary = items[0]
    assert summary["devices"] == len(LAB.devices)
    assert summary["completeness"] == 100.0
    assert set(summary["vendors"]) == {d.vendor for d in LAB.devices}
    assert summary["last_poll"] is not None and summary["links"] > 0


def test_devices_filter_sort_and_pages(viewer: TestClient) -> None:
    everything = _devices(viewer)
    assert everything["total"] == len(LAB.devices)
    cisco = _devices(viewer, vendor="cisco")  # case does not matter
    assert cisco["total"] == sum(1 for d in LAB.devices if d.vendor == "Cisco") > 0
    assert {d["vendor"] for d in cisco["items"]} == {"Cisco"}
    by_version = _devices(viewer, sort="os_version", descending=True)
    versions = [d["os_version"] for d in by_version["items"]]
    assert versions[0] != versions[-1]
    paged = _devices(viewer, per_page=4, page=3)
    assert paged["pages"] == 3 and len(paged["items"]) == len(LAB.devices) - 8
    role = _devices(viewer, label="role=spine")
    assert {d["role"] for d in role["items"]} == {"spine"} and role["total"] == 2
    assert _devices(viewer, q="acc-")["total"] == 3
    modules = [m for d in everything["items"] for m in d["modules"]]
    assert modules, "module firmware (BIOS, ROMMON, FPD, line cards) is listed"


def test_device_detail_provenance_neighbours(viewer: TestClient) -> None:
    node = _devices(viewer, q="spine-1")["items"][0]["node"]
    body = viewer.get(f"/api/v1/networks/{NETWORK}/devices/{node}").json()
    assert body["record"]["hostname"] == "spine-1"
    assert body["record"]["provenance"], "provenance reaches the API"
    assert {n["neighbour"] for n in body["neighbours"]} >= {"leaf-1"}
    assert body["history"][0]["changes"] == ["first seen"]
    page = viewer.get(f"/networks/{NETWORK}/devices/{node}")
    assert page.status_code == 200
    assert "1.3.6.1" in page.text or "show " in page.text  # an OID or a command as source


def test_unknown_network_device_and_bad_time(viewer: TestClient) -> None:
    missing = viewer.get("/api/v1/networks/nowhere/devices")
    assert missing.status_code == 404 and missing.json() == {"error": "no network 'nowhere'"}
    device = viewer.get(f"/api/v1/networks/{NETWORK}/devices/no-such-box")
    assert device.status_code == 404 and "no-such-box" in device.json()["error"]
    bad = viewer.get(f"/api/v1/networks/{NETWORK}/devices", params={"at": "yesterday"})
    assert bad.status_code == 400 and "\n" not in bad.json()["error"]
    early = viewer.get(f"/api/v1/networks/{NETWORK}/devices", params={"at": "2001-01-01"})
    assert early.status_code == 400 and "before the first observation" in early.json()["error"]
    page = viewer.get("/networks/nowhere/firmware")
    assert page.status_code == 404 and "no network" in page.text


def test_tokens_and_roles(demo_app: Any, viewer: TestClient, admin: TestClient) -> None:
    anonymous = TestClient(demo_app)
    assert anonymous.get("/api/v1/networks").status_code == 401
    login = anonymous.get("/", follow_redirects=False)
    assert login.status_code == 303 and login.headers["location"].startswith("/login")
    wrong = TestClient(demo_app, headers={"Authorization": "Bearer nsb_not-a-token"})
    assert wrong.get("/api/v1/networks").status_code == 401
    node = _devices(viewer)["items"][0]["node"]
    url = f"/api/v1/networks/{NETWORK}/topology/positions"
    body = {"positions": {node: {"x": 11.5, "y": -3}}}
    assert viewer.put(url, json=body).status_code == 403
    assert viewer.get(f"/api/v1/networks/{NETWORK}/topology").status_code == 200
    saved = admin.put(url, json=body)
    assert saved.status_code == 200 and saved.json()["saved"] == 1
    graph = viewer.get(f"/api/v1/networks/{NETWORK}/topology").json()
    placed = {n["data"]["id"]: n["position"] for n in graph["nodes"] if "position" in n}
    assert placed[node] == {"x": 11.5, "y": -3.0}
    form = admin.put(url, content=b"positions=1", headers={"Content-Type": "text/plain"})
    assert form.status_code in (400, 422)
    nan = admin.put(
        url,
        content=b'{"positions": {"a": {"x": NaN, "y": 1}}}',
        headers={"Content-Type": "application/json"},
    )
    assert nan.status_code in (400, 422)


def test_login_form_sets_a_cookie(demo_app: Any, tokens: Tokens) -> None:
    client = TestClient(demo_app)
    bad = client.post("/login", data={"token": "nope", "next": "/"}, follow_redirects=False)
    assert "failed=1" in bad.headers["location"]
    good = client.post(
        "/login", data={"token": tokens.viewer, "next": "//evil.example/"}, follow_redirects=False
    )
    assert good.headers["location"] == "/"  # no open redirect
    assert "httponly" in good.headers["set-cookie"].lower()
    assert client.get("/api/v1/networks").status_code == 200


def test_sbom_downloads_validate(viewer: TestClient, tmp_path: Path) -> None:
    for fmt in FORMATS:
        response = viewer.get(f"/api/v1/networks/{NETWORK}/sbom", params={"format": fmt})
        assert response.status_code == 200, response.text
        assert "attachment" in response.headers["content-disposition"]
        data = response.content
        if fmt == "cyclonedx-json":
            validate_cyclonedx_json(data)
        elif fmt == "cyclonedx-xml":
            validate_cyclonedx_xml(data)
        elif fmt == "spdx-json":
            assert validate_spdx2(data, tmp_path) == []
        else:
            assert validate_spdx3(data) == []
    vex = viewer.get(
        f"/networks/{NETWORK}/sbom/download",
        params={"format": "cyclonedx-json", "profile": "vulnerabilities"},
    )
    assert vex.status_code == 200
    validate_cyclonedx_json(vex.content)
    assert "vulnerabilities" in json.loads(vex.content)
    unknown = viewer.get(f"/api/v1/networks/{NETWORK}/sbom", params={"format": "pdf"})
    assert unknown.status_code == 400


def test_vulnerabilities_in_priority_order(viewer: TestClient) -> None:
    body = viewer.get(
        f"/api/v1/networks/{NETWORK}/vulnerabilities", params={"per_page": 1000}
    ).json()
    rows = body["items"]
    assert rows, "the lab's firmware meets the test feeds"
    assert [r["rank"] for r in rows] == list(range(1, len(rows) + 1))
    assert all(r["sources"] and r["vex_state"] and r["reason"] for r in rows)
    kev = [r["kev"] for r in rows if r["affected"] is not False]
    assert kev == sorted(kev, reverse=True), "KEV first"
    one = rows[0]["cve"]
    by_cve = viewer.get(f"/api/v1/networks/{NETWORK}/vulnerabilities", params={"cve": one})
    assert {r["cve"] for r in by_cve.json()["items"]} == {one}
    for view in ("pair", "device", "cve"):
        page = viewer.get(f"/networks/{NETWORK}/vulnerabilities", params={"by": view})
        assert page.status_code == 200 and one in page.text


def test_firmware_csv_follows_the_filters(viewer: TestClient) -> None:
    response = viewer.get(f"/networks/{NETWORK}/firmware.csv", params={"vendor": "Arista"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert {r["device"] for r in rows} == {"spine-1", "spine-2"}
    assert all(r["os_version"] for r in rows)


def test_htmx_gets_the_table_alone(viewer: TestClient) -> None:
    full = viewer.get(f"/networks/{NETWORK}/firmware", params={"vendor": "Juniper"})
    partial = viewer.get(
        f"/networks/{NETWORK}/firmware",
        params={"vendor": "Juniper"},
        headers={"HX-Request": "true"},
    )
    assert "<html" in full.text and "<html" not in partial.text
    assert "edge-r1" in partial.text and "spine-1" not in partial.text


def test_openapi_schema_is_served(viewer: TestClient) -> None:
    schema = viewer.get("/api/openapi.json").json()
    paths = set(schema["paths"])
    assert "/api/v1/networks/{network}/devices" in paths
    assert "/api/v1/networks/{network}/topology/positions" in paths
    assert not any(p.startswith("/networks") for p in paths), "pages stay out of the API schema"


def test_no_page_or_answer_shows_a_secret(viewer: TestClient, demo: Demo, tokens: Tokens) -> None:
    node = _devices(viewer)["items"][0]["node"]
    urls = [
        "/",
        f"/networks/{NETWORK}/firmware",
        f"/networks/{NETWORK}/devices/{node}",
        f"/networks/{NETWORK}/topology",
        f"/networks/{NETWORK}/vulnerabilities",
        f"/networks/{NETWORK}/sbom",
        "/api/v1/networks",
        f"/api/v1/networks/{NETWORK}/devices",
        f"/api/v1/networks/{NETWORK}/devices/{node}",
        f"/api/v1/networks/{NETWORK}/topology",
        f"/api/v1/networks/{NETWORK}/sbom",
        "/api/openapi.json",
        "/login",
        "/api/v1/networks/nowhere/devices",
    ]
    secrets = [*demo.secrets, tokens.viewer, tokens.admin]
    assert demo.secrets, "the lab has SSH passwords to look for"
    for url in urls:
        text = viewer.get(url).text
        for secret in secrets:
            assert secret not in text, f"{url} shows a secret"


def test_history_and_diff(history_store: Store) -> None:
    client = TestClient(create_app(Console(history_store)))
    edge1 = client.get("/api/v1/networks/lab/devices/edge1").json()
    history = edge1["history"]
    assert [h["collected_at"] for h in history] == ["2026-11-21T10:00:00Z", "2026-11-20T10:00:00Z"]
    assert "OS version: 17.9.4a \u2192 17.12.1" in history[0]["changes"]
    assert history[1]["changes"] == ["first seen"]
    then = client.get("/api/v1/networks/lab/devices", params={"at": "2026-11-20T12:00:00Z"})
    assert {d["os_version"] for d in then.json()["items"]} == {"17.9.4a"}
    diff = client.get("/api/v1/networks/lab/diff", params={"from": "2026-11-20T12:00:00Z"}).json()
    assert diff["summary"] == {"os-changed": 1}
    assert diff["changes"][0]["device"] == "edge1"
    page = client.get("/networks/lab/sbom", params={"diff_from": "2026-11-20T12:00:00"})
    assert page.status_code == 200 and "os-changed" in page.text
    drift = client.get("/api/v1/networks/lab/drift").json()["items"]
    assert drift == [] or {d["device"] for d in drift} <= {"edge1", "edge2"}
    rows = client.get("/api/v1/networks/lab/devices").json()["items"]
    assert {r["device"]: r["drift"] for r in rows} in (
        {"edge1": None, "edge2": "17.12.1"},
        {"edge1": "17.9.4a", "edge2": None},
    )


def test_the_console_reads_postgresql_too(store_url: str) -> None:
    from netsbom.collector.store import open_store
    from tests.conftest import make_record

    store = open_store(store_url)
    try:
        store.write(
            [
                make_record("edge1", collected_at="2026-11-20T10:00:00Z"),
                make_record("edge1", collected_at="2026-11-21T10:00:00Z", version="17.12.1"),
            ]
        )
        client = TestClient(create_app(Console(store)))
        body = client.get("/api/v1/networks/lab/devices/edge1").json()
        assert [h["os_version"] for h in body["history"]] == ["17.12.1", "17.9.4a"]
        assert client.get("/networks/lab/topology").status_code == 200
    finally:
        store.close()


def test_the_as_of_picker_keeps_the_page_filters(viewer: TestClient) -> None:
    page = viewer.get(
        f"/networks/{NETWORK}/firmware",
        params={"vendor": "Juniper", "sort": "version", "at": "2099-01-01T00:00:00"},
    )
    picker = page.text.split('<form class="asof"', 1)[1].split("</form>", 1)[0]
    assert '<input type="hidden" name="vendor" value="Juniper">' in picker
    assert '<input type="hidden" name="sort" value="version">' in picker
    assert 'name="at"' in picker and 'type="hidden" name="at"' not in picker
    assert 'href="?vendor=Juniper&amp;sort=version">latest</a>' in picker
