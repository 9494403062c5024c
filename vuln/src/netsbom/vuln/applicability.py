"""Whether one device is affected by one CVE, from every source, the vendor first.

Order of trust: the vendor's CNA record, then NVD's configurations, then CISA ADP's CPE-based
``affected``. Where the vendor and NVD both decide and disagree, the vendor wins and the reason
says so, with one exception: when the vendor's statement says nothing about hardware and NVD
limits the CVE to hardware the device is not (an AND node with ``h:`` CPEs), NVD's hardware
limit applies. No usable data about the device's product is ``None`` with what would decide it,
never a silent ``False``; a CVE whose data names only other products is ``False`` with basis
``product``.
"""

from __future__ import annotations

from dataclasses import replace

from netsbom.vuln import cna, nvd
from netsbom.vuln.device import DeviceFacts
from netsbom.vuln.feeds import CveData, KevEntry
from netsbom.vuln.verdict import (
    BASIS_PRODUCT,
    NEEDS_FAMILY,
    NEEDS_FEED,
    NEEDS_VERSION,
    NEEDS_VERSION_DATA,
    Verdict,
)


def applicability(cve: CveData, device: DeviceFacts, kev: KevEntry | None = None) -> Verdict:
    if cve.problems:
        return Verdict(
            None, f"feed data not usable: {'; '.join(cve.problems)}", "feeds", needs=NEEDS_FEED
        )
    if cve.rejected:
        return Verdict(False, "the CVE was rejected by its CNA", _any_source(cve), BASIS_PRODUCT)
    vendor = _cna_verdict(cve, device)
    nvd_verdict = _nvd_verdict(cve, device)
    adp = _adp_verdict(cve, device)
    if vendor is not None and vendor.affected is not None:
        if vendor.affected and not vendor.hardware_stated and cve.nvd_configurations:
            limit = nvd.hardware_scope(cve.nvd_configurations, device)
            if limit is not None:
                return replace(
                    limit,
                    reason=f"{vendor.reason}; {limit.reason} (the vendor names no hardware)",
                    source=f"{vendor.source}+nvd",
                )
        if (
            nvd_verdict is not None
            and nvd_verdict.affected is not None
            and nvd_verdict.affected != vendor.affected
        ):
            return replace(
                vendor,
                reason=f"{vendor.reason}; NVD disagrees ({nvd_verdict.reason}); the vendor wins",
            )
        return vendor
    for verdict in (nvd_verdict, adp):
        if verdict is not None and verdict.affected is not None:
            if vendor is not None:
                return replace(
                    verdict, reason=f"{verdict.reason} (vendor data undecidable: {vendor.reason})"
                )
            return verdict
    for verdict in (vendor, nvd_verdict, adp):
        if verdict is not None:
            return verdict
    if device.problem is not None and _concerns_vendor(cve, device, kev):
        return _not_assessable(device, "record")
    if _no_product_data(cve) and _concerns_vendor(cve, device, kev):
        product = device.product
        if (
            kev is not None
            and kev.product
            and product is not None
            and not product.mentioned_in(kev.product)
        ):
            return Verdict(
                False, f"the CVE concerns {kev.vendor} {kev.product} (KEV)", "kev", BASIS_PRODUCT
            )
        return Verdict(
            None,
            "no usable product data for this CVE yet (NVD not analysed, no vendor versions)",
            _any_source(cve),
            needs=NEEDS_VERSION_DATA,
        )
    return Verdict(False, "the CVE concerns other products", _any_source(cve), BASIS_PRODUCT)


def _not_assessable(device: DeviceFacts, source: str) -> Verdict:
    needs = NEEDS_FAMILY if device.product is None else NEEDS_VERSION
    return Verdict(None, f"device not assessable: {device.problem}", source, needs=needs)


def _cna_verdict(cve: CveData, device: DeviceFacts) -> Verdict | None:
    if not cve.cna_affected:
        return None
    entries = cna.entries_for(cve.cna_affected, device, cve.assigner, cve.description)
    if not entries:
        return None
    source = f"cna:{(cve.assigner or 'vendor').lower()}"
    if device.version is None or device.problem is not None:
        return _not_assessable(device, source)
    return cna.assess_entries(entries, device, source)


def _nvd_verdict(cve: CveData, device: DeviceFacts) -> Verdict | None:
    if not cve.nvd_configurations or not nvd.mentions(cve.nvd_configurations, device):
        return None
    if device.version is None or device.problem is not None:
        return _not_assessable(device, nvd.SOURCE)
    return nvd.assess(cve.nvd_configurations, device)


def _adp_verdict(cve: CveData, device: DeviceFacts) -> Verdict | None:
    entries = cna.entries_for(cve.adp_affected, device) if cve.adp_affected else []
    if not entries or device.version is None or device.problem is not None:
        return None
    return cna.assess_entries(entries, device, "cisa-adp")


def _no_product_data(cve: CveData) -> bool:
    has_nvd = bool(cve.nvd_configurations)
    has_cna = any(entry.get("versions") for entry in cve.cna_affected or ())
    return not has_nvd and not has_cna and not cve.adp_affected


def _concerns_vendor(cve: CveData, device: DeviceFacts, kev: KevEntry | None) -> bool:
    product = device.product
    names = [*cve.cna_vendor_names, cve.assigner or "", kev.vendor if kev else ""]
    if product is not None:
        return any(product.names_vendor(n) for n in names if n)
    vendor = (device.vendor or "").lower().split()
    return bool(vendor) and any(vendor[0] in n.lower() for n in names if n)


def _any_source(cve: CveData) -> str:
    if cve.cna_affected is not None:
        return f"cna:{(cve.assigner or 'vendor').lower()}"
    return "nvd" if cve.nvd_configurations is not None else "kev"
