"""SSH sessions: netmiko on paramiko in a bounded thread pool behind one async seam.

    result = await collect(address, settings, platform="cisco_xe", deadline=60)

Safety: host keys are verified against ``settings.known_hosts`` (``strict``, the default); in
``tofu`` mode an unknown key is pinned into that file on first use; a changed key is always
refused. Only read-only commands are sent (:func:`is_read_only`). SHA-1 key exchange and
``ssh-rsa`` host keys/signatures are disabled unless the target sets ``legacy_algorithms``.

Errors from paramiko/netmiko are translated here, once, into :class:`ErrorInfo` kinds
(unreachable, auth, timeout, protocol, unsupported); messages never carry a secret.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import inspect
import logging
import os
import re
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from netsbom.agent.platforms import GENERIC, Platform, get_platform, platform_for_family
from netsbom.agent.ssh.known_hosts import host_keys
from netsbom.core.errors import CredentialError, DeviceError
from netsbom.core.record import ErrorInfo

if TYPE_CHECKING:
    import paramiko
    from netmiko import BaseConnection

    from netsbom.agent.inventory import SshSettings

log = logging.getLogger(__name__)
# paramiko logs a device hanging up at ERROR from its transport thread; every failure that matters
# reaches us as an exception and becomes the record's error, so its own log would only repeat it.
logging.getLogger("paramiko.transport").setLevel(logging.CRITICAL)

LEGACY_KEX = (
    "diffie-hellman-group14-sha1",
    "diffie-hellman-group-exchange-sha1",
    "diffie-hellman-group1-sha1",
)
LEGACY_KEYS = ("ssh-rsa", "ssh-dss")
DEFAULT_POOL_SIZE = 16


class _Pool:
    """The one bounded pool all SSH sessions of this process run in."""

    lock = threading.Lock()
    size = DEFAULT_POOL_SIZE
    executor: ThreadPoolExecutor | None = None


_READ_ONLY_START = re.compile(
    r"^(show|display|get|admin show|cat|hostname|uname|lldpctl|dpkg-query|dmidecode -t|net show"
    r"|systemd-detect-virt|rpm -q|apk list --installed|diagnose lldprx neighbor summary"
    r"|/system (resource|routerboard|identity) print"
    r"|/ip neighbor print)\b"
)
_SETUP_START = re.compile(
    r"^(terminal (length|width|no monitor|exec prompt)|no terminal monitor|set cli (screen-length|"
    r"screen-width|complete-on-space|pager|scripting-mode|terminal width)|screen-length|"
    r"screen-width|environment (no more|more false|time-stamp false))\b"
)
_ALLOWED_PIPES = re.compile(r"^\s*(json|json native|display json|no-more|include \S+|i \S+)\s*$")


def is_read_only(command: str) -> bool:
    """True for the inspection commands the drivers send (and nothing that can change state)."""
    text = command.strip()
    if text.startswith("rpm -qa --qf "):  # the only place a format string (with \\t) is allowed
        return "'" in text and not any(t in text for t in (";", "&&", "||", "`", "$(", ">"))
    if any(token in text for token in (";", "&&", "||", "`", "$(", ">", "<")):
        return False
    head, *pipes = text.split("|")
    if not _READ_ONLY_START.match(head.strip()):
        return False
    return all(_ALLOWED_PIPES.match(pipe) for pipe in pipes)


def is_session_setup(command: str) -> bool:
    return bool(_SETUP_START.match(command.strip()))


def configure_pool(size: int) -> None:
    """Set the number of concurrent SSH sessions (before the first poll)."""
    with _Pool.lock:
        _Pool.size = max(1, size)
        if _Pool.executor is not None:
            _Pool.executor.shutdown(wait=False)
            _Pool.executor = None


def _executor() -> ThreadPoolExecutor:
    with _Pool.lock:
        if _Pool.executor is None:
            _Pool.executor = ThreadPoolExecutor(
                max_workers=_Pool.size, thread_name_prefix="netsbom-ssh"
            )
        return _Pool.executor


@dataclass
class SessionResult:
    platform: str | None = None
    prompt_hostname: str | None = None
    outputs: dict[str, str | None] = field(default_factory=dict)
    errors: list[ErrorInfo] = field(default_factory=list)


async def collect(
    address: str,
    settings: SshSettings,
    *,
    platform: str | None,
    deadline: float,
    commands: list[str] | None = None,
) -> SessionResult:
    """Run one session in the pool; the whole session is bounded by ``deadline`` seconds."""
    cancel = threading.Event()
    holder: dict[str, Any] = {}
    loop = asyncio.get_running_loop()
    future = loop.run_in_executor(
        _executor(), _run_session, address, settings, platform, commands, cancel, holder
    )
    try:
        async with asyncio.timeout(deadline):
            return await asyncio.shield(future)
    except TimeoutError:
        cancel.set()
        _close_quietly(holder.get("connection"))
        result: SessionResult = holder.get("result") or SessionResult(platform=platform)
        result.errors.append(
            ErrorInfo("timeout", f"ssh session exceeded the {deadline:g}s deadline")
        )
        return result


def _close_quietly(connection: Any) -> None:
    if connection is None:
        return
    try:
        connection.disconnect()
    except Exception:  # closing a broken session: nothing more to do
        log.debug("closing ssh session failed", exc_info=True)


def _run_session(
    address: str,
    settings: SshSettings,
    platform: str | None,
    commands: list[str] | None,
    cancel: threading.Event,
    holder: dict[str, Any],
) -> SessionResult:
    result = SessionResult(platform=get_platform(platform).name if platform else None)
    holder["result"] = result
    jump: Any = None
    try:
        if result.platform is None:
            # a platform netmiko cannot name still answers `show version`: the generic driver
            result.platform = detect_platform(address, settings) or GENERIC
        driver = get_platform(result.platform)
        if settings.host_key_policy == "tofu":
            _pin_on_first_use(address, settings)
        sock, jump = _open_socket(address, settings)
        try:
            connection = _connect(address, settings, driver, sock)
        except BaseException:
            sock.close()
            raise
        holder["connection"] = connection
        _cap_output(connection, settings.max_output)
        try:
            result.prompt_hostname = _hostname_from_prompt(connection.base_prompt)
            _drain(connection)
            _run_commands(connection, driver, settings, commands, cancel, result)
        finally:
            _close_quietly(connection)
    except DeviceError as exc:
        result.errors.append(ErrorInfo(exc.kind, str(exc), exc.source))
    except CredentialError as exc:
        result.errors.append(ErrorInfo("auth", f"cannot resolve SSH credential: {exc}"))
    except Exception as exc:
        result.errors.append(translate(exc, address, settings))
    finally:
        if jump is not None:
            jump.close()
    return result


def _run_commands(
    connection: Any,
    driver: Platform,
    settings: SshSettings,
    commands: list[str] | None,
    cancel: threading.Event,
    result: SessionResult,
) -> None:
    from netmiko.exceptions import ReadTimeout

    wanted: list[list[str]] = (
        [[c] for c in commands]
        if commands is not None
        else [list(cmd.forms) for cmd in driver.commands]
    )
    for forms in wanted:
        for form in forms:
            if cancel.is_set():
                return
            if not is_read_only(form):
                result.errors.append(
                    ErrorInfo("internal", "refused a command that is not read-only", form)
                )
                result.outputs[form] = None
                continue
            connection.netsbom_read = 0  # bytes read for this command (see _cap_output)
            try:
                output = connection.send_command(
                    form,
                    read_timeout=settings.command_timeout,
                    auto_find_prompt=False,
                    strip_prompt=True,
                    strip_command=True,
                )
            except ReadTimeout:
                result.outputs[form] = None
                result.errors.append(
                    ErrorInfo("timeout", f"no prompt within {settings.command_timeout:g}s", form)
                )
                return  # the channel is out of step now: stop this session
            except _OutputTooLarge as exc:
                result.outputs[form] = None
                result.errors.append(ErrorInfo(exc.kind, str(exc), form))
                return
            text = str(output)
            if driver.is_error(text):
                result.outputs[form] = None
                continue
            result.outputs[form] = text
            break


_PROMPT_END = r"[>#$%\]]\s*$"  # what every driver's prompt ends with (VRP: <name> or [name])
SETTLE_SECONDS = 0.05  # quiet time that ends the session setup's output
SETTLE_LIMIT = 2.0


def _drain(connection: Any) -> None:
    """Read what the device still sends after session setup before the first command.

    netmiko's setup can stop reading at the first match of a pattern (SR OS classic CLI:
    ``environment no more`` ends at "environment"); the rest of the echo and a prompt then
    arrive later and the first command would read them as its output, every later command the
    previous one's. Reading until the channel has been quiet for a moment keeps them in step."""
    deadline = time.monotonic() + SETTLE_LIMIT
    while time.monotonic() < deadline:
        time.sleep(SETTLE_SECONDS)
        if not connection.read_channel():
            return


