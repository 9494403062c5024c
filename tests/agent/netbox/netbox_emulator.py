"""An HTTP emulator of NetBox's REST API (the parts netsbom uses), on 127.0.0.1.

It follows NetBox 4.2's API as documented and served (netbox/api, dcim/api/serializers*.py,
netbox/api/pagination.py, netbox/api/authentication.py): device objects with nested brief objects
(``id``, ``url``, ``display``, ``name``, ``slug``, ``description``), ``status`` as
``{"value", "label"}``, IP addresses as ``{"id", "url", "display", "family": {"value",
"label"}, "address"}``; list views paginated by ``limit``/``offset`` (default 50, at most
``MAX_PAGE_SIZE`` 1000) with ``count``, absolute ``next``/``previous`` links; filters by slug
(``site``, ``role``, ``tenant``, ``platform``: any of several; ``tag``: all of several; ``status``;
``id``), an unknown slug or choice answered 400 with NetBox's message; ``Authorization: Token
KEY`` (v1 tokens) checked on every call (403 ``Invalid token`` / ``Authentication credentials were
not provided.``), read-only tokens refused writes; bulk ``PATCH /api/dcim/devices/`` validating
custom field names (400 ``Unknown field name ...``). NetBox itself needs Python >= 3.12 and cannot
be installed on these machines (Python 3.11).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

NETBOX_VERSION = "4.2"
PAGINATE_COUNT = 50
MAX_PAGE_SIZE = 1000
CHOICES = {"status": ("offline", "active", "planned", "staged", "failed", "inventory",
                      "decommissioning")}  # fmt: skip


@dataclass
class NetboxState:
    token: str
    read_only_tokens: tuple[str, ...] = ()
    devices: list[dict[str, Any]] = field(default_factory=list)
    base: str = ""
    calls: list[tuple[str, str, dict[str, list[str]], str | None]] = field(default_factory=list)


def nested(kind: str, pk: int, name: str, base: str = "", **extra: Any) -> dict[str, Any]:
    return {"id": pk, "url": f"{base}/api/{kind}/{pk}/", "display": name, "name": name,
            "slug": name.lower().replace(" ", "-"), "description": "", **extra}  # fmt: skip


def device(
    pk: int,
    name: str | None,
    *,
    site: str = "par1",
    role: str = "edge",
    platform: str | None = None,
    address: str | None = "192.0.2.1/32",
    status: str = "active",
    tags: tuple[str, ...] = (),
    tenant: str | None = None,
    serial: str = "",
    custom_fields: dict[str, Any] | None = None,
    model: str = "MX960",
    manufacturer: str = "Juniper",
) -> dict[str, Any]:
    """A device as NetBox 4.2 serialises it (DeviceSerializer); URLs are fixed up when served."""
    ip = None
    if address is not None:
        family = 6 if ":" in address else 4
        ip = {"id": pk + 1000, "url": f"/api/ipam/ip-addresses/{pk + 1000}/", "display": address,
              "family": {"value": family, "label": f"IPv{family}"}, "address": address,
              "description": ""}  # fmt: skip
    return {
        "id": pk,
        "url": f"/api/dcim/devices/{pk}/",
        "display_url": f"/dcim/devices/{pk}/",
        "display": name or f"Unnamed device ({pk})",
        "name": name,
        "device_type": {
            **nested("dcim/device-types", 1, model),
            "manufacturer": nested("dcim/manufacturers", 1, manufacturer),
            "model": model,
        },
        "role": nested("dcim/device-roles", _pk(role), role),
        "tenant": nested("tenancy/tenants", _pk(tenant), tenant) if tenant else None,
        "platform": nested("dcim/platforms", _pk(platform), platform) if platform else None,
        "serial": serial,
        "asset_tag": None,
        "site": nested("dcim/sites", _pk(site), site),
        "location": None,
        "rack": None,
        "position": None,
        "face": None,
        "latitude": None,
        "longitude": None,
        "parent_device": None,
        "status": {"value": status, "label": status.capitalize()},
        "airflow": None,
        "primary_ip": ip,
        "primary_ip4": ip if ip and ip["family"]["value"] == 4 else None,
        "primary_ip6": ip if ip and ip["family"]["value"] == 6 else None,
        "oob_ip": None,
        "cluster": None,
        "virtual_chassis": None,
        "vc_position": None,
        "vc_priority": None,
        "description": "",
        "comments": "",
        "config_template": None,
        "local_context_data": None,
        "tags": [_tag(t) for t in tags],
        "custom_fields": dict(custom_fields or {}),
        "created": "2026-01-05T10:00:00.000000Z",
        "last_updated": "2026-11-20T08:00:00.000000Z",
        "console_port_count": 0,
        "interface_count": 0,
    }


def _tag(slug: str) -> dict[str, Any]:
    pk = _pk(slug)
    return {"id": pk, "url": f"/api/extras/tags/{pk}/", "display": slug, "name": slug,
            "slug": slug, "color": "9e9e9e"}  # fmt: skip


def _pk(slug: str | None) -> int:
    return sum(ord(c) for c in slug or "") % 997 + 1


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        return

    def _send(self, status: int, body: Any) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("API-Version", self.server.version)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _authorised(self, write: bool) -> bool:
        state = self.server.state
        header = self.headers.get("Authorization")
        parts = urlsplit(self.path)
        state.calls.append((self.command, parts.path, parse_qs(parts.query), header))
        if header is None:
            self._send(403, {"detail": "Authentication credentials were not provided."})
            return False
        scheme, _, key = header.partition(" ")
        if scheme != "Token" or key not in (state.token, *state.read_only_tokens):
            self._send(403, {"detail": "Invalid token"})
            return False
        if write and key in state.read_only_tokens:
            self._send(403, {"detail": "You do not have permission to perform this action."})
            return False
        return True

    def do_GET(self) -> None:
        if not self._authorised(write=False):
            return
        parts = urlsplit(self.path)
        query = parse_qs(parts.query)
        state = self.server.state
        if parts.path == "/api/":
            self._send(200, {"dcim": f"{state.base}/api/dcim/"})
        elif parts.path == "/api/status/":
            self._send(200, {"netbox-version": f"{NETBOX_VERSION}.0", "python-version": "3.12.3"})
        elif parts.path == "/api/dcim/devices/":
            self._list(query)
        elif parts.path.startswith("/api/dcim/devices/"):
            found = self._device(parts.path)
            if found is None:
                self._send(404, {"detail": "No Device matches the given query."})
            else:
                self._send(200, self._served(found))
        else:
            self._send(404, {"detail": "Not found."})

    def do_PATCH(self) -> None:
        if not self._authorised(write=True):
            return
        length = int(self.headers.get("Content-Length") or 0)
        try:
            body = json.loads(self.rfile.read(length) or b"null")
        except ValueError:
            self._send(400, {"detail": "JSON parse error"})
            return
        parts = urlsplit(self.path)
        if parts.path == "/api/dcim/devices/" and isinstance(body, list):
            targets = [(self.server.state_device(item.get("id")), item) for item in body]
        else:
            targets = [(self._device(parts.path), body)]
        for found, change in targets:
            if found is None:
                self._send(400, {"detail": "Object not found"})
                return
            problem = self._invalid(found, change)
            if problem:
                self._send(400, problem)
                return
        for found, change in targets:
            for key, value in change.items():
                if key == "custom_fields":
                    found["custom_fields"].update(value)
                elif key != "id":
                    found[key] = value
        served = [self._served(found) for found, _ in targets]
        self._send(200, served if isinstance(body, list) else served[0])

    def _invalid(self, found: dict[str, Any], change: Any) -> dict[str, Any] | None:
        if not isinstance(change, dict):
            return {"non_field_errors": ["Invalid data. Expected a dictionary, but got list."]}
        for name in change.get("custom_fields") or {}:
            if name not in found["custom_fields"]:
                return {"custom_fields": [f"Unknown field name '{name}' in custom field data."]}
        for key in change:
            if key not in found:
                return {key: ["This field is not recognised."]}
        return None

    def _device(self, path: str) -> dict[str, Any] | None:
        tail = path.removeprefix("/api/dcim/devices/").strip("/")
        return self.server.state_device(int(tail)) if tail.isdigit() else None

    def _served(self, found: dict[str, Any]) -> dict[str, Any]:
        return _absolute(found, self.server.state.base)

    def _list(self, query: dict[str, list[str]]) -> None:
        devices = self.server.state.devices
        for name, key in (("site", "site"), ("role", "role"), ("tenant", "tenant"),
                          ("platform", "platform")):  # fmt: skip
            wanted = query.get(name)
            if not wanted:
                continue
            known = {d[key]["slug"] for d in self.server.state.devices if d.get(key)}
            for slug in wanted:
                if slug not in known:
                    self._send(400, {name: [f"Select a valid choice. {slug} is not one of the "
                                            "available choices."]})  # fmt: skip
                    return
            devices = [d for d in devices if d.get(key) and d[key]["slug"] in wanted]
        for slug in query.get("tag", []):
            if not any(t["slug"] == slug for d in self.server.state.devices for t in d["tags"]):
                self._send(400, {"tag": [f"Select a valid choice. {slug} is not one of the "
                                         "available choices."]})  # fmt: skip
                return
            devices = [d for d in devices if any(t["slug"] == slug for t in d["tags"])]
        if "status" in query:
            for value in query["status"]:
                if value not in CHOICES["status"]:
                    self._send(400, {"status": [f"Select a valid choice. {value} is not one of "
                                                "the available choices."]})  # fmt: skip
                    return
            devices = [d for d in devices if d["status"]["value"] in query["status"]]
        if "id" in query:
            ids = {int(v) for v in query["id"]}
            devices = [d for d in devices if d["id"] in ids]
        self._page(devices, query)

    def _page(self, devices: list[dict[str, Any]], query: dict[str, list[str]]) -> None:
        """One page of ``devices`` by ``limit``/``offset``, with ``count`` and absolute links."""
        try:
            limit = min(int(query.get("limit", [PAGINATE_COUNT])[0]) or MAX_PAGE_SIZE,
                        MAX_PAGE_SIZE)  # fmt: skip
            offset = int(query.get("offset", ["0"])[0])
        except ValueError:
            self._send(400, {"detail": "Invalid limit or offset"})
            return
        page = devices[offset : offset + limit]

        def link(at: int) -> str:
            params = {k: v for k, v in query.items() if k not in ("limit", "offset")}
            params["limit"], params["offset"] = [str(limit)], [str(at)]
            return f"{self.server.state.base}/api/dcim/devices/?{urlencode(params, doseq=True)}"

        self._send(200, {
            "count": len(devices),
            "next": link(offset + limit) if offset + limit < len(devices) else None,
            "previous": link(max(offset - limit, 0)) if offset > 0 else None,
            "results": [self._served(d) for d in page],
        })  # fmt: skip


def _absolute(value: Any, base: str) -> Any:
    if isinstance(value, dict):
        return {k: (base + v if k in ("url", "display_url") and isinstance(v, str)
                    and v.startswith("/") else _absolute(v, base))
                for k, v in value.items()}  # fmt: skip
    if isinstance(value, list):
        return [_absolute(v, base) for v in value]
    return value


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    version = NETBOX_VERSION

    def __init__(self, state: NetboxState, handler: type[_Handler] = _Handler) -> None:
        super().__init__(("127.0.0.1", 0), handler)
        self.state = state
        state.base = f"http://127.0.0.1:{self.server_address[1]}"

    def state_device(self, pk: Any) -> dict[str, Any] | None:
        return next((d for d in self.state.devices if d["id"] == pk), None)


@contextmanager
def netbox_emulator(
    state: NetboxState, server_class: type[_Server] = _Server
) -> Iterator[NetboxState]:
    """Serve ``state`` on 127.0.0.1 (``state.base`` is the URL) until the block ends."""
    server = server_class(state)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
