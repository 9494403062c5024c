"""A lab of N SNMP devices: the nine devices of the packaged lab cloned in groups, each clone
on its own loopback address with its own names, serials, chassis ids and cables."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

from netsbom.lab.definition import LabDefinition, default_definition_path, load_lab, parse_lab
from netsbom.lab.snmprec import write_all


def fleet_definition(devices: int, directory: Path) -> LabDefinition:
    """A definition of ``devices`` devices whose recordings are written under ``directory``."""
    base = load_lab(default_definition_path())
    raw = base.model_dump(mode="json", by_alias=True, exclude={"base_dir"})
    out_devices: list[dict[str, Any]] = []
    out_links: list[dict[str, Any]] = []
    group = 0
    while len(out_devices) < devices:
        names: dict[str, str] = {}
        for device in raw["devices"]:
            if len(out_devices) >= devices:
                break
            k = len(out_devices)
            clone = copy.deepcopy(device)
            name = f"{device['name']}-g{group}"
            names[device["name"]] = name
            clone["name"] = name
            clone["hostname"] = name
            clone["address"] = f"127.1.{k // 250}.{k % 250 + 1}"
            clone["serial"] = f"{device['serial']}G{group}"
            clone["chassis_id"] = (
                f"02:00:{(k >> 16) & 255:02x}:{(k >> 8) & 255:02x}:{k & 255:02x}:01"
            )
            clone["snmp"] = {"recording": f"snmp/{name}.snmprec"}
            for component in clone["components"]:
                if component.get("serial") and component["serial"] != "BUILTIN":
                    component["serial"] = f"{component['serial']}G{group}"
            out_devices.append(clone)
        for link in raw["links"]:
            a, b = link["a"]["device"], link["b"]["device"]
            if a in names and b in names:
                clone = copy.deepcopy(link)
                clone["a"]["device"], clone["b"]["device"] = names[a], names[b]
                out_links.append(clone)
        group += 1
    directory.mkdir(parents=True, exist_ok=True)
    document = {"network": raw["network"], "devices": out_devices, "links": out_links}
    (directory / "lab.yaml").write_text(yaml.safe_dump(document, sort_keys=False))
    definition = parse_lab(document, source=str(directory / "lab.yaml"), base_dir=directory)
    write_all(definition)
    return definition
