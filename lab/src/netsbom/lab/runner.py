"""Start the lab: every device of a definition as a real SNMP agent on its own loopback address.

snmpsim serves the recordings: one ``snmpsim-command-responder`` process serves several devices,
one ``--v3-engine-id/--data-dir/--agent-udpv4-endpoint`` group per device, each data dir holding
exactly that device's recording (so the community is the recording's file name stem and a device
answers only on its own address). Runtime files live under ``state_dir``::

    state_dir/data/<device>/<community>.snmprec   copies of the recordings
    state_dir/cache/                              snmpsim's index files (kept between starts)
    state_dir/logs/snmpsim-<n>.log                process output
    state_dir/secrets/<device>.community          0600, referenced by the inventory
    state_dir/lab.json                            what is running (read by ``netsbom lab status``)

    with Lab(load_lab(path), tmp_path, port=0) as lab:
        lab.write_inventory(tmp_path / "inventory.yaml")
        for device in lab.devices: ...

Every wait is bounded; stopping terminates, then kills, and always reaps the processes.
"""

from __future__ import annotations

import contextlib
import ctypes
import itertools
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import yaml

from netsbom.core.errors import NetsbomError
from netsbom.lab.definition import Device, LabDefinition, default_definition_path
from netsbom.lab.service import Service
from netsbom.lab.ssh_lab import SshLab

__all__ = ["SYS_NAME", "Lab", "LabDevice", "LabError", "default_definition_path", "snmp_get"]

SYS_NAME = "1.3.6.1.2.1.1.5.0"
_PR_SET_PDEATHSIG = 1


class LabError(NetsbomError):
    """The lab could not start (a process died, a device never answered, a port was taken)."""


@dataclass(frozen=True, slots=True)
class LabDevice:
    name: str
    address: str
    port: int
    community: str
    definition: Device


