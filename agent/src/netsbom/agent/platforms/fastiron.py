"""Ruckus (Brocade, Foundry) FastIron / ICX (netmiko ``ruckus_fastiron``): show version, LLDP;
ntc-templates ``brocade_fastiron_*`` (per stack unit) or ``ruckus_fastiron_show_version``.

A stack's ``show version`` lists every unit (``UNIT 1: SL 1: ICX7450-48 ...``, ``Serial #``,
``SW: Version 08.0.95``): each unit is a component with its model, serial and release; the
device's release is the active unit's, which FastIron lists first.
"""

from __future__ import annotations

import re

from netsbom.agent.platforms.base import Partial, Platform, clean, command, first, fsm
from netsbom.agent.platforms.neighbors import neighbors_from_template
from netsbom.core.record import Component

_VERSION = re.compile(r"SW: Version\s+(\S+)")


def parse_show_version(text: str) -> Partial:
    rows = fsm("brocade_fastiron_show_version", text)
    row = rows[0] if rows else {}
    versions = _list(row.get("sw_version"))
    serials = _list(row.get("serial"))
    models = _list(row.get("model"))
    units = _list(row.get("switch_id"))
    members = [
        Component(
            index=f"unit-{unit}",
            cls="chassis",
            name=f"Unit {unit}",
            vendor="Ruckus",
            model=_at(models, position),
            serial=_at(serials, position),
            software_rev=_at(versions, position),
            is_fru=True,
        )
        for position, unit in enumerate(units)
    ]
    if not rows or not versions:
        single = fsm("ruckus_fastiron_show_version", text)
        other = single[0] if single else {}
        match = _VERSION.search(text)
        return Partial(
            vendor="Ruckus",
            model=_model(clean(other.get("hardware"))),
            serial=clean(other.get("serial")),
            os_family="fastiron",
            os_version=first(other.get("version"), match.group(1) if match else None),
        )
    return Partial(
        vendor="Ruckus",
        model=first(_model(clean(row.get("hw"))), _at(models, 0)),
        serial=_at(serials, 0),
        os_family="fastiron",
        os_version=versions[0],
        components=tuple(members) if len(members) > 1 else (),
    )


def _list(value: object) -> list[str]:
    items = value if isinstance(value, list) else [value]
    return [text for text in (clean(item) for item in items) if text]


def _at(items: list[str], position: int) -> str | None:
    return items[position] if position < len(items) else None


def _model(hardware: str | None) -> str | None:
    """``Stackable ICX6450-48-HPOE`` -> ``ICX6450-48-HPOE``."""
    if hardware is None:
        return None
    return hardware.split()[-1] if hardware.split()[0].lower() == "stackable" else hardware


def parse_lldp(text: str) -> Partial:
    template = "brocade_fastiron_show_lldp_neighbors_detail"
    if "Chassis ID" not in text and "chassis ID" not in text:
        template = "brocade_fastiron_show_lldp_neighbors"
    return Partial(neighbors=neighbors_from_template(template, text))


PLATFORM = Platform(
    family="fastiron",
    commands=(
        command("show version", parse=parse_show_version),
        command("show lldp neighbors detail", "show lldp neighbors", parse=parse_lldp),
    ),
    prompt="{hostname}#",
    paging=("skip-page-display",),
    error="Invalid input -> ",
    error_markers=("Invalid input", "Error - "),
)
