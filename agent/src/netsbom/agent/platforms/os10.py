"""Dell EMC SmartFabric OS10 (netmiko ``dell_os10``): show version, show inventory. No
ntc-templates template reads these; the shapes are OS10's (command reference):

    OS Version: 10.5.2.0              System Type: S4148F-ON
    Product               : S4148F-ON
    Unit Type          Part Number Rev  Piece Part ID           Svc Tag  Exprs Svc Code
    * 1  S4148F-ON     0ABCDE      A01  CN-0ABCDE-...           ABCD123  123 456 789 01

The chassis serial is its Dell service tag (``Svc Tag``), per unit of a stack.
"""

from __future__ import annotations

import re

from netsbom.agent.platforms.base import Partial, Platform, command, first, key_values, pick
from netsbom.core.record import Component

_UNIT = re.compile(
    r"^(?P<active>\*)?\s*(?P<unit>\d+)\s+(?P<model>\S+)\s+(?P<part>\S+)\s+(?P<rev>\S+)\s+"
    r"(?P<ppid>\S+)\s+(?P<tag>[A-Z0-9]{7})\b",
    re.MULTILINE,
)


def parse_show_version(text: str) -> Partial:
    values = key_values(text)
    return Partial(
        vendor="Dell",
        model=pick(values, "system type"),
        os_family="os10",
        os_version=pick(values, "os version"),
        os_build=pick(values, "build version"),
    )


def parse_show_inventory(text: str) -> Partial:
    values = key_values(text)
    units = [
        Component(
            index=f"unit-{unit.group('unit')}",
            cls="chassis",
            name=f"Unit {unit.group('unit')}",
            vendor="Dell",
            model=unit.group("model"),
            serial=unit.group("tag"),
            hardware_rev=unit.group("rev"),
            is_fru=True,
        )
        for unit in _UNIT.finditer(text)
    ]
    return Partial(
        model=first(pick(values, "product"), units[0].model if units else None),
        serial=units[0].serial if units else None,
        components=tuple(units) if len(units) > 1 else (),
    )


PLATFORM = Platform(
    family="os10",
    commands=(
        command("show version", parse=parse_show_version),
        command("show inventory", parse=parse_show_inventory),
    ),
    prompt="{hostname}# ",
    paging=("terminal length 0",),
    error="% Error: Unrecognized command.",
    error_markers=("% Error", "% Invalid input"),
)
