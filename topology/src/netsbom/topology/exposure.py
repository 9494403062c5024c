"""How exposed each device is, from the topology: SSVC *System Exposure* with the path as reason.

Inputs are the configuration's records (their inventory labels), links (LLDP/CDP, with ends
outside the inventory marked external) and shared segments (every port on a segment has every
other port's device as a neighbour). Labels, all optional:

    internet_facing: "true"        the device itself faces the internet
    zone: dmz                      the zone the device sits in
    management_zone: oob           the zone its management interface sits in
    zone.<port>: internet          the zone of the link or segment on one port (zone.et-0/0/2)

Zones named ``internet``, ``external``, ``public``, ``untrusted``, ``guest`` or ``dmz`` are
untrusted. A device is

- **open** when it is internet-facing, a port of it is in an untrusted zone, or its management
  is reachable from an untrusted zone (management zone untrusted, or a management port whose
  link leads to an untrusted zone or to a device outside the inventory);
- **controlled** when a neighbour is outside the inventory, or a neighbour is internet-facing or
  in an untrusted zone (one filtering hop away);
- **small** when it has neighbours and none of the above holds.

A device with no neighbour and no label gets no exposure (the deployer tree is then not
evaluated). The inventory label ``exposure`` (internet|controlled|internal) overrides all of this
where SSVC is decided (:mod:`netsbom.vuln.ssvc`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from netsbom.core.record import DeviceRecord
from netsbom.topology.links import Link, LinkEnd, Segment, normalize_interface

__all__ = ["UNTRUSTED_ZONES", "Exposure", "exposures"]

UNTRUSTED_ZONES = frozenset({"internet", "external", "public", "untrusted", "guest", "dmz"})
_TRUE = frozenset({"true", "yes", "1", "on"})
# Out-of-band management ports as the vendors name them (normalised by normalize_interface).
_MANAGEMENT_PORT = re.compile(r"^(management|mgmt|fxp|em|me|ma)\d")

Level = Literal["open", "controlled", "small"]


@dataclass(frozen=True, slots=True)
class Exposure:
    level: Level
    reason: str  # the path that makes it so


def exposures(
    records: Iterable[DeviceRecord], links: Iterable[Link], segments: Iterable[Segment] = ()
) -> dict[str, Exposure]:
    """Exposure per record name, for the records with a label or a neighbour."""
    devices = {record.name: dict(record.target.labels) for record in records}
    sides: dict[str, list[tuple[LinkEnd, LinkEnd]]] = {name: [] for name in devices}
    pairs = [pair for link in links for pair in ((link.a, link.b), (link.b, link.a))]
    pairs += [
        (here, there)
        for segment in segments
        for here in segment.ends
        for there in segment.ends
        if there.node != here.node
    ]
    for here, there in pairs:
        if not here.external and here.device in sides:
            sides[here.device].append((here, there))
    found: dict[str, Exposure] = {}
    for name, labels in devices.items():
        exposure = _Place(name, labels, sides[name], devices).exposure()
        if exposure is not None:
            found[name] = exposure
    return found


@dataclass(frozen=True, slots=True)
class _Place:
    """A device where the topology puts it: its labels, its link ends, everyone's labels."""

    name: str
    labels: Mapping[str, str]
    neighbours: list[tuple[LinkEnd, LinkEnd]]  # (this end, the other end)
    devices: Mapping[str, Mapping[str, str]]

    def exposure(self) -> Exposure | None:
        name = self.name
        opened = self._open()
        if opened is not None:
            return Exposure("open", opened)
        for here, there in self.neighbours:
            if there.external:
                return Exposure(
                    "controlled",
                    f"{name} {_port(here)}-> {there.device}{_at(there)}, which is not in the "
                    "inventory",
                )
        for here, there in self.neighbours:
            why = _untrusted_device(self.devices.get(there.device, {}))
            if why:
                return Exposure(
                    "controlled", f"{name} {_port(here)}-> {there.device}{_at(there)} ({why})"
                )
        if not self.neighbours:
            return None
        names = sorted({there.device for _, there in self.neighbours})
        shown = ", ".join(names[:4]) + (f" and {len(names) - 4} more" if len(names) > 4 else "")
        return Exposure(
            "small",
            f"{name}: its neighbours ({shown}) are in the inventory, none internet-facing or in "
            "an untrusted zone",
        )

    def _open(self) -> str | None:
        name, labels = self.name, self.labels
        why = _untrusted_device(labels)
        if why:
            return f"{name} is {why}"
        management = (labels.get("management_zone") or "").strip().lower()
        if management in UNTRUSTED_ZONES:
            return f"{name}: management is in zone {management} (label management_zone)"
        for port, zone in _port_zones(labels):
            if zone in UNTRUSTED_ZONES:
                return f"{name} {port} is in zone {zone} (label zone.{port})"
        for here, there in self.neighbours:
            if not _is_management(here.port):
                continue
            if there.external:
                return (
                    f"{name} management port {here.port} -> {there.device}, which is not in "
                    "the inventory"
                )
            remote = self.devices.get(there.device, {})
            reach = _untrusted_device(remote)
            remote_zone = _zone_of_port(remote, there.port)
            if reach is None and remote_zone is not None:
                reach = f"its port {there.port} is in zone {remote_zone}"
            if reach is not None:
                return f"{name} management port {here.port} -> {there.device} ({reach})"
        return None


def _untrusted_device(labels: Mapping[str, str]) -> str | None:
    if (labels.get("internet_facing") or "").strip().lower() in _TRUE:
        return "internet-facing (label internet_facing)"
    zone = (labels.get("zone") or "").strip().lower()
    if zone in UNTRUSTED_ZONES:
        return f"in zone {zone} (label zone)"
    return None


def _port_zones(labels: Mapping[str, str]) -> list[tuple[str, str]]:
    return sorted(
        (key[len("zone.") :], value.strip().lower())
        for key, value in labels.items()
        if key.startswith("zone.") and len(key) > len("zone.")
    )


def _zone_of_port(labels: Mapping[str, str], port: str | None) -> str | None:
    wanted = normalize_interface(port)
    for labelled, zone in _port_zones(labels):
        if wanted is not None and normalize_interface(labelled) == wanted:
            return zone if zone in UNTRUSTED_ZONES else None
    return None


def _is_management(port: str | None) -> bool:
    key = normalize_interface(port)
    return key is not None and _MANAGEMENT_PORT.match(key) is not None


def _port(end: LinkEnd) -> str:
    return f"{end.port} " if end.port else ""


def _at(end: LinkEnd) -> str:
    return f" {end.port}" if end.port else ""
