"""Fortinet FortiOS (netmiko ``fortinet``): ``get system status`` via ntc-templates.

netmiko's session preparation may switch the console to ``output standard`` to stop paging and
restores it on disconnect; the commands this driver sends are all ``get`` (read-only).
"""

from __future__ import annotations

import re

from netsbom.agent.platforms.base import Partial, Platform, clean, command, first, fsm
from netsbom.agent.platforms.neighbors import neighbor

_VERSION = re.compile(r"^(?P<model>\S+)\s+v(?P<version>\d+\.\d+\.\d+),build(?P<build>\d+)")


def parse_system_status(text: str) -> Partial:
    row = (fsm("fortinet_get_system_status", text) or [{}])[0]
    raw = first(row.get("version"))
    if raw is None:
        line = re.search(r"^Version:[ \t]*(.+)$", text, re.MULTILINE)
        raw = line.group(1).strip() if line else None
    match = _VERSION.match(raw or "")
    return Partial(
        hostname=clean(row.get("hostname")),
        vendor="Fortinet",
        model=match.group("model") if match else None,
        serial=clean(row.get("serial_number")),
        os_family="fortios",
        os_name="FortiOS",
        os_version=match.group("version") if match else raw,
        os_build=match.group("build") if match else None,
    )


_LLDP_ROW = re.compile(
    r"^\s*(?P<local>\S+)\s+(?P<chassis>(?:[0-9a-f]{2}:){5}[0-9a-f]{2})\s+"
    r"(?P<ttl>\d+)\s+(?P<name>\S+)\s+(?P<port>\S+)",
    re.IGNORECASE,
)


def parse_lldp_summary(text: str) -> Partial:
    """``diagnose lldprx neighbor summary``: Portname, Chassis ID, TTL, System Name, Port ID."""
    return Partial(
        neighbors=tuple(
            neighbor(
                "lldp",
                local_port=m.group("local"),
                remote_chassis_id=m.group("chassis"),
                remote_name=m.group("name"),
                remote_port=m.group("port"),
            )
            for m in (_LLDP_ROW.match(line) for line in text.splitlines())
            if m
        )
    )


PLATFORM = Platform(
    family="fortios",
    commands=(
        command("get system status", parse=parse_system_status),
        command("diagnose lldprx neighbor summary", parse=parse_lldp_summary),
    ),
    prompt="{hostname} # ",
    paging=(),
    error="Unknown action 0\nCommand fail. Return code -1",
    error_markers=("Unknown action", "Command fail", "command parse error"),
)
