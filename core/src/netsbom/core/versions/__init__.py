"""Vendor version grammars: one module per grammar, chosen per family by the registry.

    parse_version("ios-xe", "17.9.4a")  -> Version(train="17.9", position=(4, 1, 0), ...)
    compare(a, b)                       -> -1 | 0 | 1 within a train, None across trains
    order(device, bound)                -> the same on what both state (builds, takes)

The registry (``netsbom/core/families.yaml``, ``versions:``) names each family's module. A module
holds ``parse(text, family)`` and optionally ``qualify(bound, start)`` (vendor bounds written
relative to a train), ``cpe_text(version, update)`` (NVD's split of a version over the CPE version
and update fields, joined back), ``cpe_fields(text)`` (the inverse: a device's version split into
those two fields) and ``device_text(version, hints)``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import import_module

from netsbom.core.families import families, known_family
from netsbom.core.versions.base import Version, VersionError, compare, order, train_order

__all__ = [
    "FAMILIES",
    "Grammar",
    "Version",
    "VersionError",
    "compare",
    "grammar",
    "order",
    "parse_version",
    "train_order",
]


@dataclass(frozen=True, slots=True)
class Grammar:
    family: str
    parse: Callable[[str, str], Version]
    qualify: Callable[[str, Version | None], str]
    cpe_text: Callable[[str, str], str]
    cpe_fields: Callable[[str], tuple[str, str]]
    device_text: Callable[[str, str], str]

    def version(self, text: str) -> Version:
        return _parse_cached(self.family, text)


def _keep_bound(bound: str, start: Version | None) -> str:
    return bound


def _join_update(version: str, update: str) -> str:
    """Default CPE join: Junos ``21.4`` + ``r3-s5`` -> ``21.4r3-s5``; IOS XE ``17.9.4`` + ``a``."""
    return version + update


def _whole_version(text: str) -> tuple[str, str]:
    """Default CPE split: the whole version in the version field, any update."""
    return text, "*"


def _same_text(version: str, hints: str) -> str:
    return version


@cache
def _grammar(family: str) -> Grammar | None:
    entry = known_family(family)
    if entry is None or entry.versions is None:
        return None
    module = import_module(f"netsbom.core.versions.{entry.versions}")
    return Grammar(
        family=entry.id,
        parse=module.parse,
        qualify=getattr(module, "qualify", _keep_bound),
        cpe_text=getattr(module, "cpe_text", _join_update),
        cpe_fields=getattr(module, "cpe_fields", _whole_version),
        device_text=getattr(module, "device_text", _same_text),
    )


FAMILIES: tuple[str, ...] = tuple(sorted(f.id for f in families() if f.versions))


@lru_cache(maxsize=262_144)
def _parse_cached(family: str, text: str) -> Version:
    """Feeds repeat the same version strings for every device: parse each once."""
    found = _grammar(family)
    assert found is not None
    return found.parse(text, family)


def grammar(family: str) -> Grammar:
    found = _grammar(family)
    if found is None:
        raise VersionError(f"no version grammar for OS family {family!r}")
    return found


def parse_version(family: str, text: str) -> Version:
    return grammar(family).version(text)
