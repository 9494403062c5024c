"""Cisco IOS XE (netmiko ``cisco_xe``): as IOS, plus the installed image and SMUs
(``show install summary``)."""

from __future__ import annotations

from netsbom.agent.platforms import _cisco
from netsbom.agent.platforms.base import Command, Platform, guarded

PLATFORM = Platform(
    name="cisco_xe",
    family="ios-xe",
    vendor="Cisco",
    os_name="Cisco IOS XE",
    commands=(
        Command(("show version",), guarded("show version", _cisco.parse_show_version)),
        Command(("show inventory",), guarded("show inventory", _cisco.parse_show_inventory)),
        Command(
            ("show install summary",),
            guarded("show install summary", _cisco.parse_install_summary),
        ),
        Command(
            ("show lldp neighbors detail",),
            guarded("show lldp neighbors detail", _cisco.parse_lldp_detail),
        ),
        Command(
            ("show cdp neighbors detail",),
            guarded("show cdp neighbors detail", _cisco.parse_cdp_detail),
        ),
    ),
    prompt="{hostname}#",
    paging=("terminal length 0", "terminal width 511", "terminal no monitor"),
)
