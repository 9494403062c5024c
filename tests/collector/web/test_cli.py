"""`netsbom web` and `netsbom collector serve --http` as real processes: tokens, TLS, the
loopback rule, a clean stop on SIGTERM."""

from __future__ import annotations

import re
import ssl
import sys
from pathlib import Path

import httpx2 as httpx
import pytest
from click.testing import CliRunner

from netsbom.collector.store import Store
from netsbom.collector.web.auth import load_users
from netsbom.core.cli import cli
from tests.collector.test_server import _self_signed
from tests.harness.programs import daemon, free_port, stop

pytestmark = pytest.mark.integration
NETSBOM = [sys.executable, "-m", "netsbom.core"]


def _address(log: Path) -> str | None:
    found = re.search(r"console at (https?://\S+/)", log.read_text()) if log.exists() else None
    return found.group(1) if found else None


def test_new_token_is_printed_once_and_stored_as_a_hash(tmp_path: Path) -> None:
    path = tmp_path / "web.yaml"
    result = CliRunner().invoke(
        cli, ["web", "--tokens", str(path), "--new-token", "noc", "--role", "admin"]
    )
    assert result.exit_code == 0, result.output
    token = result.output.strip()
    assert token.startswith("nsb_") and token not in path.read_text()
    assert [u.role for u in load_users(path).values()] == ["admin"]


def test_plaintext_off_loopback_is_refused(tmp_path: Path, history_store: Store) -> None:
    db = history_store.engine.url.render_as_string()
    result = CliRunner().invoke(cli, ["web", "--db", db, "--http", "0.0.0.0:8080"])
    assert result.exit_code != 0
    assert "refusing plaintext HTTP on 0.0.0.0:8080" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_web_serves_with_tokens_over_tls(tmp_path: Path, history_store: Store) -> None:
    db = history_store.engine.url.render_as_string()
    path = tmp_path / "web.yaml"
    token = CliRunner().invoke(cli, ["web", "--tokens", str(path), "--new-token", "noc"]).output
    cert, key = _self_signed(tmp_path)
    log = tmp_path / "web.log"
    port = free_port()
    argv = [
        *NETSBOM,
        "web",
        "--db",
        db,
        "--http",
        f"127.0.0.1:{port}",
        "--tokens",
        str(path),
        "--tls-cert",
        str(cert),
        "--tls-key",
        str(key),
    ]
    with daemon(argv, ready=lambda: _address(log) is not None, what="netsbom web", log=log) as p:
        assert _address(log) == f"https://127.0.0.1:{port}/"
        context = ssl.create_default_context(cafile=str(cert))
        context.check_hostname = False  # the test certificate names localhost
        with httpx.Client(base_url=f"https://127.0.0.1:{port}", verify=context) as client:
            assert client.get("/api/v1/networks").status_code == 401
            headers = {"Authorization": f"Bearer {token.strip()}"}
            body = client.get("/api/v1/networks", headers=headers).json()
            assert [n["network"] for n in body["items"]] == ["lab"]
            assert (
                "secure"
                in client.post("/login", data={"token": token.strip()}, follow_redirects=False)
                .headers["set-cookie"]
                .lower()
            )
        stop(p)
        assert p.returncode == 0
    assert token.strip() not in log.read_text()


def test_collector_serve_runs_the_console_in_its_process(
    tmp_path: Path, history_store: Store
) -> None:
    db = history_store.engine.url.render_as_string()
    log = tmp_path / "collector.log"
    port = free_port()
    argv = [
        *NETSBOM,
        "collector",
        "serve",
        "--db",
        db,
        "--listen",
        "127.0.0.1:0",
        "--no-auth",
        "--http",
        f"127.0.0.1:{port}",
    ]
    with daemon(argv, ready=lambda: _address(log) is not None, what="collector", log=log) as p:
        devices = httpx.get(f"http://127.0.0.1:{port}/api/v1/networks/lab/devices", timeout=30)
        assert {d["device"] for d in devices.json()["items"]} == {"edge1", "edge2"}
        assert "collector listening on 127.0.0.1:0" in log.read_text()
        stop(p)
        assert p.returncode == 0


def test_a_store_that_is_not_netsboms_is_one_error_line(tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    result = CliRunner().invoke(cli, ["web", "--db", f"sqlite:///{empty}", "--http", "127.0.0.1:0"])
    assert result.exit_code == 1
    assert "not a netsbom store" in result.output
    assert len(result.output.strip().splitlines()) == 1
