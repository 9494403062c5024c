"""Nokia SR OS, classic CLI (netmiko ``nokia_sros``). No ntc-templates exist: own parsers for
``show version``, ``show chassis``, ``show card detail`` and ``show system lldp neighbor``."""

from __future__ import annotations

import re

from netsbom.agent.platforms.base import (
    Partial,
    Platform,
    clean,
    command,
    component_class,
    mac,
)
from netsbom.agent.platforms.neighbors import neighbor
from netsbom.core.record import Component

_TIMOS = re.compile(r"TiMOS-(?P<kind>[A-Z]+)-(?P<version>\d+\.\d+\.\w+)")
_KEY_VALUE = re.compile(r"^\s*(?P<key>[A-Za-z][\w /()-]*?)\s*:\s(?P<value>.*?)\s*$")


def parse_show_version(text: str) -> Partial:
    match = _TIMOS.search(text)
    model = re.search(r"Nokia ([0-9]{4}[ -]\S+(?: \S+)?) Copyright", text)
    return Partial(
        vendor="Nokia",
        os_family="sros",
        os_name="Nokia SR OS",
        os_version=match.group("version") if match else None,
        os_build=match.group(0) if match else None,
        description=text.strip().splitlines()[0].strip() if match else None,
        model=model.group(1) if model else None,
    )


def _pairs(block: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for line in block.splitlines():
        match = _KEY_VALUE.match(line)
        if match:
            out.setdefault(match.group("key").strip().lower(), match.group("value").strip())
    return out


def parse_show_chassis(text: str) -> Partial:
    values = _pairs(text)
    model = clean(values.get("type"))
    serial = clean(values.get("serial number"))
    chassis = Component(
        index="1",
        cls="chassis",
        name="Chassis 1",
        description=model,
        vendor="Nokia",
        model=model,
        serial=serial,
        hardware_rev=clean(values.get("part number")),
    )
    return Partial(
        hostname=clean(values.get("name")),
        vendor="Nokia",
        model=model,
        serial=serial,
        chassis_id=mac(values.get("base mac address")),
        components=(chassis,) if model or serial else (),
    )


_CARD_HEADER = re.compile(
    r"^(?P<kind>Card|MDA|Slot|Power Supply|Fan)\s+(?P<id>[\w/]+)\s*$", re.IGNORECASE
)


def parse_card_detail(text: str) -> Partial:
    """``show card detail``: one block per card / MDA with Hardware Data key-value pairs."""
    blocks: list[tuple[str, str, list[str]]] = []
    for line in text.splitlines():
        stripped = line.strip()
        match = _CARD_HEADER.match(stripped)
        if match:
            blocks.append((match.group("kind").title(), match.group("id"), []))
        elif blocks:
            blocks[-1][2].append(line)
    components: list[Component] = [
        Component(index="1", cls="chassis", name="Chassis 1", vendor="Nokia")
    ]
    names: dict[str, str] = {}
    for kind, ident, lines in blocks:
        values = _pairs("\n".join(lines))
        name = f"{kind} {ident}"
        parent = "1"
        if kind == "Mda" and "/" in ident:
            parent = names.get(f"Card {ident.split('/')[0]}", "1")
            name = f"MDA {ident}"
        index = str(len(components) + 1)
        names[name] = index
        equipped = clean(values.get("equipped type")) or clean(values.get("provisioned type"))
        components.append(
            Component(
                index=index,
                parent=parent,
                cls=component_class(kind, equipped) if kind != "Slot" else "cpu",
                name=name,
                description=equipped,
                vendor="Nokia",
                model=equipped,
                serial=clean(values.get("serial number")),
                hardware_rev=clean(values.get("part number")),
                firmware_rev=clean(values.get("firmware version")) or clean(values.get("boot rom")),
                software_rev=clean(values.get("software version")),
                is_fru=True,
            )
        )
    return Partial(components=tuple(components) if len(components) > 1 else ())


_LLDP_ROW = re.compile(
    r"^(?P<local>\d+/\S+)\s+(?P<scope>NB|NTPMR|NC)\s+(?P<chassis>\S+)\s+"
    r"(?P<index>\d+)\s+(?P<port>\S+)\s+(?P<name>\S+)?\s*$"
)


def parse_lldp_neighbor(text: str) -> Partial:
    out = []
    for line in text.splitlines():
        match = _LLDP_ROW.match(line.strip())
        if match:
            out.append(
                neighbor(
                    "lldp",
                    local_port=match.group("local"),
                    remote_chassis_id=match.group("chassis"),
                    remote_port=match.group("port"),
                    remote_name=match.group("name"),
                )
            )
    return Partial(neighbors=tuple(out))


PLATFORM = Platform(
    family="sros",
    commands=(
        command("show version", parse=parse_show_version),
        command("show chassis", parse=parse_show_chassis, authority=("model", "serial")),
        command("show card detail", parse=parse_card_detail),
        command("show system lldp neighbor", parse=parse_lldp_neighbor),
    ),
    prompt="A:{hostname}# ",
    paging=("environment no more", "environment more false", "environment time-stamp false"),
    error="           ^\nError: Bad command.",
    error_markers=("Error: Bad command", "MINOR: CLI", "Error: Invalid"),
)
