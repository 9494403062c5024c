"""The OS-family registry (``families.yaml``): one entry per operating system netsbom knows.

    family("cisco_xe")          -> Family(id="ios-xe", ...)   any id or alias
    family("cisco_xe").ssh      -> SshDriver(netmiko="cisco_xe", driver="ios-xe")
    family("debian").packages   -> PackageSystem(purl="deb", namespace="debian")
    families()                  -> every entry, in file order
    kernel_cpe_name()           -> CpeName(vendor="linux", product="linux_kernel", of="kernel")
    hardware_cpe_vendor("Cisco") -> "cisco"
    vendor_terms("Cisco Systems") -> VendorTerms(licence="LicenseRef-Cisco-EULA", ...)

The registry is the one vocabulary of OS names: SNMP fingerprints, SSH drivers, inventories, CPE
naming, vulnerability assessment and the lab read it; the file says what each field means.
Loaded once per process, validated: an unknown key, a duplicate id or alias, or a CNA regex
that does not compile is an error naming the entry.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from netsbom.core.errors import ConfigError
from netsbom.core.perf import safe_load_yaml

__all__ = [
    "CnaNames",
    "CnaVariant",
    "CpeName",
    "Family",
    "PackageSystem",
    "SshDriver",
    "VendorTerms",
    "families",
    "family",
    "hardware_cpe_vendor",
    "kernel_cpe_name",
    "known_family",
    "registry_terms",
    "vendor_terms",
]

_ID = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CpeName(_Strict):
    vendor: str = Field(min_length=1)
    product: str = Field(min_length=1)
    per_series: bool = False  # NVD names the firmware per product series: s5720_firmware
    of: Literal["os", "kernel"] = "os"  # what the name is of: the OS itself, or its kernel


def _regex(value: str) -> str:
    try:
        re.compile(value)
    except re.error as exc:
        raise ValueError(f"bad regex {value!r}: {exc}") from None
    return value


class CnaVariant(_Strict):
    """A product name that means the family on some hardware only (FortiOS-6K7K)."""

    products: str  # regex over a CNA product name (case-insensitive, whole name)
    hardware: tuple[str, ...] = Field(min_length=1)  # series, as advisories write them

    _compiles = field_validator("products")(_regex)


class CnaNames(_Strict):
    vendors: tuple[str, ...]  # lower-case words that identify the vendor in CVE records
    products: str  # regex over a CNA product name (case-insensitive, whole name)
    appliance_cpes: tuple[CpeName, ...] = ()  # h: CPEs naming every device of the family
    variants: tuple[CnaVariant, ...] = ()

    _compiles = field_validator("products")(_regex)


class SshDriver(_Strict):
    netmiko: str  # netmiko device_type of the session
    driver: str | None = None  # the family whose parser module serves it (default: itself)


class PackageSystem(_Strict):
    """How package URLs name the packages installed on a family (purl spec types)."""

    purl: Literal["deb", "rpm", "apk", "generic"]
    namespace: str = Field(min_length=1)  # the distribution or the vendor: debian, redhat, cisco


class Family(_Strict):
    id: str = Field(pattern=_ID)
    name: str = Field(min_length=1)
    vendor: str
    kind: Literal["operating-system", "firmware"] = "operating-system"
    aliases: tuple[str, ...] = ()
    ssh: SshDriver | None = None
    cpe: tuple[CpeName, ...] = ()
    cna: CnaNames | None = None
    versions: str | None = None  # module in netsbom.core.versions
    packages: PackageSystem | None = None

    @property
    def os_cpe_name(self) -> CpeName | None:
        """The NVD name netsbom writes for this OS (the first of ``cpe`` that names the OS)."""
        return next((name for name in self.cpe if name.of == "os"), None)

    @property
    def driver(self) -> str | None:
        """The family whose SSH parser module serves this one, if it can be polled over SSH."""
        if self.ssh is None:
            return None
        return self.ssh.driver or self.id

    @property
    def module_name(self) -> str:
        """The Python module name of this family's SSH driver (``ios-xe`` -> ``ios_xe``)."""
        return (self.driver or self.id).replace("-", "_")


class VendorTerms(_Strict):
    """The terms under which a vendor distributes its OS and firmware images, as a custom
    licence (SPDX ``LicenseRef-``) pointing at the vendor's published text, and the copyright
    holder as its software prints the notice (without years)."""

    licence: str = Field(pattern=r"^LicenseRef-[A-Za-z0-9.\-]+$")
    name: str = Field(min_length=1)
    url: str = Field(pattern=r"^https://")
    copyright: str = Field(min_length=1)


class _Registry(_Strict):
    vendors: dict[str, str]
    terms: dict[str, VendorTerms] = {}
    families: tuple[Family, ...]


@cache
def _registry() -> tuple[_Registry, dict[str, Family]]:
    source = resources.files("netsbom.core").joinpath("families.yaml")
    try:
        registry = _Registry.model_validate(safe_load_yaml(source.read_text(encoding="utf-8")))
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"])
        raise ConfigError(f"families.yaml: {where}: {error['msg']}") from None
    index: dict[str, Family] = {}
    for entry in registry.families:
        for name in (entry.id, *entry.aliases):
            key = name.lower()
            if key in index:
                raise ConfigError(
                    f"families.yaml: {name!r} names both {index[key].id!r} and {entry.id!r}"
                )
            index[key] = entry
    for entry in registry.families:
        if entry.ssh and entry.ssh.driver and entry.ssh.driver not in index:
            raise ConfigError(f"families.yaml: {entry.id}: unknown ssh driver {entry.ssh.driver!r}")
    return registry, index


def families() -> tuple[Family, ...]:
    """Every registered family, in the file's order."""
    return _registry()[0].families


def family(name: str) -> Family:
    """The family an id or alias names (case-insensitive); ConfigError lists what is known."""
    found = _registry()[1].get(name.strip().lower())
    if found is None:
        known = ", ".join(f.id for f in families())
        raise ConfigError(f"unknown OS family or platform {name!r} (known: {known})")
    return found


def known_family(name: str | None) -> Family | None:
    """Like :func:`family`, None for an unknown or empty name."""
    return _registry()[1].get(name.strip().lower()) if name else None


@cache
def kernel_cpe_name() -> CpeName | None:
    """NVD's name of the kernel (the registry's ``of: kernel`` CPE name): Linux's."""
    return next((n for entry in families() for n in entry.cpe if n.of == "kernel"), None)


def hardware_cpe_vendor(vendor: str | None) -> str | None:
    """NVD's vendor name for hardware CPEs of a record vendor (``Palo Alto Networks`` ->
    ``paloaltonetworks``), None where NVD names no hardware of that vendor."""
    return _registry()[0].vendors.get(vendor or "")


def registry_terms() -> tuple[VendorTerms, ...]:
    """Every vendor's distribution terms the registry states."""
    return tuple(_registry()[0].terms.values())


def vendor_terms(vendor: str | None) -> VendorTerms | None:
    """The registry's distribution terms of a vendor's software (``Cisco``, ``Cisco Systems``,
    ``Cisco Systems, Inc.`` all name Cisco), None where the registry states none."""
    name = " ".join((vendor or "").replace(",", " ").split()).lower()
    for key, terms in _registry()[0].terms.items():
        if name == key.lower() or name.startswith(key.lower() + " "):
            return terms
    return None
