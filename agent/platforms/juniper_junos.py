"""Juniper Junos / Junos OS Evolved (netmiko ``juniper_junos``).

``| display json`` preferred, text accepted. ``show chassis hardware`` is parsed by column
position because its indentation is the component tree (the ntc template flattens it).
"""

from __future__ import annotations

import re
from typing import Any

from netsbom.agent.platforms.base import (
    Command,
    Partial,
    Platform,
    clean,
    component_class,
    first,
    fsm,
    guarded,
    load_json,
    neighbor,
)
from netsbom.topology.record import Component, Software

_PACKAGE = re.compile(r"^\s*(?:JUNOS|Junos)?\s*(?P<name>[^\[\]]+?)\s*\[(?P<version>[^\]]+)\]\s*$")
_FIELD = re.compile(
    r"^\s*(Hostname|Model|Junos|JUNOS OS Evolved|Junos OS Evolved)\s*:\s*(\S+)",
    re.MULTILINE | re.IGNORECASE,
)
_BASE_VERSION = re.compile(
    r"^\s*JUNOS (?:Base OS (?:boot|Software Suite)|Software Release|Kernel Software Suite)"
    r"\s*\[(\S+)\]",
    re.MULTILINE,
)


def _data(node: Any, key: str) -> Any:
    """Junos JSON wraps every leaf as ``[{"data": value}]``."""
    if isinstance(node, list):
        node = node[0] if node else {}
    if not isinstance(node, dict):
        return None
    value = node.get(key)
    if isinstance(value, list) and value and isinstance(value[0], dict) and "data" in value[0]:
        return value[0]["data"]
    return value


def _list(node: Any, key: str) -> list[Any]:
    if isinstance(node, list):
        node = node[0] if node else {}
    value = node.get(key) if isinstance(node, dict) else None
    if isinstance(value, dict):
        return [value]
    return value if isinstance(value, list) else []


def _family(version: str | None, text: str) -> str:
    evolved = "evolved" in text.lower() or bool(version and version.upper().endswith("-EVO"))
    return "junos-evolved" if evolved else "junos"


def _model(value: str | None) -> str | None:
    return value.upper() if value else None


def parse_show_version(text: str) -> Partial:
    data = load_json(text)
    if isinstance(data, dict):
        info: Any = data.get("software-information")
        if info is None and "multi-routing-engine-results" in data:
            results = _list(data, "multi-routing-engine-results")
            items = _list(results, "multi-routing-engine-item")
            info = _list(items, "software-information") if items else None
        if info is None:
            return Partial()
        version = clean(_data(info, "junos-version"))
        software = []
        for package in _list(info, "package-information"):
            comment = clean(_data(package, "comment"))
            match = _PACKAGE.match(comment or "")
            software.append(
                Software(
                    name=clean(_data(package, "name")) or (match.group("name") if match else "?"),
                    version=match.group("version") if match else None,
                    kind="os-package",
                    source="junos",
                )
            )
        if version is None:
            version = next((s.version for s in software if s.version), None)
        return Partial(
            hostname=clean(_data(info, "host-name")),
            vendor="Juniper Networks",
            model=_model(clean(_data(info, "product-model"))),
            os_family=_family(version, text),
            os_name="Junos OS Evolved" if _family(version, text) != "junos" else "Junos OS",
            os_version=version,
            software=tuple(dict.fromkeys(software)),
        )
    fields: dict[str, str] = {}
    for match in _FIELD.finditer(text):
        fields.setdefault(match.group(1).lower(), match.group(2))
    row = (fsm("juniper_junos_show_version", text) or [{}])[0]
    version = first(fields.get("junos"), fields.get("junos os evolved"), row.get("junos_version"))
    if version is None:
        base = _BASE_VERSION.search(text)
        version = base.group(1) if base else None
    software = []
    for line in text.splitlines():
        match = _PACKAGE.match(line)
        if match and not line.strip().lower().startswith(("hostname", "model")):
            software.append(
                Software(
                    name=match.group("name").strip(),
                    version=match.group("version"),
                    kind="os-package",
                    source="junos",
                )
            )
    family = _family(version, text)
    return Partial(
        hostname=first(fields.get("hostname"), row.get("hostname")),
        vendor="Juniper Networks",
        model=_model(first(fields.get("model"), row.get("model"))),
        serial=clean(row.get("serial_number")),
        os_family=family,
        os_name="Junos OS Evolved" if family != "junos" else "Junos OS",
        os_version=version,
        software=tuple(dict.fromkeys(software)),
    )


_HEADER = re.compile(
    r"^Item\s+Version\s+Part number\s+Serial number\s+(?:FRU model number\s+)?"
    r"Description",
    re.IGNORECASE,
)


