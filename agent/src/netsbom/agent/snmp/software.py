"""Installed software as HOST-RESOURCES-MIB states it (hrSWInstalledTable), and package names
split into name, version and architecture the way their package manager writes them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from netsbom.agent.snmp import oids
from netsbom.agent.snmp.view import SnmpView, to_int, to_text
from netsbom.core.purl import MANAGERS, package_purl
from netsbom.core.record import Software

# Net-SNMP names a dpkg package name_version_arch (Debian policy: no "_" in any of the three),
# an rpm package name-version-release; a vendor "Name [version]".
_DPKG = re.compile(
    r"^(?P<name>[a-z0-9][a-z0-9+.-]+)_(?P<version>(?:\d+:)?\d[A-Za-z0-9.+~:-]*)"
    r"_(?P<arch>[a-z0-9-]+)$"
)
_DPKG_NO_ARCH = re.compile(
    r"^(?P<name>[a-z0-9][a-z0-9+.-]+)_(?P<version>(?:\d+:)?\d[A-Za-z0-9.+~:-]*)(?P<arch>)$"
)
_RPM = re.compile(
    r"^(?P<name>[^_]+?)-(?P<version>\d[^-_]*-[^-]+?)"
    r"(?:\.(?P<arch>noarch|x86_64|i[3-6]86|aarch64|armv7hl|ppc64le|ppc64|s390x))?$"
)
_BRACKET = re.compile(r"^(?P<name>.+?)\s*\[(?P<version>[^\]]+)\]$")
_HR_KINDS = {2: "image", 3: "extension"}


def installed_software(view: SnmpView) -> list[Software]:
    """hrSWInstalledTable: one row per installed package (Net-SNMP: the dpkg or rpm list)."""
    rows = view.table(oids.HR_SW_ENTRY, (oids.HR_SW_NAME, oids.HR_SW_TYPE))
    software: list[Software] = []
    for row in rows.values():
        full = to_text(row.get(oids.HR_SW_NAME))
        if not full:
            continue
        package = split_package(full)
        # a package manager's package is one whatever its type says (Net-SNMP: Essential
        # packages are operatingSystem); otherwise operatingSystem is the image it runs
        kind = "os-package" if package.manager else None
        kind = kind or _HR_KINDS.get(to_int(row.get(oids.HR_SW_TYPE)) or 0) or "application"
        purl = (
            package_purl(MANAGERS[package.manager], package.name, package.version,
                         arch=package.arch)
            if package.manager
            else None
        )  # fmt: skip
        software.append(
            Software(package.name, package.version, kind, source="hrSWInstalled", purl=purl)
        )
    return software


@dataclass(frozen=True, slots=True)
class Package:
    """An installed package's name split into its parts."""

    name: str
    version: str | None = None
    arch: str | None = None
    manager: str | None = None  # dpkg, rpm: whose naming it has; None: no package manager's


def split_package(text: str) -> Package:
    """``libc6_2.36-9+deb12u4_amd64`` (dpkg) -> ``libc6``, ``2.36-9+deb12u4``, ``amd64``;
    ``zlib-1.2.3-29.el6.x86_64`` (rpm) -> ``zlib``, ``1.2.3-29.el6``, ``x86_64``;
    ``Base OS Suite [21.4R3-S5]`` -> ``Base OS Suite``, ``21.4R3-S5`` (no manager).

    dpkg first: a Debian name never has ``_`` but may have ``-`` followed by digits
    (``cpp-12_12.2.0-14_amd64``), which an rpm reading would cut at the wrong place; an rpm
    release may have one (``9.el8_7``), so ``name_version`` without an arch comes last."""
    for pattern, manager in ((_DPKG, "dpkg"), (_RPM, "rpm"), (_DPKG_NO_ARCH, "dpkg")):
        if match := pattern.match(text):
            return Package(match["name"], match["version"], match["arch"] or None, manager)
    if match := _BRACKET.match(text):
        return Package(match["name"], match["version"])
    return Package(text)
