"""What the YANG modules a device announces say about its OS family (gNMI Capabilities,
NETCONF hello capabilities): native modules are named after the vendor's OS."""

from __future__ import annotations

from collections.abc import Iterable

# module-name prefix -> OS family (registry id); the first match wins
MODULE_FAMILIES = (
    ("Cisco-IOS-XR-", "iosxr"),
    ("Cisco-IOS-XE-", "ios-xe"),
    ("Cisco-NX-OS-", "nxos"),
    ("arista-", "eos"),
    ("junos-", "junos"),
    ("srl_nokia-", "srlinux"),
    ("nokia-", "sros"),
)


def family_from_modules(modules: Iterable[str]) -> str | None:
    names = list(modules)
    for prefix, family in MODULE_FAMILIES:
        if any(name.startswith(prefix) for name in names):
            return family
    return None
