"""An in-process gNMI target (grpc.aio, pygnmi's servicer base) answering from a recording.

It serves Capabilities and Get exactly as the recording says (its notifications re-encoded as
``json_ietf_val``, or ``json_val`` for a JSON-only target; recorded per-path errors as their gRPC
status), on 127.0.0.1, with TLS when given a key and certificate, and checks the ``username`` /
``password`` metadata when given credentials (UNAUTHENTICATED otherwise), as gNMI targets do.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import grpc
from pygnmi.spec.v080 import gnmi_pb2, gnmi_pb2_grpc


@dataclass
class TargetLog:
    calls: list[tuple[str, dict[str, str]]] = field(default_factory=list)


def _path(text: str) -> Any:
    elems = []
    for part in [p for p in text.strip("/").split("/") if p]:
        name, _, rest = part.partition("[")
        keys = {}
        if rest:
            for item in ("[" + rest).strip("[]").split("]["):
                key, _, value = item.partition("=")
                keys[key] = value
        elems.append(gnmi_pb2.PathElem(name=name, key=keys))
    return gnmi_pb2.Path(elem=elems)


def _wanted(request: Any) -> str:
    return "/" + "/".join(e.name.split(":")[-1] for e in request.path[0].elem)


class RecordedTarget(gnmi_pb2_grpc.gNMIServicer):
    def __init__(
        self, recording: dict[str, Any], credentials: tuple[str, str] | None, log: TargetLog
    ):
        self.recording = recording
        self.credentials = credentials
        self.log = log

    async def _check(self, context: Any, rpc: str) -> None:
        metadata = {k: v for k, v in context.invocation_metadata()}
        self.log.calls.append((rpc, metadata))
        if (
            self.credentials
            and (metadata.get("username"), metadata.get("password")) != self.credentials
        ):
            await context.abort(grpc.StatusCode.UNAUTHENTICATED, "authentication failed")

    async def Capabilities(self, request: Any, context: Any) -> Any:
        await self._check(context, "Capabilities")
        caps = self.recording["capabilities"]
        return gnmi_pb2.CapabilityResponse(
            gNMI_version=caps["gNMI_version"],
            supported_models=[gnmi_pb2.ModelData(**m) for m in caps["supported_models"]],
            supported_encodings=[gnmi_pb2.Encoding.Value(e) for e in caps["supported_encodings"]],
        )

    async def Get(self, request: Any, context: Any) -> Any:
        await self._check(context, "Get")
        path = _wanted(request)
        error = (self.recording.get("errors") or {}).get(path)
        if error:
            await context.abort(getattr(grpc.StatusCode, error["code"]), error["message"])
        notifications = self.recording.get("get", {}).get(path)
        if notifications is None:
            await context.abort(grpc.StatusCode.NOT_FOUND, f"no data for {path}")
        field_name = "json_ietf_val" if request.encoding == gnmi_pb2.JSON_IETF else "json_val"
        return gnmi_pb2.GetResponse(notification=[
            gnmi_pb2.Notification(
                timestamp=1733472000000000000,
                prefix=_path(n["prefix"]),
                update=[gnmi_pb2.Update(path=_path(u["path"]), val=gnmi_pb2.TypedValue(
                    **{field_name: json.dumps(u["value"]).encode()})) for u in n["updates"]],
            )
            for n in notifications
        ])  # fmt: skip


@asynccontextmanager
async def gnmi_target(
    recording: dict[str, Any],
    *,
    credentials: tuple[str, str] | None = None,
    tls: tuple[bytes, bytes] | None = None,  # (key PEM, certificate chain PEM)
) -> AsyncIterator[tuple[int, TargetLog]]:
    """Serve ``recording`` on 127.0.0.1:PORT (yielded with the call log) until the block ends."""
    log = TargetLog()
    server = grpc.aio.server()
    gnmi_pb2_grpc.add_gNMIServicer_to_server(RecordedTarget(recording, credentials, log), server)
    if tls is None:
        port = server.add_insecure_port("127.0.0.1:0")
    else:
        port = server.add_secure_port("127.0.0.1:0", grpc.ssl_server_credentials([tls]))
    await server.start()
    try:
        yield port, log
    finally:
        await server.stop(grace=None)
