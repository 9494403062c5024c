"""Which devices make a network, and which observation of each counts at a time T.

A *network* is selected by inventory labels (each target's ``labels``: ``network``, ``site``,
``role``, anything the inventory sets)::

    --network lab                          label network == lab
    --select site=dc1,role=leaf|spine      site dc1 and role leaf or spine
    --network lab --select role=spine      both
    --select site=*                        any target that has a site label

``--select`` is a comma-separated list of ``KEY=VALUE[|VALUE...]`` terms, all of which must hold;
``*`` as the value means "the label is set". The selection's name (the SBOM's network name) is the
network, else the select expression.

Records from agent JSON Lines are read with :func:`netsbom.core.record.read_records`;
:func:`latest_records` keeps each target's latest observation at or before T.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from netsbom.core.errors import ConfigError, ExportError
from netsbom.core.record import DeviceRecord, format_time, parse_time

__all__ = ["Selector", "latest_records", "parse_selector"]


@dataclass(frozen=True, slots=True)
class Selector:
    network: str | None = None
    labels: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (key, allowed values); ("*",) = any

    @property
    def name(self) -> str:
        if self.network and not self.labels:
            return self.network
        terms = ",".join(f"{k}={'|'.join(v)}" for k, v in self.labels)
        return f"{self.network}[{terms}]" if self.network else terms

    def matches(self, record: DeviceRecord) -> bool:
        labels = dict(record.target.labels)
        if self.network is not None and labels.get("network") != self.network:
            return False
        for key, allowed in self.labels:
            value = labels.get(key)
            if value is None or (allowed != ("*",) and value not in allowed):
                return False
        return True


def parse_selector(network: str | None, select: str | None) -> Selector:
    """``--network`` and ``--select`` into a :class:`Selector`; ConfigError on a bad term."""
    network = network.strip() if network else None
    terms: list[tuple[str, tuple[str, ...]]] = []
    for raw in (select or "").split(","):
        term = raw.strip()
        if not term:
            continue
        key, sep, values = term.partition("=")
        allowed = tuple(sorted({v.strip() for v in values.split("|") if v.strip()}))
        if not sep or not key.strip() or not allowed:
            raise ConfigError(f"--select term {term!r} is not KEY=VALUE[|VALUE...]")
        terms.append((key.strip(), allowed))
    if not network and not terms:
        raise ConfigError("select a network: --network NAME and/or --select KEY=VALUE,...")
    return Selector(network=network or None, labels=tuple(sorted(terms)))


def latest_records(records: Iterable[DeviceRecord], at: datetime | None) -> list[DeviceRecord]:
    """Each target's latest record at or before ``at`` (default: all).

    A target is an agent's target id; for replays (transport ``replay``) also the recording's
    path, since two recordings may share a file name. Newer replaces older (a replaced chassis
    is the new one); records of one target at the same second that are different devices
    (different chassis id or serial) are all kept: identity resolution then names both and
    flags the conflict, instead of one overwriting the other."""
    latest: dict[tuple[str, ...], tuple[datetime, dict[tuple[str, str], DeviceRecord]]] = {}
    earliest: datetime | None = None
    for record in records:
        try:
            moment = parse_time(record.collected_at)
        except ValueError:
            raise ExportError(
                f"record {record.report_id}: collected_at {record.collected_at!r} is not a time"
            ) from None
        earliest = moment if earliest is None or moment < earliest else earliest
        if at is not None and moment > at:
            continue
        key: tuple[str, ...] = (record.agent_id, record.target.id)
        if record.target.transport == "replay":
            key += (record.target.address,)
        seen = latest.get(key)
        if seen is None or moment > seen[0]:
            seen = latest[key] = (moment, {})
        if moment == seen[0]:
            seen[1][(record.chassis_id or "", record.serial or "")] = record
    if not latest and at is not None and earliest is not None:
        raise ExportError(
            f"--at {format_time(at)} is before the first observation ({format_time(earliest)})"
        )
    return [record for key in sorted(latest) for _, record in sorted(latest[key][1].items())]
