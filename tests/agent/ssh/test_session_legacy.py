"""A real OpenSSH sshd restricted to diffie-hellman-group14-sha1 / ssh-rsa (what many older
devices offer): the agent reaches it only when the target allows legacy algorithms. And a real
OpenSSH bastion the session is tunnelled through.

sshd comes from the harness (tests/harness/sshd.py): a free 127.0.0.1 port, its own config, host
key and authorized key under tmp_path; unavailable (CI: a failure) when OpenSSH is missing.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from netsbom.agent.inventory import TargetSpec
from netsbom.agent.ssh.poll import poll_ssh
from tests.conftest import LAB_DATA
from tests.harness.sshd import Sshd, openssh

pytestmark = pytest.mark.integration
LEGACY_ONLY = """KexAlgorithms diffie-hellman-group14-sha1
HostKeyAlgorithms ssh-rsa
PubkeyAcceptedAlgorithms ssh-ed25519
"""


@pytest.fixture
def legacy_sshd(tmp_path: Path) -> Iterator[Sshd]:
    with openssh(tmp_path / "legacy", host_key_type="rsa", config=LEGACY_ONLY) as server:
        yield server


def _spec(server: Sshd, known: Path, legacy: bool) -> TargetSpec:
    return TargetSpec.model_validate(
        {
            "name": "old-box",
            "address": "127.0.0.1",
            "deadline": 60,
            "ssh": {
                "port": server.port,
                "username": server.user,
                "key_file": str(server.user_key),
                "platform": "linux",
                "known_hosts": str(known),
                "host_key_policy": "tofu",
                "legacy_algorithms": legacy,
                "connect_timeout": 5,
                "auth_timeout": 5,
                "command_timeout": 15,
            },
        }
    )


async def test_legacy_only_sshd_needs_the_target_to_allow_it(
    legacy_sshd: Sshd, tmp_path: Path
) -> None:
    known = tmp_path / "known_hosts"
    refused = await poll_ssh(_spec(legacy_sshd, known, legacy=False), agent_id="t")
    assert not refused.complete
    assert refused.errors[0].kind == "protocol", refused.errors
    assert "legacy_algorithms" in refused.errors[0].message
    assert not known.read_text().strip()  # nothing pinned from a failed negotiation

    reached = await poll_ssh(_spec(legacy_sshd, known, legacy=True), agent_id="t")
    assert reached.complete, reached.errors
    assert reached.os.family and reached.os.version  # this host's distribution
    assert reached.software  # dpkg list of this machine
    assert "ssh-rsa" in known.read_text()


@pytest.fixture
def bastion(tmp_path: Path) -> Iterator[Sshd]:
    """A real OpenSSH sshd with default algorithms that forwards TCP: a jump host."""
    with openssh(tmp_path / "bastion", config="AllowTcpForwarding yes\n") as server:
        yield server


async def test_jump_host_tunnels_the_session(
    bastion: Sshd, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The device (a lab SSH device) is reached through a real OpenSSH bastion (direct-tcpip)."""
    from netsbom.agent.ssh.recording import read_recording
    from netsbom.lab.ssh_lab import LAB_PASSWORD
    from netsbom.lab.ssh_server import SshLabServer

    jump_port, jump_key = bastion.port, bastion.user_key
    monkeypatch.setenv("NSB_JUMP_TEST_PW", LAB_PASSWORD)
    known = tmp_path / "known_hosts"
    with SshLabServer(read_recording(LAB_DATA / "ssh" / "acc-1")) as device:
        spec = TargetSpec.model_validate({
            "name": "behind-bastion", "address": "127.0.0.1", "deadline": 60,
            "ssh": {"port": device.port, "username": "netsbom", "password": "env:NSB_JUMP_TEST_PW",
                    "platform": "cisco_xe", "known_hosts": str(known), "host_key_policy": "tofu",
                    "connect_timeout": 5, "command_timeout": 15,
                    "jump_host": {"address": "127.0.0.1", "port": jump_port,
                                  "username": bastion.user,
                                  "key_file": str(jump_key)}},
        })  # fmt: skip
        record = await poll_ssh(spec, agent_id="t")
    assert record.complete, record.errors
    assert record.hostname == "acc-1" and record.os.version == "17.9.4a"
    pinned = {line.split()[0] for line in known.read_text().splitlines()}
    assert f"[127.0.0.1]:{device.port}" in pinned and f"[127.0.0.1]:{jump_port}" in pinned
