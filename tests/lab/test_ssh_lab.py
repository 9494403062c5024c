"""The SSH lab over real SSH: netmiko against the paramiko device server, host-key policies,
wrong credentials, a prompt that never comes."""

from __future__ import annotations

from pathlib import Path

import paramiko
import pytest

from netsbom.agent.inventory import TargetSpec
from netsbom.agent.ssh.poll import poll_ssh, replay_ssh
from netsbom.agent.ssh.recording import read_recording
from netsbom.lab.definition import load_lab
from netsbom.lab.ssh_lab import LAB_PASSWORD, SshLab
from netsbom.lab.ssh_server import SshLabServer
from tests.conftest import LAB_DATA

pytestmark = pytest.mark.integration
LAB = LAB_DATA


def _spec(name: str, port: int, known_hosts: Path, **ssh: object) -> TargetSpec:
    settings: dict[str, object] = {
        "port": port,
        "username": "netsbom",
        "password": "env:NETSBOM_TEST_LAB_PW",
        "known_hosts": str(known_hosts),
        "host_key_policy": "tofu",
        "command_timeout": 10,
        "connect_timeout": 5,
        "auth_timeout": 5,
        **ssh,
    }
    return TargetSpec.model_validate(
        {"name": name, "address": "127.0.0.1", "ssh": settings, "deadline": 30}
    )


@pytest.fixture(autouse=True)
def _password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NETSBOM_TEST_LAB_PW", LAB_PASSWORD)


async def test_every_lab_device_over_ssh_matches_its_replay(tmp_path: Path) -> None:
    known = tmp_path / "known_hosts"
    with SshLab(load_lab(LAB / "lab.yaml"), LAB / "ssh", tmp_path, host="127.0.0.1") as lab:
        assert len(lab.ports) >= 6
        count = len(lab.ports)
        for name, port in sorted(lab.ports.items()):
            platform = read_recording(LAB / "ssh" / name).platform
            record = await poll_ssh(_spec(name, port, known, platform=platform), agent_id="t")
            offline = replay_ssh(LAB / "ssh" / name)
            assert record.complete, (name, record.errors)
            assert record.target.transport == "ssh"
            assert (record.hostname, record.model, record.serial, record.os) == (
                offline.hostname,
                offline.model,
                offline.serial,
                offline.os,
            ), name
            assert record.neighbors == offline.neighbors, name
            assert all(p.method == "ssh" for p in record.provenance)
    assert len(known.read_text().splitlines()) == count  # TOFU pinned each key


async def test_host_key_policies_and_bad_credentials(tmp_path: Path) -> None:
    recording = read_recording(LAB / "ssh" / "acc-1")
    known = tmp_path / "known_hosts"
    with SshLabServer(recording) as server:
        strict = _spec("acc-1", server.port, known, platform="cisco_xe", host_key_policy="strict")
        record = await poll_ssh(strict, agent_id="t")
        assert not record.complete and record.errors[0].kind == "auth"
        assert "does not exist" in record.errors[0].message
        known.write_text("")
        record = await poll_ssh(strict, agent_id="t")
        assert record.errors[0].kind == "auth" and "unknown" in record.errors[0].message
        wrong = _spec("acc-1", server.port, known, platform="cisco_xe")
        import os

        os.environ["NETSBOM_TEST_LAB_PW"] = "not-the-password"
        record = await poll_ssh(wrong, agent_id="t")
        assert (
            record.errors[0].kind == "auth" and "authentication failed" in record.errors[0].message
        )
        assert "not-the-password" not in repr(record)
        os.environ["NETSBOM_TEST_LAB_PW"] = LAB_PASSWORD
        record = await poll_ssh(strict, agent_id="t")  # the failed attempt pinned the key (tofu)
        assert record.complete, record.errors
    # same address and port, another key: refused even in tofu mode
    with SshLabServer(recording, port=server.port, host_key=paramiko.ECDSAKey.generate()) as other:
        record = await poll_ssh(
            _spec("acc-1", other.port, known, platform="cisco_xe"), agent_id="t"
        )
        assert record.errors[0].kind == "auth" and "CHANGED" in record.errors[0].message


async def test_unreachable_and_deadline(tmp_path: Path) -> None:
    with SshLabServer(read_recording(LAB / "ssh" / "acc-1")) as server:
        port = server.port
    record = await poll_ssh(_spec("gone", port, tmp_path / "kh", platform="cisco_xe"), agent_id="t")
    assert record.errors[0].kind == "unreachable" and not record.complete
    # a device whose prompt never matches the platform: bounded by timeouts, session closed
    with SshLabServer(read_recording(LAB / "ssh" / "edge-r2")) as server:
        spec = _spec("odd", server.port, tmp_path / "kh", platform="cisco_nxos", command_timeout=2)
        record = await poll_ssh(spec, agent_id="t")
    assert not record.complete
    assert record.errors


async def test_megabytes_without_a_prompt_are_cut_off(tmp_path: Path) -> None:
    """A device that floods a command's output is stopped at max_output; the agent's memory stays
    bounded (the flooding device runs in its own process so only the agent is measured)."""
    import shutil
    import subprocess
    import sys
    import tracemalloc

    device = tmp_path / "flood"
    shutil.copytree(LAB / "ssh" / "acc-1", device)
    line = "x" * 1023 + "\n"
    (device / "show_version.txt").write_text(line * 24 * 1024)  # 24 MiB before the prompt
    serve = (
        "import sys, time\n"
        "from netsbom.agent.ssh.recording import read_recording\n"
        "from netsbom.lab.ssh_server import SshLabServer\n"
        "server = SshLabServer(read_recording(sys.argv[1]))\n"
        "server.start()\n"
        "print(server.port, flush=True)\n"
        "time.sleep(60)\n"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", serve, str(device)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        port = int(process.stdout.readline())
        spec = _spec("flood", port, tmp_path / "kh", platform="cisco_xe",
                     max_output=2 * 1024 * 1024)  # fmt: skip
        tracemalloc.start()
        try:
            record = await poll_ssh(spec, agent_id="t")
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    finally:
        process.kill()
        process.wait(10)
        if process.stdout is not None:
            process.stdout.close()
    assert not record.complete
    assert any(
        e.kind == "protocol" and "exceeded" in e.message and e.source == "show version"
        for e in record.errors
    ), record.errors
    assert peak < 32 * 1024 * 1024, f"peak {peak} bytes"


async def test_tofu_pins_concurrent_first_connections_once_each(tmp_path: Path) -> None:
    """Many first connections at once share one known_hosts: every key pinned exactly once."""
    import asyncio
    import contextlib

    known = tmp_path / "known_hosts"
    with contextlib.ExitStack() as stack:
        servers = [
            stack.enter_context(SshLabServer(read_recording(LAB / "ssh" / "acc-1")))
            for _ in range(12)
        ]
        records = await asyncio.gather(*(
            poll_ssh(_spec(f"d{i}", s.port, known, platform="cisco_xe"), agent_id="t")
            for i, s in enumerate(servers)
        ))  # fmt: skip
    assert all(r.complete for r in records), [r.errors for r in records if not r.complete]
    lines = known.read_text().splitlines()
    assert sorted(line.split()[0] for line in lines) == sorted(
        f"[127.0.0.1]:{s.port}" for s in servers
    )
