"""CPE 2.3 names for an operating system and its hardware, written as NVD writes them per vendor.

Which vendor:product NVD uses for a family, and whether it names firmware per product series, is
registry data (``families.yaml``, ``cpe:``); how a version is split over the CPE version and update
fields is the family's version grammar (``cpe_fields``). Families without an NVD name give None
rather than a guess.

    ios 15.0(2a)EX5      cpe:2.3:o:cisco:ios:15.0\\(2a\\)ex5:*:...
    junos 21.4R3-S5      cpe:2.3:o:juniper:junos:21.4:r3-s5:...        (release / R-S level split)
    panos 10.2.2-h2      cpe:2.3:o:paloaltonetworks:pan-os:10.2.2:h2:... ("-" without hotfix)
    vrp V200R010C00SPC600 on an S5720
                         cpe:2.3:o:huawei:s5720_firmware:v200r010c00spc600:...
    kernel 6.1.0-18-amd64 cpe:2.3:o:linux:linux_kernel:6.1.0:...       (the upstream release)
"""

from __future__ import annotations

import re

from netsbom.core.companies import is_legal_form
from netsbom.core.families import hardware_cpe_vendor, kernel_cpe_name, known_family

_SERIES = re.compile(r"^([A-Za-z]+\d+)")
_KERNEL_RELEASE = re.compile(r"^\d+(?:\.\d+)+")
_UNRESERVED = re.compile(r"[a-z0-9._-]")


def escape(value: str) -> str:
    """CPE 2.3 formatted-string escaping of one attribute (lower-cased)."""
    return "".join(ch if _UNRESERVED.fullmatch(ch) else "\\" + ch for ch in value.lower())


def _cpe(part: str, vendor: str, product: str, version: str, update: str = "*") -> str:
    return f"cpe:2.3:{part}:{vendor}:{product}:{version}:{update}:*:*:*:*:*:*"


def os_cpe(family: str | None, version: str | None, model: str | None = None) -> str | None:
    """The operating system's CPE, or None when the family, its NVD name or the version is
    unknown (or the version does not parse where NVD splits it)."""
    entry = known_family(family)
    name = entry.os_cpe_name if entry is not None else None
    if entry is None or name is None or not version:
        return None
    product = name.product
    if name.per_series and (series := _SERIES.match(model or "")):
        product = f"{series.group(1).lower()}_firmware"
    from netsbom.core.versions import VersionError, grammar

    try:
        fields = grammar(entry.id).cpe_fields(version) if entry.versions else (version, "*")
    except VersionError:
        return None
    base, update = fields
    update = update if update in ("*", "-") else escape(update)
    return _cpe("o", name.vendor, product, escape(base), update)


def hardware_cpe(vendor: str | None, model: str | None) -> str | None:
    """The hardware CPE (``cpe:2.3:h:cisco:c9300-48p:-:...``) for vendors NVD names models of.
    NVD's product is the model without its maker's name: a model a device writes after its
    maker (``Cisco Systems WS-C6506-E``) is named without it (``ws-c6506-e``)."""
    nvd_vendor = hardware_cpe_vendor(vendor)
    if nvd_vendor is None or not model:
        return None
    product = _without_maker(model.split(), vendor or "", nvd_vendor)
    return _cpe("h", nvd_vendor, escape("_".join(product)), "-")


# words of a company's name after the maker's own (``Cisco Systems``, ``Juniper Networks, Inc.``)
_COMPANY_WORDS = {"systems", "networks"}


def _without_maker(words: list[str], vendor: str, nvd_vendor: str) -> list[str]:
    """``words`` without the maker's name before the product's (kept if nothing with a digit,
    a product's id, would be left)."""
    maker = {word.casefold().strip(",") for word in vendor.split()} | {nvd_vendor}
    rest = list(words)
    while rest and rest[0].casefold().strip(",") in maker:
        rest.pop(0)
        while rest and (rest[0].casefold().strip(",") in _COMPANY_WORDS or is_legal_form(rest[0])):
            rest.pop(0)
    return rest if any(c.isdigit() for c in "".join(rest)) else words


def kernel_cpe(release: str | None) -> str | None:
    """The kernel's CPE from its release as ``uname -r`` writes it: NVD versions the kernel by
    its upstream release, the leading numbers (``6.1.0-18-amd64`` -> ``6.1.0``)."""
    name = kernel_cpe_name()
    found = _KERNEL_RELEASE.match(release.strip()) if release else None
    if name is None or found is None:
        return None
    return _cpe("o", name.vendor, name.product, escape(found.group(0)))
