"""Poll metrics move with real polls: an unreachable SNMP target counts as a poll and a failure."""

from __future__ import annotations

import socket

import pytest
from prometheus_client import REGISTRY

from netsbom.agent.inventory import parse_inventory
from netsbom.agent.run import poll_target

pytestmark = pytest.mark.integration


def _value(name: str, labels: dict[str, str]) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


async def test_unreachable_poll_is_counted(monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:  # a port nobody answers on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("NSB_METRICS_COMMUNITY", "public")
    inventory = parse_inventory({"targets": [{
        "name": "gone", "address": "127.0.0.1",
        "snmp": {"port": port, "community": "env:NSB_METRICS_COMMUNITY", "timeout": 0.2,
                 "retries": 0},
    }]})  # fmt: skip
    polls = _value("netsbom_agent_polls_total", {"transport": "snmp"})
    failures = _value("netsbom_agent_poll_failures_total", {"kind": "unreachable"})
    seconds = _value("netsbom_agent_poll_seconds_count", {})
    record = await poll_target(inventory.targets[0], "metrics-agent")
    assert not record.complete
    assert _value("netsbom_agent_polls_total", {"transport": "snmp"}) == polls + 1
    assert _value("netsbom_agent_poll_failures_total", {"kind": "unreachable"}) == failures + 1
    assert _value("netsbom_agent_poll_seconds_count", {}) == seconds + 1
