"""The console's access to the store: configurations built once and kept (a 10,000-device network
takes seconds to assemble, a page must answer in milliseconds), vulnerabilities, history, SBOMs.

A view is rebuilt when the store has received something since (its newest row id changed), at
most once per ``max_age`` seconds for the latest state; views of a past time (``at``) are kept
until pushed out by newer ones (``keep`` entries). A view that took a second or more to build is
rebuilt in a background thread while pages answer from the previous one.
"""

from __future__ import annotations

import gc
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from netsbom.collector.export import FORMATS, assess_records, configuration_at, render_sbom
from netsbom.collector.store import Store
from netsbom.collector.web.views import NetworkView, Row
from netsbom.core.errors import ConfigError, ExportError
from netsbom.core.perf import gc_paused
from netsbom.core.record import DeviceRecord, format_time

log = logging.getLogger(__name__)

PROFILES = ("inventory", "vulnerabilities")  # an SBOM as deployed; the same with VEX statements


@dataclass
class Console:
    store: Store
    feeds_dir: Path | None = None
    policy: Any = None  # a loaded netsbom.collector.policy Policy (web/compliance.py)
    max_age: float = 10.0
    keep: int = 8
    background_after: float = 1.0  # seconds a build took, above which it is refreshed in the back
    # key -> (store stamp, built at (monotonic), build seconds, view)
    _views: OrderedDict[tuple[str, str | None], tuple[int, float, float, NetworkView]] = field(
        default_factory=OrderedDict
    )
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _building: dict[tuple[str, str | None], threading.Lock] = field(default_factory=dict)
    _feeds: Any = None

    def networks(self) -> list[str]:
        return self.store.networks()

    def view(self, network: str, at: datetime | None = None) -> NetworkView:
        """The configuration of ``network`` at ``at`` (default: latest) with its tables.

        A view whose last build took ``background_after`` seconds or more is refreshed in a
        background thread when it is out of date: pages answer from it meanwhile (one build
        behind at most) instead of making a visitor wait seconds at every new observation."""
        key = (network, format_time(at) if at is not None else None)
        with self._lock:
            cached = self._views.get(key)
        if cached is not None:
            built_stamp, built_at, took, view = cached
            fresh = at is None and time.monotonic() - built_at < self.max_age
            if fresh or built_stamp == self.store.last_id():
                self._touch(key)
                return view
            if took >= self.background_after:
                self._refresh(key, network, at)
                self._touch(key)
                return view
        return self._build(key, network, at, cached)

    def _touch(self, key: tuple[str, str | None]) -> None:
        with self._lock:
            if key in self._views:
                self._views.move_to_end(key)

    def _key_lock(self, key: tuple[str, str | None]) -> threading.Lock:
        with self._lock:
            return self._building.setdefault(key, threading.Lock())

    def _build(
        self, key: tuple[str, str | None], network: str, at: datetime | None, seen: object
    ) -> NetworkView:
        with self._key_lock(key):  # one build per key at a time; the others take its result
            with self._lock:
                cached = self._views.get(key)
            if cached is not None and cached is not seen:  # built while this one waited
                return cached[3]
            stamp = self.store.last_id()
            started = time.monotonic()
            with gc_paused():  # millions of acyclic objects: no collection while building
                view = NetworkView(configuration_at(self.store, network=network, at=at))
                view.prepare()
            _keep_out_of_collections()
            now = time.monotonic()
            with self._lock:
                self._views[key] = (stamp, now, now - started, view)
                self._views.move_to_end(key)
                while len(self._views) > self.keep:
                    evicted, _ = self._views.popitem(last=False)
                    if evicted != key:
                        self._building.pop(evicted, None)
            return view

    def _refresh(self, key: tuple[str, str | None], network: str, at: datetime | None) -> None:
        """Rebuild ``key`` in a background thread unless one is building it already."""
        lock = self._key_lock(key)
        if lock.locked():
            return
        with self._lock:
            seen = self._views.get(key)

        def rebuild() -> None:
            try:
                self._tables(self._build(key, network, at, seen))
            except Exception as exc:  # the next request builds it again and shows the error
                log.warning("console refresh of %s: %s", network, exc)

        threading.Thread(target=rebuild, name="console-refresh", daemon=True).start()

    def warm(self) -> None:
        """Build the latest view of each network (up to ``keep``) with its vulnerability and
        compliance tables, so the first visitor does not wait for them (seconds at 10,000
        devices). Run in a background thread when the console starts; a failure is logged and
        left to the request that meets it again."""
        for network in self.networks()[: self.keep]:
            try:
                self._tables(self.view(network))
            except Exception as exc:  # a warm-up never stops the console
                log.warning("console warm-up of %s: %s", network, exc)

    def _tables(self, view: NetworkView) -> None:
        """The derived tables a visitor asks for next: vulnerabilities (with --feeds) and
        policy compliance (with a policy)."""
        if self.feeds() is not None:
            self.vulnerability_rows(view)
        self.compliance(view)

    # --- vulnerabilities -------------------------------------------------------------------

    def feeds(self) -> Any:
        """The feeds of ``--feeds``, loaded once (None without it)."""
        if self.feeds_dir is None:
            return None
        with self._lock:
            if self._feeds is None:
                from netsbom.vuln.feeds import load_feeds

                self._feeds = load_feeds(self.feeds_dir)
                for problem in self._feeds.problems:
                    log.warning("feeds: %s", problem)
            return self._feeds

    def assessments(self, view: NetworkView) -> list[Any]:
        feeds = self.feeds()
        if feeds is None:
            raise ConfigError("no vulnerability feeds: start the console with --feeds DIR")
        cached = view.cache.get("assessments")
        if cached is None:
            from netsbom.topology.exposure import exposures

            config = view.config
            with gc_paused():
                cached = list(
                    assess_records(config.records, feeds, exposures(config.records, config.links))
                )
            _keep_out_of_collections()
            view.cache["assessments"] = cached
        return list(cached)

    def vulnerability_rows(self, view: NetworkView) -> list[Row]:
        """:func:`netsbom.vuln.report.priority_rows` plus each pair's sources and VEX state."""
        cached = view.cache.get("vulnerability_rows")
        if cached is None:
            from netsbom.collector.sbom.vulnerabilities import vex_state
            from netsbom.vuln.report import by_priority, priority_rows

            ordered = by_priority(self.assessments(view))
            cached = priority_rows(ordered)
            node_of = {(r.target.id, r.name): n for n, r in view.by_node.items()}
            for row, item in zip(cached, ordered, strict=True):
                row["sources"] = list(item.sources)
                row["vex_state"] = vex_state(item)
                row["node"] = node_of.get((item.target_id, item.device))
            view.cache["vulnerability_rows"] = cached
        return list(cached)

    # --- compliance --------------------------------------------------------------------------

    def compliance(self, view: NetworkView) -> dict[str, dict[str, Any]] | None:
        if self.policy is None:
            return None
        cached = view.cache.get("compliance")
        if cached is None:
            from netsbom.collector.web.compliance import device_compliance

            cached = device_compliance(self.policy, view.config)
            view.cache["compliance"] = cached
        return dict(cached)

    def rows(self, view: NetworkView) -> list[Row]:
        """The device rows, with the compliance column filled when a policy is loaded."""
        compliance = self.compliance(view)
        if compliance is None:
            return view.rows
        return [
            {**r, "compliance": (compliance.get(r["node"]) or {}).get("status", "no-rule")}
            for r in view.rows
        ]

    # --- one device --------------------------------------------------------------------------

    def history(self, record: DeviceRecord, limit: int = 50) -> list[Row]:
        """The device's stored observations, newest first, each with what changed since the one
        before it."""
        records = self.store.history(record.target.id, limit=limit + 1)
        out: list[Row] = []
        for newer, older in zip(records, [*records[1:], None], strict=True):
            if len(out) == limit:
                break
            out.append(
                {
                    "collected_at": newer.collected_at,
                    "agent": newer.agent_id,
                    "transport": newer.target.transport,
                    "os_version": newer.os.version,
                    "complete": newer.complete,
                    "changes": changes(older, newer) if older is not None else ["first seen"],
                }
            )
        return out

    # --- SBOM --------------------------------------------------------------------------------

    def sbom(self, view: NetworkView, fmt: str, profile: str = "inventory") -> bytes:
        if fmt not in FORMATS:
            raise ExportError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")
        if profile not in PROFILES:
            raise ExportError(f"unknown profile {profile!r} (one of {', '.join(PROFILES)})")
        assessments = self.assessments(view) if profile == "vulnerabilities" else None
        return render_sbom(view.config, fmt, assessments)

    def diff(self, network: str, before: datetime, after: datetime | None) -> Row:
        from netsbom.collector.sbom.build import build_document
        from netsbom.collector.sbom.reader import snapshot_of
        from netsbom.topology.diff import diff_json, diff_snapshots

        old = snapshot_of(build_document(self.view(network, before).config))
        new = snapshot_of(build_document(self.view(network, after).config))
        return diff_json(old, new, diff_snapshots(old, new))


