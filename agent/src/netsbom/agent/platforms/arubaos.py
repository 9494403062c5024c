"""HPE Aruba Networking ArubaOS controllers and gateways (netmiko ``aruba_os``): show version,
show inventory (ntc-templates ``aruba_os_*``)."""

from __future__ import annotations

import re

from netsbom.agent.platforms.base import Partial, Platform, clean, command, first, fsm

# "ArubaOS (MODEL: Aruba7010), Version 8.6.0.4"
_BANNER = re.compile(r"ArubaOS \(MODEL:\s*(?P<model>[^)]+)\),\s*Version\s+(?P<version>\S+)")


def parse_show_version(text: str) -> Partial:
    rows = fsm("aruba_os_show_version", text)
    row = rows[0] if rows else {}
    banner = _BANNER.search(text)
    return Partial(
        vendor="HPE",
        model=banner.group("model").strip() if banner else None,
        os_family="arubaos",
        os_version=first(row.get("image_version"), banner.group("version") if banner else None),
        os_build=clean(row.get("revision")),
    )


def parse_show_inventory(text: str) -> Partial:
    rows = fsm("aruba_os_show_inventory", text)
    row = rows[0] if rows else {}
    return Partial(
        model=clean(row.get("sc_model")),
        serial=first(row.get("system_serial"), row.get("cpu_card_serial")),
    )


PLATFORM = Platform(
    family="arubaos",
    commands=(
        command("show version", parse=parse_show_version),
        command("show inventory", parse=parse_show_inventory),
    ),
    prompt="({hostname}) #",
    paging=("no paging",),
    error="% Parse error",
    error_markers=("% Parse error", "% Invalid input"),
)
