"""Vendor version grammars: one module per family, looked up by the record's ``os.family``.

    parse_version("ios-xe", "17.9.4a")  -> Version(train="17.9", position=(4, 1, 0), ...)
    compare(a, b)                       -> -1 | 0 | 1 within a train, None across trains

Each module holds ``FAMILIES``, ``parse(text, family)`` and optionally ``qualify(bound, start)``
(vendor bounds written relative to a train), ``cpe_text(version, update)`` (NVD's split of a
version over the CPE version and update fields) and ``device_text(version, hints)``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from types import ModuleType

from netsbom.core.versions import (
    checkpoint_gaia,
    cisco_asa,
    cisco_ios,
    cisco_iosxe,
    cisco_iosxr,
    cisco_nxos,
    eos,
    fortios,
    generic,
    huawei_vrp,
    junos,
    netscaler,
    panos,
    sonicos,
    sros,
)
from netsbom.core.versions.base import Version, VersionError, compare, train_order

__all__ = [
    "FAMILIES",
    "Grammar",
    "Version",
    "VersionError",
    "compare",
    "grammar",
    "parse_version",
    "train_order",
]

_MODULES: tuple[ModuleType, ...] = (
    cisco_ios,
    cisco_iosxe,
    cisco_nxos,
    cisco_iosxr,
    cisco_asa,
    junos,
    eos,
    panos,
    fortios,
    sros,
    netscaler,
    sonicos,
    huawei_vrp,
    checkpoint_gaia,
    generic,
)


@dataclass(frozen=True, slots=True)
class Grammar:
    family: str
    parse: Callable[[str, str], Version]
    qualify: Callable[[str, Version | None], str]
    cpe_text: Callable[[str, str], str]
    device_text: Callable[[str, str], str]

    def version(self, text: str) -> Version:
        return _parse_cached(self.family, text)


def _keep_bound(bound: str, start: Version | None) -> str:
    return bound


def _join_update(version: str, update: str) -> str:
    """Default CPE join: Junos ``21.4`` + ``r3-s5`` -> ``21.4r3-s5``; IOS XE ``17.9.4`` + ``a``."""
    return version + update


def _same_text(version: str, hints: str) -> str:
    return version


def _grammars() -> dict[str, Grammar]:
    table: dict[str, Grammar] = {}
    for module in _MODULES:
        for family in module.FAMILIES:
            table[family] = Grammar(
                family=family,
                parse=module.parse,
                qualify=getattr(module, "qualify", _keep_bound),
                cpe_text=getattr(module, "cpe_text", _join_update),
                device_text=getattr(module, "device_text", _same_text),
            )
    return table


_GRAMMARS = _grammars()
FAMILIES: tuple[str, ...] = tuple(sorted(_GRAMMARS))


@lru_cache(maxsize=262_144)
def _parse_cached(family: str, text: str) -> Version:
    """Feeds repeat the same version strings for every device: parse each once."""
    return _GRAMMARS[family].parse(text, family)


def grammar(family: str) -> Grammar:
    try:
        return _GRAMMARS[family]
    except KeyError:
        raise VersionError(f"no version grammar for OS family {family!r}") from None


def parse_version(family: str, text: str) -> Version:
    return grammar(family).version(text)
