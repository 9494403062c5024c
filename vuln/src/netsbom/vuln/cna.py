"""The vendor's own statement: CVE JSON 5 ``affected`` (CNA container, or CISA ADP's CPE-based
entries) evaluated for one device.

Per CVE 5 semantics plus what vendors actually write: an enumeration of releases is an exact set
(Cisco lists every affected release, so an unlisted release is not affected even when
``defaultStatus`` is missing); ranges honour ``lessThan`` / ``lessThanOrEqual`` / ``changes``
with the family's train and branch rules. Hardware the vendor limits an entry to (``platforms``,
the product name, the description: :mod:`netsbom.vuln.hardware`) decides whether the entry
concerns the device at all: an entry for other hardware is set aside, and an entry naming the
device's hardware by a product variant (``FortiOS-6K7K``) is preferred to the general one.
A version entry netsbom cannot read is skipped unless it names the device's release train.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from netsbom.core.versions import Version, VersionError, train_order
from netsbom.vuln.cpe import CpeError, parse_cpe
from netsbom.vuln.device import DeviceFacts
from netsbom.vuln.hardware import (
    Judgement,
    Platform,
    Scope,
    description_scope,
    platforms_scope,
    series_list,
)
from netsbom.vuln.products import NO_VENDOR, Product
from netsbom.vuln.ranges import Statement, concerns, evaluate, parse_statement
from netsbom.vuln.verdict import (
    BASIS_HARDWARE,
    BASIS_VERSION,
    NEEDS_BUILD,
    NEEDS_MODEL,
    NEEDS_MODULES,
    Verdict,
    needs_statement,
)

_SAYS_NOTHING = frozenset({"", "n/a", "-", "none", "unknown", "unspecified"})
_NEEDS = {"model": NEEDS_MODEL, "modules": NEEDS_MODULES}


@dataclass(frozen=True, slots=True)
class Entry:
    """An ``affected`` entry that names the device's product, and the hardware it is for."""

    data: Mapping[str, Any]
    scope: Scope


def entries_for(
    entries: Sequence[Mapping[str, Any]],
    device: DeviceFacts,
    assigner: str | None = None,
    description: str = "",
) -> list[Entry]:
    """The ``affected`` entries that name the device's product (by name or by CPE), each with
    the hardware scope the vendor gives it. An entry whose vendor field names no vendor
    (``n/a``) is read as the ``assigner``'s."""
    product = device.product
    if product is None:
        return []
    keys = device.cpe_keys()
    found = []
    for entry in entries:
        name = str(entry.get("product") or "")
        named, hardware = product.named_in(name)
        if named and _vendor_agrees(product, entry, name, assigner):
            found.append(Entry(entry, _scope(product, entry, hardware, description)))
            continue
        for text in entry.get("cpes") or ():
            try:
                if parse_cpe(str(text)).key in keys:
                    found.append(Entry(entry, _scope(product, entry, None, "")))
                    break
            except CpeError:
                continue
    return found


def _vendor_agrees(
    product: Product, entry: Mapping[str, Any], name: str, assigner: str | None
) -> bool:
    vendor = str(entry.get("vendor") or "").strip()
    if vendor.lower() in NO_VENDOR:
        vendor = assigner or ""
    return not vendor or product.names_vendor(vendor) or product.names_vendor(name)


def _scope(
    product: Product, entry: Mapping[str, Any], hardware: str | None, description: str
) -> Scope:
    """Platforms first, then the product name, then the description; the description's
    exclusions ("... are not affected") always apply."""
    stated = platforms_scope([str(p) for p in entry.get("platforms") or ()])
    if not stated and hardware:
        chassis = series_list(hardware)
        if chassis:
            stated = Scope(only=(Platform(hardware, chassis),), source="product name")
    if not stated and hardware is None and description:
        variant = product.variant_in(description)  # "... of the Cisco ASAv ... platforms"
        if variant:
            stated = Scope(only=(Platform(variant, series_list(variant)),), source="description")
    told = _description_scope(description, product.cna_names) if description else Scope()
    if not stated:
        return told
    return stated.refine(told)


@lru_cache(maxsize=8192)
def _description_scope(description: str, pattern: str) -> Scope:
    return description_scope(description, pattern)