class _OutputTooLarge(DeviceError):
    def __init__(self, limit: int) -> None:
        super().__init__("protocol", f"command output exceeded {limit} bytes without a prompt")


def _cap_output(connection: Any, limit: int) -> None:
    """Bound what one command may make us read: a device streaming output without ever showing
    its prompt must not fill the agent's memory within the command timeout."""
    read = connection.read_channel

    def capped() -> str:
        data: str = read()
        connection.netsbom_read = getattr(connection, "netsbom_read", 0) + len(data)
        if connection.netsbom_read > limit:
            raise _OutputTooLarge(limit)
        return data

    connection.read_channel = capped


def _hostname_from_prompt(prompt: str | None) -> str | None:
    if not prompt:
        return None
    text = re.sub(r"^[<\[]+|[>\]#$%\s]+$", "", prompt.strip())
    # user@host, user@host:~ (a shell's working directory after the colon); RP/0/RP0/CPU0:host
    _, at, host = text.rpartition("@")
    name = host.split(":")[0] if at else text.split(":")[-1]
    return name or None


def _open_socket(address: str, settings: SshSettings) -> tuple[Any, Any]:
    """A TCP_NODELAY socket to the device, or a channel through the jump host."""
    if settings.jump_host is not None:
        jump = _jump_client(settings)
        transport = jump.get_transport()
        if transport is None:
            raise DeviceError("unreachable", "jump host session closed")
        channel = transport.open_channel(
            "direct-tcpip",
            (address, settings.port),
            ("127.0.0.1", 0),
            timeout=settings.connect_timeout,
        )
        return channel, jump
    try:
        sock = socket.create_connection((address, settings.port), timeout=settings.connect_timeout)
    except TimeoutError:
        raise DeviceError(
            "unreachable",
            f"no answer from {address}:{settings.port} within {settings.connect_timeout:g}s",
        ) from None
    except OSError as exc:
        raise DeviceError(
            "unreachable", f"cannot connect to {address}:{settings.port}: {exc.strerror or exc}"
        ) from None
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock, None


