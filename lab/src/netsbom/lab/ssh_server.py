"""A paramiko SSH server that serves a device recording like the device would.

Password and public-key login (credentials from the recording's ``device.yaml``), the platform's
prompt, session-setup/paging commands accepted silently, recorded commands answered from their
files (the one naming rule), anything else answered with the platform's error message.

    with SshLabServer(read_recording(LAB_SSH_DIR / "acc-1"), port=0) as server:
        print(server.port)

Every wait is bounded: the accept loop and channel reads poll a stop flag; ``stop()`` joins
its threads with a timeout.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import socket
import threading
from pathlib import Path
from typing import Any

import paramiko
from paramiko.common import (
    AUTH_FAILED,
    AUTH_SUCCESSFUL,
    OPEN_FAILED_ADMINISTRATIVELY_PROHIBITED,
    OPEN_SUCCEEDED,
)

from netsbom.agent.platforms import Platform, get_platform
from netsbom.agent.ssh.recording import Recording
from netsbom.agent.ssh.session import is_session_setup
from netsbom.lab.service import Service

log = logging.getLogger(__name__)

_POLL = 0.2
_EXIT_COMMANDS = ("exit", "quit", "logout", "logout all")
# what real devices say to session-setup commands (netmiko waits for some of these messages)
_SETUP_REPLIES = {
    "terminal width 511": {"eos": "Width set to 511 columns."},
    "terminal length 0": {"eos": "Pagination disabled."},
    "set cli screen-width 511": {"junos": "Screen width set to 511"},
    "set cli complete-on-space off": {"junos": "Disabling complete-on-space"},
    "set cli screen-length 0": {"junos": "Screen length set to 0"},
}


_TRANSPORT_LOG = "netsbom.lab.ssh.transport"


@functools.cache
def _load_moduli() -> bool:
    """Offer group-exchange key exchange when the system has OpenSSH's moduli file. Once per
    process: paramiko keeps the primes in a class attribute that it sets to None, mid-search,
    when no file exists, so loading it per connection races with concurrent handshakes."""
    return bool(paramiko.Transport.load_server_moduli())


logging.getLogger(_TRANSPORT_LOG).setLevel(logging.CRITICAL)


class _Interface(paramiko.ServerInterface):
    def __init__(self, recording: Recording) -> None:
        self.recording = recording
        self.shell = threading.Event()

    def get_allowed_auths(self, username: str) -> str:
        return "password,publickey"

    def check_auth_password(self, username: str, password: str) -> int:
        ok = (
            self.recording.password is not None
            and username == (self.recording.username or username)
            and password == self.recording.password
        )
        return AUTH_SUCCESSFUL if ok else AUTH_FAILED

    def check_auth_publickey(self, username: str, key: paramiko.PKey) -> int:
        if self.recording.username is not None and username != self.recording.username:
            return AUTH_FAILED
        offered = f"{key.get_name()} {key.get_base64()}"
        for line in self.recording.authorized_keys:
            parts = line.split()
            if len(parts) >= 2 and f"{parts[0]} {parts[1]}" == offered:
                return AUTH_SUCCESSFUL
        return AUTH_FAILED

    def check_channel_request(self, kind: str, chanid: int) -> int:
        if kind == "session":
            return OPEN_SUCCEEDED
        return OPEN_FAILED_ADMINISTRATIVELY_PROHIBITED

    def check_channel_pty_request(self, *args: Any) -> bool:
        return True

    def check_channel_shell_request(self, channel: paramiko.Channel) -> bool:
        self.shell.set()
        return True

    def check_channel_window_change_request(self, *args: Any) -> bool:
        return True


class DeviceShell:
    """The command interpreter of one simulated device (pure: text in, text out)."""

    def __init__(self, recording: Recording, platform: Platform | None = None) -> None:
        self.recording = recording
        self.platform = platform or get_platform(recording.platform)
        hostname = recording.hostname or recording.directory.name
        self.prompt = self.platform.prompt.format(
            hostname=hostname, user=recording.username or "netsbom"
        )

    def answer(self, line: str) -> str | None:
        """The output for one command line (without prompt); ``None`` means: close."""
        command = " ".join(line.strip().split())
        if not command:
            return ""
        if command.lower() in _EXIT_COMMANDS:
            return None
        if (
            command in self.platform.paging
            or is_session_setup(command)
            or command.startswith(
                ("environment ", "//environment ", "set cli ", "terminal ", "screen-")
            )
        ):
            return _SETUP_REPLIES.get(command, {}).get(self.platform.name, "")
        output = self.recording.output(command)
        if output is not None:
            return output.rstrip("\n")
        word = command.split()[0]
        return self.platform.error.replace("{word}", word)


class SshLabServer(Service):
    """One simulated device on ``host:port`` (port 0 picks a free one)."""

    def __init__(
        self,
        recording: Recording,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        host_key: paramiko.PKey | None = None,
        host_key_path: Path | None = None,
    ) -> None:
        if not host.startswith("127."):
            raise ValueError("the SSH lab listens on loopback addresses only")
        self.recording = recording
        self.shell = DeviceShell(recording)
        self.host_key = host_key or _load_or_create_key(host_key_path)
        _load_moduli()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind((host, port))
        self.host = host
        self.port: int = self._sock.getsockname()[1]

    def start(self) -> None:
        self._sock.listen(32)
        self._sock.settimeout(_POLL)
        thread = threading.Thread(
            target=self._accept_loop, name=f"ssh-lab-{self.port}", daemon=True
        )
        thread.start()
        self._threads.append(thread)

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        for thread in list(self._threads):
            thread.join(timeout)
        self._sock.close()

    def _accept_loop(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            thread = threading.Thread(target=self._serve, args=(client,), daemon=True)
            thread.start()
            self._threads = [t for t in self._threads if t.is_alive()] + [thread]

    def _serve(self, client: socket.socket) -> None:
        """One client connection; a client that hangs up at any point is normal, not an error."""
        transport: paramiko.Transport | None = None
        try:
            client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            transport = paramiko.Transport(client)
            transport.set_log_channel(_TRANSPORT_LOG)  # clients hanging up is not an error here
            transport.add_server_key(self.host_key)
            interface = _Interface(self.recording)
            transport.start_server(server=interface)
            channel = transport.accept(timeout=10)
            if channel is None:
                return
            if not interface.shell.wait(5):
                channel.close()
                return
            self._shell(channel)
        except (paramiko.SSHException, EOFError, OSError):
            return
        finally:
            if transport is not None:
                transport.close()
            else:
                client.close()

    def _shell(self, channel: paramiko.Channel) -> None:
        channel.settimeout(_POLL)
        prompt = self.shell.prompt
        try:
            channel.sendall(f"\r\n{prompt}".encode())
        except (OSError, EOFError):
            return
        buffer = ""
        last_cr = False
        idle = 0.0
        while not self._stop.is_set() and idle < 600:
            try:
                data = channel.recv(4096)
            except TimeoutError:
                idle += _POLL
                continue
            except (OSError, EOFError):
                return
            if not data or channel.closed:
                return
            idle = 0.0
            for char in data.decode("utf-8", errors="replace"):
                if char in "\r\n":
                    if char == "\n" and buffer == "" and last_cr:
                        last_cr = False
                        continue
                    last_cr = char == "\r"
                    answer = self.shell.answer(buffer)
                    buffer = ""
                    if answer is None:
                        with contextlib.suppress(OSError, EOFError):
                            channel.sendall(b"\r\n")
                        channel.close()
                        return
                    body = answer.replace("\r\n", "\n").replace("\n", "\r\n")
                    try:
                        channel.sendall(
                            (f"\r\n{body}\r\n" if body else "\r\n").encode() + prompt.encode()
                        )
                    except (OSError, EOFError):
                        return
                elif char in ("\x08", "\x7f"):
                    buffer = buffer[:-1]
                else:
                    buffer += char
                    try:
                        channel.sendall(char.encode())
                    except (OSError, EOFError):  # the client hung up mid-line
                        return


def _load_or_create_key(path: Path | None) -> paramiko.PKey:
    if path is not None and path.is_file():
        return paramiko.ECDSAKey.from_private_key_file(str(path))
    key = paramiko.ECDSAKey.generate(bits=256)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        key.write_private_key_file(str(path))
    return key
