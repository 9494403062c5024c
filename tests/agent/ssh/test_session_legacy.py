"""A real OpenSSH sshd restricted to diffie-hellman-group14-sha1 / ssh-rsa (what many older
devices offer): the agent reaches it only when the target allows legacy algorithms.

The fixture installs openssh-server when it is missing and we are root with apt-get (as in CI);
otherwise it skips and says why. sshd runs on a free 127.0.0.1 port with its own config, host key
and authorized key under tmp_path, and is always terminated.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from netsbom.agent.inventory import TargetSpec
from netsbom.agent.ssh.poll import poll_ssh
from tests.conftest import LAB_DATA, missing

pytestmark = pytest.mark.integration
SSHD = Path("/usr/sbin/sshd")


def _ensure_sshd() -> None:
    """Debian's OpenSSH server (.ci/run installs it with apt)."""
    if not SSHD.exists() or shutil.which("ssh-keygen") is None:
        missing("OpenSSH sshd is not installed (apt-get install openssh-server)")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def legacy_sshd(tmp_path: Path) -> Iterator[tuple[int, Path]]:
    _ensure_sshd()
    host_key = tmp_path / "host_rsa"
    user_key = tmp_path / "user_ed25519"
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "rsa", "-b", "2048", "-N", "", "-f", str(host_key)],
        check=True,
        timeout=60,
    )
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(user_key)], check=True, timeout=60
    )
    authorized = tmp_path / "authorized_keys"
    authorized.write_text(user_key.with_suffix(".pub").read_text())
    authorized.chmod(0o600)
    port = _free_port()
    config = tmp_path / "sshd_config"
    config.write_text(f"""Port {port}
ListenAddress 127.0.0.1
HostKey {host_key}
KexAlgorithms diffie-hellman-group14-sha1
HostKeyAlgorithms ssh-rsa
PubkeyAcceptedAlgorithms ssh-ed25519
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
AuthorizedKeysFile {authorized}
StrictModes no
UsePAM no
PidFile {tmp_path / "sshd.pid"}
""")
    Path("/run/sshd").mkdir(parents=True, exist_ok=True)
    check = subprocess.run(
        [str(SSHD), "-t", "-f", str(config)],
        check=False,
        capture_output=True,
        text=True,
        timeout=30,
    )
    if check.returncode != 0:
        missing(f"this sshd refuses the legacy-only config: {check.stderr.strip()[:200]}")
    with _sshd(config, port):
        yield port, user_key


@contextlib.contextmanager
def _sshd(config: Path, port: int) -> Iterator[None]:
    """Run sshd with ``config`` until the block ends; wait (10 s at most) until it listens."""
    process = subprocess.Popen(
        [str(SSHD), "-D", "-e", "-f", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    pytest.fail("sshd did not start listening within 10 s")
                time.sleep(0.1)
        yield
    finally:
        process.terminate()
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


def _spec(port: int, key: Path, known: Path, legacy: bool) -> TargetSpec:
    return TargetSpec.model_validate(
        {
            "name": "old-box",
            "address": "127.0.0.1",
            "deadline": 60,
            "ssh": {
                "port": port,
                "username": os.environ.get("USER", "root"),
                "key_file": str(key),
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
    legacy_sshd: tuple[int, Path], tmp_path: Path
) -> None:
    port, key = legacy_sshd
    known = tmp_path / "known_hosts"
    refused = await poll_ssh(_spec(port, key, known, legacy=False), agent_id="t")
    assert not refused.complete
    assert refused.errors[0].kind == "protocol", refused.errors
    assert "legacy_algorithms" in refused.errors[0].message
    assert not known.read_text().strip()  # nothing pinned from a failed negotiation

    reached = await poll_ssh(_spec(port, key, known, legacy=True), agent_id="t")
    assert reached.complete, reached.errors
    assert reached.os.family == "linux" and reached.os.version
    assert reached.software  # dpkg list of this machine
    assert "ssh-rsa" in known.read_text()


@pytest.fixture
def bastion(tmp_path: Path) -> Iterator[tuple[int, Path]]:
    """A real OpenSSH sshd with default algorithms that forwards TCP: a jump host."""
    _ensure_sshd()
    root = tmp_path / "bastion"
    root.mkdir()
    host_key, user_key = root / "host_ed25519", root / "user_ed25519"
    for key in (host_key, user_key):
        subprocess.run(
            ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True, timeout=60
        )
    authorized = root / "authorized_keys"
    authorized.write_text(user_key.with_suffix(".pub").read_text())
    authorized.chmod(0o600)
    port = _free_port()
    config = root / "sshd_config"
    config.write_text(f"""Port {port}
ListenAddress 127.0.0.1
HostKey {host_key}
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
AuthorizedKeysFile {authorized}
AllowTcpForwarding yes
StrictModes no
UsePAM no
PidFile {root / "sshd.pid"}
""")
    Path("/run/sshd").mkdir(parents=True, exist_ok=True)
    with _sshd(config, port):
        yield port, user_key


async def test_jump_host_tunnels_the_session(
    bastion: tuple[int, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The device (a lab SSH device) is reached through a real OpenSSH bastion (direct-tcpip)."""
    from netsbom.agent.ssh.recording import read_recording
    from netsbom.lab.ssh_lab import LAB_PASSWORD
    from netsbom.lab.ssh_server import SshLabServer

    jump_port, jump_key = bastion
    monkeypatch.setenv("NSB_JUMP_TEST_PW", LAB_PASSWORD)
    known = tmp_path / "known_hosts"
    with SshLabServer(read_recording(LAB_DATA / "ssh" / "acc-1")) as device:
        spec = TargetSpec.model_validate({
            "name": "behind-bastion", "address": "127.0.0.1", "deadline": 60,
            "ssh": {"port": device.port, "username": "netsbom", "password": "env:NSB_JUMP_TEST_PW",
                    "platform": "cisco_xe", "known_hosts": str(known), "host_key_policy": "tofu",
                    "connect_timeout": 5, "command_timeout": 15,
                    "jump_host": {"address": "127.0.0.1", "port": jump_port,
                                  "username": os.environ.get("USER", "root"),
                                  "key_file": str(jump_key)}},
        })  # fmt: skip
        record = await poll_ssh(spec, agent_id="t")
    assert record.complete, record.errors
    assert record.hostname == "acc-1" and record.os.version == "17.9.4a"
    pinned = {line.split()[0] for line in known.read_text().splitlines()}
    assert f"[127.0.0.1]:{device.port}" in pinned and f"[127.0.0.1]:{jump_port}" in pinned
