"""Assemble a network's configuration at a point in time from the store and render it."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from netsbom.collector.store import Store
from netsbom.core.errors import ExportError
from netsbom.core.record import DeviceRecord, format_time, parse_time
from netsbom.topology.configuration import Configuration, build_configuration
from netsbom.topology.selection import Selector

if TYPE_CHECKING:
    from netsbom.collector.sbom.licences import LicenceRules
    from netsbom.collector.sbom.model import Document, Entity, ExternalBom
    from netsbom.vuln.assess import Assessment
    from netsbom.vuln.feeds import Feeds
    from netsbom.vuln.ssvc import ExposureLike

FORMATS = ("cyclonedx-json", "cyclonedx-xml", "spdx-json", "spdx3-jsonld")


def parse_at(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        return parse_time(text)
    except ValueError:
        raise ExportError(
            f"--at {text!r} is not an ISO 8601 time (e.g. 2026-10-01T00:00:00Z)"
        ) from None


def configuration_at(
    store: Store,
    *,
    network: str | None = None,
    at: datetime | None,
    select: Selector | None = None,
) -> Configuration:
    """Every selected device's latest observation at or before ``at``, plus the links.

    ``network`` alone selects the targets labelled ``network=NAME``; ``select`` adds label terms
    (see :mod:`netsbom.topology.selection`). Without ``at`` the configuration is dated by its
    newest observation, so the same store state always gives the same document."""
    selector = select or Selector(network=network)
    if selector.network is None and not selector.labels:
        raise ExportError("select a network: --network NAME and/or --select KEY=VALUE,...")
    records = [r for r in store.latest(network=selector.network, at=at) if selector.matches(r)]
    if not records:
        if selector.network is not None and selector.network not in store.networks():
            names = ", ".join(store.networks()) or "none yet"
            raise ExportError(
                f"no observations for network {selector.network!r} (known networks: {names})"
            )
        if at is not None:
            ever = [r for r in store.latest(network=selector.network) if selector.matches(r)]
            first = store.first_observation(selector.network)
            if ever and first is not None and at < first:
                raise ExportError(
                    f"--at {format_time(at)} is before the first observation of network"
                    f" {selector.name!r} ({format_time(first)})"
                )
            if ever:
                raise ExportError(
                    f"--at {format_time(at)} is before the first observation of network"
                    f" {selector.name!r}"
                )
        raise ExportError(f"no device matches {selector.name!r}")
    moment = format_time(at) if at is not None else max(r.collected_at for r in records)
    return build_configuration(selector.name, moment, records)


def assess_configuration(
    config: Configuration, feeds: Feeds | Path, warn: Callable[[str], None] | None = None
) -> Iterator[Assessment]:
    """Assess every record of ``config`` (:func:`assess_records`) against ``feeds``, or the
    feeds in that directory (layout as ``netsbom vuln assess --feeds``; unusable feed files go
    to ``warn``)."""
    from netsbom.topology.exposure import exposures

    if isinstance(feeds, Path):
        feeds = load_export_feeds(feeds, warn)
    return assess_records(
        config.records, feeds, exposures(config.records, config.links, config.segments)
    )


def assess_records(
    records: Iterable[DeviceRecord],
    feeds: Feeds,
    exposure: Mapping[str, ExposureLike] | None = None,
) -> Iterator[Assessment]:
    """:func:`netsbom.vuln.assess.assess` for an export: the same results in the same order,
    without the pairs whose CVE concerns other products (basis ``product``, never in a VEX).
    ``exposure``: each device's System Exposure from the topology (SSVC deployer decision)."""
    from netsbom.vuln.assess import assess
    from netsbom.vuln.verdict import BASIS_PRODUCT

    return assess(
        records,
        feeds,
        keep=lambda v: not (v.affected is False and v.basis == BASIS_PRODUCT),
        exposure=exposure,
    )


@dataclass(frozen=True, slots=True)
class SbomOptions:
    """How to write an SBOM beyond its format (``sbom export`` flags, collector config)."""

    compact: bool = False  # JSON without indentation
    authors: tuple[Entity, ...] = ()  # who wrote the SBOM (--author)
    supplier: Entity | None = None  # who supplies the system (--supplier)
    profile: str | None = None  # a regulator's profile (netsbom.collector.sbom.profiles)
    view: str | None = None  # "flat": every component at the top, for Dependency-Track
    licences: LicenceRules | None = None  # the operator's concluded licences (--licences)
    # per node id of a device: golden-firmware policy results, vendors' product SBOMs (extras())
    device_properties: Mapping[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)
    device_boms: Mapping[str, tuple[ExternalBom, ...]] = field(default_factory=dict)
    properties: tuple[tuple[str, str], ...] = ()  # of the document: the feeds a VEX used


