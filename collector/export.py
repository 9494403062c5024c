"""Assemble a network's configuration at a point in time from the store and render it."""

from __future__ import annotations

from datetime import datetime

from netsbom.collector.sbom.cyclonedx import render_cyclonedx
from netsbom.collector.store import Store
from netsbom.errors import ExportError
from netsbom.topology.configuration import Configuration, build_configuration
from netsbom.topology.record import format_time, parse_time

FORMATS = ("cyclonedx-json", "cyclonedx-xml")


def parse_at(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        return parse_time(text)
    except ValueError:
        raise ExportError(f"--at {text!r} is not an ISO 8601 time (e.g. 2026-10-01T00:00:00Z)")


def configuration_at(store: Store, *, network: str, at: datetime | None) -> Configuration:
    """Every device's latest observation at or before ``at`` in ``network``, plus the links.

    Without ``at`` the configuration is dated by its newest observation, so the same store state
    always gives the same document."""
    records = store.latest(network=network, at=at)
    if not records:
        known = store.networks()
        if network not in known:
            names = ", ".join(known) or "none yet"
            raise ExportError(f"no observations for network {network!r} (known networks: {names})")
        first = store.first_observation(network)
        assert first is not None and at is not None
        raise ExportError(
            f"--at {format_time(at)} is before the first observation of network {network!r}"
            f" ({format_time(first)})"
        )
    moment = format_time(at) if at is not None else max(r.collected_at for r in records)
    return build_configuration(network, moment, records)


def export_sbom(store: Store, *, network: str, at: datetime | None, fmt: str) -> bytes:
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")
    config = configuration_at(store, network=network, at=at)
    return render_cyclonedx(config, "json" if fmt == "cyclonedx-json" else "xml")
