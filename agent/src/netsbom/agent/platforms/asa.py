"""Cisco ASA Software and Firepower Threat Defense (netmiko ``cisco_asa`` / ``cisco_ftd``):
show version, show inventory (ntc-templates ``cisco_asa_*``).

FTD's ``show version`` heads its output with the FTD release (Cisco Secure Firewall Threat
Defense command reference: ``Model : Cisco Firepower 2110 Threat Defense (77) Version 6.2.3
(Build 83)``) before the ASA engine's own banner: the FTD line names the OS.
"""

from __future__ import annotations

import re

from netsbom.agent.platforms._cisco import inventory_partial
from netsbom.agent.platforms.base import Partial, Platform, clean, command, first, fsm

_FTD = re.compile(
    r"^Model\s*:\s*(?P<model>Cisco .+?)\s*(?:\(\d+\))?\s+Version\s+(?P<version>\S+)"
    r"(?:\s+\(Build\s+(?P<build>\d+)\))?",
    re.MULTILINE,
)
_SERIAL = re.compile(r"^Serial Number:[ \t]*(\S+)", re.MULTILINE)
_MODEL = re.compile(r"^Hardware:[ \t]*([^,\s]+)", re.MULTILINE)


def parse_show_version(text: str) -> Partial:
    rows = fsm("cisco_asa_show_version", text)
    row = rows[0] if rows else {}
    ftd = _FTD.search(text)
    serial = first(row.get("serial"), _group(_SERIAL, text))
    hardware = clean(row.get("hardware"))
    model = first(hardware.split(",")[0] if hardware else None, _group(_MODEL, text))
    if ftd:
        return Partial(
            hostname=clean(row.get("hostname")),
            vendor="Cisco",
            model=model,
            serial=serial,
            os_family="ftd",
            os_name="Cisco Firepower Threat Defense",
            os_version=ftd.group("version"),
            os_build=ftd.group("build"),
        )
    return Partial(
        hostname=clean(row.get("hostname")),
        vendor="Cisco",
        model=model,
        serial=serial,
        os_family="asa",
        os_version=clean(row.get("version")),
        os_image=clean(row.get("image")),
    )


def parse_show_inventory(text: str) -> Partial:
    return inventory_partial(fsm("cisco_asa_show_inventory", text))


def _group(pattern: re.Pattern[str], text: str) -> str | None:
    match = pattern.search(text)
    return match.group(1) if match else None


PLATFORM = Platform(
    family="asa",
    commands=(
        command("show version", parse=parse_show_version),
        command("show inventory", parse=parse_show_inventory, authority=("model", "serial")),
    ),
    prompt="{hostname}#",
    paging=("terminal pager 0",),
    error="ERROR: % Invalid input detected at '^' marker.",
    error_markers=("% Invalid input", "ERROR: %"),
)
