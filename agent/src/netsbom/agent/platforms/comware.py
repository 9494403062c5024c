"""HPE / H3C Comware (netmiko ``hp_comware``): display version / device manuinfo / LLDP."""

from __future__ import annotations

import re

from netsbom.agent.platforms.base import Partial, Platform, clean, command, first, fsm, mac
from netsbom.agent.platforms.neighbors import neighbors_from_template
from netsbom.core.record import Component

_VERSION = re.compile(
    r"Comware Software,? Version (?P<version>[\d.]+)(?:,? (?P<release>Release "
    r"\S+))?",
    re.IGNORECASE,
)
_MODEL = re.compile(r"^\s*(?:HPE|HP|H3C)\s+(?P<model>.+?)\s+uptime is", re.MULTILINE)


def parse_display_version(text: str) -> Partial:
    match = _VERSION.search(text)
    model = _MODEL.search(text)
    version = None
    if match:
        version = match.group("version")
        if match.group("release"):
            version = f"{version}, {match.group('release').rstrip(',')}"
    vendor = "H3C" if re.search(r"\bH3C\b", text) and not re.search(r"\bHPE?\b", text) else "HPE"
    return Partial(
        vendor=vendor,
        model=model.group("model") if model else None,
        os_family="comware",
        os_name="Comware",
        os_version=version,
    )


def parse_manuinfo(text: str) -> Partial:
    components: list[Component] = []
    for row in fsm("hp_comware_display_device_manuinfo", text):
        name = first(row.get("device_name"))
        serial = first(row.get("device_serial_number"))
        if name is None and serial is None:
            continue
        where = " ".join(v for v in (clean(row.get("slot_type")), clean(row.get("slot_id"))) if v)
        is_chassis = not components and (
            "chassis" in where.lower() or not where or clean(row.get("chassis_id")) is not None
        )
        components.append(
            Component(
                index=str(len(components) + 1),
                parent=None if is_chassis or not components else "1",
                cls="chassis" if is_chassis else "module",
                name=where or name,
                description=name,
                vendor=clean(row.get("vendor_name")),
                model=name,
                serial=serial,
                is_fru=None if is_chassis else True,
            )
        )
    head = components[0] if components else None
    chassis_mac = next(
        (
            mac(r.get("mac_address"))
            for r in fsm("hp_comware_display_device_manuinfo", text)
            if clean(r.get("mac_address"))
        ),
        None,
    )
    return Partial(
        model=head.model if head else None,
        serial=head.serial if head else None,
        chassis_id=chassis_mac,
        components=tuple(components),
    )


def parse_lldp_verbose(text: str) -> Partial:
    template = "hp_comware_display_lldp_neighbor-information_verbose"
    return Partial(neighbors=neighbors_from_template(template, text))


PLATFORM = Platform(
    family="comware",
    commands=(
        command("display version", parse=parse_display_version),
        command("display device manuinfo", parse=parse_manuinfo),
        command("display lldp neighbor-information verbose", parse=parse_lldp_verbose),
    ),
    prompt="<{hostname}>",
    paging=("screen-length disable",),
    error="              ^\n % Unrecognized command found at '^' position.",
    error_markers=("% Unrecognized command", "% Wrong parameter", "% Incomplete command"),
)
