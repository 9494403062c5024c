"""SSH platform drivers: one module per netmiko device_type, parsers as pure functions.

    PLATFORMS["cisco_xe"].commands      what to run, in order
    parse_outputs(platform, outputs)    {command form: output or None} -> (Partial, provenance)

Adding a vendor = one module here defining ``PLATFORM`` plus recordings under tests; the
contract tests run every platform against every recording.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from importlib import import_module

from netsbom.agent.platforms.base import (
    LIST_FIELDS,
    SCALAR_FIELDS,
    Command,
    Partial,
    Platform,
)
from netsbom.core.record import Component, ErrorInfo, Provenance

PLATFORM_NAMES = (
    "cisco_ios", "cisco_xe", "cisco_nxos", "cisco_xr", "juniper_junos", "arista_eos",
    "nokia_sros", "huawei", "hp_comware", "paloalto_panos", "fortinet", "linux",
)  # fmt: skip

# netmiko spells some platforms differently (autodetect, ntc-templates, older names)
ALIASES = {
    "cisco_iosxe": "cisco_xe", "cisco_ios_xe": "cisco_xe", "cisco_iosxr": "cisco_xr",
    "cisco_nxos_ssh": "cisco_nxos", "juniper": "juniper_junos", "arista": "arista_eos",
    "huawei_vrp": "huawei", "huawei_vrpv8": "huawei", "hp_comware_ssh": "hp_comware",
    "paloalto": "paloalto_panos", "fortinet_ssh": "fortinet", "linux_ssh": "linux",
    "nokia_sros_ssh": "nokia_sros", "cumulus": "linux", "sonic": "linux", "sonic_ssh": "linux",
}  # fmt: skip


def _load() -> dict[str, Platform]:
    out: dict[str, Platform] = {}
    for name in PLATFORM_NAMES:
        module = import_module(f"netsbom.agent.platforms.{name}")
        platform: Platform = module.PLATFORM
        out[name] = platform
    return out


PLATFORMS: dict[str, Platform] = _load()


def get_platform(name: str) -> Platform:
    """The driver for a netmiko device_type (aliases accepted); ``KeyError`` lists known ones."""
    key = ALIASES.get(name, name)
    try:
        return PLATFORMS[key]
    except KeyError:
        raise KeyError(f"unknown platform {name!r} (known: {', '.join(PLATFORM_NAMES)})") from None


def platform_for_family(family: str) -> str | None:
    """The driver for an OS family learned over SNMP (``junos-evolved`` speaks Junos' CLI)."""
    wanted = {"junos-evolved": "junos"}.get(family, family)
    return next((name for name, p in PLATFORMS.items() if p.family == wanted), None)


def answered_form(command: Command, outputs: Mapping[str, str | None]) -> str | None:
    """The first form of ``command`` that has an answer in ``outputs``."""
    return next((form for form in command.forms if outputs.get(form) is not None), None)


def parse_outputs(
    platform: Platform, outputs: Mapping[str, str | None], *, method: str = "ssh"
) -> tuple[Partial, tuple[Provenance, ...]]:
    """Run every command's parser over its answer and combine; earlier commands win per field.

    ``outputs`` maps a command form to its output, or ``None`` when the device does not support
    it. Components come from the command that lists the most of them, enriched (firmware,
    software, hardware revisions) by the others where serial numbers or names match.
    """
    parsed: list[tuple[str, Partial]] = []
    authorities: dict[str, tuple[str, ...]] = {}
    errors: list[ErrorInfo] = []
    for command in platform.commands:
        form = answered_form(command, outputs)
        if form is None:
            if any(f in outputs for f in command.forms):
                errors.append(
                    ErrorInfo(
                        "unsupported", "the device does not support this command", command.name
                    )
                )
            continue
        text = outputs[form] or ""
        partial = command.parse(text)
        if (
            command is platform.commands[0]
            and text.strip()
            and not partial.errors
            and not (partial.os_version or partial.model or partial.serial)
        ):
            message = "no version, model or serial here: the output matches no pattern we know"
            partial = replace(partial, errors=(ErrorInfo("parse", message, form),))
        parsed.append((form, partial))
        authorities[form] = command.authority
        errors.extend(partial.errors)
    values: dict[str, object] = {}
    provenance: list[Provenance] = []
    for name in SCALAR_FIELDS:
        found = [(form, getattr(p, name)) for form, p in parsed if getattr(p, name)]
        if not found:
            continue
        form, value = found[0]
        ruling = next(((f, v) for f, v in found if name in authorities[f]), None)
        # an authority (e.g. the inventory's chassis PID) wins when it describes the same thing
        # as the earlier source; when they contradict, the running system's own word stays
        if ruling is not None and (ruling[0] == form or _consistent(ruling[1], value)):
            form, value = ruling
        values[name] = value
        provenance.append(Provenance(_field_path(name), method, form))
    if not values.get("os_family"):
        values["os_family"] = platform.family
        provenance.append(Provenance("os.family", method, f"platform:{platform.name}", 0.8))
    if not values.get("vendor"):
        values["vendor"] = platform.vendor
        provenance.append(Provenance("vendor", method, f"platform:{platform.name}", 0.8))
    if not values.get("os_name") and platform.os_name:
        values["os_name"] = platform.os_name
    components, sources = _components(parsed)
    if components:
        values["components"] = components
        provenance.append(Provenance("components", method, ", ".join(sources)))
    for name in ("software", "neighbors"):
        items = []
        item_sources = []
        for form, partial in parsed:
            found = getattr(partial, name)
            if found:
                items.extend(found)
                item_sources.append(form)
        if items:
            values[name] = tuple(dict.fromkeys(items))
            provenance.append(Provenance(name, method, ", ".join(item_sources)))
    values["errors"] = tuple(errors)
    return replace(Partial(), **values), tuple(provenance)  # type: ignore[arg-type]


def _consistent(a: str, b: str) -> bool:
    """Same thing in other words: one's letters and digits (minus filler) contain the other's."""

    def squash(text: str) -> str:
        text = re.sub(r"(?i)\b(chassis|cisco|nexus\d*|switch|router)\b", "", text)
        return re.sub(r"[^a-z0-9]", "", text.lower())

    x, y = squash(a), squash(b)
    return bool(x and y) and (x in y or y in x)


def _field_path(name: str) -> str:
    return "os." + name.removeprefix("os_") if name.startswith("os_") else name


def _components(parsed: list[tuple[str, Partial]]) -> tuple[tuple[Component, ...], list[str]]:
    with_components = [(form, p.components) for form, p in parsed if p.components]
    if not with_components:
        return (), []
    base_form, base = max(with_components, key=lambda item: len(item[1]))
    sources = [base_form]
    out = list(base)
    for form, extra in with_components:
        if form == base_form:
            continue
        used = False
        for item in extra:
            for position, current in enumerate(out):
                if _same_part(current, item):
                    out[position] = _enrich(current, item)
                    used = True
                    break
        if used:
            sources.append(form)
    return tuple(out), sources


def _same_part(a: Component, b: Component) -> bool:
    if a.serial and b.serial:
        return a.serial == b.serial and (
            a.cls == b.cls or not (a.model and b.model) or a.model == b.model
        )
    return bool(a.name and b.name and a.name.casefold() == b.name.casefold())


def _enrich(base: Component, extra: Component) -> Component:
    fields = (
        "hardware_rev",
        "firmware_rev",
        "software_rev",
        "description",
        "model",
        "serial",
        "vendor",
    )
    return replace(base, **{f: getattr(base, f) or getattr(extra, f) for f in fields})


__all__ = [
    "ALIASES",
    "LIST_FIELDS",
    "PLATFORMS",
    "PLATFORM_NAMES",
    "Command",
    "Partial",
    "Platform",
    "answered_form",
    "get_platform",
    "parse_outputs",
]
