"""Alcatel-Lucent Enterprise OmniSwitch AOS (netmiko ``alcatel_aos``): show system, show
chassis (every chassis of a virtual chassis), LLDP; ntc-templates ``alcatel_aos_*``.

``show system`` describes the switch as its sysDescr does (``Alcatel-Lucent Enterprise
OS6860E-48 8.7.354.R01 GA, ...``): the sysDescr grammar reads its model and release.
"""

from __future__ import annotations

from netsbom.agent.platforms.base import Partial, Platform, clean, command, first, fsm
from netsbom.agent.platforms.neighbors import neighbors_from_template
from netsbom.agent.snmp.sysdescr import model_from_descr, version_from_descr
from netsbom.core.record import Component


def parse_show_system(text: str) -> Partial:
    rows = fsm("alcatel_aos_show_system", text)
    row = rows[0] if rows else {}
    description = clean(row.get("description")) or ""
    words = description.split()
    model = next((w for w in words if w.upper().startswith(("OS", "AOS")) and "-" in w), None)
    return Partial(
        hostname=clean(row.get("name")),
        vendor="Alcatel-Lucent Enterprise",
        model=first(model, model_from_descr(description)),
        description=description or None,
        os_family="omniswitch",
        os_version=version_from_descr(description) or _release(words),
    )


def _release(words: list[str]) -> str | None:
    """AOS writes its release as ``8.7.354.R01``: digits then an R-numbered build."""
    return next((w.rstrip(",") for w in words if w[:1].isdigit() and ".R" in w), None)


def parse_show_chassis(text: str) -> Partial:
    members: list[Component] = []
    for row in fsm("alcatel_aos_show_chassis", text):
        number = clean(row.get("chassis_id")) or str(len(members) + 1)
        members.append(
            Component(
                index=f"chassis-{number}",
                cls="chassis",
                name=f"Chassis {number}",
                description=clean(row.get("description")),
                vendor="Alcatel-Lucent Enterprise",
                model=clean(row.get("model_name")),
                serial=clean(row.get("serial_number")),
                hardware_rev=clean(row.get("hardware_revision")),
                is_fru=len(members) > 0 or None,
            )
        )
    master = members[0] if members else None
    return Partial(
        model=master.model if master else None,
        serial=master.serial if master else None,
        components=tuple(members),
    )


def parse_lldp(text: str) -> Partial:
    return Partial(neighbors=neighbors_from_template("alcatel_aos_show_lldp_remote-system", text))


PLATFORM = Platform(
    family="omniswitch",
    commands=(
        command("show system", parse=parse_show_system),
        command("show chassis", parse=parse_show_chassis, authority=("model", "serial")),
        command("show lldp remote-system", parse=parse_lldp),
    ),
    prompt="{hostname}-> ",
    error="ERROR: Invalid entry:",
    error_markers=("ERROR: Invalid entry", "ERROR:"),
)
