"""Extreme Networks ExtremeXOS / Switch Engine (netmiko ``extreme_exos``): show version, show
switch. No ntc-templates template reads these; the shapes are ExtremeXOS's (command reference):

    Switch      : 800551-00-03 1429G-00000 Rev 3.0 BootROM: 2.0.1.7    IMG: 22.6.1.4
    Slot-2      : 800551-00-03 1429G-00001 Rev 3.0 BootROM: 2.0.1.7    IMG: 22.6.1.4
    Image   : ExtremeXOS version 22.6.1.4 by release-manager
    System Type:      X440G2-48p-10G4 (Stack)

A stack lists one ``Slot-N`` line per member (part number, serial, revision, its image): each is
a component; the device's release is the image line's (the master's).
"""

from __future__ import annotations

import re

from netsbom.agent.platforms.base import Partial, Platform, command, first, key_values, pick
from netsbom.core.record import Component

_UNIT = re.compile(
    r"^(?P<unit>Switch|Slot-\d+)[ \t]*:[ \t]*(?P<part>\S+)[ \t]+(?P<serial>\S+)"
    r"[ \t]+Rev[ \t]+(?P<rev>\S+)"
    r"(?:.*?\bIMG:[ \t]*(?P<image>\S+))?",
    re.MULTILINE,
)
_IMAGE = re.compile(r"(?:ExtremeXOS|Switch Engine) version (\S+)")


def parse_show_version(text: str) -> Partial:
    units = list(_UNIT.finditer(text))
    image = _IMAGE.search(text)
    members = [
        Component(
            index=unit.group("unit").lower(),
            cls="chassis",
            name=unit.group("unit"),
            vendor="Extreme",
            model=unit.group("part"),
            serial=unit.group("serial"),
            hardware_rev=unit.group("rev"),
            software_rev=unit.group("image"),
            is_fru=True,
        )
        for unit in units
    ]
    return Partial(
        vendor="Extreme",
        serial=members[0].serial if members else None,
        os_family="exos",
        os_version=first(
            image.group(1) if image else None, members[0].software_rev if members else None
        ),
        components=tuple(members) if len(members) > 1 else (),
    )


def parse_show_switch(text: str) -> Partial:
    values = key_values(text)
    system_type = pick(values, "system type")
    return Partial(
        hostname=pick(values, "sysname"),
        model=system_type.split()[0] if system_type else None,
    )


PLATFORM = Platform(
    family="exos",
    commands=(
        command("show version", parse=parse_show_version),
        command("show switch", parse=parse_show_switch, authority=("model",)),
    ),
    prompt="{hostname}.1 # ",
    paging=("disable clipaging",),
    error="%% Invalid input detected at '^' marker.",
    error_markers=("% Invalid input", "%% Invalid input", "Error:"),
)
