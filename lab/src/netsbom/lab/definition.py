"""The lab definition: devices, their hardware and the links between them (``data/lab.yaml``).

The file is the expected truth an exported SBOM is compared against, so every value is a plain
field. Validated with pydantic at load; an error names the file, the device and the field::

    data/lab.yaml: device 'leaf-1' (devices[4]): field 'os.family': Input should be ...

Cross-checks: unique names, addresses and chassis ids; loopback addresses only; component parents
and link ports exist; a port is used by one link at most; CDP only between Cisco devices.
"""

from __future__ import annotations

import ipaddress
import os
import re
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from netsbom.core.errors import ConfigError
from netsbom.core.families import known_family
from netsbom.core.record import ComponentClass
from netsbom.core.yamlfile import read_yaml

Protocol = Literal["lldp", "cdp"]

_MAC = re.compile(r"^[0-9a-f]{2}(:[0-9a-f]{2}){5}$")
_OID = re.compile(r"^[0-2](\.(0|[1-9][0-9]*))+$")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_FIELD_FIRST = re.compile(r"^([A-Za-z_][\w.\[\]]*): (.*)$", re.DOTALL)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_oid(value: str) -> str:
    if not _OID.match(value):
        raise ValueError(f"{value!r} is not a numeric OID (e.g. 1.3.6.1.4.1.9.1.2494)")
    return value


class OsSpec(_Strict):
    family: str  # a registry id (netsbom/core/families.yaml)
    version: str = Field(min_length=1)  # as the vendor writes it

    @field_validator("family")
    @classmethod
    def _registered(cls, value: str) -> str:
        entry = known_family(value)
        if entry is None or entry.id != value:
            raise ValueError(f"unknown OS family {value!r} (not in netsbom/core/families.yaml)")
        return value


class Labels(_Strict):
    site: str = Field(min_length=1)
    role: str = Field(min_length=1)
    network: str = Field(min_length=1)


class SnmpSpec(_Strict):
    recording: str = Field(min_length=1)  # path relative to the definition file

    @field_validator("recording")
    @classmethod
    def _snmprec(cls, value: str) -> str:
        if not value.endswith(".snmprec") or Path(value).is_absolute() or ".." in Path(value).parts:
            raise ValueError("a relative path to a .snmprec file inside the lab directory")
        return value

    @property
    def community(self) -> str:
        """snmpsim serves a recording under its file name stem."""
        return Path(self.recording).stem


class Component(_Strict):
    """One entPhysicalTable row (ports are generated from ``interfaces``)."""

    name: str = Field(min_length=1)  # entPhysicalName, unique within a device
    cls: ComponentClass = Field(alias="class")
    description: str = ""
    model: str = ""
    serial: str = ""
    hardware_rev: str = ""
    firmware_rev: str = ""
    software_rev: str = ""
    vendor: str | None = None  # entPhysicalMfgName; None = the device's entity_mfg_name
    vendor_type: str = "0.0"
    parent: str | None = None  # name of the containing component; None = top of the tree
    fru: bool = False
    index: int | None = Field(default=None, ge=1, le=2**31 - 1)

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    _oid = field_validator("vendor_type")(_check_oid)


class Interface(_Strict):
    name: str = Field(min_length=1)  # ifName, also the LLDP port id and the name links use
    descr: str = Field(min_length=1)  # ifDescr
    index: int = Field(ge=1, le=2**31 - 1)  # ifIndex, also lldpLocPortNum
    speed_mbps: int = Field(ge=1)
    alias: str | None = None  # ifAlias; None = "to <peer> <port>" from the links
    parent: str | None = None  # component holding the port; None = first module, else chassis
    vendor_type: str = "0.0"

    _oid = field_validator("vendor_type")(_check_oid)


class SoftwarePackage(_Strict):
    """One hrSWInstalledTable row."""

    name: str = Field(min_length=1)
    type: Literal["unknown", "operating-system", "device-driver", "application"] = "application"
    date: str | None = Field(default=None, pattern=r"^\d{4}-\d{2}-\d{2}$")  # YYYY-MM-DD


