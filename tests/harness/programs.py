"""Finding and running the real programs the suite tests against (Debian's packages).

    need("snmpd", "snmpget")         a missing program: a failure in CI (CI=true), a skip elsewhere
    need("ip", root=True)            ... and root (network namespaces)
    port = free_port("udp")          a free loopback port
    with daemon([...], ready=check): the process runs until the block ends, then is stopped

Everything started here is stopped by its own process group (the process and what it forked),
never by name.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import NoReturn

import pytest

# .ci/run installs these Debian packages; a program -> its package, for the message
PACKAGES = {
    "snmpd": "snmpd",
    "snmpget": "snmp",
    "snmpbulkwalk": "snmp",
    "sshd": "openssh-server",
    "ssh-keygen": "openssh-client",
    "lldpd": "lldpd",
    "lldpcli": "lldpd",
    "ip": "iproute2",
    "unshare": "util-linux",
}
SBIN = (Path("/usr/sbin"), Path("/sbin"), Path("/usr/bin"), Path("/bin"))


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def unavailable(reason: str) -> NoReturn:
    """Something a test needs (a program, root, ../shared) is not here: in CI that is a failure
    (CI installs every program and has ../shared; a skip would hide a gap), elsewhere a skip that
    says why. Tests import it as ``tests.conftest.missing``."""
    if in_ci():
        pytest.fail(f"CI runs this test: {reason}")
    pytest.skip(reason)


def program(name: str) -> str | None:
    """The program's path (PATH, then the sbin folders a non-root PATH may lack)."""
    found = shutil.which(name)
    if found:
        return found
    return next((str(d / name) for d in SBIN if (d / name).is_file()), None)


def need(*names: str, root: bool = False) -> dict[str, str]:
    """Paths of the programs; a missing one (or root, when asked) makes the test unavailable."""
    paths: dict[str, str] = {}
    for name in names:
        path = program(name)
        if path is None:
            unavailable(f"{name} is not installed (Debian package {PACKAGES.get(name, name)})")
        paths[name] = path
    if root and os.geteuid() != 0:
        unavailable("needs root (network namespaces, private mounts)")
    return paths


def free_port(kind: str = "tcp", address: str = "127.0.0.1") -> int:
    """A port nothing listens on now (the program started next binds it)."""
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    sock_type = socket.SOCK_DGRAM if kind == "udp" else socket.SOCK_STREAM
    with socket.socket(family, sock_type) as sock:
        sock.bind((address, 0))
        return int(sock.getsockname()[1])


def wait_until(check: Callable[[], bool], *, timeout: float, what: str, step: float = 0.1) -> None:
    """Poll ``check`` until it holds; fail the test naming ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            pytest.fail(f"{what}: not within {timeout:g} s")
        time.sleep(step)


def tcp_listening(address: str, port: int) -> Callable[[], bool]:
    def check() -> bool:
        try:
            socket.create_connection((address, port), timeout=1).close()
        except OSError:
            return False
        return True

    return check


@contextlib.contextmanager
def daemon(
    argv: Sequence[str],
    *,
    ready: Callable[[], bool],
    what: str,
    log: Path,
    timeout: float = 15.0,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
) -> Iterator[subprocess.Popen[bytes]]:
    """Run ``argv`` (in its own process group, output to ``log``) until the block ends; the block
    starts once ``ready`` holds. A process that exits early fails the test with its log's end."""
    with log.open("ab") as output:
        process = subprocess.Popen(
            list(argv),
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env=env,
            cwd=cwd,
        )
    try:
        deadline = time.monotonic() + timeout
        while not ready():
            if process.poll() is not None:
                pytest.fail(f"{what} exited with {process.returncode}: {_tail(log)}")
            if time.monotonic() > deadline:
                pytest.fail(f"{what} not ready within {timeout:g} s: {_tail(log)}")
            time.sleep(0.1)
        yield process
    finally:
        stop(process)


def stop(process: subprocess.Popen[bytes], grace: float = 5.0) -> None:
    """Stop a process started here and everything in its process group, then reap it."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(grace)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)  # what it forked and left behind


def _tail(log: Path, lines: int = 8) -> str:
    try:
        text = log.read_text(errors="replace")
    except OSError:
        return "(no log)"
    return " | ".join(text.strip().splitlines()[-lines:])
