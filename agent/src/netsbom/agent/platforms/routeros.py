"""MikroTik RouterOS (netmiko ``mikrotik_routeros``): /system resource print, /system
routerboard print (ntc-templates ``mikrotik_routeros_*``).

RouterOS prints its release with the channel (``7.14.3 (stable)``): the release is the first
word. A RouterBOARD's own firmware (``current-firmware``) is a component, not the OS.
"""

from __future__ import annotations

from netsbom.agent.platforms.base import Partial, Platform, clean, command, first, fsm
from netsbom.core.record import Component


def parse_resource(text: str) -> Partial:
    rows = fsm("mikrotik_routeros_system_resource_print", text)
    row = rows[0] if rows else {}
    version = clean(row.get("version"))
    return Partial(
        vendor="MikroTik",
        model=clean(row.get("board_name")),
        os_family="routeros",
        os_version=version.split()[0] if version else None,
    )


def parse_routerboard(text: str) -> Partial:
    rows = fsm("mikrotik_routeros_system_routerboard_print", text)
    row = rows[0] if rows else {}
    model = first(row.get("hardware_model"), row.get("board_name"))
    serial = clean(row.get("serial_number"))
    if not (model or serial):
        return Partial()
    board = Component(
        index="1",
        cls="chassis",
        name="routerboard",
        vendor="MikroTik",
        model=model,
        serial=serial,
        hardware_rev=clean(row.get("revision")),
        firmware_rev=clean(row.get("current_firmware")),
    )
    return Partial(model=model, serial=serial, components=(board,))


PLATFORM = Platform(
    family="routeros",
    commands=(
        command("/system resource print", parse=parse_resource),
        command("/system routerboard print", parse=parse_routerboard, authority=("model",)),
    ),
    prompt="[admin@{hostname}] > ",
    error="bad command name",
    error_markers=("bad command name", "syntax error", "expected end of command"),
)