class Lab(Service):
    """The running lab; a context manager (``with Lab(...) as lab``)."""

    def __init__(
        self,
        definition: LabDefinition,
        state_dir: Path | str,
        port: int = 0,
        *,
        devices_per_process: int = 5,
        start_timeout: float = 30.0,
        stop_timeout: float = 5.0,
        die_with_parent: bool = True,
    ) -> None:
        if not 0 <= port <= 65535:
            raise LabError(f"port {port} is not 0 (pick a free one) or a UDP port number")
        if devices_per_process < 1:
            raise LabError("devices_per_process must be at least 1")
        self.definition = definition
        self.state_dir = Path(state_dir).resolve()
        self.requested_port = port
        self.port = port
        self.devices_per_process = devices_per_process
        self.start_timeout = start_timeout
        self.stop_timeout = stop_timeout
        self.die_with_parent = die_with_parent
        self.devices: list[LabDevice] = []
        self._processes: list[subprocess.Popen[bytes]] = []
        self._logs: list[IO[bytes]] = []
        self.ssh: SshLab | None = None  # SSH side: devices with a recording under ssh/

    # --- lifecycle --------------------------------------------------------------------------

    def start(self) -> None:
        """Start every process and return once every device answers a GET of sysName."""
        if self._processes:
            raise LabError("the lab is already running")
        addresses = [d.address for d in self.definition.devices]
        self.port = self.requested_port or _free_udp_port(addresses)
        self.devices = [
            LabDevice(d.name, d.address, self.port, d.community, d) for d in self.definition.devices
        ]
        # snmpsim binds inside its event loop and keeps running silently when the port is
        # taken: check first, so the error names the device instead of a start timeout.
        taken = [
            f"{d.name} ({d.address}:{d.port})"
            for d in self.devices
            if not _udp_free(d.address, d.port)
        ]
        if taken:
            raise LabError(f"UDP port already in use for: {', '.join(taken)}")
        try:
            self._prepare()
            self._spawn()
            self._wait_ready()
            ssh_recordings = self.definition.base_dir / "ssh"
            if ssh_recordings.is_dir():
                self.ssh = SshLab(self.definition, ssh_recordings, self.state_dir)
                self.ssh.start()
        except BaseException:
            self.stop()
            raise
        self._write_state()

    def stop(self) -> None:
        """Terminate, then kill, every process; always reaps them. Safe to call twice."""
        if self.ssh is not None:
            self.ssh.stop()
            self.ssh = None
        for process in self._processes:
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    process.terminate()
        deadline = time.monotonic() + self.stop_timeout
        for process in self._processes:
            try:
                process.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
                process.wait(timeout=self.stop_timeout)
        for log in self._logs:
            log.close()
        self._processes = []
        self._logs = []
        with contextlib.suppress(FileNotFoundError):
            (self.state_dir / "lab.json").unlink()

    @property
    def running(self) -> bool:
        return bool(self._processes) and all(p.poll() is None for p in self._processes)

    @property
    def pids(self) -> list[int]:
        return [p.pid for p in self._processes]

    def dead_processes(self) -> list[str]:
        """Descriptions of processes that exited (empty while all run)."""
        out = []
        for number, process in enumerate(self._processes):
            code = process.poll()
            if code is not None:
                out.append(f"snmpsim process {number} (pid {process.pid}) exited with {code}")
        return out

    # --- inventory ----------------------------------------------------------------------------

    def write_inventory(
        self,
        path: Path | str,
        *,
        agent_id: str = "lab-agent",
        timeout: float = 1.0,
        retries: int = 1,
    ) -> Path:
        """Write an agent inventory of the lab; communities go by reference into 0600 files."""
        if not self.devices:
            raise LabError("start the lab before writing its inventory")
        path = Path(path)
        secrets = self.state_dir / "secrets"
        secrets.mkdir(parents=True, exist_ok=True)
        secrets.chmod(0o700)
        targets: list[dict[str, Any]] = []
        for device in self.devices:
            secret = secrets / f"{device.name}.community"
            _write_private(secret, device.community + "\n")
            labels = device.definition.labels
            target: dict[str, Any] = {
                "name": device.name,
                "address": device.address,
                "labels": {"network": labels.network, "site": labels.site, "role": labels.role},
                "snmp": {
                    "version": "2c",
                    "port": device.port,
                    "community": f"file:{secret}",
                    "timeout": timeout,
                    "retries": retries,
                },
            }
            ssh = self._ssh_settings(device.name, secrets)
            if ssh is not None:
                target["ssh"] = ssh
            targets.append(target)
        document = {"agent_id": agent_id, "targets": targets}
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            "# written by netsbom lab; the lab's devices (credentials by reference)\n"
            + yaml.safe_dump(document, sort_keys=False, default_flow_style=None, width=200),
            encoding="utf-8",
        )
        return path

    def _ssh_settings(self, name: str, secrets: Path) -> dict[str, Any] | None:
        """The inventory's ssh section for a device the SSH side serves (lab credentials)."""
        server = self.ssh.servers.get(name) if self.ssh is not None else None
        if server is None:
            return None
        recording = server.recording
        password = secrets / f"{name}.ssh-password"
        _write_private(password, (recording.password or "") + "\n")
        return {
            "port": server.port,
            "platform": recording.platform,
            "username": recording.username or "netsbom",
            "password": f"file:{password}",
            "known_hosts": str(self.state_dir / "known_hosts"),
            "host_key_policy": "tofu",
            "connect_timeout": 5.0,
            "command_timeout": 10.0,
        }

    def check(self, timeout: float = 1.0) -> dict[str, str | None]:
        """sysName of each device (None where it does not answer)."""
        return {
            d.name: snmp_get(d.address, d.port, d.community, SYS_NAME, timeout=timeout)
            for d in self.devices
        }

    # --- internals ----------------------------------------------------------------------------

    def _prepare(self) -> None:
        for sub in ("data", "cache", "logs"):
            (self.state_dir / sub).mkdir(parents=True, exist_ok=True)
        for device in self.devices:
            source = self.definition.recording_path(device.definition)
            if not source.is_file():
                raise LabError(
                    f"device {device.name}: recording {source} is missing "
                    "(run netsbom lab generate)"
                )
            data_dir = self._data_dir(device)
            if data_dir.exists():
                shutil.rmtree(data_dir)
            data_dir.mkdir(parents=True)
            shutil.copy2(source, data_dir / f"{device.community}.snmprec")

    def _data_dir(self, device: LabDevice) -> Path:
        return self.state_dir / "data" / device.name

    def _groups(self) -> Iterator[Sequence[LabDevice]]:
        it = iter(self.devices)
        while chunk := list(itertools.islice(it, self.devices_per_process)):
            yield chunk

    def _spawn(self) -> None:
        env = {**os.environ, "SNMPSIM_ALLOW_ROOT": "true", "PYTHONWARNINGS": "ignore"}
        for number, group in enumerate(self._groups()):
            command = [
                sys.executable,
                "-m",
                "snmpsim.commands.responder",
                "--logging-method=null",
                f"--cache-dir={self.state_dir / 'cache'}",
            ]
            for device in group:
                command += [
                    "--v3-engine-id=auto",
                    f"--data-dir={self._data_dir(device)}",
                    f"--agent-udpv4-endpoint={device.address}:{device.port}",
                ]
            log = (self.state_dir / "logs" / f"snmpsim-{number}.log").open("wb")
            self._logs.append(log)
            self._processes.append(
                subprocess.Popen(
                    command,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    env=env,
                    cwd=self.state_dir,
                    preexec_fn=_die_with_parent if self.die_with_parent else None,  # noqa: PLW1509
                )
            )

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + self.start_timeout
        waiting = list(self.devices)
        while waiting:
            dead = self.dead_processes()
            if dead:
                raise LabError("; ".join(dead) + f"\n{self._log_tail()}")
            for device in list(waiting):
                name = snmp_get(device.address, device.port, device.community, SYS_NAME, 0.25)
                if name is None:
                    continue
                if name != device.definition.hostname:
                    raise LabError(
                        f"device {device.name} at {device.address}:{device.port} answers "
                        f"sysName {name!r}, expected {device.definition.hostname!r}"
                    )
                waiting.remove(device)
            if waiting and time.monotonic() > deadline:
                names = ", ".join(f"{d.name} ({d.address}:{d.port})" for d in waiting)
                raise LabError(
                    f"no SNMP answer within {self.start_timeout:g} s from: {names}\n"
                    f"{self._log_tail()}"
                )
            if waiting:
                time.sleep(0.1)

    def _log_tail(self, lines: int = 15) -> str:
        out = []
        for log in sorted((self.state_dir / "logs").glob("snmpsim-*.log")):
            with contextlib.suppress(OSError):
                tail = log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:]
                if tail:
                    out.append(f"--- {log}\n" + "\n".join(tail))
        return "\n".join(out)

    def _write_state(self) -> None:
        state = {
            "network": self.definition.network,
            "pids": self.pids,
            "port": self.port,
            "devices": [
                {"name": d.name, "address": d.address, "port": d.port, "community": d.community}
                for d in self.devices
            ],
        }
        _write_private(self.state_dir / "lab.json", json.dumps(state, indent=2) + "\n")


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    """Linux: the child gets SIGTERM when the thread that started it exits (no orphans)."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL("libc.so.6", use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def _write_private(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    path.chmod(0o600)


def _free_udp_port(addresses: Sequence[str], attempts: int = 50) -> int:
    """A UDP port that is free on every address right now."""
    for _ in range(attempts):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.bind((addresses[0], 0))
            port: int = probe.getsockname()[1]
        if all(_udp_free(address, port) for address in addresses):
            return port
    raise LabError(f"no UDP port free on all of {', '.join(addresses)}")


def _udp_free(address: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        try:
            sock.bind((address, port))
        except OSError:
            return False
    return True


_request_ids = itertools.count(int(time.time()) % 100_000 + 1)


def snmp_get(address: str, port: int, community: str, oid: str, timeout: float = 1.0) -> str | None:
    """One SNMPv2c GET, synchronously (no event loop, safe inside async tests).

    Returns the value as text (OCTET STRINGs decoded as UTF-8 with replacement), or None when the
    agent does not answer in time, refuses, or answers with an error / no such object.
    """
    from pyasn1.codec.ber import decoder, encoder
    from pyasn1.error import PyAsn1Error
    from pysnmp.proto import api

    proto = api.PROTOCOL_MODULES[api.SNMP_VERSION_2C]
    request_id = next(_request_ids) % 2**31
    pdu = proto.GetRequestPDU()
    proto.apiPDU.set_defaults(pdu)
    proto.apiPDU.set_request_id(pdu, request_id)
    proto.apiPDU.set_varbinds(pdu, [(oid, proto.Null(""))])
    message = proto.Message()
    proto.apiMessage.set_defaults(message)
    proto.apiMessage.set_community(message, community)
    proto.apiMessage.set_pdu(message, pdu)
    payload: bytes = encoder.encode(message)
    deadline = time.monotonic() + timeout
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        try:
            sock.connect((address, port))
            sock.send(payload)
        except OSError:
            return None
        while (remaining := deadline - time.monotonic()) > 0:
            sock.settimeout(remaining)
            try:
                data = sock.recv(65535)
            except (TimeoutError, OSError):
                return None
            try:
                answer, _rest = decoder.decode(data, asn1Spec=proto.Message())
            except PyAsn1Error:
                continue
            answer_pdu = proto.apiMessage.get_pdu(answer)
            if int(proto.apiPDU.get_request_id(answer_pdu)) != request_id:
                continue
            if int(proto.apiPDU.get_error_status(answer_pdu)):
                return None
            for _oid, value in proto.apiPDU.get_varbinds(answer_pdu):
                if value.tagSet == proto.OctetString.tagSet:
                    return bytes(value).decode("utf-8", errors="replace")
                if value.tagSet in (
                    proto.NoSuchObject.tagSet,
                    proto.NoSuchInstance.tagSet,
                    proto.EndOfMibView.tagSet,
                ):
                    return None
                return str(value.prettyPrint())
            return None
    return None