def load_export_feeds(feeds_dir: Path, warn: Callable[[str], None] | None = None) -> Feeds:
    """The feeds of ``feeds_dir`` (VulnError when they hold no usable CVE data); unusable
    feed files go to ``warn``."""
    from netsbom.vuln.feeds import load_feeds

    feeds = load_feeds(feeds_dir)
    for problem in feeds.problems:
        if warn is not None:
            warn(problem)
    return feeds


def feeds_properties(feeds: Feeds) -> tuple[tuple[str, str], ...]:
    """What a VEX states about its sources: ``netsbom:feeds:<feed>`` = records and dates."""
    return tuple((f"netsbom:feeds:{name}", text) for name, text in feeds.sources())


def with_extras(
    options: SbomOptions,
    config: Configuration,
    *,
    store: Store | None = None,
    policy: Path | None = None,
) -> SbomOptions:
    """``options`` with what the SBOM says beyond the observations: each device's compliance
    with a golden-firmware ``policy`` file (``netsbom:policy:*`` properties) and the vendors'
    product SBOMs attached in ``store`` (``sbom attach``: references on the devices)."""
    from netsbom.collector.policy import evaluate, load_policy, policy_properties
    from netsbom.collector.vendor_sboms import attachments_for, external_bom

    properties = {}
    if policy is not None:
        found = policy_properties(evaluate(load_policy(policy), config))
        properties = {node: tuple(props) for node, props in found.items()}
    boms = {}
    if store is not None:
        attached = attachments_for(config, store)
        boms = {node: tuple(external_bom(b) for b in items) for node, items in attached.items()}
    return replace(options, device_properties=properties, device_boms=boms)


def parse_entity(text: str, flag: str) -> Entity:
    """``NAME[,URL][,EMAIL]`` -> an :class:`Entity` (the URL has ``://``, the e-mail an ``@``)."""
    from netsbom.collector.sbom.model import Entity

    name, *rest = [part.strip() for part in text.split(",")]
    url = next((p for p in rest if "://" in p), None)
    email = next((p for p in rest if "@" in p and "://" not in p), None)
    unknown = [p for p in rest if p not in (url, email)]
    if not name or unknown or len(rest) > 2:
        raise ExportError(
            f"{flag} {text!r}: expected NAME[,URL][,EMAIL] (URL with ://, e-mail with @)"
        )
    return Entity(name, url, email)


def render_sbom(
    config: Configuration,
    fmt: str,
    assessments: Iterable[Assessment] | None = None,
    options: SbomOptions | None = None,
) -> bytes:
    """``config`` in one of :data:`FORMATS`; with ``assessments`` (of ``config.records``, read
    once) CycloneDX carries ``vulnerabilities`` (VEX) and SPDX 3 the Security profile."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")
    options = options or SbomOptions()
    doc = build_sbom(config, assessments, options, fmt)
    return write_document(doc, fmt, compact=options.compact)


def build_sbom(
    config: Configuration,
    assessments: Iterable[Assessment] | None,
    options: SbomOptions,
    fmt: str | None = None,
) -> Document:
    """The model of an export: built once, with the options' profile and view applied."""
    from netsbom.collector.sbom.build import build_document
    from netsbom.collector.sbom.model import flat_view
    from netsbom.collector.sbom.profiles import apply_profile, check_format

    if fmt is not None:
        check_format(options.profile, fmt)
    if options.view not in (None, "flat"):
        raise ExportError(f"unknown view {options.view!r} (flat)")
    doc = build_document(
        config,
        assessments,
        authors=options.authors,
        supplier=options.supplier,
        device_properties=options.device_properties,
        device_boms=options.device_boms,
        extra_properties=options.properties,
        licences=options.licences,
    )
    doc = apply_profile(doc, options.profile)
    return flat_view(doc) if options.view == "flat" else doc


def write_document(doc: Document, fmt: str, *, compact: bool = False) -> bytes:
    """The model in one of :data:`FORMATS` (XML has no compact form)."""
    if fmt == "cyclonedx-json":
        from netsbom.collector.sbom import cyclonedx_json

        return cyclonedx_json.render(doc, compact=compact)
    if fmt == "cyclonedx-xml":
        from netsbom.collector.sbom import cyclonedx_xml

        return cyclonedx_xml.render(doc)
    if fmt == "spdx-json":
        from netsbom.collector.sbom import spdx2

        return spdx2.render(doc, compact=compact)
    if fmt == "spdx3-jsonld":
        from netsbom.collector.sbom import spdx3

        return spdx3.render(doc, compact=compact)
    raise ExportError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")


def export_sbom(
    store: Store,
    *,
    network: str | None = None,
    at: datetime | None,
    fmt: str,
    select: Selector | None = None,
) -> bytes:
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")
    config = configuration_at(store, network=network, at=at, select=select)
    return render_sbom(config, fmt)
