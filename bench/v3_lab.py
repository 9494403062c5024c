"""An SNMPv3 lab: the cloned lab devices served by snmpsim with authPriv users, one engine id per
device (so keys are localised per device, as in a real fleet), and one inventory per user.

Users (same name pattern as tests/harness/snmpd.py): ``u-sha256-aes128`` and ``u-sha512-aes256``.
snmpsim selects the recording by SNMPv3 context name: each target's context is its device name.
"""

from __future__ import annotations

import contextlib
import math
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import yaml

from netsbom.lab.definition import LabDefinition
from netsbom.lab.runner import SYS_NAME, snmp_get

USERS = (("sha256", "aes128"), ("sha512", "aes256"))
AUTH_KEY = "bench-auth-key-1"
PRIV_KEY = "bench-priv-key-2"


def user_name(auth: str, priv: str) -> str:
    return f"u-{auth}-{priv}"


def _free_udp_port(address: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind((address, 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def v3_lab(
    definition: LabDefinition, work: Path, processes: int, concurrency: int, timeout: float
) -> Iterator[dict[tuple[str, str], Path]]:
    """Serve ``definition``'s devices; yields an inventory path per (auth, priv) of USERS."""
    devices = definition.devices
    port = _free_udp_port(devices[0].address)
    (work / "cache").mkdir(parents=True, exist_ok=True)
    secrets = work / "secrets"
    secrets.mkdir(exist_ok=True)
    for name, value in (("auth", AUTH_KEY), ("priv", PRIV_KEY)):
        (secrets / name).write_text(value + "\n")
        (secrets / name).chmod(0o600)
    groups: list[list[str]] = []
    for device in devices:
        data = work / "data" / device.name
        data.mkdir(parents=True, exist_ok=True)
        shutil.copy2(definition.recording_path(device), data / f"{device.name}.snmprec")
        group = ["--v3-engine-id=auto", f"--data-dir={data}",
                 f"--agent-udpv4-endpoint={device.address}:{port}"]  # fmt: skip
        for auth, priv in USERS:
            group += [f"--v3-user={user_name(auth, priv)}",
                      f"--v3-auth-key={AUTH_KEY}", f"--v3-auth-proto={auth.upper()}",
                      f"--v3-priv-key={PRIV_KEY}", f"--v3-priv-proto={priv.upper()}"]  # fmt: skip
        groups.append(group)
    per_process = math.ceil(len(groups) / processes)
    env = {**os.environ, "SNMPSIM_ALLOW_ROOT": "true", "PYTHONWARNINGS": "ignore"}
    started: list[subprocess.Popen[bytes]] = []
    try:
        for first in range(0, len(groups), per_process):
            command = [sys.executable, "-m", "snmpsim.commands.responder",
                       "--logging-method=null", f"--cache-dir={work / 'cache'}"]  # fmt: skip
            for group in groups[first : first + per_process]:
                command += group
            started.append(
                subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL, start_new_session=True)
            )  # fmt: skip
        deadline = time.monotonic() + max(120.0, len(devices) * 0.6)
        for device in devices:  # v2c answers too: the community is the file name
            while snmp_get(device.address, port, device.name, SYS_NAME, 0.5) is None:
                if time.monotonic() > deadline or any(p.poll() is not None for p in started):
                    raise RuntimeError(f"SNMPv3 lab: {device.name} does not answer")
        inventories = {}
        for auth, priv in USERS:
            targets = [
                {"name": d.name, "address": d.address,
                 "snmp": {"version": "3", "port": port, "user": user_name(auth, priv),
                          "auth_protocol": auth, "auth_key": f"file:{secrets / 'auth'}",
                          "priv_protocol": priv, "priv_key": f"file:{secrets / 'priv'}",
                          "context": d.name, "timeout": timeout, "retries": 1}}
                for d in devices
            ]  # fmt: skip
            path = work / f"inventory-{auth}-{priv}.yaml"
            document = {"agent_id": "bench-v3", "concurrency": concurrency, "targets": targets}
            path.write_text(yaml.safe_dump(document, sort_keys=False))
            inventories[(auth, priv)] = path
        yield inventories
    finally:
        for process in started:
            process.terminate()
        for process in started:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
