"""Cisco IOS XE (netmiko ``cisco_xe``): as IOS, plus the installed image and SMUs
(``show install summary``)."""

from __future__ import annotations

from netsbom.agent.platforms._cisco import ios_platform

PLATFORM = ios_platform("ios-xe", install_summary=True)
