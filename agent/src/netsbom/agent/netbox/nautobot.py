"""Nautobot devices as netsbom targets: an inventory file with ``source: nautobot``.

    source: nautobot
    url: https://nautobot.example.net
    token: env:NAUTOBOT_TOKEN
    filters: {location: [PAR1], role: [edge], tags: [sbom], status: [Active]}
    defaults:
      snmp: {version: "2c", community: "env:SNMP_COMMUNITY"}

It follows Nautobot 2.x's REST API (read with pynautobot, ``depth=1`` so nested objects carry
their names): filters by name (``location``, ``role``, ``tenant``, ``platform``, ``status``:
any of several; ``tags``: all of several). A device becomes a target as a NetBox one does
(agent/netbox/source.py): labels ``site`` (its location's name), ``role``, ``tenant``, ``tags``
and ``nautobot_id``; its platform's ``network_driver`` (netutils' names, which are netmiko's)
or name gives the SSH driver; ``address: primary`` takes ``primary_ip4``, else ``primary_ip6``.
Write-back (`netsbom netbox sync`) is NetBox's only.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from netsbom.agent.netbox.source import (
    ApiSource,
    Filters,
    as_inventory,
    device_targets,
    transport_defaults,
    validated,
)


class NautobotFilters(Filters):
    """Nautobot's device filters, by name or UUID."""

    location: list[str] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)  # several tags: a device must carry them all
    status: list[str] = Field(default_factory=lambda: ["Active"])


class NautobotSource(ApiSource):
    source: Literal["nautobot"]
    filters: NautobotFilters = Field(default_factory=NautobotFilters)
    address: Literal["primary", "primary4", "primary6"] = "primary"


def is_nautobot(raw: dict[str, Any]) -> bool:
    return raw.get("source") == "nautobot"


def from_nautobot(raw: dict[str, Any], *, source: str = "<nautobot>") -> dict[str, Any]:
    """A ``source: nautobot`` inventory -> the raw netsbom inventory (devices read now)."""
    from netsbom.agent.netbox.client import connect, records

    config = validated(NautobotSource, raw, source=source)
    defaults = transport_defaults(raw, source=source)
    api = connect(config)
    devices = records(
        f"Nautobot {config.url} devices",
        api.dcim.devices,
        limit=config.page_size,
        depth=1,
        **config.filters.query(),
    )
    shaped = (netbox_shape(device) for device in devices)
    targets = device_targets(shaped, config, defaults, id_label="nautobot_id")
    return as_inventory(raw, config, targets)


def netbox_shape(device: dict[str, Any]) -> dict[str, Any]:
    """A Nautobot 2.x device (depth 1) with the fields ``device_targets`` reads named as NetBox
    names them (nested objects keep their ``name``: Nautobot has no slugs since 2.0)."""
    ip4, ip6 = device.get("primary_ip4"), device.get("primary_ip6")
    platform = device.get("platform")
    if isinstance(platform, dict):
        platform = {"slug": platform.get("network_driver") or None, "name": platform.get("name")}
    return {
        "id": device.get("id"),
        "name": device.get("name"),
        "site": device.get("location"),
        "role": device.get("role"),
        "tenant": device.get("tenant"),
        "tags": device.get("tags") or [],
        "platform": platform,
        "primary_ip": ip4 or ip6,
        "primary_ip4": ip4,
        "primary_ip6": ip6,
    }