class Device(_Strict):
    name: str = Field(min_length=1, max_length=63)  # inventory name
    hostname: str = Field(min_length=1)  # sysName / lldpLocSysName
    address: str  # 127.0.1.N: the loopback address the lab serves this device on
    vendor: str = Field(min_length=1)
    model: str = Field(min_length=1)
    serial: str = Field(min_length=1)
    os: OsSpec
    labels: Labels
    snmp: SnmpSpec
    sys_descr: str = Field(min_length=1)
    sys_object_id: str
    chassis_id: str  # LLDP chassis id (subtype macAddress), aa:bb:cc:dd:ee:ff
    location: str = ""
    contact: str = ""
    services: int = Field(default=6, ge=0, le=127)
    uptime_ticks: int = Field(default=0, ge=0, le=2**32 - 1)  # 0 = derived from the name
    entity_mfg_name: str = ""
    interfaces: list[Interface] = Field(min_length=1)
    components: list[Component] = Field(min_length=1)
    software: list[SoftwarePackage] = Field(default_factory=list)

    _oid = field_validator("sys_object_id")(_check_oid)

    @field_validator("name")
    @classmethod
    def _plain_name(cls, value: str) -> str:
        if not _NAME.match(value):
            raise ValueError("letters, digits, '.', '_' and '-' only (it names files)")
        return value

    @field_validator("address")
    @classmethod
    def _loopback(cls, value: str) -> str:
        try:
            address = ipaddress.IPv4Address(value)
        except ValueError:
            raise ValueError(f"{value!r} is not an IPv4 address") from None
        if not address.is_loopback:
            raise ValueError("the lab serves devices on loopback addresses only (127.0.0.0/8)")
        return value

    @field_validator("chassis_id")
    @classmethod
    def _mac(cls, value: str) -> str:
        if not _MAC.match(value):
            raise ValueError("a MAC address in lower case, colon separated: 00:00:5e:00:53:01")
        return value

    @model_validator(mode="after")
    def _tree(self) -> Device:
        names = [c.name for c in self.components]
        if len(set(names)) != len(names):
            raise ValueError(f"components: duplicate name in {names}")
        if self.components[0].cls != "chassis" or self.components[0].parent is not None:
            raise ValueError("components: the first component is the chassis, without parent")
        known = set(names)
        for component in self.components[1:]:
            if component.parent is None:
                raise ValueError(f"components: {component.name!r} needs a parent")
            if component.parent not in known:
                raise ValueError(
                    f"components: {component.name!r} has unknown parent {component.parent!r}"
                )
        indexes = [c.index for c in self.components if c.index is not None]
        if len(set(indexes)) != len(indexes):
            raise ValueError("components: duplicate index")
        if_names = [i.name for i in self.interfaces]
        if len(set(if_names)) != len(if_names):
            raise ValueError("interfaces: duplicate name")
        if_indexes = [i.index for i in self.interfaces]
        if len(set(if_indexes)) != len(if_indexes):
            raise ValueError("interfaces: duplicate index")
        for interface in self.interfaces:
            if interface.parent is not None and interface.parent not in known:
                raise ValueError(
                    f"interfaces: {interface.name!r} has unknown parent {interface.parent!r}"
                )
        return self

    @property
    def community(self) -> str:
        return self.snmp.community

    def interface(self, name: str) -> Interface | None:
        return next((i for i in self.interfaces if i.name == name), None)


class LinkEnd(_Strict):
    device: str = Field(min_length=1)
    port: str = Field(min_length=1)  # the device's ifName


class Link(_Strict):
    a: LinkEnd
    b: LinkEnd
    protocols: list[Protocol] = Field(min_length=1)


