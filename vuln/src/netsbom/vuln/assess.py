"""Assess device records against loaded feeds: one :class:`Assessment` per (device, CVE)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from netsbom.core.record import DeviceRecord
from netsbom.vuln import ssvc
from netsbom.vuln.applicability import applicability
from netsbom.vuln.device import DeviceFacts, device_facts
from netsbom.vuln.feeds import CveData, Feeds
from netsbom.vuln.verdict import Verdict


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
    ssvc: dict[str, Any]

    @property
    def priority(self) -> tuple[int, int, float, int]:
        """Sort key, highest first: affected, SSVC decision, KEV, EPSS."""
        rank = {True: 2, None: 1, False: 0}[self.affected]
        return (rank, ssvc.priority(self.ssvc), self.epss or 0.0, int(self.kev))

    def to_json(self, details: bool = False) -> dict[str, Any]:
        """The issue's JSON Lines shape; ``details`` adds due date, percentile and basis."""
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
            )
        return data


def assess(
    records: Iterable[DeviceRecord],
    feeds: Feeds,
    keep: Callable[[Verdict], bool] | None = None,
) -> Iterator[Assessment]:
    """Every (device, CVE) pair whose verdict ``keep`` accepts (default: all), devices in input
    order, CVEs sorted by id. Lazy: one device at a time.

    Applicability reads no name, target or label, so devices alike in everything else (one model
    on one release, the common case in a fleet) are judged once per CVE; pairs not kept cost no
    more than that."""
    cve_ids = sorted(set(feeds.cves) | set(feeds.kev), key=_cve_key)
    cves = [feeds.cves.get(cve_id) or CveData(cve_id) for cve_id in cve_ids]
    judged: dict[DeviceFacts, list[Verdict]] = {}
    for record in records:
        device = device_facts(record)
        shape = replace(device, name="", target_id="", labels=())
        verdicts = judged.get(shape)
        if verdicts is None:
            verdicts = [applicability(cve, device, feeds.kev.get(cve.id)) for cve in cves]
            judged[shape] = verdicts
        labels = dict(record.target.labels)
        for cve, verdict in zip(cves, verdicts, strict=True):
            if keep is None or keep(verdict):
                yield _assessment(device, cve, verdict, feeds, labels)


def _assessment(
    device: DeviceFacts, cve: CveData, verdict: Verdict, feeds: Feeds, labels: dict[str, str]
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
        ssvc=ssvc.decide(cve.ssvc, kev is not None, labels),
    )


def _cve_key(cve_id: str) -> tuple[int, int, str]:
    parts = cve_id.split("-")
    try:
        return (int(parts[1]), int(parts[2]), cve_id)
    except (IndexError, ValueError):
        return (0, 0, cve_id)