def _known_hosts(settings: SshSettings) -> Path:
    path = Path(settings.known_hosts).expanduser()
    if settings.host_key_policy == "tofu" and not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileExistsError):  # another session may have just made it
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    return path


_PIN_LOCK = threading.Lock()  # known_hosts is read and appended by one session at a time


def _pin_on_first_use(address: str, settings: SshSettings) -> None:
    """tofu: when known_hosts has no key for the device, fetch its host key and append it; the
    session itself then verifies strictly, so a changed key is refused in both modes. Sessions
    run concurrently: pinning is serialised and appends one line, never rewrites the file."""
    import paramiko

    known = _known_hosts(settings)
    name = address if settings.port == 22 else f"[{address}]:{settings.port}"
    with _PIN_LOCK:
        if host_keys(known, name):
            return
    sock, jump = _open_socket(address, settings)
    transport = paramiko.Transport(sock, disabled_algorithms=disabled_algorithms(settings))
    try:
        transport.start_client(timeout=settings.connect_timeout)
        key = transport.get_remote_server_key()
    finally:
        transport.close()
        if jump is not None:
            jump.close()
    _pin(known, name, key)


def _pin(known: Path, name: str, key: paramiko.PKey) -> None:
    """Append ``key`` for ``name`` to known_hosts unless it holds a key for ``name`` already."""
    with _PIN_LOCK:
        if not host_keys(known, name):
            with known.open("a", encoding="utf-8") as handle:
                handle.write(f"{name} {key.get_name()} {key.get_base64()}\n")
            log.info("pinned the %s host key of %s in %s", key.get_name(), name, known)


def disabled_algorithms(settings: SshSettings) -> dict[str, list[str]]:
    if settings.legacy_algorithms:
        return {}
    return {"kex": list(LEGACY_KEX), "keys": list(LEGACY_KEYS), "pubkeys": list(LEGACY_KEYS)}


