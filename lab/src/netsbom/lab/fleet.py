"""A synthetic fleet of realistic device records, for benchmarks and for trying netsbom at size.

    records = synthetic_fleet(10_000, links=15_000)           # deterministic for a seed
    netsbom generate-fleet --devices 10000 --db sqlite:///fleet.db

Each device is one of several vendor profiles (Cisco IOS XE, Juniper Junos, Arista EOS, Nokia SR OS,
Huawei VRP, a Debian-based appliance) with a physical tree of at least ten components (chassis,
power supplies, fans, a CPU/routing engine, line cards with their own firmware, transceivers),
installed software, an OS CPE and LLDP neighbours. Neighbours form links: a ring through all devices
plus chords, both ends reporting the cable (so ``derive_links`` merges the two halves), and one
device in fifty also sees an external peer that is none of the records. Names, serials and MAC
addresses are fictional; MACs are locally administered (``02:...``).
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict

from netsbom.agent.identify import with_identifiers
from netsbom.core.families import family
from netsbom.core.purl import package_purl
from netsbom.core.record import (
    Component,
    DeviceRecord,
    Neighbor,
    OsInfo,
    Provenance,
    Software,
    Target,
)

__all__ = ["PROFILES", "FleetLink", "fleet_links", "synthetic_fleet", "write_fleet"]

_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://netsbom/fleet")


class _Profile(BaseModel):
    """One vendor's devices in the fleet (``data/fleet.yaml``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    family: str  # registry id: the OS name comes from there
    vendor: str  # the hardware's maker
    os_name: str | None = None  # when the distribution names itself (Debian GNU/Linux)
    versions: tuple[str, ...]
    models: tuple[str, ...]
    cards: tuple[str, ...]
    psu: str
    fan: str
    cpu: str
    port_prefix: str
    sys_object_id: str
    package_source: str
    packages: tuple[tuple[str, str, str], ...]  # (name, version or "" for the OS's, kind)

    @property
    def os_label(self) -> str:
        return self.os_name or family(self.family).name


def _load_profiles() -> tuple[_Profile, ...]:
    data = yaml.safe_load((Path(__file__).parent / "data" / "fleet.yaml").read_text())
    return tuple(_Profile.model_validate(entry) for entry in data["profiles"])


PROFILES: tuple[_Profile, ...] = _load_profiles()


@dataclass(frozen=True, slots=True)
class FleetLink:
    a: int
    a_port: str
    b: int
    b_port: str


def fleet_links(devices: int, links: int | None = None) -> list[FleetLink]:
    """A ring through every device plus chords ``i -- i+7`` until ``links`` (default 1.5 per
    device) are placed; ports numbered per device in order of use."""
    if devices < 2:
        return []
    wanted = links if links is not None else devices * 3 // 2
    pairs: list[tuple[int, int]] = []
    seen: set[tuple[int, int]] = set()
    stride = 1
    while len(pairs) < wanted and stride < devices:
        for i in range(devices):
            if len(pairs) >= wanted:
                break
            j = (i + stride) % devices
            key = (min(i, j), max(i, j))
            if i != j and key not in seen:
                seen.add(key)
                pairs.append(key)
        stride = 7 if stride == 1 else stride + 6
    next_port = [0] * devices
    out = []
    for a, b in pairs:
        next_port[a] += 1
        next_port[b] += 1
        out.append(FleetLink(a, str(next_port[a]), b, str(next_port[b])))
    return out


def _mac(n: int, salt: int) -> str:
    return "02:" + ":".join(f"{b:02x}" for b in (salt & 0xFF, *(n.to_bytes(4, "big"))))


def _profile(i: int) -> _Profile:
    return PROFILES[i % len(PROFILES)]


def _name(i: int) -> str:
    return f"dev{i:06d}"


def _port(profile: _Profile, number: str) -> str:
    return f"{profile.port_prefix}{number}"


