"""Fixtures of the console tests: the demo's store served by `netsbom demo --web` (a real
process), the console app with viewer and admin tokens, a store with history."""

from __future__ import annotations

import re
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from netsbom.collector.store import Store, open_store
from netsbom.collector.web.app import create_app
from netsbom.collector.web.auth import WebTokens, add_user
from netsbom.collector.web.console import Console
from tests.conftest import VULN_DATA, make_record
from tests.harness.programs import daemon, free_port


@dataclass(frozen=True)
class Demo:
    url: str  # the console `netsbom demo --web` serves
    db: Path
    workdir: Path
    secrets: tuple[str, ...]  # every credential of the lab (files under lab/secrets)


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """`netsbom demo --web --http 127.0.0.1:0`: the lab polled into a store, then served."""
    workdir = tmp_path_factory.mktemp("demo")
    log = workdir / "demo.log"
    argv = [
        sys.executable,
        "-m",
        "netsbom.core",
        "demo",
        "--web",
        "--http",
        "127.0.0.1:0",
        "--dir",
        str(workdir),
    ]

    def address() -> str | None:
        found = re.search(r"console at (http://127\.0\.0\.1:\d+/)", log.read_text())
        return found.group(1) if found else None

    with daemon(
        argv,
        ready=lambda: log.exists() and address() is not None,
        what="netsbom demo",
        log=log,
        timeout=120,
    ):
        url = address()
        assert url is not None
        secrets = tuple(
            p.read_text().strip()
            for p in sorted((workdir / "lab" / "secrets").iterdir())
            if p.name.endswith("password")  # communities are the device names (snmpsim's rule)
        )
        yield Demo(url, workdir / "netsbom.db", workdir, secrets)


@dataclass(frozen=True)
class Tokens:
    path: Path
    viewer: str
    admin: str


@pytest.fixture(scope="session")
def tokens(tmp_path_factory: pytest.TempPathFactory) -> Tokens:
    path = tmp_path_factory.mktemp("tokens") / "web-tokens.yaml"
    return Tokens(
        path, add_user(path, "noc-viewer", "viewer"), add_user(path, "noc-admin", "admin")
    )


@pytest.fixture(scope="session")
def demo_store(demo: Demo) -> Iterator[Store]:
    store = open_store(f"sqlite:///{demo.db}", migrate=False)
    yield store
    store.close()


@pytest.fixture(scope="session")
def demo_app(demo_store: Store, tokens: Tokens) -> FastAPI:
    console = Console(demo_store, feeds_dir=VULN_DATA)
    return create_app(console, WebTokens(tokens.path))


@pytest.fixture
def viewer(demo_app: FastAPI, tokens: Tokens) -> TestClient:
    return TestClient(demo_app, headers={"Authorization": f"Bearer {tokens.viewer}"})


@pytest.fixture
def admin(demo_app: FastAPI, tokens: Tokens) -> TestClient:
    return TestClient(demo_app, headers={"Authorization": f"Bearer {tokens.admin}"})


@pytest.fixture
def history_store(tmp_path: Path) -> Iterator[Store]:
    """Network ``lab``: edge1 polled twice (firmware upgraded in between), edge2 once."""
    store = open_store(f"sqlite:///{tmp_path / 'history.db'}")
    store.write(
        [
            make_record("edge1", collected_at="2026-11-20T10:00:00Z", version="17.9.4a"),
            make_record("edge2", collected_at="2026-11-20T10:00:00Z", version="17.9.4a"),
            make_record("edge1", collected_at="2026-11-21T10:00:00Z", version="17.12.1"),
        ]
    )
    yield store
    store.close()


@dataclass(frozen=True)
class Served:
    url: str
    app: FastAPI


@pytest.fixture(scope="session")
def served(demo_app: FastAPI) -> Iterator[Served]:
    """The console app with tokens, served by uvicorn on loopback in a thread (for the browser)."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(demo_app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the console did not start")
        time.sleep(0.05)
    yield Served(f"http://127.0.0.1:{port}", demo_app)
    server.should_exit = True
    thread.join(timeout=10)
