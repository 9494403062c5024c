"""An HTTP emulator of Nautobot 2.x's REST API (the device list netsbom reads), on 127.0.0.1.

It follows Nautobot 2.4 as documented (nautobot/core/api/serializers.py, dcim/api/serializers.py,
dcim/filters/__init__.py): primary keys are UUIDs; every object carries ``id``, ``object_type``,
``display``, ``url`` and ``natural_slug``; nested objects are ``{"id", "object_type", "url"}``
unless ``?depth=1`` asks for the whole object; no slugs (objects are named); ``status`` is a
Status object; a device has ``location``, ``role``, ``platform`` (with ``network_driver``),
``primary_ip4`` / ``primary_ip6`` and no ``primary_ip``; filters by name or UUID (``location``,
``role``, ``tenant``, ``platform``, ``status``: any of several; ``tags``: all of several), an
unknown one answered 400; pagination and tokens as NetBox's (netbox_emulator.py, reused).
Nautobot itself (Django, PostgreSQL, Redis, Celery) is not installed by the test suite.
"""

from __future__ import annotations

import uuid
from typing import Any

from tests.agent.netbox.netbox_emulator import _Handler, _Server

NAUTOBOT_VERSION = "2.4"
NESTED = ("location", "role", "tenant", "platform", "status", "primary_ip4", "primary_ip6")


def _object(kind: str, name: str, **extra: Any) -> dict[str, Any]:
    pk = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{kind}/{name}"))
    url = f"/api/{kind.replace('.', '/')}s/{pk}/"
    return {"id": pk, "object_type": kind, "display": name, "url": url,
            "natural_slug": f"{name.lower()}_{pk[:4]}", "name": name, **extra}  # fmt: skip


def device(
    number: int,
    name: str | None,
    *,
    location: str = "PAR1",
    role: str = "Edge",
    platform: str | None = None,
    network_driver: str = "",
    address: str | None = "192.0.2.1/32",
    status: str = "Active",
    tags: tuple[str, ...] = (),
    tenant: str | None = None,
) -> dict[str, Any]:
    """A device as Nautobot 2.4 serialises it at depth 1 (depth 0 is derived when served)."""
    ip = None
    if address is not None:
        version = 6 if ":" in address else 4
        host, length = address.split("/")
        ip = _object("ipam.ipaddress", address, address=address, ip_version=version, host=host,
                     mask_length=int(length))  # fmt: skip
    pk = str(uuid.uuid5(uuid.NAMESPACE_URL, f"device/{number}"))
    return {
        "id": pk,
        "object_type": "dcim.device",
        "display": name or f"Unnamed device ({pk})",
        "url": f"/api/dcim/devices/{pk}/",
        "natural_slug": f"{(name or '').lower()}_{pk[:4]}",
        "name": name,
        "serial": "",
        "asset_tag": None,
        "device_type": _object("dcim.devicetype", "MX960", model="MX960"),
        "status": _object("extras.status", status, color="4caf50"),
        "role": _object("extras.role", role, color="9e9e9e"),
        "tenant": _object("tenancy.tenant", tenant) if tenant else None,
        "platform": (
            _object("dcim.platform", platform, network_driver=network_driver, napalm_driver="")
            if platform
            else None
        ),
        "location": _object("dcim.location", location),
        "rack": None,
        "primary_ip4": ip if ip and ip["ip_version"] == 4 else None,
        "primary_ip6": ip if ip and ip["ip_version"] == 6 else None,
        "cluster": None,
        "virtual_chassis": None,
        "software_version": None,
        "secrets_group": None,
        "tags": [_object("extras.tag", tag) for tag in tags],
        "custom_fields": {},
        "created": "2026-01-05T10:00:00.000000Z",
        "last_updated": "2026-11-20T08:00:00.000000Z",
    }


class _NautobotHandler(_Handler):
    def do_GET(self) -> None:
        if self.path.startswith("/api/status/"):
            if self._authorised(write=False):
                self._send(200, {"nautobot-version": f"{NAUTOBOT_VERSION}.0"})
            return
        super().do_GET()

    def _list(self, query: dict[str, list[str]]) -> None:
        devices = self.server.state.devices
        for name in ("location", "role", "tenant", "platform", "status"):
            wanted = query.get(name)
            if not wanted:
                continue
            known = {key for d in self.server.state.devices if d.get(name)
                     for key in (d[name]["name"], d[name]["id"])}  # fmt: skip
            unknown = [value for value in wanted if value not in known]
            if unknown:
                self._send(400, {name: [f"Select a valid choice. {unknown[0]} is not one of the "
                                        "available choices."]})  # fmt: skip
                return
            devices = [d for d in devices if d.get(name)
                       and {d[name]["name"], d[name]["id"]} & set(wanted)]  # fmt: skip
        for tag in query.get("tags", []):
            devices = [d for d in devices if any(tag in (t["name"], t["id"]) for t in d["tags"])]
        self.depth = int(query.get("depth", ["0"])[0] or 0)
        self._page(devices, query)

    def _served(self, found: dict[str, Any]) -> dict[str, Any]:
        if getattr(self, "depth", 0) < 1:  # nested objects as references only
            found = {**found, **{key: _reference(found[key]) for key in NESTED}}
            found["tags"] = [_reference(tag) for tag in found["tags"]]
        return super()._served(found)


def _reference(nested: dict[str, Any] | None) -> dict[str, Any] | None:
    if nested is None:
        return None
    return {key: nested[key] for key in ("id", "object_type", "url")}


class NautobotServer(_Server):
    version = NAUTOBOT_VERSION

    def __init__(self, state: Any) -> None:
        super().__init__(state, _NautobotHandler)