def synthetic_fleet(
    devices: int,
    *,
    links: int | None = None,
    network: str = "fleet",
    sites: int | None = None,
    seed: int = 1,
    collected_at: str = "2026-11-20T10:00:00Z",
    agent_id: str = "fleet-agent",
) -> list[DeviceRecord]:
    """``devices`` deterministic records (same arguments, same records, same report ids)."""
    rng = random.Random(seed)  # noqa: S311 - synthetic data, not secrets
    site_count = sites if sites is not None else max(1, devices // 50)
    neighbors: list[list[Neighbor]] = [[] for _ in range(devices)]
    for link in fleet_links(devices, links):
        for here, port, there, remote_port in (
            (link.a, link.a_port, link.b, link.b_port),
            (link.b, link.b_port, link.a, link.a_port),
        ):
            remote = _profile(there)
            neighbors[here].append(
                Neighbor(
                    protocol="lldp",
                    local_port=_port(_profile(here), port),
                    remote_chassis_id=_mac(there, 0xA0),
                    remote_name=_name(there),
                    remote_port=_port(remote, remote_port),
                    remote_mgmt_address=_address(there),
                    remote_description=f"{remote.os_label} {remote.versions[there % 3]}",
                )
            )
    for i in range(0, devices, 50):  # an upstream peer nobody polls
        neighbors[i].append(
            Neighbor(
                protocol="lldp",
                local_port=_port(_profile(i), "99"),
                remote_chassis_id=_mac(i, 0xEE),
                remote_name=f"isp-pe{i // 50}",
                remote_port="xe-0/0/1",
                remote_description="Juniper Networks, Inc. mx960",
            )
        )
    return [
        _record(i, rng, neighbors[i], network, site_count, seed, collected_at, agent_id)
        for i in range(devices)
    ]


def _address(i: int) -> str:
    return f"10.{(i >> 16) & 0xFF}.{(i >> 8) & 0xFF}.{i & 0xFF}"


def _record(
    i: int,
    rng: random.Random,
    neighbors: Sequence[Neighbor],
    network: str,
    sites: int,
    seed: int,
    collected_at: str,
    agent_id: str,
) -> DeviceRecord:
    profile = _profile(i)
    version = profile.versions[i % 3]
    model = profile.models[(i // len(PROFILES)) % 3]
    serial = f"{profile.vendor[:2].upper()}{i:08d}"
    name = _name(i)
    components = _components(profile, model, serial, version, rng, i)
    software = tuple(
        Software(
            name=pkg,
            version=pkg_version or version,
            kind=kind,
            source=profile.package_source,
            purl=(
                package_purl("deb", pkg, pkg_version, namespace="debian", arch="amd64")
                if profile.package_source == "dpkg"
                else None
            ),
        )
        for pkg, pkg_version, kind in profile.packages
    )
    labels = (
        ("network", network),
        ("role", ("edge", "core", "access", "service")[i % 4]),
        ("site", f"site{i % sites:04d}"),
    )
    record = DeviceRecord(
        target=Target(name, _address(i), 161, "snmp", labels),
        agent_id=agent_id,
        collected_at=collected_at,
        report_id=str(uuid.uuid5(_NAMESPACE, f"{seed}:{i}:{collected_at}")),
        hostname=name,
        vendor=profile.vendor,
        model=model,
        serial=serial,
        chassis_id=_mac(i, 0xA0),
        description=f"{profile.os_label} {version} {model}",
        sys_object_id=profile.sys_object_id,
        os=OsInfo(family=profile.family, version=version, name=profile.os_label),
        components=components,
        software=software,
        neighbors=tuple(neighbors),
        provenance=(
            Provenance("os.version", "snmp", "1.3.6.1.2.1.1.1.0"),
            Provenance("model", "snmp", "1.3.6.1.2.1.47.1.1.1.1.13"),
            Provenance("serial", "snmp", "1.3.6.1.2.1.47.1.1.1.1.11"),
            Provenance("neighbors", "snmp", "1.0.8802.1.1.2.1.4.1"),
        ),
        complete=i % 97 != 0,
    )
    return with_identifiers(record)  # CPEs named as the agent names them


def _components(
    profile: _Profile, model: str, serial: str, version: str, rng: random.Random, i: int
) -> tuple[Component, ...]:
    rows = [
        Component(
            "1",
            None,
            "chassis",
            model,
            f"{model} chassis",
            profile.vendor,
            model,
            serial,
            "V02",
            is_fru=False,
        ),
        Component(
            "2",
            "1",
            "cpu",
            "Routing Engine 0",
            profile.cpu,
            profile.vendor,
            profile.cpu,
            f"RE{i:08d}",
            "Rev 06",
            f"BIOS {rng.randint(1, 9)}.{rng.randint(0, 20)}",
            version,
            True,
        ),
    ]
    for n in range(2):
        rows.append(
            Component(
                str(3 + n),
                "1",
                "power-supply",
                f"PEM {n}",
                profile.psu,
                profile.vendor,
                profile.psu,
                f"PS{i:07d}{n}",
                "Rev 04",
                is_fru=True,
            )
        )
        rows.append(
            Component(
                str(5 + n),
                "1",
                "fan",
                f"Fan Tray {n}",
                profile.fan,
                profile.vendor,
                profile.fan,
                f"FT{i:07d}{n}",
                "Rev 08",
                is_fru=True,
            )
        )
    index = 7
    for slot in range(3):
        card = profile.cards[slot % len(profile.cards)]
        card_index = str(index)
        rows.append(
            Component(
                card_index,
                "1",
                "module",
                f"Slot {slot}",
                card,
                profile.vendor,
                card,
                f"LC{i:07d}{slot}",
                "Rev 25",
                f"ROM {rng.randint(1, 5)}.{rng.randint(0, 9)}",
                version,
                True,
            )
        )
        index += 1
        for port in range(2):
            rows.append(
                Component(
                    str(index),
                    card_index,
                    "port",
                    _port(profile, f"{slot * 2 + port + 1}"),
                    "100G port",
                )
            )
            index += 1
    rows.append(Component(str(index), "1", "container", "Slot 3", "empty slot"))
    return tuple(rows)


def write_fleet(
    url: str,
    devices: int,
    *,
    links: int | None = None,
    network: str = "fleet",
    seed: int = 1,
    collected_at: str = "2026-11-20T10:00:00Z",
    batch: int = 500,
    on_batch: Callable[[int], None] | None = None,
) -> tuple[int, int]:
    """Fill the store at ``url`` with a synthetic fleet; returns (stored, already there)."""
    from netsbom.collector.store import open_store

    store = open_store(url)
    stored = again = 0
    try:
        records = synthetic_fleet(
            devices, links=links, network=network, seed=seed, collected_at=collected_at
        )
        for chunk in _chunks(records, batch):
            result = store.write(chunk)
            stored += len(result.stored)
            again += len(result.duplicates)
            if on_batch is not None:
                on_batch(len(chunk))
    finally:
        store.close()
    return stored, again


def _chunks(items: Sequence[DeviceRecord], size: int) -> Iterator[Sequence[DeviceRecord]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
