"""Plant distinctive secrets in a run with failures of every kind, then search every log line,
record, database row, spool file, SBOM and error message: none may appear.

Secrets planted: SNMP communities, SNMPv3 auth and privacy keys, the SSH passwords, an agent token
(right and wrong) and a database password. Failures: wrong token, wrong community, wrong v3 keys,
an unreachable device, a database that does not exist."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from netsbom.collector.auth import add_agent, load_tokens
from netsbom.collector.server import CollectorConfig, RunningCollector, start_collector
from netsbom.collector.store import Store, open_store
from netsbom.core.cli import cli
from netsbom.core.errors import ExitCode
from netsbom.lab.definition import default_definition_path, load_lab
from netsbom.lab.runner import Lab

pytestmark = pytest.mark.integration

SECRETS = {
    "wrong_community": "c0mm-SECRET-wr0ng-7d3",
    "unreachable_community": "c0mm-SECRET-unre4ch-88",
    "v3_auth": "v3auth-SECRET-51xq",
    "v3_priv": "v3priv-SECRET-62zr",
    "wrong_token": "nsb_WRONG-SECRET-token-9f8e",
    "db_password": "dbpw-SECRET-44kk",
}


class CollectorThread:
    def __init__(self, store: Store, tokens: Path) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        config = CollectorConfig("127.0.0.1:0", auth=load_tokens(tokens))
        self.running: RunningCollector = asyncio.run_coroutine_threadsafe(
            start_collector(store, config), self.loop
        ).result(10)

    def close(self) -> None:
        asyncio.run_coroutine_threadsafe(self.running.stop(0), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()


@pytest.fixture
def lab(tmp_path: Path) -> Iterator[Lab]:
    with Lab(load_lab(default_definition_path()), tmp_path / "lab") as running:
        yield running


def _secret_file(directory: Path, name: str, value: str) -> str:
    path = directory / name
    path.write_text(value)
    return f"file:{path}"


def test_no_secret_leaks_anywhere(
    lab: Lab, tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    caplog.set_level(logging.DEBUG)
    inventory_path = lab.write_inventory(tmp_path / "inventory.yaml")
    raw = yaml.safe_load(inventory_path.read_text())
    template = raw["targets"][0]
    snmp = template["snmp"]
    raw["targets"] = [
        *raw["targets"][:3],
        {**template, "name": "wrong-community",
         "snmp": {**snmp, "timeout": 0.3, "retries": 0,
                  "community": _secret_file(tmp_path, "wc", SECRETS["wrong_community"])}},
        {**template, "name": "unreachable", "address": "127.0.1.251",
         "snmp": {**snmp, "timeout": 0.3, "retries": 0,
                  "community": _secret_file(tmp_path, "uc", SECRETS["unreachable_community"])}},
        {**template, "name": "wrong-v3",
         "snmp": {"version": "3", "port": snmp["port"], "user": "netsbom", "timeout": 0.3,
                  "retries": 0, "auth_protocol": "sha256", "auth_key": "env:NSB_V3_AUTH",
                  "priv_protocol": "aes128", "priv_key": "env:NSB_V3_PRIV"}},
    ]  # fmt: skip
    inventory_path.write_text(yaml.safe_dump(raw))
    secrets = dict(SECRETS)
    # The lab's own communities are the device names (snmpsim serves a recording under its file
    # name), so they are not distinctive; its SSH passwords are, and the run logs in with them.
    for target in raw["targets"][:3]:
        if "ssh" in target:
            reference = target["ssh"]["password"]
            secrets[reference] = Path(reference.removeprefix("file:")).read_text().strip()
    assert any(k.startswith("file:") for k in secrets), "the lab should serve SSH devices"
    monkeypatch.setenv("NSB_V3_AUTH", SECRETS["v3_auth"])
    monkeypatch.setenv("NSB_V3_PRIV", SECRETS["v3_priv"])

    tokens = tmp_path / "tokens.yaml"
    token = add_agent(tokens, raw["agent_id"])
    secrets["token"] = token
    db = tmp_path / "store.db"
    store = open_store(f"sqlite:///{db}")
    collector = CollectorThread(store, tokens)
    outputs: list[str] = []
    runner = CliRunner()
    try:
        address = f"127.0.0.1:{collector.running.port}"
        base = [
            "--log-level",
            "debug",
            "agent",
            "run",
            "--inventory",
            str(inventory_path),
            "--collector",
            address,
            "--once",
            "--spool",
            str(tmp_path / "spool"),
            "--send-timeout",
            "2",
        ]
        monkeypatch.setenv("NSB_TOKEN", SECRETS["wrong_token"])
        refused = runner.invoke(cli, [*base, "--token", "env:NSB_TOKEN"])
        outputs.append(refused.output)
        assert refused.exit_code == 1 and "refused" in refused.output

        monkeypatch.setenv("NSB_TOKEN", token)
        accepted = runner.invoke(cli, [*base, "--token", "env:NSB_TOKEN"])
        outputs.append(accepted.output)
        assert accepted.exit_code == ExitCode.PARTIAL, accepted.output  # three targets fail
        assert "target wrong-v3: " in accepted.output
    finally:
        collector.close()
    assert store.count() == 12  # the refused run's six reports waited in the spool and came too
    records = [o.record for o in store.observations()]
    failed = {r.target.id: r for r in records if not r.complete}
    assert set(failed) == {"wrong-community", "unreachable", "wrong-v3"}
    store.close()

    for fmt in ("cyclonedx-json", "cyclonedx-xml"):
        result = runner.invoke(
            cli,
            [
                "sbom",
                "export",
                "--db",
                f"sqlite:///{db}",
                "--network",
                "lab",
                "--format",
                fmt,
                "--out",
                str(tmp_path / fmt),
            ],
        )
        assert result.exit_code == 0, result.output
        outputs.append(result.output)
    bad_db = runner.invoke(
        cli,
        [
            "sbom",
            "export",
            "--network",
            "lab",
            "--db",
            f"postgresql+psycopg://postgres:{SECRETS['db_password']}"
            "@127.0.0.1:5432/netsbom_no_such_db",
        ],
    )
    assert bad_db.exit_code == 1
    outputs.append(bad_db.output)

    haystacks = {
        "logs": caplog.text,
        "cli output": "\n".join(outputs),
        "database": "\n".join(_sqlite_dump(db)),
        "sbom json": (tmp_path / "cyclonedx-json").read_text(),
        "sbom xml": (tmp_path / "cyclonedx-xml").read_text(),
        "spool": "\n".join(
            p.read_bytes().decode("latin-1") for p in (tmp_path / "spool").rglob("*") if p.is_file()
        ),
        "tokens file": tokens.read_text(),
    }
    assert len(caplog.records) > 5  # the run did log (debug level), so the search means something
    for where, text in haystacks.items():
        for name, value in secrets.items():
            assert value not in text, f"secret {name} leaked into {where}"


def _sqlite_dump(db: Path) -> list[str]:
    import sqlite3

    with sqlite3.connect(db) as connection:
        return list(connection.iterdump())