def _connect_kwargs(address: str, settings: SshSettings) -> dict[str, Any]:
    password = settings.resolve_secret("password")
    passphrase = settings.resolve_secret("passphrase")
    kwargs: dict[str, Any] = {
        "host": address,
        "port": settings.port,
        "username": settings.username,
        "password": password.reveal() if password else "",
        "use_keys": settings.key_file is not None,
        "key_file": str(Path(settings.key_file).expanduser()) if settings.key_file else None,
        "passphrase": passphrase.reveal() if passphrase else None,
        "allow_agent": False,
        "ssh_strict": True,  # tofu pins unknown keys before connecting (_pin_on_first_use)
        "system_host_keys": False,
        "alt_host_keys": True,
        "alt_key_file": str(_known_hosts(settings)),
        "disabled_algorithms": disabled_algorithms(settings),
        "conn_timeout": settings.connect_timeout,
        "auth_timeout": settings.auth_timeout,
        "banner_timeout": settings.connect_timeout,
        "read_timeout_override": None,
        "fast_cli": True,
        "session_log": None,
    }
    return kwargs


def _connect(address: str, settings: SshSettings, driver: Platform, sock: Any) -> Any:
    kwargs = _connect_kwargs(address, settings)
    known = Path(kwargs["alt_key_file"])
    if settings.host_key_policy == "strict" and not known.is_file():
        raise DeviceError(
            "auth",
            f"host key of {address}:{settings.port} cannot be verified: "
            f"known_hosts file {known} does not exist (use host_key_policy: tofu "
            "to pin keys on first use)",
        )
    return _connection_class(driver.netmiko)(device_type=driver.netmiko, sock=sock, **kwargs)


@functools.cache
def _connection_class(device_type: str) -> type[BaseConnection]:
    """netmiko's class for ``device_type``, given only this host's keys from ``alt_key_file``
    (:mod:`known_hosts`) instead of parsing the whole file per session."""
    from netmiko.ssh_dispatcher import ssh_dispatcher

    base = ssh_dispatcher(device_type)

    def build_ssh_client(self: BaseConnection) -> paramiko.SSHClient:
        client = self._get_ssh_client_instance()
        name = self.host if self.port == 22 else f"[{self.host}]:{self.port}"
        known = client.get_host_keys()
        for key in host_keys(Path(self.alt_key_file), name):
            known.add(name, key.get_name(), key)
        client.set_missing_host_key_policy(self.key_policy)  # reject: ssh_strict
        return client

    logout = inspect.signature(base.cleanup).parameters.get("command")
    logout_command = logout.default if logout is not None else ""

    def cleanup(self: BaseConnection, command: str = logout_command) -> None:
        """Log out without netmiko's configuration-mode check: these sessions only read (they
        never enter configuration mode), and the check waits for 2 s of quiet on some
        platforms (VRP, SR OS): 2.7 s sessions instead of 0.5 s."""
        self._session_log_fin = True  # type: ignore[attr-defined]  # netmiko's own flag
        if command:
            self.write_channel(command + self.RETURN)

    def test_channel_read(self: BaseConnection, count: int = 40, pattern: str = "") -> str:
        """netmiko's first read after login, up to the end of a prompt when the platform gives
        no pattern (SR OS): its own read waits for 2 s of quiet on the channel."""
        return base._test_channel_read(self, count=count, pattern=pattern or _PROMPT_END)

    methods = {
        "_build_ssh_client": build_ssh_client,
        "cleanup": cleanup,
        "_test_channel_read": test_channel_read,
    }
    return type(base.__name__, (base,), methods)


