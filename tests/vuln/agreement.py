"""Agreement with the vendors' own statements over every CNA record netsbom can interpret.

For each product entry that maps to an OS family: every enumerated affected version must come
out affected; for ranges, the start (when it is a release) and a ``lessThanOrEqual`` end must be
affected and each ``lessThan`` fix must not be. Devices get the hardware of the entry's first
platform (its chassis series as the model, the line cards it names as modules).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from netsbom.core.record import Component, DeviceRecord, OsInfo, Target
from netsbom.core.versions import Version, VersionError, grammar, parse_version
from netsbom.vuln.applicability import applicability
from netsbom.vuln.cna import entries_for
from netsbom.vuln.device import device_facts
from netsbom.vuln.feeds import CveData, Feeds
from netsbom.vuln.products import PRODUCTS
from netsbom.vuln.ranges import OPEN_STARTS, parse_statement


@dataclass
class Tally:
    checked: int = 0
    agreed: int = 0
    per_family: dict[str, list[int]] = field(default_factory=dict)
    disagreements: list[str] = field(default_factory=list)

    def add(self, family: str, ok: bool, what: str) -> None:
        self.checked += 1
        self.agreed += ok
        counts = self.per_family.setdefault(family, [0, 0])
        counts[0] += 1
        counts[1] += ok
        if not ok:
            self.disagreements.append(what)

    @property
    def ratio(self) -> float:
        return self.agreed / self.checked if self.checked else 0.0


def device(
    family: str, version: str, vendor: str, model: str | None, modules: tuple[str, ...] = ()
) -> DeviceRecord:
    cards = tuple(
        Component(index=str(n), cls="module", name=f"FPC {n}", model=m)
        for n, m in enumerate(modules, start=2)
    )
    return DeviceRecord(
        target=Target(f"{family}-{version}", "192.0.2.1", 161, "replay"),
        agent_id="test",
        collected_at="2026-01-01T00:00:00Z",
        report_id="r",
        vendor=vendor,
        model=model,
        os=OsInfo(family=family, version=version),
        components=cards,
    )


def family_of(entry: Mapping[str, Any]) -> str | None:
    name = str(entry.get("product") or "")
    vendor = str(entry.get("vendor") or "")
    for product in PRODUCTS.values():
        if product.names_product(name) and (product.names_vendor(vendor) or not vendor):
            return product.family
    return None


def checks(entry: Mapping[str, Any], family: str) -> Iterator[tuple[str, bool]]:
    """(version, expected affected) pairs the vendor states explicitly. A fix is expected not
    affected unless another affected statement of the entry starts in the fix's train."""
    family_grammar = grammar(family)
    starts = set()
    for item in entry.get("versions") or ():
        try:
            starts.add(parse_statement(family_grammar, item)[0].start)
        except (VersionError, TypeError, AttributeError):
            continue
    for item in entry.get("versions") or ():
        if not isinstance(item, dict) or item.get("status") != "affected":
            continue
        version = str(item.get("version") or "").strip()
        less, less_eq = item.get("lessThan"), item.get("lessThanOrEqual")
        if less is None and less_eq is None:
            if (
                version
                and "," not in version
                and " " not in version
                and "*" not in version
                and version.lower() not in OPEN_STARTS
            ):
                yield version, True
            continue
        if version.lower() not in OPEN_STARTS and "*" not in version:
            yield version, True
        if less_eq is not None and "*" not in str(less_eq):
            yield str(less_eq).strip(), True
        if less is not None:
            start = None if version.lower() in OPEN_STARTS else _try(family, version)
            for raw in str(less).split(","):
                fix = raw.strip()
                if not fix or "*" in fix or fix.lower() == "all":
                    continue
                qualified = family_grammar.qualify(fix.replace("-EVO", ""), start)
                parsed = _try(family, qualified)
                others = {s.train for s in starts if s is not None and s != start}
                if parsed is not None and parsed.train not in others:
                    yield qualified, False


def _try(family: str, text: str) -> Version | None:
    try:
        return parse_version(family, text.replace("-EVO", ""))
    except VersionError:
        return None


def measure(feeds: Feeds) -> Tally:
    tally = Tally()
    for cve in feeds.cves.values():
        for entry in cve.cna_affected or ():
            family = family_of(entry)
            if family is None:
                continue
            vendor = str(entry.get("vendor") or PRODUCTS[family].vendors[0])
            model, modules = hardware_for(cve, entry, family, vendor)
            for version, expected in checks(entry, family):
                _check(tally, cve, family, version, expected, vendor, model, modules)
    return tally


def hardware_for(
    cve: CveData, entry: Mapping[str, Any], family: str, vendor: str
) -> tuple[str | None, tuple[str, ...]]:
    """A model (and line cards) on the first hardware the vendor limits the entry to."""
    probe = device_facts(device(family, "0", vendor, None))
    found = entries_for([entry], probe, cve.assigner, cve.description)
    platforms = [p for p in found[0].scope.only if p.chassis] if found else []
    if not platforms:
        return None, ()
    return platforms[0].chassis[0].text, tuple(m.text for m in platforms[0].modules)


def _check(
    tally: Tally,
    cve: CveData,
    family: str,
    version: str,
    expected: bool,
    vendor: str,
    model: str | None,
    modules: tuple[str, ...],
) -> None:
    if "junos" in family:
        version = version.replace("-EVO", "").replace("-EV", "")
    facts = device_facts(device(family, version, vendor, model, modules))
    if facts.version is None:
        return  # not a version netsbom can read: not interpretable, not counted
    only_cna = CveData(
        cve.id,
        cna_affected=cve.cna_affected,
        assigner=cve.assigner,
        cna_vendor_names=cve.cna_vendor_names,
        description=cve.description,
    )
    verdict = applicability(only_cna, facts)
    if facts.version.train_only and expected:
        return  # "21.4" names a train, not a release a device runs
    tally.add(
        family,
        verdict.affected is expected,
        f"{cve.id} {family} {version}: expected {expected}, got {verdict.affected} "
        f"({verdict.reason[:160]})",
    )
