"""CPE 2.3 names for an operating system, written as NVD writes them for that vendor.

Only families whose NVD naming is settled are covered; others return None rather than a guess.
Huawei VRP (per-product ``*_firmware`` names) and Nokia SR OS are left to a later table.
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
    "junos": ("juniper", "junos"),
    "eos": ("arista", "eos"),
    "panos": ("paloaltonetworks", "pan-os"),
    "fortios": ("fortinet", "fortios"),
}
_JUNOS = re.compile(r"^(?P<base>\d+\.\d+(?:X\d+)?)(?:[-]?(?P<update>[RDS]\d+(?:-[SD]\d+)?))?")
_UNRESERVED = re.compile(r"[a-z0-9._-]")


def escape(value: str) -> str:
    """CPE 2.3 formatted-string escaping of one attribute (lower-cased)."""
    return "".join(ch if _UNRESERVED.fullmatch(ch) else "\\" + ch for ch in value.lower())


def os_cpe(family: str | None, version: str | None) -> str | None:
    if not family or not version or family not in OS_PRODUCTS:
        return None
    vendor, product = OS_PRODUCTS[family]
    update = "*"
    if family == "junos":
        match = _JUNOS.match(version)
        if not match:
            return None
        version = match.group("base")
        update = escape(match.group("update")) if match.group("update") else "*"
    return f"cpe:2.3:o:{vendor}:{product}:{escape(version)}:{update}:*:*:*:*:*:*"
