"""NetBox devices as netsbom targets: an inventory file with ``source: netbox``.

    source: netbox
    url: https://netbox.example.net
    token: env:NETBOX_TOKEN              # a reference, as every credential
    filters: {site: [par1], role: [edge, core], tag: [sbom], status: [active]}
    refresh: 3600                        # `agent run` re-reads NetBox this often (seconds)
    agent_id: site-a-agent
    defaults:                            # how to reach the devices: never taken from NetBox
      labels: {network: core}
      snmp: {version: "2c", community: "env:SNMP_COMMUNITY"}
      ssh: {username: netsbom, password: "env:SSH_PASSWORD"}

Each device becomes a target: ``name`` its NetBox name (``name@site`` when another device has it,
``name@site#id`` when that one is taken too),
``address`` its primary IP (``address: oob`` takes the out-of-band one), labels ``site``,
``role``, ``tenant``, ``tags`` (slugs, comma-separated) and ``netbox_id``, plus every transport
section of ``defaults``. Its platform slug, when the OS-family registry knows it (aliases such as
``juniper-junos``, ``cisco-ios-xe``), gives the SSH driver. A device without the address is left
out with a warning. Credentials come from ``defaults`` only: nothing NetBox holds is used as one.
"""

from __future__ import annotations

import ipaddress
import logging
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from netsbom.core.errors import ConfigError
from netsbom.core.families import families, known_family

log = logging.getLogger(__name__)

TRANSPORT_SECTIONS = ("snmp", "ssh", "gnmi", "netconf")
INVENTORY_KEYS = ("agent_id", "concurrency", "defaults")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _as_list(value: Any) -> Any:
    return [value] if isinstance(value, str | int) else value


class Filters(_Strict):
    """Device filters of the server's API: one value or a list (any of them matches), sent as
    query parameters. Subclasses name them."""

    role: list[str] = Field(default_factory=list)
    tenant: list[str] = Field(default_factory=list)
    platform: list[str] = Field(default_factory=list)

    _lists = field_validator("*", mode="before")(_as_list)

    def query(self) -> dict[str, list[str]]:
        return {name: values for name, values in self.model_dump().items() if values}


class NetboxFilters(Filters):
    """NetBox's own device filters, by slug."""

    site: list[str] = Field(default_factory=list)
    tag: list[str] = Field(default_factory=list)  # several tags: a device must carry them all
    status: list[str] = Field(default_factory=lambda: ["active"])


class NetboxSync(_Strict):
    """Where ``netsbom netbox sync`` writes: custom fields of the device (None: not written)."""

    os_version: str | None = "software_version"
    firmware: str | None = "firmware_version"
    serial: bool = True  # the device's own ``serial`` field


class ApiSource(_Strict):
    """What a NetBox and a Nautobot source share: the server, its token, TLS and paging."""

    source: str
    url: str = Field(pattern=r"^https?://")
    token: str
    verify_tls: bool = True
    ca_file: str | None = None
    timeout: float = Field(default=30.0, gt=0, le=600)
    page_size: int = Field(default=500, ge=1, le=1000)
    refresh: float = Field(default=3600.0, ge=60)
    address: Literal["primary", "primary4", "primary6", "oob"] = "primary"

    @field_validator("token")
    @classmethod
    def _reference(cls, value: str) -> str:
        from netsbom.agent.credentials import is_reference

        if not is_reference(value):
            raise ValueError("must be a reference (env:VAR or file:PATH), not a literal secret")
        return value


class NetboxSource(ApiSource):
    source: Literal["netbox"]
    filters: NetboxFilters = Field(default_factory=NetboxFilters)
    sync: NetboxSync = Field(default_factory=NetboxSync)


_Source = TypeVar("_Source", bound=ApiSource)


def is_netbox(raw: dict[str, Any]) -> bool:
    return raw.get("source") == "netbox"


def source_config(raw: dict[str, Any], *, source: str) -> NetboxSource:
    """The NetBox part of an inventory file, validated; errors name the file and the field."""
    return validated(NetboxSource, raw, source=source)


def validated(model: type[_Source], raw: dict[str, Any], *, source: str) -> _Source:
    config = {k: v for k, v in raw.items() if k not in INVENTORY_KEYS}
    try:
        return model.model_validate(config)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"]) or "(the file)"
        message = error["msg"].removeprefix("Value error, ")
        raise ConfigError(f"{source}: field {where!r}: {message}") from None


