"""Which product a device runs, as NVD (CPE vendor:product) and CNAs (product names) call it.

The names are registry data (``netsbom/core/families.yaml``: ``cpe`` and ``cna`` of each family);
this module matches CVE records' product names and vendors against them. Vendors name products
more freely than the registry can list, so a CNA product name is also read as a list
(``Quantum Appliances, Quantum Security Gateways``), with hardware in parentheses (``SR OS (7250
IXR, 7750 SR)``), after ``for``/``on`` (``... Software for Catalyst 9000 Series``) or in front
(``7705 SAR OS``): :meth:`Product.named_in` returns the hardware such a name limits it to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from netsbom.core.families import families

# Vendor fields that name no vendor (then the CVE's assigner is the vendor).
NO_VENDOR = frozenset({"", "n/a", "na", "unknown", "unspecified", "-", "none", "vendor"})


@dataclass(frozen=True, slots=True)
class Product:
    family: str
    vendors: tuple[str, ...]  # lower-case words that identify the vendor in names
    cpes: tuple[tuple[str, str], ...]  # NVD o:/a: vendor:product of this OS
    cna_names: str  # regex over the CNA product name (case-insensitive, whole name)
    appliance_cpes: tuple[tuple[str, str], ...] = ()  # h: CPEs naming every device of the family
    variants: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (name regex, hardware series)

    def names_product(self, name: str) -> bool:
        return re.fullmatch(self.cna_names, _clean(name), re.IGNORECASE) is not None

    def named_in(self, name: str) -> tuple[bool, str | None]:
        """Whether a CNA product name names this product, and the hardware the name limits
        it to (None: no limit). See the module docstring for the forms read."""
        return _named_in(self, _clean(name))

    def variant_in(self, text: str) -> str | None:
        """The hardware of a variant a text names instead of the product itself (Cisco's
        "Adaptive Security Virtual Appliance (ASAv)" and not "Adaptive Security Appliance")."""
        for variant, series in self.variants:
            pattern = rf"(?<![\w-]){variant}(?![\w-])"
            if re.search(pattern, _clean(text), re.IGNORECASE):
                rest = re.sub(pattern, " ", _clean(text), flags=re.IGNORECASE)
                if not self.mentioned_in(rest):
                    return ", ".join(series)
        return None

    def mentioned_in(self, text: str) -> bool:
        """Whether a free product list (KEV's ``IOS and IOS XE``) names this product."""
        pattern = rf"(?<![\w-]){self.cna_names}(?![\w-])"
        return re.search(pattern, _clean(text), re.IGNORECASE) is not None

    def names_vendor(self, name: str | None) -> bool:
        text = _clean(name or "").lower()
        return any(word in text for word in self.vendors)


@lru_cache(maxsize=65_536)
def _named_in(product: Product, name: str) -> tuple[bool, str | None]:
    for variant, series in product.variants:
        if re.fullmatch(variant, name, re.IGNORECASE):
            return True, ", ".join(series)
    if product.names_product(name):
        return True, None
    hardware: list[str] = []
    for part in _top_level_split(name):
        if part != name and product.names_product(part):
            return True, None  # one of the products listed is the OS itself, on any hardware
        found = _with_hardware(product, part)
        if found is not None:
            hardware.append(found)
    return (True, ", ".join(hardware)) if hardware else (False, None)


def _with_hardware(product: Product, part: str) -> str | None:
    """The hardware of ``OS (hardware)``, ``OS for|on hardware`` or ``hardware OS``."""
    inner = re.fullmatch(r"(?P<os>.+?)\s*\((?P<hw>[^()]*)\)", part)
    if inner and product.names_product(inner["os"]):
        return inner["hw"]
    after = re.fullmatch(r"(?P<os>.+?)\s+(?:for|on|running on)\s+(?P<hw>.+)", part, re.IGNORECASE)
    if after and product.names_product(after["os"]):
        return after["hw"]
    words = part.split()
    for cut in range(1, len(words)):
        front, rest = " ".join(words[:cut]), " ".join(words[cut:])
        if re.search(r"\d", front) and product.names_product(rest):
            return front
    return None


def _top_level_split(name: str) -> list[str]:
    """``A (x, y), B, C`` -> ``A (x, y)``, ``B``, ``C`` (commas and semicolons outside
    parentheses)."""
    parts: list[str] = []
    depth = 0
    current = ""
    for char in name:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char in ",;" and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    parts.append(current.strip())
    return [p.rstrip(".") for p in parts if p]


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
            variants=tuple((v.products, v.hardware) for v in entry.cna.variants),
        )
        for entry in families()
        if entry.cna is not None
    }


PRODUCTS: dict[str, Product] = _products()


def product_for(family: str | None) -> Product | None:
    return PRODUCTS.get(family or "")
