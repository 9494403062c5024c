"""Device data is untrusted: what a device reports is escaped on pages, quoted in CSV, and a
node id with URL-special characters still reaches its page."""

from __future__ import annotations

import csv
import dataclasses
import io
from pathlib import Path

from fastapi.testclient import TestClient

from netsbom.collector.store import open_store
from netsbom.collector.web.app import create_app
from netsbom.collector.web.console import Console
from tests.conftest import make_record

SCRIPT = "<script>alert(1)</script>"


def test_hostile_names_are_escaped_and_quoted(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'h.db'}")
    try:
        evil = dataclasses.replace(
            make_record("a/b#c?d"),
            model='=HYPERLINK("x")',
            description=SCRIPT,
            hostname=f"a/b#c?d{SCRIPT}",
        )
        store.write([evil])
        client = TestClient(create_app(Console(store)))
        rows = client.get("/api/v1/networks/lab/devices").json()["items"]
        node = rows[0]["node"]
        page = client.get("/networks/lab/firmware").text
        assert SCRIPT not in page and "&lt;script&gt;" in page
        device = client.get(f"/networks/lab/devices/{node.replace('#', '%23').replace('?', '%3F')}")
        assert device.status_code == 200, device.text
        assert SCRIPT not in device.text
        topology = client.get("/networks/lab/topology").text
        assert "<script>alert" not in topology
        table = list(csv.DictReader(io.StringIO(client.get("/networks/lab/firmware.csv").text)))
        assert table[0]["model"].startswith("'=")
    finally:
        store.close()
