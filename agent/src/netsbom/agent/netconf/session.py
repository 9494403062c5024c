"""NETCONF sessions: ncclient (blocking) in a worker thread behind one async seam.

    replies = await collect(address, settings, deadline=60)   # -> NetconfReplies

Safety: the device's host key must be in ``settings.known_hosts`` (``strict``), or is pinned there
on first use (``tofu``, the SSH transport's pinning); ncclient is then told that exact key, so a
changed key is refused before any credential is sent. Only ``<get>`` and read-only vendor RPCs
are sent (parse.REQUESTS). ncclient/paramiko errors are translated here, once, into error kinds;
messages never carry a secret.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from netsbom.agent.netconf.parse import requests_for
from netsbom.core.errors import CredentialError
from netsbom.core.record import ErrorInfo

if TYPE_CHECKING:
    from netsbom.agent.inventory import NetconfSettings, SshSettings

log = logging.getLogger(__name__)
logging.getLogger("ncclient").setLevel(logging.WARNING)  # it logs every RPC at INFO


@dataclass
class NetconfReplies:
    """What the device said: its hello capabilities and one reply (XML, None: refused) per
    request; ``errors`` are the session's."""

    capabilities: list[str] = field(default_factory=list)
    replies: dict[str, str | None] = field(default_factory=dict)
    errors: list[ErrorInfo] = field(default_factory=list)

    @property
    def answered(self) -> bool:
        return bool(self.capabilities)


async def collect(address: str, settings: NetconfSettings, *, deadline: float) -> NetconfReplies:
    """Connect, read the hello, send the requests the capabilities allow; never raises for
    device trouble. The session runs in a worker thread; past ``deadline`` the record says so."""
    try:
        return await asyncio.wait_for(asyncio.to_thread(_session, address, settings), deadline)
    except TimeoutError:
        return NetconfReplies(
            errors=[ErrorInfo("timeout", f"netconf: no answer within {deadline:g}s")]
        )


def _ssh_settings(settings: NetconfSettings) -> SshSettings:
    """The same host-key rules as the SSH transport (its known_hosts, its pinning)."""
    from netsbom.agent.inventory import SshSettings

    return SshSettings(
        port=settings.port,
        username=settings.username,
        password=settings.password,
        key_file=settings.key_file,
        known_hosts=settings.known_hosts,
        host_key_policy=settings.host_key_policy,
        connect_timeout=min(settings.timeout, 300),
    )


def _session(address: str, settings: NetconfSettings) -> NetconfReplies:
    from ncclient import manager
    from ncclient.transport.errors import AuthenticationError, SSHError, SSHUnknownHostError

    from netsbom.agent.ssh.known_hosts import host_keys
    from netsbom.agent.ssh.session import _known_hosts, _pin_on_first_use

    out = NetconfReplies()
    ssh = _ssh_settings(settings)
    name = address if settings.port == 22 else f"[{address}]:{settings.port}"
    try:
        password = settings.resolve_secret("password")
        if settings.host_key_policy == "tofu":
            _pin_on_first_use(address, ssh)
        keys = host_keys(_known_hosts(ssh), name)
        if not keys:
            known = Path(settings.known_hosts).expanduser()
            out.errors.append(ErrorInfo("auth", f"netconf: no host key for {name} in {known} "
                                        "(add it, or use host_key_policy: tofu)"))  # fmt: skip
            return out
        session = manager.connect(
            host=address,
            port=settings.port,
            username=settings.username,
            password=password.reveal() if password else None,
            key_filename=str(Path(settings.key_file).expanduser()) if settings.key_file else None,
            hostkey_verify=True,
            hostkey_b64=keys[0].get_base64(),
            allow_agent=False,
            look_for_keys=False,
            timeout=settings.timeout,
        )
    except CredentialError as exc:
        out.errors.append(ErrorInfo("auth", f"netconf: cannot resolve credential: {exc}"))
        return out
    except AuthenticationError:
        out.errors.append(ErrorInfo("auth", "netconf: authentication failed"))
        return out
    except SSHUnknownHostError:
        out.errors.append(ErrorInfo("auth", f"netconf: the host key of {name} changed: refused"))
        return out
    except (SSHError, OSError) as exc:
        out.errors.append(ErrorInfo("unreachable", f"netconf: {_line(exc)}"))
        return out
    except Exception as exc:  # paramiko's own errors during connect
        out.errors.append(ErrorInfo("protocol", f"netconf: {type(exc).__name__}: {_line(exc)}"))
        return out
    with session:
        session.timeout = settings.timeout
        out.capabilities = sorted(session.server_capabilities)
        for request in requests_for(out.capabilities):
            try:
                out.replies[request.name] = _ask(session, request)
            except Exception as exc:
                error = _rpc_error(exc, request.name)
                if error is None:
                    out.replies[request.name] = None  # refused: the device lacks it
                    continue
                out.errors.append(error)
                if error.kind in ("timeout", "unreachable"):
                    break
    return out


def _ask(session: Any, request: Any) -> str:
    from ncclient.xml_ import to_ele

    if request.rpc is not None:
        reply = session.dispatch(to_ele(request.rpc))
    else:
        reply = session.get(filter=("subtree", request.get))
    return str(reply.xml)


def _rpc_error(exc: Exception, source: str) -> ErrorInfo | None:
    """None for an rpc-error saying the device lacks the operation or the data (not a fault)."""
    from ncclient.operations import RPCError, TimeoutExpiredError
    from ncclient.transport.errors import TransportError

    if isinstance(exc, RPCError):
        if exc.tag in ("operation-not-supported", "unknown-element", "unknown-namespace",
                       "bad-element", "invalid-value", "data-missing"):  # fmt: skip
            return None
        return ErrorInfo("protocol", f"netconf: rpc-error {exc.tag}: {_line(exc)}", source)
    if isinstance(exc, TimeoutExpiredError):
        return ErrorInfo("timeout", "netconf: no reply in time", source)
    if isinstance(exc, TransportError):
        return ErrorInfo("unreachable", f"netconf: session lost: {_line(exc)}", source)
    return ErrorInfo("protocol", f"netconf: {type(exc).__name__}: {_line(exc)}", source)


def _line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:200]
