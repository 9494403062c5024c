"""Cisco IOS (netmiko ``cisco_ios``): show version / inventory / LLDP / CDP via ntc-templates."""

from __future__ import annotations

from netsbom.agent.platforms import _cisco
from netsbom.agent.platforms.base import Command, Platform, guarded

PLATFORM = Platform(
    name="cisco_ios",
    family="ios",
    vendor="Cisco",
    os_name="Cisco IOS",
    commands=(
        Command(("show version",), guarded("show version", _cisco.parse_show_version)),
        Command(("show inventory",), guarded("show inventory", _cisco.parse_show_inventory)),
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