class LabDefinition(_Strict):
    network: str = Field(min_length=1)
    devices: list[Device] = Field(min_length=1)
    links: list[Link] = Field(default_factory=list)
    base_dir: Path = Field(default=Path("."), exclude=True)  # the definition file's directory

    @model_validator(mode="after")
    def _consistent(self) -> LabDefinition:
        by_name: dict[str, Device] = {}
        for field_name in ("name", "hostname", "address", "chassis_id", "serial"):
            values = [getattr(d, field_name) for d in self.devices]
            dupes = sorted({v for v in values if values.count(v) > 1})
            if dupes:
                raise ValueError(f"devices: duplicate {field_name} {dupes}")
        communities = [d.community for d in self.devices]
        if len(set(communities)) != len(communities):
            raise ValueError("devices: two devices share a recording (community)")
        for device in self.devices:
            by_name[device.name] = device
            if device.labels.network != self.network:
                raise ValueError(
                    f"devices[{self.devices.index(device)}].labels.network: "
                    f"{device.labels.network!r} of {device.name!r} is not the lab network "
                    f"{self.network!r}"
                )
        used: set[tuple[str, str]] = set()
        for number, link in enumerate(self.links):
            where = f"links[{number}]"
            if link.a.device == link.b.device:
                raise ValueError(f"{where}: a link joins two different devices")
            for side, end in (("a", link.a), ("b", link.b)):
                peer = by_name.get(end.device)
                if peer is None:
                    raise ValueError(f"{where}.{side}.device: unknown device {end.device!r}")
                if peer.interface(end.port) is None:
                    raise ValueError(
                        f"{where}.{side}.port: {end.device!r} has no interface {end.port!r}"
                    )
                if (end.device, end.port) in used:
                    raise ValueError(f"{where}.{side}: port {end.device} {end.port} used twice")
                used.add((end.device, end.port))
            if "cdp" in link.protocols and not all(
                by_name[e.device].vendor.lower() == "cisco" for e in (link.a, link.b)
            ):
                raise ValueError(f"{where}.protocols: cdp runs between Cisco devices only")
        return self

    def device(self, name: str) -> Device:
        for device in self.devices:
            if device.name == name:
                return device
        raise KeyError(name)

    def recording_path(self, device: Device) -> Path:
        return self.base_dir / device.snmp.recording

    def links_of(self, name: str) -> list[tuple[Link, LinkEnd, LinkEnd]]:
        """(link, local end, remote end) for every link of device ``name``, in file order."""
        out: list[tuple[Link, LinkEnd, LinkEnd]] = []
        for link in self.links:
            if link.a.device == name:
                out.append((link, link.a, link.b))
            elif link.b.device == name:
                out.append((link, link.b, link.a))
        return out


def load_lab(path: Path | str) -> LabDefinition:
    """Load and validate a lab definition; every problem becomes one :class:`ConfigError`."""
    path = Path(path)
    raw = read_yaml(path, "lab definition")
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: a lab definition is a mapping with 'network' and 'devices'")
    return parse_lab(raw, source=str(path), base_dir=path.resolve().parent)


def parse_lab(
    raw: dict[str, Any], *, source: str = "<lab>", base_dir: Path | None = None
) -> LabDefinition:
    body = {k: v for k, v in raw.items() if k != "base_dir"}
    try:
        return LabDefinition.model_validate({**body, "base_dir": base_dir or Path(".")})
    except ValidationError as exc:
        raise ConfigError(_describe(source, exc, raw)) from None


def _describe(source: str, exc: ValidationError, raw: dict[str, Any]) -> str:
    """``file: device 'r1' (devices[0]): field 'os.family': message`` for the first error."""
    error = exc.errors()[0]
    loc = tuple(str(part) for part in error["loc"])
    where = ""
    if len(loc) >= 2 and loc[0] == "devices" and loc[1].isdigit():
        index = int(loc[1])
        devices = raw.get("devices")
        entry = devices[index] if isinstance(devices, list) and index < len(devices) else None
        name = entry.get("name") if isinstance(entry, dict) else None
        where = f"device {name!r} " if name else ""
        where += f"(devices[{index}]): "
        loc = loc[2:]
    message = error["msg"].removeprefix("Value error, ")
    field_name = ".".join(loc)
    if not field_name:  # a cross-field check: its message starts with the field path
        match = _FIELD_FIRST.match(message)
        field_name, message = match.groups() if match else ("(the entry itself)", message)
    more = f" (and {len(exc.errors()) - 1} more)" if len(exc.errors()) > 1 else ""
    return f"{source}: {where}field '{field_name}': {message}{more}"


DEFINITION_ENV = "NETSBOM_LAB_DEFINITION"
PACKAGED_DEFINITION = Path(__file__).resolve().parent / "data" / "lab.yaml"


def default_definition_path() -> Path:
    """``$NETSBOM_LAB_DEFINITION``, else the lab this package ships (``data/lab.yaml``)."""
    override = os.environ.get(DEFINITION_ENV)
    return Path(override) if override else PACKAGED_DEFINITION
