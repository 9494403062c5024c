"""What an authenticated agent must not be able to do to a network through the real collector:
impossible times, component trees that are not trees, invalid purls/CPEs, path-like ids."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import grpc
import pytest

from netsbom.collector.auth import add_agent, load_tokens
from netsbom.collector.export import configuration_at, render_sbom
from netsbom.collector.sbom.validate import validate_cyclonedx_xml
from netsbom.collector.server import CollectorConfig, start_collector
from netsbom.collector.store import Store
from netsbom.core.record import Component, DeviceRecord, Identifiers, Software
from netsbom.proto.convert import DeviceReport, ReportAck, to_report
from netsbom.proto.v1 import collector_pb2_grpc
from tests.conftest import make_record

pytestmark = pytest.mark.integration


async def _send(
    store: Store, tmp_path: Path, reports: list[DeviceReport], agent: str = "lab-agent"
) -> list[ReportAck]:
    """Send raw reports over a real stream as ``agent``; the acks in order."""
    tokens = tmp_path / "tokens.yaml"
    token = add_agent(tokens, agent)
    collector = await start_collector(
        store, CollectorConfig("127.0.0.1:0", auth=load_tokens(tokens))
    )
    try:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{collector.port}") as channel:
            stub = collector_pb2_grpc.CollectorStub(channel)  # type: ignore[no-untyped-call]
            call = stub.Report(iter(reports), metadata=(("authorization", f"Bearer {token}"),))
            return [ack async for ack in call]
    finally:
        await collector.stop(1)


def _chain(length: int) -> tuple[Component, ...]:
    return tuple(
        Component(index=str(i), parent=str(i - 1) if i else None, cls="module")
        for i in range(length)
    )


@pytest.mark.parametrize(
    ("collected_at", "reason"),
    [
        ("0001-01-01T00:00:00Z", "before 2000"),
        ("1999-12-31T23:59:59Z", "before 2000"),
        ("9999-12-31T23:59:59Z", "more than a day ahead"),
    ],
)
async def test_impossible_times_are_rejected_with_the_reason(
    store: Store, tmp_path: Path, collected_at: str, reason: str
) -> None:
    bad = make_record("edge1", collected_at=collected_at)
    good = make_record("edge1", collected_at="2026-11-20T10:00:00Z")
    acks = await _send(store, tmp_path, [to_report(bad), to_report(good)])
    assert [a.status for a in acks] == [ReportAck.REJECTED, ReportAck.STORED]
    assert reason in acks[0].message
    assert [r.report_id for r in store.latest(network="lab")] == [good.report_id]


@pytest.mark.parametrize(
    ("components", "reason"),
    [
        ((Component(index="1", parent="1"),), "its own parent"),
        (
            (Component(index="1", parent="3"), Component("2", "1"), Component("3", "2")),
            "cycle",
        ),
        (_chain(20_000), "deeper than 32"),
    ],
    ids=["self-parent", "cycle", "deep-chain"],
)
async def test_component_trees_that_are_not_trees_are_rejected(
    store: Store, tmp_path: Path, components: tuple[Component, ...], reason: str
) -> None:
    bad = dataclasses.replace(make_record("edge1"), components=components)
    fine = dataclasses.replace(make_record("edge2"), components=_chain(32))
    acks = await _send(store, tmp_path, [to_report(bad), to_report(fine)])
    assert [a.status for a in acks] == [ReportAck.REJECTED, ReportAck.STORED]
    assert reason in acks[0].message


async def test_an_empty_index_is_told_from_an_unset_parent(store: Store, tmp_path: Path) -> None:
    """The tree check reads an unset parent as "" (cheaper); a component whose index is ""
    must not become every root's parent: a root "" and a child of it are a tree, and a
    component that names "" as its parent while "" names it back is a cycle."""
    tree = (Component(index="", parent=None), Component(index="a", parent=""))
    cycle = (Component(index="", parent="a"), Component(index="a", parent=""))
    reports = [
        dataclasses.replace(make_record(f"edge{n}"), components=c)
        for n, c in enumerate((tree, cycle))
    ]
    acks = await _send(store, tmp_path, [to_report(r) for r in reports])
    assert [a.status for a in acks] == [ReportAck.STORED, ReportAck.REJECTED]
    assert "cycle" in acks[1].message


async def test_invalid_purls_and_cpes_are_dropped_with_provenance(
    store: Store, tmp_path: Path
) -> None:
    record = dataclasses.replace(
        make_record("edge1"),
        identifiers=Identifiers(
            os_cpe="cpe:2.3:o:cisco:ios xe:17.9:*",  # a space, 9 parts
            hardware_cpe="cpe:2.3:h:cisco:c9300-48p:-:*:*:*:*:*:*:*",  # valid: kept
            purl="pkg:generic/has space@1",
        ),
        software=(
            Software(name="ok", version="1", purl="pkg:deb/debian/ok@1", cpe=None),
            Software(name="bad", version="1", purl="not a purl <x>", cpe="cpe:/a:x:y:1"),
        ),
    )
    acks = await _send(store, tmp_path, [to_report(record)])
    assert [a.status for a in acks] == [ReportAck.STORED]
    (stored,) = store.latest(network="lab")
    assert stored.identifiers == Identifiers(
        hardware_cpe="cpe:2.3:h:cisco:c9300-48p:-:*:*:*:*:*:*:*"
    )
    assert [(s.purl, s.cpe) for s in stored.software] == [
        ("pkg:deb/debian/ok@1", None),
        (None, None),
    ]
    dropped = {p.field: p.source for p in stored.provenance if p.method == "validation"}
    assert set(dropped) == {
        "identifiers.os_cpe",
        "identifiers.purl",
        "software[1].purl",
        "software[1].cpe",
    }
    assert all(text.startswith("dropped by the collector: ") for text in dropped.values())
    assert "<x>" not in "".join(dropped.values())  # the reason, not the hostile value
    config = configuration_at(store, network="lab", at=None)
    validate_cyclonedx_xml(render_sbom(config, "cyclonedx-xml"))  # xs:anyURI holds


async def test_agent_ids_that_could_name_a_path_are_rejected(store: Store, tmp_path: Path) -> None:
    records: list[DeviceRecord] = [
        make_record("edge1", agent_id=agent) for agent in ("../../etc", "..", "a/b")
    ]
    tokens = tmp_path / "tokens.yaml"
    config = CollectorConfig("127.0.0.1:0", allow_no_auth=True)
    collector = await start_collector(store, config)
    try:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{collector.port}") as channel:
            stub = collector_pb2_grpc.CollectorStub(channel)  # type: ignore[no-untyped-call]
            acks = [ack async for ack in stub.Report(iter([to_report(r) for r in records]))]
    finally:
        await collector.stop(1)
    assert [a.status for a in acks] == [ReportAck.REJECTED] * 3
    assert all("agent_id must be" in a.message for a in acks)
    assert store.count() == 0
    assert not tokens.exists()
