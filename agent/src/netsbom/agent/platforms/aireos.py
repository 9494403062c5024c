"""Cisco AireOS wireless LAN controllers (netmiko ``cisco_wlc_ssh``): show sysinfo, show
inventory (ntc-templates ``cisco_wlc_ssh_*``)."""

from __future__ import annotations

from netsbom.agent.platforms._cisco import inventory_partial
from netsbom.agent.platforms.base import Partial, Platform, clean, command, fsm


def parse_sysinfo(text: str) -> Partial:
    rows = fsm("cisco_wlc_ssh_show_sysinfo", text)
    row = rows[0] if rows else {}
    return Partial(
        hostname=clean(row.get("system_name")),
        vendor="Cisco",
        os_family="aireos",
        os_version=clean(row.get("product_version")),
    )


def parse_inventory(text: str) -> Partial:
    return inventory_partial(fsm("cisco_wlc_ssh_show_inventory", text))


PLATFORM = Platform(
    family="aireos",
    commands=(
        command("show sysinfo", parse=parse_sysinfo),
        command("show inventory", parse=parse_inventory),
    ),
    prompt="({hostname}) >",
    paging=("config paging disable",),
    error="Incorrect usage. Use the '?' or <TAB> key to list commands.",
    error_markers=("Incorrect usage", "Incorrect input"),
)
