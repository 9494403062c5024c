"""The Firmware page's compliance column, from a golden-firmware policy
(netsbom.collector.policy: load_policy, evaluate)."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from netsbom.collector.store import Store
from netsbom.collector.web.app import create_app
from netsbom.collector.web.compliance import device_compliance, load
from netsbom.collector.web.console import Console

POLICY = """\
version: 1
rules:
  - name: cat9300
    models: C9300-48P
    preferred: 17.12.1
"""


def test_compliance_per_device_on_the_page_and_the_api(
    tmp_path: Path, history_store: Store
) -> None:
    path = tmp_path / "golden.yaml"
    path.write_text(POLICY)
    policy = load(path)
    console = Console(history_store, policy=policy)
    by_node = device_compliance(policy, console.view("lab").config)
    assert by_node["edge1"]["status"] == "compliant"  # upgraded to 17.12.1
    assert by_node["edge2"]["status"] == "non-compliant"  # still on 17.9.4a
    assert by_node["edge2"]["results"][0]["preferred"]
    client = TestClient(create_app(console))
    rows = client.get("/api/v1/networks/lab/devices", params={"sort": "compliance"}).json()
    assert {r["device"]: r["compliance"] for r in rows["items"]} == {
        "edge1": "compliant",
        "edge2": "non-compliant",
    }
    page = client.get("/networks/lab/firmware").text
    assert "<th>Compliance</th>" in page and "non-compliant" in page
    device = client.get("/networks/lab/devices/edge2").text
    assert 'id="compliance"' in device