def assess_entries(entries: Sequence[Entry], device: DeviceFacts, source: str) -> Verdict:
    """Combine the device's product entries: any affected wins, then undecidable, then not.

    Entries for other hardware are set aside (all of them: not affected, basis hardware). An
    entry that says nothing about the device's train (NetScaler Gateway lists no FIPS builds)
    does not make undecidable what an entry naming that train decides."""
    modules = device.modules
    judged = [(e, e.scope.judge(device.models, modules) if e.scope else None) for e in entries]
    if any(j is not None and j.on and e.scope.source == "product name" for e, j in judged):
        judged = [(e, j) for e, j in judged if e.scope]  # the variant for this hardware decides
    concerned = [(e, j) for e, j in judged if j is None or j.on is not False]
    if not concerned:
        first = next(j for _, j in judged if j is not None)
        product = str(entries[0].data.get("product") or "?").strip()
        return Verdict(False, f"{product}: {first.why}", source, BASIS_HARDWARE, None, True)
    results = [
        (
            _with_modules(_with_hardware(_assess_entry(e.data, device, source), j), e.data),
            _names_train(e.data, device),
        )
        for e, j in concerned
    ]
    verdicts = [verdict for verdict, _ in results]
    for verdict in verdicts:
        if verdict.affected is True:
            return verdict
    if any(v.affected is False and named for v, named in results):
        verdicts = [v for v, named in results if v.affected is not None or named]
    for verdict in verdicts:
        if verdict.affected is None:
            return verdict
    return verdicts[0]


def _with_hardware(verdict: Verdict, judgement: Judgement | None) -> Verdict:
    if judgement is None:
        return verdict
    if verdict.affected is not True:
        return Verdict(
            verdict.affected,
            verdict.reason,
            verdict.source,
            verdict.basis,
            verdict.needs,
            hardware_stated=True,
        )
    why = f"{verdict.reason}; {judgement.why}" if judgement.why else verdict.reason
    if judgement.on is None:
        needs = _NEEDS.get(judgement.needs or "", judgement.needs)
        return Verdict(None, why, verdict.source, None, needs, hardware_stated=True)
    return Verdict(True, why, verdict.source, hardware_stated=True)


def _with_modules(verdict: Verdict, entry: Mapping[str, Any]) -> Verdict:
    """An affected verdict from an entry the vendor limits to some modules or features (CVE 5
    ``modules``: F5's APM, SonicWall's SSLVPN, Junos' rpd) says so: a record does not tell
    which modules a device runs or has provisioned."""
    modules = [str(m).strip() for m in entry.get("modules") or () if str(m).strip()]
    if verdict.affected is not True or not modules:
        return verdict
    if any(m.lower() in ("all", "all modules") for m in modules):
        return verdict
    return replace(verdict, reason=f"{verdict.reason} (where {', '.join(modules)} is in use)")


def _names_train(entry: Mapping[str, Any], device: DeviceFacts) -> bool:
    assert device.version is not None
    statements, _, _ = _statements(entry, device)
    return any(device.version.train in s.trains() for s in statements)


def _assess_entry(entry: Mapping[str, Any], device: DeviceFacts, source: str) -> Verdict:
    assert device.version is not None and device.grammar is not None
    version = device.version
    default = str(entry.get("defaultStatus") or "unknown").lower()
    product = str(entry.get("product") or "?").strip()
    statements, unreadable, listed = _statements(entry, device)
    if listed is not None:
        return Verdict(
            listed == "affected",
            f"{product}: {version} is listed as {listed}",
            source,
            BASIS_VERSION if listed != "affected" else None,
        )
    if not statements and not unreadable:
        if default == "affected":
            return Verdict(
                True, f"{product}: every version is affected (no versions listed)", source
            )
        return Verdict(
            None,
            f"{product}: the vendor lists no versions",
            source,
            needs=needs_statement(version.train),
        )
    outcome = evaluate(statements, version)
    status = outcome.status
    why = f"{product}: {outcome.why}"
    if status is None:
        needs = NEEDS_BUILD if version.precision is not None else needs_statement(version.train)
        return Verdict(None, why, source, needs=needs)
    if status == "default":
        mine = [u for u in unreadable if _mentions_train(u, version.train)]
        if mine:
            return Verdict(
                None,
                f"{why}, but an entry about its train is not understood: {'; '.join(mine[:3])}",
                source,
                needs=needs_statement(version.train),
            )
        if unreadable:
            why += f" (skipped, not about its train: {'; '.join(unreadable[:3])})"
        if not statements:
            return Verdict(
                None,
                f"{product}: no version entry is understood ({'; '.join(unreadable[:3])})",
                source,
                needs=needs_statement(version.train),
            )
        status = _default_status(default, [s for s in statements if concerns(s, version)], version)
        why += {
            "affected": " (vendor default: affected)",
            "unaffected": ", so not affected",
            "unknown": " and the vendor's default status is unknown",
        }[status]
    if status == "affected":
        return Verdict(True, why, source)
    if status == "unaffected":
        return Verdict(False, why, source, BASIS_VERSION)
    return Verdict(None, why, source, needs=needs_statement(version.train))


