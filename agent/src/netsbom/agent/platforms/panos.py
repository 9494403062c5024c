"""Palo Alto PAN-OS (netmiko ``paloalto_panos``): show system info / LLDP via ntc-templates;
content packages (app, threat, antivirus, wildfire, URL filtering) as software."""

from __future__ import annotations

import re

from netsbom.agent.platforms.base import Partial, Platform, clean, command, fsm, mac
from netsbom.agent.platforms.neighbors import neighbors_from_template
from netsbom.core.record import Software

_CONTENT = re.compile(
    r"^\s*(?P<name>app|threat|av|wildfire|url-filtering|global-protect-client"
    r"|device-dictionary|wf-private|logdb)-version:[ \t]*(?P<version>\S+)",
    re.MULTILINE,
)


def parse_system_info(text: str) -> Partial:
    row = (fsm("paloalto_panos_show_system_info", text) or [{}])[0]
    software = tuple(
        Software(
            name=f"{m.group('name')}-content",
            version=m.group("version"),
            kind="application",
            source="panos",
        )
        for m in _CONTENT.finditer(text)
        if clean(m.group("version")) not in (None, "0")
    )
    return Partial(
        hostname=clean(row.get("hostname")),
        vendor="Palo Alto Networks",
        model=clean(row.get("model")),
        serial=clean(row.get("serial")),
        chassis_id=mac(row.get("mac_address")),
        os_family="panos",
        os_name="PAN-OS",
        os_version=clean(row.get("os")),
        software=software,
    )


def parse_lldp(text: str) -> Partial:
    return Partial(
        neighbors=neighbors_from_template("paloalto_panos_show_lldp_neighbors_all", text)
    )


PLATFORM = Platform(
    family="panos",
    commands=(
        command("show system info", parse=parse_system_info),
        command("show lldp neighbors all", parse=parse_lldp),
    ),
    prompt="admin@{hostname}> ",
    paging=("set cli pager off", "set cli scripting-mode on", "set cli terminal width 500"),
    error="Unknown command: {word}",
    error_markers=("Unknown command", "Invalid syntax", "Server error"),
)
