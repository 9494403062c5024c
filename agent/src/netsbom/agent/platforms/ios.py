"""Cisco IOS (netmiko ``cisco_ios``): show version / inventory / LLDP / CDP via ntc-templates."""

from __future__ import annotations

from netsbom.agent.platforms._cisco import ios_platform

PLATFORM = ios_platform("ios", install_summary=False)
