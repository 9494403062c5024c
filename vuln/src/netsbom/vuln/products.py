"""Which product a device runs, as NVD (CPE vendor:product) and CNAs (product names) call it.

The names are registry data (``netsbom/core/families.yaml``: ``cpe`` and ``cna`` of each family);
this module matches CVE records' product names and vendors against them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from netsbom.core.families import families


@dataclass(frozen=True, slots=True)
class Product:
    family: str
    vendors: tuple[str, ...]  # lower-case words that identify the vendor in names
    cpes: tuple[tuple[str, str], ...]  # NVD o:/a: vendor:product of this OS
    cna_names: str  # regex over the CNA product name (case-insensitive, whole name)
    appliance_cpes: tuple[tuple[str, str], ...] = ()  # h: CPEs naming every device of the family

    def names_product(self, name: str) -> bool:
        return re.fullmatch(self.cna_names, _clean(name), re.IGNORECASE) is not None

    def mentioned_in(self, text: str) -> bool:
        """Whether a free product list (KEV's ``IOS and IOS XE``) names this product."""
        pattern = rf"(?<![\w-]){self.cna_names}(?![\w-])"
        return re.search(pattern, _clean(text), re.IGNORECASE) is not None

    def names_vendor(self, name: str | None) -> bool:
        text = _clean(name or "").lower()
        return any(word in text for word in self.vendors)


def _clean(name: str) -> str:
    return " ".join(name.replace("\u202f", " ").replace("\u00a0", " ").split())


def _products() -> dict[str, Product]:
    return {
        entry.id: Product(
            family=entry.id,
            vendors=entry.cna.vendors,
            cpes=tuple((name.vendor, name.product) for name in entry.cpe),
            cna_names=entry.cna.products,
            appliance_cpes=tuple((c.vendor, c.product) for c in entry.cna.appliance_cpes),
        )
        for entry in families()
        if entry.cna is not None
    }


PRODUCTS: dict[str, Product] = _products()


def product_for(family: str | None) -> Product | None:
    return PRODUCTS.get(family or "")
