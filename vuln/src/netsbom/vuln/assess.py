"""Assess device records against loaded feeds: one :class:`Assessment` per (device, CVE)."""

from __future__ import annotations

import json
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
    exposure_reason: str | None = None  # why the device's System Exposure is what it is

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
        """The issue's JSON Lines shape; ``details`` adds the target, why the device is exposed
        as SSVC says, basis, KEV due date, EPSS percentile and, for an undecidable pair, what
        would decide it (``needs``)."""
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
                exposure_reason=self.exposure_reason,
                basis=self.basis,
                kev_due_date=self.kev_due_date,
                epss_percentile=self.epss_percentile,
                needs=self.needs,
            )
        return data


@dataclass(frozen=True, slots=True)
class _Device:
    """One device's kept pairs: (CVE, verdict, SSVC decision), shared by devices alike."""

    facts: DeviceFacts
    key: tuple[Any, ...]  # what makes devices alike: shape and SSVC profile
    pairs: list[tuple[CveData, Verdict, dict[str, Any]]]
    exposure_reason: str | None


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
    for device in _devices(records, feeds, keep, exposure):
        for cve, verdict, decision in device.pairs:
            yield _assessment(device, cve, verdict, feeds, decision)


def json_lines(
    records: Iterable[DeviceRecord],
    feeds: Feeds,
    keep: Callable[[Verdict], bool] | None = None,
    exposure: Mapping[str, ssvc.ExposureLike] | None = None,
    details: bool = False,
) -> Iterator[str]:
    """What :func:`assess` gives, as JSON Lines (:meth:`Assessment.to_json`, the same bytes
    ``json.dumps`` writes), one string per device with all its lines. Devices alike share one
    text of their lines with the device name (and target) filled in: a fleet's ``--all`` is
    written at the speed of ``str.replace``, never holding more than one device's lines."""
    texts: dict[tuple[Any, ...], str] = {}
    for device in _devices(records, feeds, keep, exposure):
        text = texts.get(device.key)
        if text is None:
            if len(texts) > 1_000:
                texts.clear()
            text = "".join(
                _line_template(_assessment(device, cve, verdict, feeds, decision), details)
                for cve, verdict, decision in device.pairs
            )
            texts[device.key] = text
        text = text.replace(_NAME, json.dumps(device.facts.name, ensure_ascii=False))
        if details:
            own = {"target": device.facts.target_id, "exposure_reason": device.exposure_reason}
            text = text.replace(_OWN, json.dumps(own, ensure_ascii=False)[1:-1])
        yield text


# Placeholders in a line template: JSON text escapes control characters, so neither can occur.
_NAME = "\x00"
_OWN = "\x01"


def _line_template(item: Assessment, details: bool) -> str:
    """The JSON line of ``item`` with its device name (and with ``details`` its target and
    exposure reason) left as placeholders."""
    data = item.to_json(details)
    data["device"] = _NAME
    if details:
        data["target"] = _OWN
        del data["exposure_reason"]
    text = json.dumps(data, ensure_ascii=False)
    text = text.replace(json.dumps(_NAME), _NAME, 1)
    return text.replace('"target": ' + json.dumps(_OWN), _OWN, 1) + "\n"


def _devices(
    records: Iterable[DeviceRecord],
    feeds: Feeds,
    keep: Callable[[Verdict], bool] | None,
    exposure: Mapping[str, ssvc.ExposureLike] | None,
) -> Iterator[_Device]:
    cve_ids = sorted(set(feeds.cves) | set(feeds.kev), key=_cve_key)
    cves = [feeds.cves.get(cve_id) or CveData(cve_id) for cve_id in cve_ids]
    judged: dict[DeviceFacts, list[tuple[CveData, Verdict]]] = {}
    decided: dict[tuple[Any, ...], list[tuple[CveData, Verdict, dict[str, Any]]]] = {}
    for record in records:
        device = device_facts(record)
        shape = replace(device, name="", target_id="", labels=())
        kept = judged.get(shape)
        if kept is None:
            verdicts = [applicability(cve, device, feeds.kev.get(cve.id)) for cve in cves]
            kept = [(c, v) for c, v in zip(cves, verdicts, strict=True) if keep is None or keep(v)]
            judged[shape] = kept
        labels = dict(record.target.labels)
        seen = exposure.get(device.name) if exposure else None
        system = ssvc.system_exposure(labels, seen)
        key = (shape, tuple(labels.get(k) for k in _SSVC_LABELS), system and system[0])
        pairs = decided.get(key)
        if pairs is None:
            if len(decided) > 10_000:
                decided.clear()  # bounded: labels and exposure paths are free text
            pairs = [
                (cve, verdict, ssvc.decide(cve.ssvc, cve.id in feeds.kev, labels, seen))
                for cve, verdict in kept
            ]
            decided[key] = pairs
        yield _Device(device, key, pairs, system[1] if system else None)


def _assessment(
    device: _Device, cve: CveData, verdict: Verdict, feeds: Feeds, decision: dict[str, Any]
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
    facts = device.facts
    return Assessment(
        device=facts.name,
        target_id=facts.target_id,
        cve=cve.id,
        os_version=facts.version_text,
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
        exposure_reason=device.exposure_reason,
    )


def _cve_key(cve_id: str) -> tuple[int, int, str]:
    parts = cve_id.split("-")
    try:
        return (int(parts[1]), int(parts[2]), cve_id)
    except (IndexError, ValueError):
        return (0, 0, cve_id)
