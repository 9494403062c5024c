"""Assess device records against loaded feeds: one :class:`Assessment` per (device, CVE)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

from netsbom.core.record import DeviceRecord
from netsbom.vuln import ssvc
from netsbom.vuln.applicability import applicability
from netsbom.vuln.device import DeviceFacts, device_facts
from netsbom.vuln.feeds import CveData, Feeds
from netsbom.vuln.verdict import Verdict

# Labels SSVC reads (the rest do not change a decision).
_SSVC_LABELS = ("mission", "wellbeing", "exposure", "human_impact")


@dataclass(frozen=True, slots=True)
class Assessment:
    device: str  # record hostname, else target id
    target_id: str
    cve: str
    os_version: str | None
    affected: bool | None
    reason: str
    sources: tuple[str, ...]
    basis: str | None  # for affected False: version | hardware | product
    kev: bool
    kev_due_date: str | None
    epss: float | None
    epss_percentile: float | None
    ssvc: dict[str, Any]  # shared between assessments alike: read it, do not change it
    needs: str | None = None  # for affected None: what would decide it

    @property
    def priority(self) -> tuple[Any, ...]:
        """Sort key, most urgent first (ascending): pairs that apply or cannot be decided
        before those that do not; CISA KEV first, earliest due date first; then the SSVC
        decision (Act, Attend, Track*, Track); then EPSS; then the deployer decision; affected
        before undecidable; then device and CVE."""
        due = self.kev_due_date or "9999-12-31"
        return (
            self.affected is False,
            not self.kev,
            due if self.kev else "",
            -ssvc.RANK.get(str(self.ssvc.get("decision")), 0),
            -(self.epss or 0.0),
            -ssvc.RANK.get(str(self.ssvc.get("deployer_decision")), 0),
            self.affected is not True,
            self.device,
            self.cve,
        )

    def to_json(self, details: bool = False) -> dict[str, Any]:
        """The issue's JSON Lines shape; ``details`` adds target, basis, KEV due date, EPSS
        percentile and, for an undecidable pair, what would decide it (``needs``)."""
        data: dict[str, Any] = {
            "device": self.device,
            "cve": self.cve,
            "affected": self.affected,
            "reason": self.reason,
            "sources": list(self.sources),
            "kev": self.kev,
            "epss": self.epss,
            "ssvc": self.ssvc,
        }
        if details:
            data.update(
                target=self.target_id,
                basis=self.basis,
                kev_due_date=self.kev_due_date,
                epss_percentile=self.epss_percentile,
                needs=self.needs,
            )
        return data


def assess(
    records: Iterable[DeviceRecord],
    feeds: Feeds,
    keep: Callable[[Verdict], bool] | None = None,
    exposure: Mapping[str, ssvc.ExposureLike] | None = None,
) -> Iterator[Assessment]:
    """Every (device, CVE) pair whose verdict ``keep`` accepts (default: all), devices in input
    order, CVEs sorted by id. Lazy: one device at a time, nothing kept per pair.

    Applicability reads no name, target or label, so devices alike in everything else (one model
    on one release, the common case in a fleet) are judged once per CVE; pairs not kept cost no
    more than that. ``exposure``: System Exposure per record name (from the topology)."""
    cve_ids = sorted(set(feeds.cves) | set(feeds.kev), key=_cve_key)
    cves = [feeds.cves.get(cve_id) or CveData(cve_id) for cve_id in cve_ids]
    judged: dict[DeviceFacts, list[tuple[CveData, Verdict]]] = {}
    decisions: dict[tuple[Any, ...], dict[str, Any]] = {}
    for record in records:
        device = device_facts(record)
        shape = replace(device, name="", target_id="", labels=())
        pairs = judged.get(shape)
        if pairs is None:
            verdicts = [applicability(cve, device, feeds.kev.get(cve.id)) for cve in cves]
            pairs = [(c, v) for c, v in zip(cves, verdicts, strict=True)]
            judged[shape] = pairs
        labels = dict(record.target.labels)
        seen = exposure.get(device.name) if exposure else None
        profile = (
            tuple(labels.get(k) for k in _SSVC_LABELS),
            (seen.level, seen.reason) if seen is not None else None,
        )
        for cve, verdict in pairs:
            if keep is None or keep(verdict):
                key = (cve.id, profile)
                decision = decisions.get(key)
                if decision is None:
                    decision = ssvc.decide(cve.ssvc, cve.id in feeds.kev, labels, seen)
                    decisions[key] = decision
                yield _assessment(device, cve, verdict, feeds, decision)
        if len(decisions) > 200_000:
            decisions.clear()  # bounded: profiles are few, but labels are free text


def _assessment(
    device: DeviceFacts, cve: CveData, verdict: Verdict, feeds: Feeds, decision: dict[str, Any]
) -> Assessment:
    kev = feeds.kev.get(cve.id)
    epss = feeds.epss.get(cve.id)
    sources = [verdict.source]
    if kev is not None:
        sources.append("kev")
    if epss is not None:
        sources.append("epss")
    if cve.ssvc:
        sources.append("cisa-adp")
    return Assessment(
        device=device.name,
        target_id=device.target_id,
        cve=cve.id,
        os_version=device.version_text,
        affected=verdict.affected,
        reason=verdict.reason,
        sources=tuple(dict.fromkeys(sources)),
        basis=verdict.basis if verdict.affected is False else None,
        kev=kev is not None,
        kev_due_date=kev.due_date if kev else None,
        epss=epss.score if epss else None,
        epss_percentile=epss.percentile if epss else None,
        ssvc=decision,
        needs=verdict.needs if verdict.affected is None else None,
    )


def _cve_key(cve_id: str) -> tuple[int, int, str]:
    parts = cve_id.split("-")
    try:
        return (int(parts[1]), int(parts[2]), cve_id)
    except (IndexError, ValueError):
        return (0, 0, cve_id)
