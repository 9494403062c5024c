"""gNMI sessions: grpc.aio with the gNMI protos pygnmi ships (``pygnmi.spec.v080``).

    replies = await collect(address, settings, deadline=60)   # -> GnmiReplies (plain data)

Safety: TLS by default, verified against ``ca_file`` or the system's roots (never a certificate
fetched from the device); mTLS with ``cert_file``/``key_file``; plaintext only with ``insecure``,
which the inventory allows on loopback only. Username and password travel as the ``username`` /
``password`` call metadata gNMI targets read. grpc errors are translated here, once, into error
kinds; messages never carry a secret. Protobuf objects never leave this module.
"""

from __future__ import annotations

import base64
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from netsbom.agent.gnmi.parse import PATHS
from netsbom.core.errors import ConfigError, CredentialError
from netsbom.core.record import ErrorInfo

if TYPE_CHECKING:
    from netsbom.agent.inventory import GnmiSettings

_ENCODINGS = {"json": 0, "json_ietf": 4}  # gnmi.Encoding


@dataclass
class GnmiReplies:
    """What a gNMI target answered, as plain data (the shape parse.py reads and recordings keep)."""

    capabilities: dict[str, Any] | None = None
    get: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    rpc_errors: dict[str, dict[str, str]] = field(default_factory=dict)
    errors: list[ErrorInfo] = field(default_factory=list)  # the session's (auth, unreachable...)

    def as_data(self) -> dict[str, Any]:
        return {"capabilities": self.capabilities, "get": self.get, "errors": self.rpc_errors}

    @property
    def answered(self) -> bool:
        return self.capabilities is not None or bool(self.get)


def _protos() -> tuple[Any, Any]:
    try:
        from pygnmi.spec.v080 import gnmi_pb2, gnmi_pb2_grpc
    except ImportError:
        raise ConfigError("gnmi needs pygnmi's protos: pip install 'netsbom-agent[gnmi]'") from None
    return gnmi_pb2, gnmi_pb2_grpc


def channel(address: str, settings: GnmiSettings) -> Any:
    """A grpc.aio channel to ``address``: TLS (or plaintext when ``insecure``)."""
    import grpc

    host = f"[{address}]" if ":" in address else address
    target = f"{host}:{settings.port}"
    options: list[tuple[str, Any]] = [("grpc.max_receive_message_length", 64 * 1024 * 1024)]
    if settings.insecure:
        return grpc.aio.insecure_channel(target, options=options)

    def read(path: str | None) -> bytes | None:
        if path is None:
            return None
        try:
            return Path(path).expanduser().read_bytes()
        except OSError as exc:
            raise ConfigError(f"gnmi: cannot read {path}: {exc.strerror}") from None

    credentials = grpc.ssl_channel_credentials(
        root_certificates=read(settings.ca_file),
        private_key=read(settings.key_file),
        certificate_chain=read(settings.cert_file),
    )
    if settings.server_name:
        options.append(("grpc.ssl_target_name_override", settings.server_name))
    return grpc.aio.secure_channel(target, credentials, options=options)


async def collect(address: str, settings: GnmiSettings, *, deadline: float) -> GnmiReplies:
    """Capabilities, then a Get per path in :data:`PATHS`; never raises for device trouble."""
    import grpc

    replies = GnmiReplies()
    try:
        metadata = _metadata(settings)
        gnmi_pb2, gnmi_pb2_grpc = _protos()
        chan = channel(address, settings)
    except (CredentialError, ConfigError) as exc:
        kind = "auth" if isinstance(exc, CredentialError) else "protocol"
        replies.errors.append(ErrorInfo(kind, f"gnmi: {exc}"))
        return replies
    started = time.monotonic()

    def left() -> float:
        return max(0.1, min(settings.timeout, deadline - (time.monotonic() - started)))

    async with chan:
        stub = gnmi_pb2_grpc.gNMIStub(chan)
        try:
            answer = await stub.Capabilities(
                gnmi_pb2.CapabilityRequest(), metadata=metadata, timeout=left()
            )
            replies.capabilities = capabilities_data(answer)
        except grpc.aio.AioRpcError as exc:
            replies.errors.append(rpc_error(exc, "Capabilities"))
            return replies  # the target answered nothing we can use: no Get either
        encoding = settings.encoding
        supported = replies.capabilities.get("supported_encodings") or []
        if encoding.upper() not in supported and "JSON" in supported:
            encoding = "json"  # e.g. a target that speaks JSON only
        for path in PATHS:
            request = gnmi_pb2.GetRequest(
                path=[_path(gnmi_pb2, path)], type=0, encoding=_ENCODINGS[encoding]
            )
            try:
                response = await stub.Get(request, metadata=metadata, timeout=left())
            except grpc.aio.AioRpcError as exc:
                error = rpc_error(exc, path)
                if error.kind in ("auth", "unreachable", "timeout"):
                    replies.errors.append(error)
                    break
                replies.rpc_errors[path] = {"code": exc.code().name, "message": _details(exc)}
                continue
            replies.get[path] = notifications_data(response.notification)
    return replies


