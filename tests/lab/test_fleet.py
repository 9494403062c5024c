"""The synthetic fleet: deterministic, realistic, and its links are what derive_links finds."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from netsbom.collector.store import open_store
from netsbom.core.cli import cli
from netsbom.lab.fleet import PROFILES, fleet_links, synthetic_fleet
from netsbom.topology.configuration import build_configuration


def test_fleet_is_deterministic_and_rich() -> None:
    first, again = synthetic_fleet(60), synthetic_fleet(60)
    assert first == again
    assert len({r.report_id for r in first}) == 60
    assert {r.vendor for r in first} == {p.vendor for p in PROFILES}
    assert all(len(r.components) >= 10 and r.software and r.neighbors for r in first)
    assert any(not r.complete for r in first)


def test_links_join_both_halves() -> None:
    records = synthetic_fleet(100, links=150)
    assert len(fleet_links(100, 150)) == 150
    config = build_configuration("fleet", "2026-11-20T10:00:00Z", records)
    internal = [link for link in config.links if not (link.a.external or link.b.external)]
    assert len(internal) == 150
    assert not any(link.one_sided for link in internal)
    assert len(config.links) - len(internal) == 2  # the upstream peers of dev0 and dev50


def test_generate_fleet_command(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fleet.db'}"
    runner = CliRunner()
    result = runner.invoke(cli, ["generate-fleet", "--devices", "25", "--db", url])
    assert result.exit_code == 0, result.output
    assert "25 reports stored" in result.output
    again = runner.invoke(cli, ["generate-fleet", "--devices", "25", "--db", url])
    assert "0 reports stored, 25 already there" in again.output
    store = open_store(url)
    try:
        assert store.count() == 25 and store.networks() == ["fleet"]
    finally:
        store.close()
    out = tmp_path / "fleet.cdx.json"
    export = runner.invoke(
        cli, ["sbom", "export", "--db", url, "--network", "fleet", "--out", str(out)]
    )
    assert export.exit_code == 0, export.output
    assert out.stat().st_size > 10_000
