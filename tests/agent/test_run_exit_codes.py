"""`netsbom agent run --once` as a process against the real lab and a real collector: every exit
status of the table in docs/cli.md, each with what it says on stderr."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from netsbom.collector.auth import add_agent, load_tokens
from netsbom.collector.server import CollectorConfig, RunningCollector, start_collector
from netsbom.collector.store import open_store
from netsbom.core.errors import ExitCode
from netsbom.lab.definition import default_definition_path, load_lab
from netsbom.lab.runner import Lab
from tests.conftest import tmpfs

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    with Lab(load_lab(default_definition_path()), tmp_path_factory.mktemp("lab")) as running:
        yield running


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _inventory(lab: Lab, directory: Path, *, agent_id: str = "lab-agent", **extra: Any) -> Path:
    """Two SNMP lab devices (fast), plus ``extra`` targets."""
    path = lab.write_inventory(directory / "inventory.yaml", agent_id=agent_id)
    raw = yaml.safe_load(path.read_text())
    targets = [{k: v for k, v in t.items() if k != "ssh"} for t in raw["targets"][:2]]
    raw["targets"] = targets + list(extra.values())
    path.write_text(yaml.safe_dump(raw))
    return path


class Agent:
    def __init__(self, directory: Path, collector_port: int, token_file: Path) -> None:
        self.directory = directory
        self.collector_port = collector_port
        self.token_file = token_file

    async def run(self, inventory: Path, *more: str, spool: Path | None = None) -> tuple[int, str]:
        env = {**os.environ, "NETSBOM_AGENT_TOKEN": f"file:{self.token_file}"}
        env.pop("NETSBOM_MISSING_SECRET", None)
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "netsbom.core", "agent", "run", "--once",
            "--inventory", str(inventory),
            "--collector", f"127.0.0.1:{self.collector_port}",
            "--spool", str(spool or self.directory / "spool"),
            "--send-timeout", "2",
            *more,
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE, env=env,
        )  # fmt: skip
        _, err = await asyncio.wait_for(process.communicate(), timeout=120)
        assert process.returncode is not None
        return process.returncode, err.decode()


@pytest.fixture
async def collector(tmp_path: Path) -> AsyncIterator[tuple[RunningCollector, Agent]]:
    tokens = tmp_path / "tokens.yaml"
    token = add_agent(tokens, "lab-agent")
    token_file = tmp_path / "agent.token"
    token_file.write_text(token)
    store = open_store(f"sqlite:///{tmp_path / 'c.db'}")
    running = await start_collector(store, CollectorConfig("127.0.0.1:0", auth=load_tokens(tokens)))
    yield running, Agent(tmp_path, running.port, token_file)
    await running.stop(1)
    store.close()


async def test_0_every_report_stored(lab: Lab, collector: Any, tmp_path: Path) -> None:
    _, agent = collector
    code, err = await agent.run(_inventory(lab, tmp_path))
    assert code == ExitCode.OK, err
    assert "stored 2," in err and "waiting in spool 0" in err


async def test_3_reports_left_in_the_spool(lab: Lab, tmp_path: Path) -> None:
    token = tmp_path / "t"
    token.write_text("nsb_x")
    agent = Agent(tmp_path, _free_port(), token)  # nobody listens there
    code, err = await agent.run(_inventory(lab, tmp_path))
    assert code == ExitCode.SPOOLED, err
    assert "waiting in spool 2" in err
    assert len(list((tmp_path / "spool" / "lab-agent").glob("*.pb"))) == 2


async def test_4_a_credential_that_does_not_resolve(
    lab: Lab, collector: Any, tmp_path: Path
) -> None:
    _, agent = collector
    snmp = {"community": "env:NETSBOM_MISSING_SECRET", "timeout": 0.2, "retries": 0}
    broken = {"name": "nocred", "address": "127.0.0.1", "snmp": snmp}
    code, err = await agent.run(_inventory(lab, tmp_path, broken=broken))
    assert code == ExitCode.PARTIAL, err
    assert "target nocred: auth: cannot resolve SNMP credential" in err
    assert "'NETSBOM_MISSING_SECRET' is not set" in err
    assert "stored 3," in err  # the failed target's record is stored too


async def test_5_reports_rejected(lab: Lab, collector: Any, tmp_path: Path) -> None:
    _, agent = collector  # the token is lab-agent's; the inventory claims another id
    code, err = await agent.run(_inventory(lab, tmp_path, agent_id="other-agent"))
    assert code == ExitCode.REJECTED, err
    assert "rejected 2" in err and "may not report as 'other-agent'" in err
    assert len(list((tmp_path / "spool" / "other-agent" / "rejected").iterdir())) == 2


async def test_1_an_unusable_spool(lab: Lab, collector: Any, tmp_path: Path) -> None:
    _, agent = collector
    (tmp_path / "file").write_text("x")
    code, err = await agent.run(_inventory(lab, tmp_path), spool=tmp_path / "file")
    assert code == ExitCode.ERROR
    assert err.strip().splitlines()[-1].startswith("Error: spool ")
    assert "Traceback" not in err


async def test_1_reports_lost_when_they_cannot_be_spooled_nor_sent(
    lab: Lab, tmp_path: Path
) -> None:
    """A spool that fills up (a tiny file system) with the collector away: the summary says
    what the spool holds, and what is neither there nor sent is counted as lost."""
    with tmpfs(tmp_path / "small", "size=12k") as spool:
        token = tmp_path / "t"
        token.write_text("nsb_x")
        agent = Agent(tmp_path, _free_port(), token)
        path = lab.write_inventory(tmp_path / "inventory.yaml")
        raw = yaml.safe_load(path.read_text())
        raw["targets"] = [
            {**{k: v for k, v in t.items() if k != "ssh"}, "name": f"{t['name']}-{n}"}
            for n in range(4)
            for t in raw["targets"][:2]
        ]
        path.write_text(yaml.safe_dump(raw))
        code, err = await agent.run(path, spool=spool)
        on_disk = len(list((spool / "lab-agent").glob("*.pb")))
    assert code == ExitCode.ERROR, err
    assert f"waiting in spool {on_disk}," in err
    lost = 8 - on_disk
    assert 0 < lost < 8 and f"lost {lost} (neither delivered nor in the spool)" in err
    assert err.count("lost: not delivered and not in the spool") == lost


async def test_2_usage(tmp_path: Path) -> None:
    agent = Agent(tmp_path, _free_port(), tmp_path / "t")
    code, err = await agent.run(tmp_path / "missing.yaml", "--interval", "0")
    assert code == ExitCode.USAGE
    assert "--interval" in err
