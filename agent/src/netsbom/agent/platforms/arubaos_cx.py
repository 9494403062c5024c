"""HPE Aruba Networking AOS-CX (netmiko ``aruba_aoscx``): show system, show module, show vsf
detail (a VSF stack's members), LLDP; ntc-templates ``aruba_aoscx_*``."""

from __future__ import annotations

from netsbom.agent.platforms.base import Partial, Platform, clean, command, first, fsm
from netsbom.agent.platforms.neighbors import neighbors_from_template
from netsbom.core.record import Component


def parse_show_system(text: str) -> Partial:
    rows = fsm("aruba_aoscx_show_system", text)
    row = rows[0] if rows else {}
    return Partial(
        hostname=clean(row.get("hostname")),
        vendor="HPE",
        model=clean(row.get("product")),
        serial=clean(row.get("serial")),
        os_family="arubaos-cx",
        os_version=clean(row.get("version")),
    )


def parse_show_module(text: str) -> Partial:
    components = []
    for position, row in enumerate(fsm("aruba_aoscx_show_module", text), start=1):
        components.append(
            Component(
                index=f"module-{position}",
                cls="module",
                name=first(row.get("module"), row.get("module_type")),
                description=clean(row.get("cardtype")),
                vendor="HPE",
                model=clean(row.get("model")),
                serial=clean(row.get("serial")),
                is_fru=True,
            )
        )
    return Partial(components=tuple(components))


def parse_show_vsf_detail(text: str) -> Partial:
    """Every member of a VSF stack: its model, serial and (per member) software."""
    members: list[Component] = []
    for row in fsm("aruba_aoscx_show_vsf_detail", text):
        number = clean(row.get("member_id"))
        if number is None:
            continue
        members.append(
            Component(
                index=f"member-{number}",
                cls="chassis",
                name=f"VSF member {number}",
                description=clean(row.get("status")),
                vendor="HPE",
                model=clean(row.get("name")),
                serial=clean(row.get("serial_number")),
                is_fru=True,
            )
        )
    return Partial(components=tuple(members) if len(members) > 1 else ())


def parse_lldp(text: str) -> Partial:
    return Partial(
        neighbors=neighbors_from_template("aruba_aoscx_show_lldp_neighbors-info_detail", text)
    )


PLATFORM = Platform(
    family="arubaos-cx",
    commands=(
        command("show system", parse=parse_show_system),
        command("show module", parse=parse_show_module),
        command("show vsf detail", parse=parse_show_vsf_detail),
        command("show lldp neighbor-info detail", parse=parse_lldp),
    ),
    prompt="{hostname}#",
    paging=("no page",),
    error="Invalid input: ",
    error_markers=("Invalid input", "% Command incomplete"),
)
