"""Huawei VRP (netmiko ``huawei``): display version / esn / device / lldp neighbor."""

from __future__ import annotations

import re

from netsbom.agent.platforms.base import (
    Partial,
    Platform,
    clean,
    command,
    component_class,
    first,
    fsm,
)
from netsbom.agent.platforms.neighbors import neighbors_from_template
from netsbom.core.record import Component, Software

_PRODUCT_VERSION = re.compile(r"Version (?P<vrp>[\d.]+)\s*\((?P<product>[^)]*)\)")
_UPTIME_MODEL = re.compile(
    r"^\s*(?:HUAWEI|Huawei|Quidway)\s+(\S+)(?: Routing Switch| Router)?"
    r"\s+uptime is",
    re.MULTILINE,
)
_RELEASE = re.compile(r"\bV\d{3}R\d{3}C\d{2}(?:SPC\d{3}|CP\d{4}|B\d{3})?\w*\b")


def parse_display_version(text: str) -> Partial:
    row = (fsm("huawei_vrp_display_version", text) or [{}])[0]
    product = first(row.get("product_version"))
    match = _PRODUCT_VERSION.search(text)
    if product is None and match:
        product = match.group("product")
    release = _RELEASE.search(product or "") or _RELEASE.search(text)
    vrp = first(row.get("vrp_version"), match.group("vrp") if match else None)
    uptime_model = _UPTIME_MODEL.search(text)
    patch = clean(row.get("patch_version"))
    software = (
        (Software(name="patch", version=patch, kind="os-package", source="vrp"),) if patch else ()
    )
    return Partial(
        vendor="Huawei",
        model=first(row.get("model"), uptime_model.group(1) if uptime_model else None),
        os_family="vrp",
        os_name="Huawei VRP",
        os_version=release.group(0) if release else product,
        os_build=f"VRP {vrp}" if vrp else None,
        software=software,
    )


_ESN = re.compile(
    r"^\s*ESN of (?:slot \S+|master|device|chassis)[ \t]*:[ \t]*(\S+)", re.MULTILINE | re.IGNORECASE
)


def parse_display_esn(text: str) -> Partial:
    match = _ESN.search(text)
    return Partial(serial=match.group(1) if match else None)


def parse_display_device(text: str) -> Partial:
    components = [Component(index="1", cls="chassis", name="Chassis", vendor="Huawei")]
    for row in fsm("huawei_vrp_display_device", text):
        slot, card = clean(row.get("slot")), clean(row.get("card"))
        components.append(
            Component(
                index=str(len(components) + 1),
                parent="1",
                cls=component_class(card, row.get("pid")),
                name=f"Slot {slot}" if slot else card,
                description=card,
                vendor="Huawei",
                model=clean(row.get("pid")),
                is_fru=True,
            )
        )
    model = re.search(r"^\s*(\S+)'s Device status", text, re.MULTILINE)
    if model:
        components[0] = Component(
            index="1", cls="chassis", name="Chassis", vendor="Huawei", model=model.group(1)
        )
    return Partial(components=tuple(components) if len(components) > 1 else ())


def parse_lldp_neighbor(text: str) -> Partial:
    return Partial(neighbors=neighbors_from_template("huawei_vrp_display_lldp_neighbor", text))


PLATFORM = Platform(
    family="vrp",
    commands=(
        command("display version", parse=parse_display_version),
        command("display esn", parse=parse_display_esn),
        command("display device", parse=parse_display_device),
        command("display lldp neighbor", parse=parse_lldp_neighbor),
    ),
    prompt="<{hostname}>",
    paging=("screen-length 0 temporary", "screen-width 511"),
    error="              ^\nError: Unrecognized command found at '^' position.",
    error_markers=("Error: Unrecognized command", "Error: Wrong parameter", "Error: Incomplete"),
)
