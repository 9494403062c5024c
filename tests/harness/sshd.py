"""OpenSSH's sshd on a loopback port, with its own config, host key and authorized user key.

    with openssh(tmp_path) as server:        # server.port, server.user, server.user_key
        ...
    with openssh(tmp_path, host_key=other):  # the same box after a host key change

The login is the user running the tests, by key only (root: ``prohibit-password``). ``config``
adds sshd_config lines (``KexAlgorithms ...`` for a legacy-only device, ``AllowTcpForwarding``
for a bastion). A config the installed sshd refuses makes the test unavailable.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.harness.programs import daemon, free_port, need, tcp_listening, unavailable


@dataclass(frozen=True, slots=True)
class Sshd:
    address: str
    port: int
    user: str
    user_key: Path  # the private key sshd authorizes
    host_key: Path  # sshd's private host key (.pub beside it)

    @property
    def fingerprint(self) -> str:
        """The host key's fingerprint as OpenSSH prints it (``SHA256:...``)."""
        return fingerprint(self.host_key)


def keygen(path: Path, kind: str = "ed25519") -> Path:
    """A new key pair without passphrase at ``path`` (``path.pub`` beside it)."""
    tools = need("ssh-keygen")
    bits = ["-b", "2048"] if kind == "rsa" else []
    subprocess.run(
        [tools["ssh-keygen"], "-q", "-t", kind, *bits, "-N", "", "-C", "", "-f", str(path)],
        check=True,
        timeout=60,
    )
    return path


def fingerprint(key: Path) -> str:
    """``ssh-keygen -lf``'s SHA256 fingerprint of a key."""
    tools = need("ssh-keygen")
    out = subprocess.run(
        [tools["ssh-keygen"], "-l", "-E", "sha256", "-f", f"{key}.pub"],
        check=True,
        capture_output=True,
        text=True,
        timeout=30,
    ).stdout
    return out.split()[1]


def sshd_config(
    directory: Path, *, address: str, port: int, host_key: Path, authorized: Path, extra: str = ""
) -> Path:
    config = directory / "sshd_config"
    config.write_text(
        f"""Port {port}
ListenAddress {address}
HostKey {host_key}
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
AuthorizedKeysFile {authorized}
StrictModes no
UsePAM no
PidFile none
{extra}
"""
    )
    return config


@contextlib.contextmanager
def openssh(
    directory: Path,
    *,
    address: str = "127.0.0.1",
    port: int | None = None,
    host_key: Path | None = None,
    host_key_type: str = "ed25519",
    user_key: Path | None = None,
    config: str = "",
) -> Iterator[Sshd]:
    """Run sshd (``-D -e``) until the block ends; ``directory`` holds its files."""
    sshd = need("sshd", "ssh-keygen")["sshd"]
    directory.mkdir(parents=True, exist_ok=True)
    host_key = host_key or keygen(directory / f"host_{host_key_type}", host_key_type)
    user_key = user_key or keygen(directory / "user_ed25519")
    authorized = directory / "authorized_keys"
    authorized.write_text(user_key.with_suffix(".pub").read_text())
    authorized.chmod(0o600)
    port = port or free_port("tcp", address)
    path = sshd_config(
        directory, address=address, port=port, host_key=host_key, authorized=authorized,
        extra=config,
    )  # fmt: skip
    with contextlib.suppress(PermissionError):
        Path("/run/sshd").mkdir(parents=True, exist_ok=True)  # privilege separation directory
    check = subprocess.run(
        [sshd, "-t", "-f", str(path)], check=False, capture_output=True, text=True, timeout=30
    )
    if check.returncode != 0:
        unavailable(f"this sshd refuses the config: {check.stderr.strip()[:200]}")
    with daemon(
        [sshd, "-D", "-e", "-f", str(path)],
        ready=tcp_listening(address, port),
        what=f"sshd on {address}:{port}",
        log=directory / "sshd.log",
    ):
        yield Sshd(address, port, pwd.getpwuid(os.getuid()).pw_name, user_key, host_key)
