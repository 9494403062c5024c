"""Cisco IOS XR (netmiko ``cisco_xr``): show version / inventory / install / LLDP / CDP."""

from __future__ import annotations

import re

from netsbom.agent.platforms import _cisco
from netsbom.agent.platforms.base import Partial, Platform, command, first, fsm
from netsbom.core.record import Software

_VERSION = re.compile(r"Cisco IOS XR Software,? Version (\S+?)(?:\[\w+\])?,?\s*$", re.MULTILINE)
_HARDWARE = re.compile(r"^\s*cisco (\S.*?) \(.*\) processor", re.MULTILINE)
_UPTIME = re.compile(r"^\s*(\S+) uptime is", re.MULTILINE)
_IMAGE = re.compile(r'System image file is "([^"]+)"')
_LABEL = re.compile(r"^\s*Label[ \t]*:[ \t]*(\S+)", re.MULTILINE)


def parse_show_version(text: str) -> Partial:
    row = (fsm("cisco_xr_show_version", text) or [{}])[0]
    version_match = _VERSION.search(text)
    hardware = _HARDWARE.search(text)
    host = _UPTIME.search(text)
    image = _IMAGE.search(text)
    label = _LABEL.search(text)
    version = first(row.get("version"), version_match.group(1) if version_match else None)
    return Partial(
        hostname=host.group(1) if host and host.group(1) != "System" else None,
        vendor="Cisco",
        model=first(row.get("hardware"), hardware.group(1) if hardware else None),
        os_family="iosxr",
        os_name="Cisco IOS XR",
        os_version=version,
        os_build=first(row.get("label"), label.group(1) if label else None),
        os_image=image.group(1) if image else None,
    )


def parse_show_inventory(text: str) -> Partial:
    return _cisco.parse_show_inventory(text, "cisco_xr_admin_show_inventory")


_PACKAGE = re.compile(
    r"^\s+(?:\w+:)?(?P<name>[A-Za-z][\w.-]*?)-(?P<version>\d[\w.\-]*?)"
    r"(?:\s+version=\S+.*)?\s*$"
)


def parse_install_active(text: str) -> Partial:
    """``show install active summary``: active packages (XR 6/7 package names)."""
    software: list[Software] = []
    active = False
    for line in text.splitlines():
        if re.search(r"Active Packages", line, re.IGNORECASE):
            active = True
            continue
        if not active or not line.strip():
            continue
        match = _PACKAGE.match(line)
        if match:
            software.append(
                Software(
                    name=match.group("name"),
                    version=match.group("version"),
                    kind="os-package",
                    source="iosxr",
                )
            )
    return Partial(software=tuple(dict.fromkeys(software)))


def parse_lldp(text: str) -> Partial:
    return _cisco.parse_lldp(
        text, "cisco_xr_show_lldp_neighbors_detail", "cisco_xr_show_lldp_neighbors"
    )


def parse_cdp(text: str) -> Partial:
    return _cisco.parse_cdp(text, "cisco_xr_show_cdp_neighbors_detail", None)  # no summary template


PLATFORM = Platform(
    family="iosxr",
    commands=(
        command("show version", parse=parse_show_version),
        command("show inventory", parse=parse_show_inventory),
        command("show install active summary", parse=parse_install_active),
        command("show lldp neighbors detail", "show lldp neighbors", parse=parse_lldp),
        command("show cdp neighbors detail", parse=parse_cdp),
    ),
    prompt="RP/0/RP0/CPU0:{hostname}#",
    paging=("terminal length 0", "terminal width 511", "terminal exec prompt no-timestamp"),
    error="% Invalid input detected at '^' marker.",
)
