"""SSH platform drivers: one module per OS family, parsers as pure functions.

    PLATFORMS["ios-xe"].commands        what to run, in order
    get_platform("cisco_xe")            the driver for a family id or any registry alias
    parse_outputs(platform, outputs)    {command form: output or None} -> (Partial, provenance)

A module here that defines ``PLATFORM`` is a driver (modules starting with ``_`` and the helpers
``base`` and ``neighbors`` define none); it is named after its family (``ios_xe.py`` for
``ios-xe``), whose registry entry (netsbom/core/families.yaml, ``ssh:``) gives its netmiko
device_type and the families it serves. Adding a vendor = a module here + its registry entry +
recordings under tests; the contract tests run every driver against every recording.
"""

from __future__ import annotations

import functools
import pkgutil
import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from importlib import import_module

from netsbom.agent.platforms.base import (
    LIST_FIELDS,
    SCALAR_FIELDS,
    Command,
    Partial,
    Platform,
    image_digests,
)
from netsbom.core.copyright import copyright_notice
from netsbom.core.errors import ConfigError
from netsbom.core.families import known_family
from netsbom.core.record import Component, ErrorInfo, Provenance


def _discover() -> dict[str, Platform]:
    found: dict[str, Platform] = {}
    for module_info in pkgutil.iter_modules(__path__):
        if module_info.name.startswith("_"):
            continue
        module = import_module(f"{__name__}.{module_info.name}")
        platform: Platform | None = getattr(module, "PLATFORM", None)
        if platform is None:
            continue
        entry = known_family(platform.family)
        if entry is None or entry.driver != platform.family:
            raise ConfigError(
                f"platform module {module_info.name}: family {platform.family!r} has no "
                "ssh entry naming it in families.yaml"
            )
        if entry.module_name != module_info.name:
            raise ConfigError(f"platform module {module_info.name}: name it {entry.module_name}.py")
        found[platform.family] = platform
    return dict(sorted(found.items()))


@functools.cache
def _platforms() -> dict[str, Platform]:
    """The drivers, discovered on first use: an SNMP-only poll never imports them."""
    return _discover()


def __getattr__(name: str) -> dict[str, Platform]:
    if name == "PLATFORMS":  # PLATFORMS: dict[str, Platform], the drivers by family id
        return _platforms()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


GENERIC = "generic"  # the driver of last resort: `show version`-like output of any platform


def get_platform(name: str) -> Platform:
    """The driver for a family id or any alias the registry knows (``cisco_xe``, ``iosxe``,
    ``junipernetworks.junos.junos``); ConfigError names the drivers there are."""
    entry = known_family(name)
    driver = _platforms().get(entry.driver or "") if entry is not None else None
    if driver is None:
        known = ", ".join(_platforms())
        raise ConfigError(f"no SSH driver for platform {name!r} (drivers: {known})")
    return driver


def platform_for_family(name: str) -> str | None:
    """The driver serving an OS family learned over SNMP (``junos-evolved`` speaks Junos' CLI),
    or None when the family has none."""
    entry = known_family(name)
    return entry.driver if entry is not None and entry.driver in _platforms() else None


def answered_form(command: Command, outputs: Mapping[str, str | None]) -> str | None:
    """The first form of ``command`` that has an answer in ``outputs``."""
    return next((form for form in command.forms if outputs.get(form) is not None), None)


def parse_outputs(
    platform: Platform, outputs: Mapping[str, str | None], *, method: str = "ssh"
) -> tuple[Partial, tuple[Provenance, ...]]:
    """Run every command's parser over its answer and combine; earlier commands win per field.

    ``outputs`` maps a command form to its output, or ``None`` when the device does not support
    it. Components come from the command that lists the most of them, enriched (firmware,
    software, hardware revisions) by the others where serial numbers or names match. The
    copyright notice in the output that names the OS version is the OS's (``os.copyright``).
    """
    parsed: list[tuple[str, Partial]] = []
    authorities: dict[str, tuple[str, ...]] = {}
    errors: list[ErrorInfo] = []
    for command in platform.commands:
        form = answered_form(command, outputs)
        if form is None:
            if not command.probe and any(f in outputs for f in command.forms):
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
        if partial.os_version:
            # the output naming the OS release is the device speaking of its own software: its
            # copyright notice and image digests there are the OS's (neighbour tables quote
            # other devices' notices)
            partial = replace(
                partial,
                os_copyright=partial.os_copyright or copyright_notice(text),
                os_hashes=partial.os_hashes or image_digests(text),
            )
        parsed.append((form, partial))
        authorities[form] = command.authority
        errors.extend(partial.errors)
    combined, found = combine(parsed, method=method, authorities=authorities)
    values: dict[str, object] = {}
    provenance = list(found)
    if not combined.os_family and platform.names_family:
        values["os_family"] = platform.family
        provenance.append(Provenance("os.family", method, f"platform:{platform.name}", 0.8))
    if not combined.vendor and platform.vendor:
        values["vendor"] = platform.vendor
        provenance.append(Provenance("vendor", method, f"platform:{platform.name}", 0.8))
    if not combined.os_name and platform.os_name and platform.names_family:
        values["os_name"] = platform.os_name
    values["errors"] = tuple(errors)
    return replace(combined, **values), tuple(provenance)  # type: ignore[arg-type]


def combine(
    parsed: Sequence[tuple[str, Partial]],
    *,
    method: str,
    authorities: Mapping[str, tuple[str, ...]] | None = None,
) -> tuple[Partial, tuple[Provenance, ...]]:
    """Partials of one device from several sources (commands, RPCs, paths), preferred first:
    the first value wins per field (unless a later source is its ``authority`` and agrees);
    components come from the source listing most of them, enriched by the others; software and
    neighbours are the union. Provenance names each field's source. Errors are left out."""
    authorities = authorities or {}
    values: dict[str, object] = {}
    provenance: list[Provenance] = []
    for name in SCALAR_FIELDS:
        found = [(form, getattr(p, name)) for form, p in parsed if getattr(p, name)]
        if not found:
            continue
        form, value = found[0]
        ruling = next(((f, v) for f, v in found if name in authorities.get(f, ())), None)
        # an authority (e.g. the inventory's chassis PID) wins when it describes the same thing
        # as the earlier source; when they contradict, the running system's own word stays
        if ruling is not None and (ruling[0] == form or _consistent(ruling[1], value)):
            form, value = ruling
        values[name] = value
        provenance.append(Provenance(_field_path(name), method, form))
    said = next(((form, p.virtual) for form, p in parsed if p.virtual is not None), None)
    if said is not None:  # False is an answer too: the device says it runs on hardware
        values["virtual"] = said[1]
        provenance.append(Provenance("virtual", method, said[0]))
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


def _components(parsed: Sequence[tuple[str, Partial]]) -> tuple[tuple[Component, ...], list[str]]:
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
    "GENERIC",
    "LIST_FIELDS",
    "PLATFORMS",
    "Command",
    "Partial",
    "Platform",
    "answered_form",
    "combine",
    "get_platform",
    "parse_outputs",
]
