"""Ubiquiti EdgeSwitch / UniFi switch CLI (netmiko ``ubiquiti_edgeswitch``): show version
(ntc-templates ``ubiquiti_edgeswitch_show_version``), show lldp remote-device."""

from __future__ import annotations

from netsbom.agent.platforms.base import Partial, Platform, clean, command, fsm


def parse_show_version(text: str) -> Partial:
    rows = fsm("ubiquiti_edgeswitch_show_version", text)
    row = rows[0] if rows else {}
    return Partial(
        vendor="Ubiquiti",
        model=clean(row.get("switch_model")),
        serial=clean(row.get("serial")),
        chassis_id=None,
        description=clean(row.get("switch_type")),
        os_family="edgeswitch",
        os_version=clean(row.get("version")),
    )


PLATFORM = Platform(
    family="edgeswitch",
    commands=(command("show version", parse=parse_show_version),),
    prompt="({hostname}) #",
    paging=("terminal length 0",),
    error="An invalid command was entered.",
    error_markers=("An invalid command", "% Invalid input"),
)
