"""The console in a real browser: Debian's chromium driven by Playwright (executable_path; no
Playwright browser download), against the demo's store served by uvicorn on loopback.

Screenshots of every page go to a pytest tmp folder; its path is printed (``-s`` shows it)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from netsbom.collector.sbom.validate import validate_cyclonedx_json
from netsbom.lab.definition import default_definition_path, load_lab
from tests.collector.web.conftest import Demo, Served, Tokens
from tests.harness.programs import need

pytestmark = pytest.mark.integration
NETWORK = load_lab(default_definition_path()).network
TIMEOUT = 20_000  # ms


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    chromium = need("chromium")["chromium"]
    from playwright.sync_api import sync_playwright

    args = ["--no-sandbox"] if os.geteuid() == 0 else []
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, args=args, headless=True)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("screenshots")
    print(f"\nscreenshots: {folder}")
    return folder


class Session:
    """A logged-in browser context; console errors (CSP violations too) are collected."""

    def __init__(self, browser: Any, served: Served, token: str) -> None:
        self.base = served.url
        self.context = browser.new_context(
            accept_downloads=True, viewport={"width": 1400, "height": 900}
        )
        self.context.set_default_timeout(TIMEOUT)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.goto(f"{self.base}/login?next=/")
        self.page.fill("input[name=token]", token)
        self.page.click("form.login button[type=submit]")
        self.page.wait_for_url(f"{self.base}/")

    def open(self, path: str) -> Any:
        self.page.goto(self.base + path)
        return self.page

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def viewer_session(browser: Any, served: Served, tokens: Tokens) -> Iterator[Session]:
    session = Session(browser, served, tokens.viewer)
    yield session
    session.close()


@pytest.fixture
def admin_session(browser: Any, served: Served, tokens: Tokens) -> Iterator[Session]:
    session = Session(browser, served, tokens.admin)
    yield session
    session.close()


def _first_device(session: Session) -> str:
    body = session.page.request.get(f"{session.base}/api/v1/networks/{NETWORK}/devices").json()
    return str(body["items"][0]["node"])


def _topology_ready(page: Any) -> None:
    page.wait_for_selector("#cy[data-ready=true]")


def test_every_page_opens_shows_no_secret_and_is_screenshotted(
    viewer_session: Session, shots: Path, demo: Demo, tokens: Tokens
) -> None:
    node = _first_device(viewer_session)
    pages = {
        "networks": ("/", "#networks"),
        "firmware": (f"/networks/{NETWORK}/firmware", "#firmware"),
        "device": (f"/networks/{NETWORK}/devices/{node}", "#fields"),
        "topology": (f"/networks/{NETWORK}/topology", "#cy[data-ready=true]"),
        "vulnerabilities": (f"/networks/{NETWORK}/vulnerabilities", "#vulnerabilities"),
        "sbom": (f"/networks/{NETWORK}/sbom", "#downloads"),
    }
    secrets = [*demo.secrets, tokens.viewer, tokens.admin]
    for name, (path, selector) in pages.items():
        page = viewer_session.open(path)
        page.wait_for_selector(selector)
        page.screenshot(path=str(shots / f"{name}.png"), full_page=name != "topology")
        html = page.content()
        for secret in secrets:
            assert secret not in html, f"the {name} page shows a secret"
        assert (shots / f"{name}.png").stat().st_size > 5_000
    assert viewer_session.errors == [], "no script error, no blocked resource (CSP, CDN)"


def test_firmware_filters_update_the_table(viewer_session: Session) -> None:
    page = viewer_session.open(f"/networks/{NETWORK}/firmware")
    page.wait_for_selector("#firmware tbody tr")
    before = page.locator("#firmware tbody tr").count()
    page.select_option("select[name=vendor]", "Arista")
    page.wait_for_url("**vendor=Arista**")  # htmx swapped the table and pushed the URL
    page.wait_for_function("document.querySelectorAll('#firmware tbody tr').length === 2")
    devices = page.locator("#firmware tbody tr td:first-child a").all_inner_texts()
    assert sorted(devices) == ["spine-1", "spine-2"] and before > 2
    page.select_option("select[name=sort]", "os_version")
    page.wait_for_url("**sort=os_version**")
    href = page.get_attribute("#csv", "href")
    assert href is not None and "vendor=Arista" in href


def test_topology_hover_shows_ports_and_a_node_leads_to_its_device(
    viewer_session: Session, shots: Path
) -> None:
    page = viewer_session.open(f"/networks/{NETWORK}/topology")
    _topology_ready(page)
    box = page.locator("#cy").bounding_box()
    edge = page.evaluate(
        "(() => { const cy = window.netsbomTopology;"
        " const clear = (p) => cy.nodes().every(n => { const q = n.renderedPosition();"
        " return Math.hypot(q.x - p.x, q.y - p.y) > 25; });"
        " const e = cy.edges().filter(e => clear(e.renderedMidpoint()))[0];"
        " const p = e.renderedMidpoint(); return {x: p.x, y: p.y}; })()"
    )
    page.mouse.move(box["x"] + edge["x"], box["y"] + edge["y"])
    page.wait_for_selector("#tip:not([hidden])")
    assert "\u2194" in page.inner_text("#tip")
    page.screenshot(path=str(shots / "topology-hover.png"))
    target = page.evaluate(
        "(() => { const cy = window.netsbomTopology; const all = cy.nodes();"
        " const n = cy.nodes(\"[kind = 'device']\").filter(n => { const p = n.renderedPosition();"
        " return all.every(m => m === n || Math.hypot(m.renderedPosition().x - p.x,"
        " m.renderedPosition().y - p.y) > 30); })[0];"
        " const p = n.renderedPosition(); return {x: p.x, y: p.y, label: n.data('label')}; })()"
    )
    page.mouse.click(box["x"] + target["x"], box["y"] + target["y"])
    page.wait_for_url(f"**/networks/{NETWORK}/devices/**")
    assert target["label"] in page.inner_text("h1")


def test_sbom_download_validates(viewer_session: Session) -> None:
    page = viewer_session.open(f"/networks/{NETWORK}/sbom")
    with page.expect_download() as info:
        page.click("#dl-cyclonedx-json")
    path = info.value.path()
    data = Path(path).read_bytes()
    validate_cyclonedx_json(data)
    names = {c["name"] for c in json.loads(data)["components"]}
    assert "spine-1" in names


def test_a_viewer_cannot_save_positions_an_admin_can(
    viewer_session: Session, admin_session: Session
) -> None:
    page = viewer_session.open(f"/networks/{NETWORK}/topology")
    _topology_ready(page)
    assert page.locator("#save-positions").count() == 0
    status = page.evaluate(
        "fetch('/api/v1/networks/" + NETWORK + "/topology/positions', {method: 'PUT',"
        " credentials: 'same-origin', headers: {'Content-Type': 'application/json'},"
        " body: JSON.stringify({positions: {x: {x: 1, y: 2}}})}).then(r => r.status)"
    )
    assert status == 403
    page = admin_session.open(f"/networks/{NETWORK}/topology")
    _topology_ready(page)
    node = page.evaluate("window.netsbomTopology.nodes(\"[kind = 'device']\")[0].id()")
    page.evaluate(
        f"window.netsbomTopology.getElementById({json.dumps(node)}).position({{x: 4321, y: 1234}})"
    )
    page.click("#save-positions")
    page.wait_for_selector("#status:has-text('saved')")
    page.reload()
    _topology_ready(page)
    moved = page.evaluate(f"window.netsbomTopology.getElementById({json.dumps(node)}).position()")
    assert moved == {"x": 4321, "y": 1234}