def _metadata(settings: GnmiSettings) -> tuple[tuple[str, str], ...]:
    password = settings.resolve_secret("password")
    if settings.username and password is not None:
        return (("username", settings.username), ("password", password.reveal()))
    return ()


def _path(gnmi_pb2: Any, text: str) -> Any:
    return gnmi_pb2.Path(elem=[gnmi_pb2.PathElem(name=n) for n in text.strip("/").split("/")])


def _details(exc: Any) -> str:
    return str(exc.details() or exc.code().name).splitlines()[0][:200]


def rpc_error(exc: Any, what: str) -> ErrorInfo:
    import grpc

    code = exc.code()
    kind = {
        grpc.StatusCode.UNAUTHENTICATED: "auth",
        grpc.StatusCode.PERMISSION_DENIED: "auth",
        grpc.StatusCode.UNAVAILABLE: "unreachable",
        grpc.StatusCode.DEADLINE_EXCEEDED: "timeout",
        grpc.StatusCode.UNIMPLEMENTED: "unsupported",
        grpc.StatusCode.NOT_FOUND: "unsupported",
        grpc.StatusCode.INVALID_ARGUMENT: "unsupported",
    }.get(code, "protocol")
    return ErrorInfo(kind, f"gnmi: {code.name}: {_details(exc)}", what)


# --- protobuf -> plain data ----------------------------------------------------------------------


def capabilities_data(answer: Any) -> dict[str, Any]:
    from pygnmi.spec.v080 import gnmi_pb2

    return {
        "gNMI_version": answer.gNMI_version,
        "supported_models": [
            {"name": m.name, "organization": m.organization, "version": m.version}
            for m in answer.supported_models
        ],
        "supported_encodings": [gnmi_pb2.Encoding.Name(e) for e in answer.supported_encodings],
    }


def path_text(path: Any) -> str:
    parts = []
    for elem in path.elem:
        keys = "".join(f"[{k}={v}]" for k, v in sorted(elem.key.items()))
        parts.append(f"{elem.name}{keys}")
    if not parts and path.element:  # the deprecated string form
        parts = list(path.element)
    origin = f"{path.origin}:" if path.origin else ""
    return origin + "/" + "/".join(parts) if parts else ""


def typed_value(value: Any) -> Any:
    which = value.WhichOneof("value")
    if which in ("json_ietf_val", "json_val"):
        raw = getattr(value, which)
        return json.loads(raw) if raw else None
    if which == "leaflist_val":
        return [typed_value(v) for v in value.leaflist_val.element]
    if which == "decimal_val":
        return value.decimal_val.digits / 10**value.decimal_val.precision
    if which in ("bytes_val", "proto_bytes"):
        return base64.b64encode(getattr(value, which)).decode()
    if which == "any_val":
        return None
    return getattr(value, which) if which else None


def notifications_data(notifications: Any) -> list[dict[str, Any]]:
    return [
        {
            "prefix": path_text(n.prefix),
            "updates": [{"path": path_text(u.path), "value": typed_value(u.val)} for u in n.update],
        }
        for n in notifications
    ]
