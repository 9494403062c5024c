"""Juniper Junos / Junos OS Evolved (netmiko ``juniper_junos``).

``| display json`` preferred, text accepted; LLDP neighbours in detail (JSON) or brief.
``show chassis hardware`` is parsed by column position because its indentation is the component
tree (the ntc template flattens it).
"""

from __future__ import annotations

import re
from typing import Any

from netsbom.agent.platforms.base import (
    Partial,
    Platform,
    clean,
    command,
    component_class,
    first,
    fsm,
    leaf,
    load_json,
)
from netsbom.agent.platforms.neighbors import neighbor, neighbors_from_template
from netsbom.core.record import Component, Software

_PACKAGE = re.compile(r"^\s*(?:JUNOS|Junos)?\s*(?P<name>[^\[\]]+?)\s*\[(?P<version>[^\]]+)\]\s*$")
_FIELD = re.compile(
    r"^\s*(Hostname|Model|Junos|JUNOS OS Evolved|Junos OS Evolved)[ \t]*:[ \t]*(\S+)",
    re.MULTILINE | re.IGNORECASE,
)
_BASE_VERSION = re.compile(
    r"^\s*JUNOS (?:Base OS (?:boot|Software Suite)|Software Release|Kernel Software Suite)"
    r"\s*\[(\S+)\]",
    re.MULTILINE,
)


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
        version = clean(leaf(info, "junos-version"))
        software = []
        for package in _list(info, "package-information"):
            comment = clean(leaf(package, "comment"))
            match = _PACKAGE.match(comment or "")
            software.append(
                Software(
                    name=clean(leaf(package, "name")) or (match.group("name") if match else "?"),
                    version=match.group("version") if match else None,
                    kind="os-package",
                    source="junos",
                )
            )
        if version is None:
            version = next((s.version for s in software if s.version), None)
        return Partial(
            hostname=clean(leaf(info, "host-name")),
            vendor="Juniper",
            model=_model(clean(leaf(info, "product-model"))),
            os_family=_family(version, text),
            os_name="Junos OS Evolved" if _family(version, text) != "junos" else "Junos OS",
            os_version=version,
            software=tuple(dict.fromkeys(software)),
        )
    sections = _member_sections(text)
    if len(sections) > 1:
        return _multi_member(sections, text)
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
        vendor="Juniper",
        model=_model(first(fields.get("model"), row.get("model"))),
        serial=clean(row.get("serial_number")),
        os_family=family,
        os_name="Junos OS Evolved" if family != "junos" else "Junos OS",
        os_version=version,
        software=tuple(dict.fromkeys(software)),
    )


# A virtual chassis, a dual routing engine or a cluster answers per member: "fpc1:", "re0:",
# "node0:", "lcc0-re0:" above a dashed rule; the prompt names the master ("{master:1}")
_SECTION = re.compile(r"^(?P<name>(?:fpc|re|member|node|lcc\d+-re)\d+):\s*$", re.MULTILINE)
_MASTER = re.compile(r"\{(?:master|primary):(?P<member>\d+)\}")


def _member_sections(text: str) -> list[tuple[str, str]]:
    heads = list(_SECTION.finditer(text))
    ends = [head.start() for head in heads[1:]] + [len(text)] if heads else []
    return [
        (head.group("name"), text[head.end() : end]) for head, end in zip(heads, ends, strict=True)
    ]


def _multi_member(sections: list[tuple[str, str]], text: str) -> Partial:
    """Every member's model and release as a component; the device's are the master's (named
    by the prompt's ``{master:N}``, else the first section: the RE that answered)."""
    parts = [(name, parse_show_version(body)) for name, body in sections]
    master_mark = _MASTER.search(text)
    master = parts[0]
    if master_mark:
        number = master_mark.group("member")
        master = next((p for p in parts if re.sub(r"\D", "", p[0]) == number), parts[0])
    members = tuple(
        Component(
            index=name,
            cls="cpu" if "re" in name else "chassis",
            name=name,
            vendor="Juniper",
            model=part.model,
            software_rev=part.os_version,
            description="master" if (name, part) == master else None,
            is_fru=True,
        )
        for name, part in parts
    )
    chosen = master[1]
    return Partial(
        hostname=chosen.hostname,
        vendor="Juniper",
        model=chosen.model,
        os_family=chosen.os_family,
        os_name=chosen.os_name,
        os_version=chosen.os_version,
        software=chosen.software,
        components=members,
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
        vendor="Juniper",
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
            name=clean(leaf(chassis, "name")) or "Chassis",
            description=clean(leaf(chassis, "description")),
            vendor="Juniper Networks",
            model=clean(leaf(chassis, "description")),
            serial=clean(leaf(chassis, "serial-number")),
        )
    ]

    def walk(nodes: list[Any], parent: str) -> None:
        for node in nodes:
            name = clean(leaf(node, "name")) or "?"
            description = clean(leaf(node, "description"))
            part = clean(leaf(node, "part-number"))
            serial = clean(leaf(node, "serial-number"))
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
                        leaf(node, "model-number"),
                        part if part and part.upper() not in ("BUILTIN", "NON-JNPR") else None,
                    ),
                    serial=None if serial and serial.upper() == "BUILTIN" else serial,
                    hardware_rev=clean(leaf(node, "version")),
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
        vendor="Juniper",
        model=head.description.upper() if head.description else None,
        serial=head.serial,
        components=tuple(components),
    )


def parse_lldp(text: str) -> Partial:
    """``show lldp neighbors [detail]``: JSON (brief or detail) or the brief text. In the detail
    form ``lldp-local-port-id`` is the local port's ifIndex and ``lldp-local-interface`` its
    name; in the brief form the port id is the name."""
    data = load_json(text)
    if not isinstance(data, dict):
        return Partial(neighbors=neighbors_from_template("juniper_junos_show_lldp_neighbors", text))
    info = _list(data, "lldp-neighbors-information")
    return Partial(
        neighbors=tuple(
            neighbor(
                "lldp",
                local_port=first(leaf(n, "lldp-local-interface"), leaf(n, "lldp-local-port-id")),
                remote_chassis_id=leaf(n, "lldp-remote-chassis-id"),
                remote_name=leaf(n, "lldp-remote-system-name"),
                remote_port=leaf(n, "lldp-remote-port-id"),
                remote_port_description=leaf(n, "lldp-remote-port-description"),
                remote_port_subtype=leaf(n, "lldp-remote-port-id-subtype"),
                remote_mgmt_address=leaf(n, "lldp-remote-management-address"),
                remote_description=leaf(n, "lldp-remote-system-description"),
            )
            for n in _list(info, "lldp-neighbor-information")
        )
    )


def _forms(name: str) -> tuple[str, str]:
    return f"{name} | display json | no-more", f"{name} | no-more"


PLATFORM = Platform(
    family="junos",
    commands=(
        command(*_forms("show version"), parse=parse_show_version),
        command(*_forms("show chassis hardware"), parse=parse_chassis_hardware),
        # detail preferred (port descriptions, management addresses); no text detail parser
        command(
            "show lldp neighbors detail | display json | no-more",
            *_forms("show lldp neighbors"),
            parse=parse_lldp,
            label="show lldp neighbors",
        ),
    ),
    prompt="{user}@{hostname}> ",
    paging=("set cli screen-length 0", "set cli screen-width 511", "set cli complete-on-space off"),
    error="                  ^\nsyntax error, expecting <command>.",
    error_markers=("syntax error", "unknown command", "error: "),
)