def _keep_out_of_collections() -> None:
    """Move what exists now to the collector's permanent generation: a kept view (10,000
    devices: millions of objects) is otherwise walked by every full collection, a pause of
    seconds in a later request. Reference counting still frees an evicted view."""
    gc.freeze()


def changes(older: DeviceRecord, newer: DeviceRecord) -> list[str]:
    """What differs between two observations of one device, for people (empty: nothing)."""
    out: list[str] = []
    for label, old, new in (
        ("hostname", older.hostname, newer.hostname),
        ("vendor", older.vendor, newer.vendor),
        ("model", older.model, newer.model),
        ("serial", older.serial, newer.serial),
        ("OS", older.os.family, newer.os.family),
        ("OS version", older.os.version, newer.os.version),
        ("complete", older.complete, newer.complete),
    ):
        if old != new:
            out.append(f"{label}: {old or '-'} \u2192 {new or '-'}")

    def modules(r: DeviceRecord) -> dict[str, str]:
        return {
            c.name or c.index: " ".join(
                v for v in (c.model, c.serial, c.firmware_rev, c.software_rev) if v
            )
            for c in r.components
            if c.cls not in ("port", "sensor")
        }

    def packages(r: DeviceRecord) -> dict[str, str]:
        return {s.name: s.version or "-" for s in r.software}

    def neighbours(r: DeviceRecord) -> dict[str, str]:
        return {
            f"{n.local_port or '?'}": f"{n.remote_name or n.remote_chassis_id or '?'}"
            f" {n.remote_port or ''}".strip()
            for n in r.neighbors
        }

    for noun, before, after in (
        ("module", modules(older), modules(newer)),
        ("package", packages(older), packages(newer)),
        ("neighbour on", neighbours(older), neighbours(newer)),
    ):
        out += _mapping_changes(noun, before, after)
    return out


def _mapping_changes(noun: str, before: Mapping[str, str], after: Mapping[str, str]) -> list[str]:
    out = []
    for key in sorted(before.keys() | after.keys()):
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        if old is None:
            out.append(f"{noun} {key} added: {new}")
        elif new is None:
            out.append(f"{noun} {key} removed: {old}")
        else:
            out.append(f"{noun} {key}: {old} \u2192 {new}")
    return out
