"""ZTE ZXROS (netmiko ``zte_zxros``): show version (ntc-templates ``zte_zxros_show_version``)."""

from __future__ import annotations

import re

from netsbom.agent.platforms.base import Partial, Platform, clean, command, first, fsm

_SERIAL = re.compile(r"(?i)^\s*(?:Serial(?: Number)?|SN)[ \t]*:[ \t]*(\S+)", re.MULTILINE)
_VERSION = re.compile(r"ZXROS\s+(?:Software,?\s+)?Version:?\s*(V?[\w.()-]+)", re.IGNORECASE)


def parse_show_version(text: str) -> Partial:
    rows = fsm("zte_zxros_show_version", text)
    row = rows[0] if rows else {}
    banner = _VERSION.search(text)
    serial = _SERIAL.search(text)
    return Partial(
        vendor="ZTE",
        model=clean(row.get("hardware")),
        serial=serial.group(1) if serial else None,
        os_family="zxros",
        os_version=first(row.get("version"), banner.group(1) if banner else None),
    )


PLATFORM = Platform(
    family="zxros",
    commands=(command("show version", parse=parse_show_version),),
    prompt="{hostname}#",
    paging=("terminal length 0",),
    error="%Error 20200: Invalid input detected at '^' marker.",
    error_markers=("%Error", "% Invalid input"),
)
