"""The answer of one source about one (device, CVE): affected true/false/None and why."""

from __future__ import annotations

from dataclasses import dataclass

# Why a device is not affected: its version, its hardware, or the CVE is about another product.
BASIS_VERSION = "version"
BASIS_HARDWARE = "hardware"
BASIS_PRODUCT = "product"


@dataclass(frozen=True, slots=True)
class Verdict:
    affected: bool | None
    reason: str
    source: str  # cna:<vendor>, nvd, cisa-adp
    basis: str | None = None  # for affected False: version | hardware | product
