"""The vendor's own statement: CVE JSON 5 ``affected`` (CNA container, or CISA ADP's CPE-based
entries) evaluated for one device.

Per CVE 5 semantics plus what vendors actually write: an enumeration of releases is an exact set
(Cisco lists every affected release, so an unlisted release is not affected even when
``defaultStatus`` is missing); ranges honour ``lessThan`` / ``lessThanOrEqual`` / ``changes``
with the family's train and branch rules; ``platforms`` naming hardware restrict the product to
matching models.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from netsbom.core.versions import VersionError
from netsbom.vuln.cpe import CpeError, parse_cpe
from netsbom.vuln.device import DeviceFacts
from netsbom.vuln.platforms import hardware_platforms, model_on_platform
from netsbom.vuln.ranges import Statement, evaluate, parse_statement
from netsbom.vuln.verdict import BASIS_HARDWARE, BASIS_VERSION, Verdict

_SAYS_NOTHING = frozenset({"", "n/a", "-", "none", "unknown", "unspecified"})


def entries_for(
    entries: Sequence[Mapping[str, Any]], device: DeviceFacts
) -> list[Mapping[str, Any]]:
    """The ``affected`` entries that name the device's product (by name or by CPE)."""
    product = device.product
    if product is None:
        return []
    keys = device.cpe_keys()
    found = []
    for entry in entries:
        name = str(entry.get("product") or "")
        if product.names_product(name) and (
            not entry.get("vendor")
            or product.names_vendor(str(entry.get("vendor")))
            or product.names_vendor(name)
        ):
            found.append(entry)
            continue
        for text in entry.get("cpes") or ():
            try:
                if parse_cpe(str(text)).key in keys:
                    found.append(entry)
                    break
            except CpeError:
                continue
    return found


def assess_entries(
    entries: Sequence[Mapping[str, Any]], device: DeviceFacts, source: str
) -> Verdict:
    """Combine the device's product entries: any affected wins, then undecidable, then not.

    An entry that says nothing about the device's train (NetScaler Gateway lists no FIPS
    builds) does not make undecidable what an entry naming that train decides."""
    judged = [
        (_assess_entry(entry, device, source), _names_train(entry, device)) for entry in entries
    ]
    verdicts = [verdict for verdict, _ in judged]
    for verdict in verdicts:
        if verdict.affected is True:
            return verdict
    if any(v.affected is False and named for v, named in judged):
        verdicts = [v for v, named in judged if v.affected is not None or named]
    for verdict in verdicts:
        if verdict.affected is None:
            return verdict
    hardware = [v for v in verdicts if v.basis == BASIS_HARDWARE]
    return hardware[0] if hardware else verdicts[0]


def _names_train(entry: Mapping[str, Any], device: DeviceFacts) -> bool:
    assert device.version is not None
    statements, _, _ = _statements(entry, device)
    return any(device.version.train in s.trains() for s in statements)


def _assess_entry(entry: Mapping[str, Any], device: DeviceFacts, source: str) -> Verdict:
    assert device.version is not None and device.grammar is not None
    version = device.version
    default = str(entry.get("defaultStatus") or "unknown").lower()
    product = str(entry.get("product") or "?")
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
            return _platform_check(
                entry,
                device,
                Verdict(True, f"{product}: every version is affected (no versions listed)", source),
            )
        return Verdict(None, f"{product}: the vendor lists no versions", source)
    outcome = evaluate(statements, version)
    status = outcome.status
    why = f"{product}: {outcome.why}"
    if status == "default":
        if unreadable:
            return Verdict(
                None,
                f"{why}, but {len(unreadable)} version entries are not "
                f"understood: {'; '.join(unreadable[:3])}",
                source,
            )
        status = _default_status(default, statements, version.train)
        why += {
            "affected": " (vendor default: affected)",
            "unaffected": ", so not affected",
            "unknown": " and the vendor's default status is unknown",
        }[status]
    if status == "affected":
        return _platform_check(entry, device, Verdict(True, why, source))
    if status == "unaffected":
        return Verdict(False, why, source, BASIS_VERSION)
    return Verdict(None, why, source)


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
        except VersionError as exc:
            unreadable.append(f"{text!r} ({exc})")
    return statements, unreadable


def _default_status(default: str, statements: Sequence[Statement], train: str) -> str:
    """Status of a release no statement covers.

    An enumeration is an exact set. A vendor that gives fixes for the release's train has said
    that releases past them are fixed, even where its ``defaultStatus`` says ``affected``
    (Juniper records of 2023 do: their ranges would mean nothing otherwise)."""
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
    return "unknown"


def _platform_check(entry: Mapping[str, Any], device: DeviceFacts, verdict: Verdict) -> Verdict:
    platforms = hardware_platforms([str(p) for p in entry.get("platforms") or ()])
    if not platforms:
        return verdict
    listed = ", ".join(platforms)
    if not device.models:
        return Verdict(
            None, f"{verdict.reason}; only on {listed}, and the record has no model", verdict.source
        )
    if model_on_platform(device.models, platforms):
        return Verdict(True, f"{verdict.reason}; on {listed}", verdict.source)
    return Verdict(
        False,
        f"{verdict.reason}, but only on {listed} (model {', '.join(device.models)})",
        verdict.source,
        BASIS_HARDWARE,
    )