def _mentions_train(text: str, train: str) -> bool:
    """Whether a vendor's text names the release line ``train`` (``21.4`` in ``21.4R3-S5``,
    ``R81.10``; not ``13.1`` in ``13.10``)."""
    key = re.match(r"[A-Za-z]*\d+\.\d+", train)
    if key is None:
        return train.lower() in text.lower()
    return (
        re.search(rf"(?<![\d.]){re.escape(key.group(0))}(?![\d])", text, re.IGNORECASE) is not None
    )


_Parsed = tuple[Mapping[str, Any], list[Statement], list[str]]
_CACHE: dict[tuple[str, int], _Parsed] = {}


def _statements(
    entry: Mapping[str, Any], device: DeviceFacts
) -> tuple[list[Statement], list[str], str | None]:
    """The entry's statements (parsed once per family), the entries not understood, and the
    status of an entry that is not understood but spells the device's version exactly."""
    assert device.grammar is not None and device.version is not None
    key = (device.grammar.family, id(entry))
    cached = _CACHE.get(key)
    if cached is None or cached[0] is not entry:
        if len(_CACHE) > 100_000:
            _CACHE.clear()
        cached = (entry, *_parse_entry(entry, device))
        _CACHE[key] = cached
    _, statements, unreadable = cached
    for item in entry.get("versions") or ():
        if (
            isinstance(item, dict)
            and str(item.get("version") or "").strip().lower() == device.version.text.lower()
            and any(u.startswith(repr(str(item.get("version")).strip())) for u in unreadable)
        ):
            return statements, unreadable, str(item.get("status"))
    return statements, unreadable, None


def _parse_entry(
    entry: Mapping[str, Any], device: DeviceFacts
) -> tuple[list[Statement], list[str]]:
    assert device.grammar is not None
    statements: list[Statement] = []
    unreadable: list[str] = []
    ours = device.product.mentioned_in if device.product is not None else None
    for item in entry.get("versions") or ():
        if not isinstance(item, dict):
            unreadable.append(repr(item))
            continue
        text = str(item.get("version") or "").strip()
        if (
            text.lower() in _SAYS_NOTHING
            and item.get("lessThan") is None
            and item.get("lessThanOrEqual") is None
        ):
            continue
        try:
            statements.extend(parse_statement(device.grammar, item, ours))
        except (VersionError, TypeError, ValueError, AttributeError) as exc:
            shown = text or str(item.get("lessThan") or item.get("lessThanOrEqual") or "")
            unreadable.append(f"{shown!r} ({exc})")
    return statements, unreadable


def _default_status(default: str, statements: Sequence[Statement], device: Version) -> str:
    """Status of a release no statement covers.

    An enumeration is an exact set. A vendor that gives fixes for the release's train has said
    that releases past them are fixed, even where its ``defaultStatus`` says ``affected``
    (Juniper records of 2023 do: their ranges would mean nothing otherwise). Without a default,
    a release outside every listed range of its own release lineage is not affected: vendors
    list the releases they found affected (FortiOS ``6.2.0 and below`` says nothing of 7.2
    because 7.2 is not affected)."""
    train = device.train
    if default == "unaffected":
        return default
    if any(train in s.trains() and s.fixes for s in statements if s.status == "affected"):
        return "unaffected"
    if default == "affected":
        return default
    if statements and all(not s.is_range for s in statements):
        return "unaffected"
    if any(train in s.trains() for s in statements):
        return "unaffected"  # the vendor speaks about this train and does not list the release
    if statements and all(_same_lineage(s, device) for s in statements):
        return "unaffected"
    return "unknown"


def _same_lineage(statement: Statement, device: Version) -> bool:
    bounds = [statement.exact, statement.start, statement.last, *statement.fixes]
    bounds += list(statement.whole_trains)
    return all(train_order(device, b) is not None for b in bounds if b is not None)
