"""Fixtures for the vulnerability tests: the real feeds in ../shared/vuln, device records."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from netsbom.core.record import DeviceRecord, Identifiers, OsInfo, Target
from netsbom.vuln.device import DeviceFacts, device_facts
from netsbom.vuln.feeds import Feeds, load_feeds
from tests.conftest import VULN_DATA


@pytest.fixture(scope="session")
def vuln_data() -> Path:
    return VULN_DATA


@pytest.fixture(scope="session")
def feeds(vuln_data: Path) -> Feeds:
    return load_feeds(vuln_data)


def cna_record(shared: Path, cve: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((shared / "cve" / f"{cve}.json").read_text())
    return data


def record(
    family: str | None,
    version: str | None,
    *,
    vendor: str = "Cisco",
    model: str | None = None,
    name: str = "dev1",
    labels: dict[str, str] | None = None,
    os_cpe: str | None = None,
    hardware_cpe: str | None = None,
    os_name: str | None = None,
) -> DeviceRecord:
    return DeviceRecord(
        target=Target(name, "192.0.2.10", 161, "replay", tuple(sorted((labels or {}).items()))),
        agent_id="test-agent",
        collected_at="2026-11-20T10:00:00Z",
        report_id=f"report-{name}",
        hostname=name,
        vendor=vendor,
        model=model,
        os=OsInfo(family=family, version=version, name=os_name),
        identifiers=Identifiers(os_cpe=os_cpe, hardware_cpe=hardware_cpe),
    )


def facts(family: str | None, version: str | None, **kwargs: Any) -> DeviceFacts:
    return device_facts(record(family, version, **kwargs))
