"""Package URLs (purl spec, github.com/package-url/purl-spec) for installed software, written
with packageurl-python, the spec's reference implementation.

    package_purl("deb", "libc6", "2.36-9+deb12u4", arch="amd64")
        pkg:deb/libc6@2.36-9%2Bdeb12u4?arch=amd64               what a package list knows
    software_purl(that package, os_family="debian", os_version="12")
        pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12
    software_purl(Software("rpbase", "17.9.4a", source="ios-xe"), "ios-xe", "17.9.4a")
        pkg:generic/cisco/rpbase@17.9.4a                         a vendor's own package system

A package list (dpkg, rpm, apk, or hrSWInstalled names in their shapes) knows a package's type,
name, version and architecture; its distribution (the purl namespace and ``distro`` qualifier)
is the operating system's, known once the whole record is: :func:`software_purl` completes it.
Which namespace a distribution or a vendor uses is registry data (``families.yaml``,
``packages:``); a distribution's purl ``distro`` is its os-release ``ID-VERSION_ID``.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import unquote

from packageurl import PackageURL

from netsbom.core.record import Software

__all__ = ["MANAGERS", "package_purl", "purl_arch", "software_purl", "union_software"]

# package manager (a Software.source) -> the purl type of its packages
MANAGERS = {"dpkg": "deb", "rpm": "rpm", "apk": "apk"}
_DISTRIBUTION_TYPES = frozenset(MANAGERS.values())


def package_purl(
    purl_type: str,
    name: str,
    version: str | None = None,
    *,
    namespace: str | None = None,
    arch: str | None = None,
    distro: str | None = None,
) -> str:
    """The canonical purl string (percent-encoded as the spec says: ``+`` is ``%2B``)."""
    qualifiers = {key: value for key, value in (("arch", arch), ("distro", distro)) if value}
    return PackageURL(
        type=purl_type, namespace=namespace, name=name, version=version, qualifiers=qualifiers
    ).to_string()


def purl_arch(purl: str | None) -> str | None:
    """The ``arch`` qualifier of a purl (None when absent). Read from the qualifier part alone:
    a fleet's package lists hold hundreds of thousands of purls, and parsing each whole costs
    more than the poll that found it."""
    return _qualifiers(purl or "").get("arch")


def software_purl(software: Software, os_family: str | None, os_version: str | None) -> str | None:
    """The purl of a package installed on an OS: the one its package list gave, with the
    distribution's namespace and ``distro`` added when it lacks them (the package's name and
    version, the listed ``arch``); for a package without one,
    the purl its package system names it by (``source``: dpkg, rpm, apk, or a vendor's OS family
    whose registry entry has ``packages``). None when nothing names its package system."""
    from netsbom.core.families import known_family  # pydantic: loaded when first needed

    entry = known_family(os_family)
    distribution = entry.packages if entry is not None else None
    if distribution is not None and distribution.purl not in _DISTRIBUTION_TYPES:
        distribution = None
    distro = _distro(entry.id, os_version) if entry is not None and distribution else None
    if software.purl:
        listed_type, has_namespace = _head(software.purl)
        if distribution is None or has_namespace or listed_type != distribution.purl:
            return software.purl
        return package_purl(
            listed_type,
            software.name,
            software.version,
            namespace=distribution.namespace,
            arch=_qualifiers(software.purl).get("arch"),
            distro=distro,
        )
    purl_type = MANAGERS.get(software.source or "")
    if purl_type is not None:
        own = distribution if distribution is not None and distribution.purl == purl_type else None
        return package_purl(
            purl_type,
            software.name,
            software.version,
            namespace=own.namespace if own else None,
            distro=distro if own else None,
        )
    from netsbom.core.families import known_family

    vendor = known_family(software.source)
    if vendor is not None and vendor.packages is not None and vendor.packages.purl == "generic":
        return package_purl(
            "generic", software.name, software.version, namespace=vendor.packages.namespace
        )
    return None


def union_software(*lists: Iterable[Software]) -> tuple[Software, ...]:
    """One entry per package of several views of one device (SSH's dpkg list and SNMP's
    hrSWInstalled): a package is its kind, name, version and architecture; the first list that
    names it gives the entry."""
    seen: dict[tuple[str, str, str | None, str | None], Software] = {}
    for items in lists:
        for item in items:
            seen.setdefault((item.kind, item.name, item.version, purl_arch(item.purl)), item)
    return tuple(seen.values())


def _distro(family_id: str | None, version: str | None) -> str | None:
    return f"{family_id}-{version}" if family_id and version else None


def _head(purl: str) -> tuple[str, bool]:
    """A purl's type and whether it has a namespace (``pkg:TYPE/NAMESPACE/NAME@...``): a name
    never holds an unencoded ``/``."""
    path = purl.removeprefix("pkg:").partition("?")[0].partition("#")[0].partition("@")[0]
    purl_type, _, rest = path.partition("/")
    return purl_type.lower(), "/" in rest


def _qualifiers(purl: str) -> dict[str, str]:
    """``?key=value&...`` of a purl, values percent-decoded."""
    query = purl.partition("?")[2].partition("#")[0]
    pairs = (pair.partition("=") for pair in query.split("&") if pair)
    return {key.lower(): unquote(value) for key, _, value in pairs}
