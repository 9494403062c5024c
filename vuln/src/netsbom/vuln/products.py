"""Which product a device runs, as NVD (CPE vendor:product) and CNAs (product names) call it.

This is data: adding a family is one entry. ``os.family`` names are the contract shared with
the drivers (ios, ios-xe, nxos, iosxr, asa, ftd, junos, junos-evolved, eos, panos, fortios, sros,
vrp, netscaler, sonicos, gaia, comware, routeros, linux).
"""

from __future__ import annotations

import re
from dataclasses import dataclass


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


_CISCO = ("cisco",)
PRODUCTS: dict[str, Product] = {
    p.family: p
    for p in (
        Product("ios", _CISCO, (("cisco", "ios"),), r"(cisco )?ios( software)?"),
        Product("ios-xe", _CISCO, (("cisco", "ios_xe"),), r"(cisco )?ios xe( software)?"),
        Product("nxos", _CISCO, (("cisco", "nx-os"),), r"(cisco )?nx-os( software)?"),
        Product("iosxr", _CISCO, (("cisco", "ios_xr"),), r"(cisco )?ios xr( software)?"),
        Product(
            "asa",
            _CISCO,
            (("cisco", "adaptive_security_appliance_software"),),
            r"(cisco )?adaptive security appliance( \(asa\))?( software)?",
        ),
        Product(
            "ftd",
            _CISCO,
            (("cisco", "firepower_threat_defense"),),
            r"(cisco )?firepower threat defense( \(ftd\))?( software)?",
        ),
        Product("junos", ("juniper",), (("juniper", "junos"),), r"(juniper )?junos( os)?"),
        Product(
            "junos-evolved",
            ("juniper",),
            (("juniper", "junos_os_evolved"),),
            r"(juniper )?junos( os)? evolved",
        ),
        Product("eos", ("arista",), (("arista", "eos"),), r"(arista )?eos"),
        Product(
            "panos",
            ("palo alto", "paloaltonetworks"),
            (("paloaltonetworks", "pan-os"),),
            r"(palo alto networks )?pan-os",
        ),
        Product(
            "fortios",
            ("fortinet",),
            (("fortinet", "fortios"),),
            r"(fortinet )?fortios(, fortiproxy)?",
        ),
        Product(
            "sros",
            ("nokia", "alcatel"),
            (("nokia", "sr_os"), ("nokia", "sros")),
            r"(nokia )?(sr os|sros|sr-os|service router operating system)",
        ),
        Product("vrp", ("huawei",), (("huawei", "vrp"),), r"(huawei )?vrp"),
        Product(
            "netscaler",
            ("citrix", "netscaler", "netsclaer"),
            (
                ("citrix", "netscaler_application_delivery_controller_firmware"),
                ("citrix", "application_delivery_controller_firmware"),
                ("citrix", "netscaler_gateway_firmware"),
                ("citrix", "gateway_firmware"),
                ("citrix", "netscaler_application_delivery_controller"),
                ("citrix", "netscaler_gateway"),
            ),
            r"((citrix|netscaler) )?(netscaler )?(adc|gateway|application delivery controller)",
            (
                ("citrix", "application_delivery_controller"),
                ("citrix", "netscaler_gateway"),
                ("citrix", "gateway"),
            ),
        ),
        Product("sonicos", ("sonicwall",), (("sonicwall", "sonicos"),), r"(sonicwall )?sonicos"),
        Product(
            "gaia",
            ("check point", "checkpoint"),
            (("checkpoint", "gaia_os"), ("checkpoint", "gaia")),
            r"(check ?point )?gaia( os)?",
        ),
        Product(
            "comware",
            ("h3c", "hpe", "hewlett", "hp"),
            (("h3c", "comware"), ("hp", "comware"), ("hpe", "comware")),
            r"(h3c |hpe? )?comware",
        ),
        Product("routeros", ("mikrotik",), (("mikrotik", "routeros"),), r"(mikrotik )?routeros"),
        Product("linux", ("linux",), (("linux", "linux_kernel"),), r"linux( kernel)?"),
    )
}


def product_for(family: str | None) -> Product | None:
    return PRODUCTS.get(family or "")
