"""CPE 2.3 names for an operating system and its hardware, written as NVD writes them per vendor.

Only families whose NVD naming is settled are covered; others return None rather than a guess.

    ios 15.0(2a)EX5      cpe:2.3:o:cisco:ios:15.0\\(2a\\)ex5:*:...
    junos 21.4R3-S5      cpe:2.3:o:juniper:junos:21.4:r3-s5:...        (release / R-S level split)
    panos 10.2.2-h2      cpe:2.3:o:paloaltonetworks:pan-os:10.2.2:h2:... ("-" without hotfix)
    vrp V200R010C00SPC600 on an S5720
                         cpe:2.3:o:huawei:s5720_firmware:v200r010c00spc600:...
"""

from __future__ import annotations

import re

# os.family -> (vendor, product) in NVD's dictionary
OS_PRODUCTS = {
    "ios": ("cisco", "ios"),
    "ios-xe": ("cisco", "ios_xe"),
    "nxos": ("cisco", "nx-os"),
    "iosxr": ("cisco", "ios_xr"),
    "asa": ("cisco", "adaptive_security_appliance_software"),
    "ftd": ("cisco", "firepower_threat_defense"),
    "junos": ("juniper", "junos"),
    "junos-evolved": ("juniper", "junos_os_evolved"),
    "eos": ("arista", "eos"),
    "panos": ("paloaltonetworks", "pan-os"),
    "fortios": ("fortinet", "fortios"),
    "sros": ("nokia", "sr_os"),
    "vrp": ("huawei", "vrp"),
    "sonicos": ("sonicwall", "sonicos"),
    "routeros": ("mikrotik", "routeros"),
    "arubaos": ("arubanetworks", "arubaos"),
}
# record vendor (canonical short name) -> NVD vendor for hardware names
HARDWARE_VENDORS = {
    "Cisco": "cisco",
    "Juniper": "juniper",
    "Arista": "arista",
    "Huawei": "huawei",
    "Nokia": "nokia",
    "Fortinet": "fortinet",
    "Palo Alto Networks": "paloaltonetworks",
    "MikroTik": "mikrotik",
}
_JUNOS = re.compile(
    r"^(?P<base>\d+\.\d+(?:X\d+)?)(?:[-]?(?P<update>[RDS]\d+(?:-[SD]\d+)?))?", re.IGNORECASE
)
_PANOS = re.compile(r"^(?P<base>\d+\.\d+\.\d+)(?:-(?P<hotfix>h\d+))?", re.IGNORECASE)
_VRP_SERIES = re.compile(r"^([A-Za-z]+\d+)")
_UNRESERVED = re.compile(r"[a-z0-9._-]")


def escape(value: str) -> str:
    """CPE 2.3 formatted-string escaping of one attribute (lower-cased)."""
    return "".join(ch if _UNRESERVED.fullmatch(ch) else "\\" + ch for ch in value.lower())


def _cpe(part: str, vendor: str, product: str, version: str, update: str = "*") -> str:
    return f"cpe:2.3:{part}:{vendor}:{product}:{version}:{update}:*:*:*:*:*:*"


def os_cpe(family: str | None, version: str | None, model: str | None = None) -> str | None:
    """The operating system's CPE, or None when the family or version is unknown."""
    if not family or not version or family not in OS_PRODUCTS:
        return None
    vendor, product = OS_PRODUCTS[family]
    if family in ("junos", "junos-evolved"):
        match = _JUNOS.match(version)
        if not match:
            return None
        update = escape(match.group("update")) if match.group("update") else "*"
        return _cpe("o", vendor, product, escape(match.group("base")), update)
    if family == "panos":
        match = _PANOS.match(version)
        if not match:
            return None
        hotfix = match.group("hotfix")
        return _cpe("o", vendor, product, match.group("base"), escape(hotfix) if hotfix else "-")
    if family == "vrp" and model and (series := _VRP_SERIES.match(model)):
        # NVD names Huawei firmware per product series: s5700_firmware, ce6800_firmware ...
        product = f"{series.group(1).lower()}_firmware"
    return _cpe("o", vendor, product, escape(version))


def hardware_cpe(vendor: str | None, model: str | None) -> str | None:
    """The hardware CPE (``cpe:2.3:h:cisco:c9300-48p:-:...``) for vendors NVD names models of."""
    if not vendor or not model or vendor not in HARDWARE_VENDORS:
        return None
    product = escape(model.strip().replace(" ", "_"))
    return _cpe("h", HARDWARE_VENDORS[vendor], product, "-")