def transport_defaults(raw: dict[str, Any], *, source: str) -> dict[str, Any]:
    defaults = raw.get("defaults") or {}
    if not isinstance(defaults, dict):
        raise ConfigError(f"{source}: field 'defaults': must be a mapping")
    return defaults


def as_inventory(
    raw: dict[str, Any], config: ApiSource, targets: list[dict[str, Any]]
) -> dict[str, Any]:
    """The raw netsbom inventory of a server source's ``targets``."""
    inventory: dict[str, Any] = {k: raw[k] for k in INVENTORY_KEYS if k in raw}
    return {**inventory, "refresh": config.refresh, "targets": targets}


def from_netbox(raw: dict[str, Any], *, source: str = "<netbox>") -> dict[str, Any]:
    """A ``source: netbox`` inventory -> the raw netsbom inventory (devices read now)."""
    from netsbom.agent.netbox.client import connect, records

    config = source_config(raw, source=source)
    defaults = transport_defaults(raw, source=source)
    api = connect(config)
    devices = records(
        f"NetBox {config.url} devices",
        api.dcim.devices,
        limit=config.page_size,
        **config.filters.query(),
    )
    return as_inventory(raw, config, device_targets(devices, config, defaults))


def device_targets(
    devices: Any, config: ApiSource, defaults: dict[str, Any], *, id_label: str = "netbox_id"
) -> list[dict[str, Any]]:
    """NetBox device objects (API JSON; Nautobot's brought to that shape) -> raw netsbom
    targets, in the server's order."""
    targets: list[dict[str, Any]] = []
    taken: dict[str, int] = {}
    for device in devices:
        name = device.get("name") or f"device-{device.get('id')}"
        address = _address(device, config.address)
        if address is None:
            log.warning("NetBox device %s has no %s IP address: not polled", name, config.address)
            continue
        site = _slug(device.get("site"))
        if name in taken:
            name = f"{name}@{site or device.get('id')}"
        if name in taken:  # the same name twice in one site (another tenant)
            name = f"{name}#{device.get('id')}"
        taken[name] = device.get("id") or 0
        labels = {
            key: value
            for key, value in (
                ("site", site),
                ("role", _slug(device.get("role") or device.get("device_role"))),
                ("tenant", _slug(device.get("tenant"))),
                ("tags", ",".join(_slug(t) or "" for t in device.get("tags") or ()) or None),
                (id_label, str(device["id"]) if device.get("id") is not None else None),
            )
            if value
        }
        target: dict[str, Any] = {"name": name, "address": address, "labels": labels}
        for section in TRANSPORT_SECTIONS:
            if defaults.get(section) is not None:
                target[section] = {}
        driver = _driver(device.get("platform"))
        if driver and "ssh" in target and not (defaults.get("ssh") or {}).get("platform"):
            target["ssh"] = {"platform": driver}
        targets.append(target)
    return targets


def _address(device: dict[str, Any], which: str) -> str | None:
    key = {"primary": "primary_ip", "primary4": "primary_ip4", "primary6": "primary_ip6"}.get(
        which, "oob_ip"
    )
    ip = device.get(key)
    text = ip.get("address") if isinstance(ip, dict) else None
    if not text:
        return None
    try:
        return str(ipaddress.ip_interface(text).ip)
    except ValueError:
        return None


def _slug(nested: Any) -> str | None:
    if not isinstance(nested, dict):
        return None
    value = nested.get("slug") or nested.get("name")
    return str(value) if value else None


def _driver(platform: Any) -> str | None:
    """The SSH driver of a NetBox platform (its slug or name as a registry id or alias)."""
    from netsbom.agent.platforms import platform_for_family

    if not isinstance(platform, dict):
        return None
    by_name = {entry.name.casefold(): entry for entry in families()}
    for name in (platform.get("slug"), platform.get("name")):
        if not name:
            continue
        text = str(name)
        entry = known_family(text) or known_family(text.replace("-", "_"))
        entry = entry or by_name.get(text.casefold())
        if entry is not None:
            return platform_for_family(entry.id)
    return None
