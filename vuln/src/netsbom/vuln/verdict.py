"""The answer of one source about one (device, CVE): affected true/false/None and why."""

from __future__ import annotations

from dataclasses import dataclass

# Why a device is not affected: its version, its hardware, or the CVE is about another product.
BASIS_VERSION = "version"
BASIS_HARDWARE = "hardware"
BASIS_PRODUCT = "product"

# What would decide an undecidable (device, CVE): the fact to add to the record or the feeds.
NEEDS_MODEL = "the device's hardware model"
NEEDS_MODULES = "the device's line cards and modules"
NEEDS_BUILD = "the device's full release (the Junos build, the Gaia Jumbo Hotfix take)"
NEEDS_VERSION = "an OS version the family's grammar reads (os.version)"
NEEDS_FAMILY = "an OS family netsbom knows (os.family)"
NEEDS_VERSION_DATA = "version data for this CVE: the vendor's CVE record or NVD's analysis"
NEEDS_FEED = "a readable feed record for this CVE"


def needs_statement(train: str) -> str:
    return f"the vendor's statement about the {train} train"


@dataclass(frozen=True, slots=True)
class Verdict:
    affected: bool | None
    reason: str
    source: str  # cna:<vendor>, nvd, cisa-adp
    basis: str | None = None  # for affected False: version | hardware | product
    needs: str | None = None  # for affected None: what would decide it
    hardware_stated: bool = False  # the source limited the CVE to hardware (vendor scope)