def parse_chassis_hardware(text: str) -> Partial:
    data = load_json(text)
    if isinstance(data, dict):
        return _chassis_json(data)
    lines = text.splitlines()
    header_at = next((i for i, line in enumerate(lines) if _HEADER.match(line.strip())), None)
    if header_at is None:
        return Partial()
    header = lines[header_at].lstrip()
    shift = len(lines[header_at]) - len(header)
    cols = {
        name: header.lower().index(name) + shift
        for name in ("version", "part number", "serial number", "description")
    }
    model_col = header.lower().find("fru model number")
    components: list[Component] = []
    stack: list[tuple[int, str]] = []  # (indent, index)
    for line in lines[header_at + 1 :]:
        if not line.strip() or line.strip().startswith(("{", "}")) or line.strip().endswith(">"):
            continue
        if len(line) - len(line.lstrip()) < shift:
            break
        indent = len(line) - len(line.lstrip()) - shift
        item = line[: cols["version"]].strip()
        if not item:
            continue

        def cut(start: int, end: int | None, source: str = line) -> str:
            return source[start:end].strip() if start < len(source) else ""

        version = cut(cols["version"], cols["part number"])
        part = cut(cols["part number"], cols["serial number"])
        serial_end = model_col + shift if model_col > 0 else cols["description"]
        serial = cut(cols["serial number"], serial_end)
        fru_model = cut(model_col + shift, cols["description"]) if model_col > 0 else ""
        description = cut(cols["description"], None)
        while stack and stack[-1][0] >= indent:
            stack.pop()
        index = str(len(components) + 1)
        is_chassis = item.lower() == "chassis" and not components
        components.append(
            Component(
                index=index,
                parent=stack[-1][1] if stack else (None if is_chassis else "1"),
                cls="chassis" if is_chassis else component_class(item, description),
                name=item,
                description=clean(description),
                vendor="Juniper Networks",
                model=first(
                    fru_model,
                    description if is_chassis else None,
                    part if part.upper() not in ("BUILTIN", "NON-JNPR") else None,
                ),
                serial=None if serial.upper() == "BUILTIN" else clean(serial),
                hardware_rev=clean(version.replace("]", "")),
                is_fru=None if is_chassis else True,
            )
        )
        if not is_chassis:
            stack.append((indent, index))
    chassis = components[0] if components and components[0].cls == "chassis" else None
    return Partial(
        vendor="Juniper Networks",
        model=chassis.description.upper() if chassis and chassis.description else None,
        serial=chassis.serial if chassis else None,
        components=tuple(components),
    )


def _chassis_json(data: dict[str, Any]) -> Partial:
    inventory = _list(data, "chassis-inventory")
    chassis_nodes = _list(inventory, "chassis")
    if not chassis_nodes:
        return Partial()
    chassis = chassis_nodes[0]
    components: list[Component] = [
        Component(
            index="1",
            cls="chassis",
            name=clean(_data(chassis, "name")) or "Chassis",
            description=clean(_data(chassis, "description")),
            vendor="Juniper Networks",
            model=clean(_data(chassis, "description")),
            serial=clean(_data(chassis, "serial-number")),
        )
    ]

    def walk(nodes: list[Any], parent: str) -> None:
        for node in nodes:
            name = clean(_data(node, "name")) or "?"
            description = clean(_data(node, "description"))
            part = clean(_data(node, "part-number"))
            serial = clean(_data(node, "serial-number"))
            index = str(len(components) + 1)
            components.append(
                Component(
                    index=index,
                    parent=parent,
                    cls=component_class(name, description),
                    name=name,
                    description=description,
                    vendor="Juniper Networks",
                    model=first(
                        _data(node, "model-number"),
                        part if part and part.upper() not in ("BUILTIN", "NON-JNPR") else None,
                    ),
                    serial=None if serial and serial.upper() == "BUILTIN" else serial,
                    hardware_rev=clean(_data(node, "version")),
                    is_fru=True,
                )
            )
            for key in (
                "chassis-sub-module",
                "chassis-sub-sub-module",
                "chassis-sub-sub-sub-module",
            ):
                walk(_list(node, key), index)

    walk(_list(chassis, "chassis-module"), "1")
    head = components[0]
    return Partial(
        vendor="Juniper Networks",
        model=head.description.upper() if head.description else None,
        serial=head.serial,
        components=tuple(components),
    )


def parse_lldp(text: str) -> Partial:
    data = load_json(text)
    if isinstance(data, dict):
        info = _list(data, "lldp-neighbors-information")
        return Partial(
            neighbors=tuple(
                neighbor(
                    "lldp",
                    local_port=first(
                        _data(n, "lldp-local-port-id"), _data(n, "lldp-local-interface")
                    ),
                    remote_chassis_id=_data(n, "lldp-remote-chassis-id"),
                    remote_port=first(
                        _data(n, "lldp-remote-port-id"), _data(n, "lldp-remote-port-description")
                    ),
                    remote_name=_data(n, "lldp-remote-system-name"),
                )
                for n in _list(info, "lldp-neighbor-information")
            )
        )
    return Partial(
        neighbors=tuple(
            neighbor(
                "lldp",
                local_port=row.get("local_interface"),
                remote_chassis_id=row.get("chassis_id"),
                remote_port=row.get("neighbor_interface"),
                remote_name=row.get("neighbor_name"),
            )
            for row in fsm("juniper_junos_show_lldp_neighbors", text)
        )
    )


PLATFORM = Platform(
    name="juniper_junos",
    family="junos",
    vendor="Juniper Networks",
    os_name="Junos OS",
    commands=(
        Command(
            ("show version | display json | no-more", "show version | no-more"),
            guarded("show version", parse_show_version),
        ),
        Command(
            ("show chassis hardware | display json | no-more", "show chassis hardware | no-more"),
            guarded("show chassis hardware", parse_chassis_hardware),
        ),
        Command(
            ("show lldp neighbors | display json | no-more", "show lldp neighbors | no-more"),
            guarded("show lldp neighbors", parse_lldp),
        ),
    ),
    prompt="{user}@{hostname}> ",
    paging=("set cli screen-length 0", "set cli screen-width 511", "set cli complete-on-space off"),
    error="                  ^\nsyntax error, expecting <command>.",
    error_markers=("syntax error", "unknown command", "error: "),
)