def _jump_client(settings: SshSettings) -> Any:
    import paramiko

    jump = settings.jump_host
    assert jump is not None
    client = paramiko.SSHClient()
    known = _known_hosts(settings)
    name = jump.address if jump.port == 22 else f"[{jump.address}]:{jump.port}"
    for key in host_keys(known, name):
        client.get_host_keys().add(name, key.get_name(), key)

    class PinPolicy(paramiko.MissingHostKeyPolicy):
        """tofu: pin the jump host's key like a device's (appended, serialised), then verify."""

        def missing_host_key(
            self, client: paramiko.SSHClient, host: str, key: paramiko.PKey
        ) -> None:
            _pin(known, host, key)
            pinned = {k.get_name(): k for k in host_keys(known, host)}
            if pinned.get(key.get_name()) != key:  # another session pinned another key
                raise paramiko.BadHostKeyException(host, key, next(iter(pinned.values()), key))

    client.set_missing_host_key_policy(
        PinPolicy() if settings.host_key_policy == "tofu" else paramiko.RejectPolicy()
    )
    password = jump.resolve_secret("password")
    client.connect(
        jump.address,
        port=jump.port,
        username=jump.username,
        password=password.reveal() if password else None,
        key_filename=str(Path(jump.key_file).expanduser()) if jump.key_file else None,
        allow_agent=False,
        look_for_keys=False,
        timeout=settings.connect_timeout,
        auth_timeout=settings.auth_timeout,
        banner_timeout=settings.connect_timeout,
        disabled_algorithms=disabled_algorithms(settings),
    )
    return client


def detect_platform(address: str, settings: SshSettings) -> str | None:
    """netmiko's SSHDetect, mapped onto our drivers through the registry (``None`` when unsure)."""
    from netmiko import SSHDetect

    kwargs = _connect_kwargs(address, settings)
    kwargs.pop("fast_cli", None)
    kwargs.pop("session_log", None)
    kwargs.pop("read_timeout_override", None)
    detector = SSHDetect(device_type="autodetect", **kwargs)
    try:
        best = detector.autodetect()
    finally:
        detector.connection.disconnect()
    return platform_for_family(best) if best else None


def translate(exc: BaseException, address: str, settings: SshSettings) -> ErrorInfo:
    """The one place paramiko/netmiko errors become record errors (never with a secret)."""
    import paramiko
    from netmiko.exceptions import (
        NetmikoAuthenticationException,
        NetmikoTimeoutException,
        ReadTimeout,
    )

    where = f"{address}:{settings.port}"
    inner = exc.__cause__ or exc.__context__  # netmiko re-raises paramiko errors as its own
    if isinstance(inner, paramiko.BadHostKeyException | paramiko.AuthenticationException):
        exc = inner
    if isinstance(exc, paramiko.BadHostKeyException):  # fingerprints as OpenSSH prints them
        return ErrorInfo(
            "auth",
            f"host key of {where} has CHANGED: expected {exc.expected_key.get_name()} "
            f"{exc.expected_key.fingerprint}, got "
            f"{exc.key.get_name()} {exc.key.fingerprint} (known_hosts "
            f"{settings.known_hosts}); refusing to connect",
        )
    if isinstance(exc, (NetmikoAuthenticationException, paramiko.AuthenticationException)):
        return ErrorInfo(
            "auth", f"SSH authentication failed for user {settings.username!r} at {where}"
        )
    if isinstance(exc, ReadTimeout):
        return ErrorInfo("timeout", f"{where}: the prompt never came")
    text = str(exc)
    if "not found in known_hosts" in text:
        return ErrorInfo(
            "auth",
            f"host key of {where} is unknown: not in {settings.known_hosts} "
            "(add it, or use host_key_policy: tofu to pin it on first use)",
        )
    if "Incompatible ssh" in text or "no acceptable" in text or "no matching" in text:
        hint = (
            ""
            if settings.legacy_algorithms
            else (
                "; the device may offer only legacy algorithms "
                "(diffie-hellman-group14-sha1, ssh-rsa):"
                " set ssh.legacy_algorithms: true for this target if that is acceptable"
            )
        )
        return ErrorInfo(
            "protocol", f"{where}: no common SSH algorithm ({_first_line(text)}){hint}"
        )
    if isinstance(exc, NetmikoTimeoutException):
        return ErrorInfo("timeout", f"{where}: {_first_line(text)}")
    if isinstance(exc, (paramiko.SSHException, EOFError)):
        return ErrorInfo("protocol", f"{where}: SSH error: {_first_line(text)}")
    if isinstance(exc, TimeoutError | socket.timeout):
        return ErrorInfo("timeout", f"{where}: timed out")
    if isinstance(exc, OSError):
        return ErrorInfo("unreachable", f"{where}: {exc.strerror or _first_line(text)}")
    log.error("unexpected ssh error for %s: %s", where, type(exc).__name__)
    return ErrorInfo("internal", f"{where}: {type(exc).__name__}")


def _first_line(text: str) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line[:200]
