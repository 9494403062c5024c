"""Diff between configurations / exported files; fleet queries; network selection."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from netsbom.collector.export import render_sbom
from netsbom.collector.sbom.build import build_document
from netsbom.collector.sbom.reader import read_cyclonedx, snapshot_of
from netsbom.core.cli import cli
from netsbom.core.errors import ConfigError, ExportError
from netsbom.core.record import Neighbor, Software, Target
from netsbom.topology.configuration import build_configuration
from netsbom.topology.diff import diff_json, diff_snapshots, diff_table
from netsbom.topology.inventory import (
    DRIFT_COLUMNS,
    drift_rows,
    firmware_rows,
    render_rows,
)
from netsbom.topology.selection import latest_records, parse_selector
from tests.conftest import make_record


def device(
    name: str,
    version: str = "17.9.4a",
    role: str = "leaf",
    serial: str | None = None,
    **kwargs: object,
):  # type: ignore[no-untyped-def]
    record = make_record(name, version=version, **kwargs)  # type: ignore[arg-type]
    labels = (("network", "lab"), ("role", role), ("site", "par1"))
    return replace(
        record,
        target=replace(record.target, labels=labels),
        serial=serial or f"FOC{name.upper()}",
        chassis_id=None,
    )


def snapshot(records):  # type: ignore[no-untyped-def]
    return snapshot_of(build_document(build_configuration("lab", "2026-11-20T10:00:00Z", records)))


def test_a_file_reads_back_to_the_same_view_as_the_model(lab_records: list) -> None:  # type: ignore[type-arg]
    """The CycloneDX reader and the model agree: diffing a file against the store it came
    from finds nothing."""
    link = (Neighbor("lldp", "Gi1/0/1", remote_name="b", remote_port="Gi1/0/1"),)
    records = [device("a", neighbors=link), device("b"), *lab_records]
    config = build_configuration("lab", "2026-11-20T10:00:00Z", records)
    model = snapshot_of(build_document(config))
    from_file = snapshot_of(read_cyclonedx(json.loads(render_sbom(config, "cyclonedx-json"))))
    assert from_file == model
    assert len(model.devices) == len(records) and model.links
    assert diff_snapshots(model, from_file) == []


@pytest.fixture
def lab_records() -> list:  # type: ignore[type-arg]
    from netsbom.lab.fleet import synthetic_fleet

    return synthetic_fleet(6, links=8)


def test_diff_names_every_kind_of_change() -> None:
    link = (Neighbor("lldp", "Gi1/0/1", remote_name="b", remote_port="Gi1/0/1"),)
    before = [device("a", neighbors=link), device("b"), device("gone")]
    a2 = device("a", version="17.12.1")
    a2 = replace(
        a2,
        software=(Software("rpbase", "17.12.1", "image"), Software("guestshell", "1.2")),
        components=(a2.components[0],),
    )
    after = [a2, device("b", serial="FOCNEWCHASSIS"), device("new")]
    changes = diff_snapshots(snapshot(before), snapshot(after))
    kinds = [(c.kind, c.device) for c in changes]
    assert ("device-added", "new") in kinds
    assert ("device-removed", "gone") in kinds
    assert ("device-replaced", "b") in kinds
    assert ("os-changed", "a") in kinds
    assert ("module-removed", "a") in kinds
    assert ("package-added", "a") in kinds
    assert ("package-changed", "a") in kinds  # rpbase 17.9.4a -> 17.12.1
    assert ("link-removed", "a") in kinds
    os_change = next(c for c in changes if c.kind == "os-changed")
    assert (os_change.before, os_change.after) == ("ios-xe 17.9.4a", "ios-xe 17.12.1")


def test_a_licence_change_of_a_package_on_both_sides_is_named_once(tmp_path: Path) -> None:
    """A package's concluded licence changing (OpenSSL 1.1 -> 3.0 relicensed) is
    `licence-changed`; a package that went away is `package-removed` only; a file read back
    says the same as the model."""

    def with_software(*software: Software):  # type: ignore[no-untyped-def]
        return replace(device("a"), software=software)

    before = with_software(
        Software("openssl", "1.1.1w", "package", licence="OpenSSL"),
        Software("zlib", "1.2.13", "package", licence="Zlib"),
    )
    after = with_software(Software("openssl", "3.0.11", "package", licence="Apache-2.0"))
    changes = diff_snapshots(snapshot([before]), snapshot([after]))
    licence = [c for c in changes if c.kind == "licence-changed"]
    assert [(c.item, c.before, c.after) for c in licence] == [
        ("package openssl", "OpenSSL", "Apache-2.0")
    ]
    assert ("package-removed", "zlib") in {(c.kind, c.item) for c in changes}
    config = build_configuration("lab", "2026-11-20T10:00:00Z", [after])
    from_file = snapshot_of(read_cyclonedx(json.loads(render_sbom(config, "cyclonedx-json"))))
    assert from_file.devices["a"].licences["package openssl"] == "Apache-2.0"
    assert from_file.devices["a"].licences["os"] == snapshot([after]).devices["a"].licences["os"]


def test_same_configuration_no_changes_and_json_shape() -> None:
    one, two = snapshot([device("a")]), snapshot([device("a")])
    changes = diff_snapshots(one, two)
    assert changes == []
    assert "no changes" in diff_table(one, two, changes)
    doc = diff_json(one, two, changes)
    assert doc["changes"] == [] and doc["from"]["fingerprint"] == doc["to"]["fingerprint"]


def test_diff_of_two_exported_files(tmp_path: Path) -> None:
    first = tmp_path / "a.cdx.json"
    second = tmp_path / "b.cdx.json"
    first.write_bytes(
        render_sbom(
            build_configuration("lab", "2026-11-20T10:00:00Z", [device("a")]), "cyclonedx-json"
        )
    )
    second.write_bytes(
        render_sbom(
            build_configuration("lab", "2026-11-27T10:00:00Z", [device("a", version="17.12.1")]),
            "cyclonedx-json",
        )
    )
    runner = CliRunner()
    result = runner.invoke(cli, ["sbom", "diff", str(first), str(second), "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["summary"]["os-changed"] == 1
    table = runner.invoke(cli, ["sbom", "diff", str(first), str(second)])
    assert "os-changed" in table.output and "17.12.1" in table.output
    assert (
        runner.invoke(cli, ["sbom", "diff", str(first), str(second), "--exit-code"]).exit_code == 1
    )
    same = runner.invoke(cli, ["sbom", "diff", str(first), str(first), "--exit-code"])
    assert same.exit_code == 0 and "no changes" in same.output
    bad = tmp_path / "x.json"
    bad.write_text('{"spdxVersion": "SPDX-2.3"}')
    result = runner.invoke(cli, ["sbom", "diff", str(first), str(bad)])
    assert result.exit_code == 1 and "not a CycloneDX" in result.output


def test_firmware_counts_and_drift_majority() -> None:
    records = [device(f"leaf{i}") for i in range(3)] + [
        device("leaf9", version="17.6.5"),
        device("spine1", version="17.6.5", role="spine"),
        device("spine2", version="17.6.5", role="spine"),
    ]
    config = build_configuration("lab", "2026-11-20T10:00:00Z", records)
    firmware = firmware_rows(config)
    assert [(r["os_version"], r["count"]) for r in firmware] == [("17.6.5", 3), ("17.9.4a", 3)]
    drift = drift_rows(config)
    assert drift == [
        {
            "model": "C9300-48P",
            "role": "leaf",
            "device": "leaf9",
            "os_version": "17.6.5",
            "majority_version": "17.9.4a",
            "majority_count": 3,
            "group_size": 4,
        }
    ]
    rows = list(csv.reader(io.StringIO(render_rows(DRIFT_COLUMNS, drift, "csv"))))
    assert rows[0] == list(DRIFT_COLUMNS) and rows[1][2] == "leaf9"
    assert json.loads(render_rows(DRIFT_COLUMNS, drift, "json"))[0]["device"] == "leaf9"
    assert "MAJORITY_VERSION" in render_rows(DRIFT_COLUMNS, drift, "table")


def test_drift_tie_goes_to_the_highest_version() -> None:
    records = [device("x1", version="17.9.4a"), device("x2", version="17.12.1")]
    drift = drift_rows(build_configuration("lab", "2026-11-20T10:00:00Z", records))
    assert [(r["device"], r["majority_version"]) for r in drift] == [("x1", "17.12.1")]


def test_selector_terms() -> None:
    selector = parse_selector("lab", "role=leaf|spine, site=par1")
    assert selector.matches(device("a"))
    assert not selector.matches(device("a", role="border"))
    assert parse_selector(None, "site=*").matches(device("a"))
    assert selector.name == "lab[role=leaf|spine,site=par1]"
    with pytest.raises(ConfigError):
        parse_selector(None, "role")
    with pytest.raises(ConfigError):
        parse_selector(None, None)


def test_latest_records_at_time() -> None:
    old = device("a", collected_at="2026-11-01T00:00:00Z", version="17.6.5")
    new = device("a", collected_at="2026-11-20T00:00:00Z")
    assert latest_records([old, new], None) == [new]
    assert latest_records([old, new], datetime(2026, 11, 10, tzinfo=UTC)) == [old]
    with pytest.raises(ExportError, match="before the first observation"):
        latest_records([old, new], datetime(2026, 1, 1, tzinfo=UTC))


def test_one_target_id_two_devices_at_once_are_both_kept_and_flagged() -> None:
    """Two devices answered under one target id in one poll (or two recordings named alike):
    neither overwrites the other; the configuration has both, named apart, and a flag."""
    first = replace(device("sw"), chassis_id="00:00:00:00:00:0a", serial="A1")
    second = replace(device("sw"), chassis_id="00:00:00:00:00:0b", serial="B2")
    assert first.target.id == second.target.id and first.collected_at == second.collected_at
    kept = latest_records([first, second], None)
    assert sorted(r.chassis_id or "" for r in kept) == ["00:00:00:00:00:0a", "00:00:00:00:00:0b"]
    config = build_configuration("lab", "2026-11-20T10:00:00Z", kept)
    assert config.nodes == ("sw", "sw#2")
    assert "name-conflict" in {f.kind for f in config.flags}
    # over time one target whose chassis changes is a replacement: the newer one only
    later = replace(second, collected_at="2026-11-21T00:00:00Z")
    assert latest_records([first, later], None) == [later]
    # replays: two recordings with one file name are two targets
    replays = [
        replace(first, target=Target("public", "a/public.snmprec", 0, "replay")),
        replace(first, target=Target("public", "b/public.snmprec", 0, "replay")),
    ]
    assert len(latest_records(replays, None)) == 2


def test_cli_inventory_from_records(tmp_path: Path) -> None:
    from netsbom.core.record import record_to_dict

    records = [device("leaf1"), device("leaf2"), device("leaf3", version="17.6.5")]
    records.append(
        replace(
            device("other"),
            target=Target("other", "10.9.9.9", 161, "snmp", (("network", "elsewhere"),)),
        )
    )
    path = tmp_path / "r.jsonl"
    path.write_text("".join(json.dumps(record_to_dict(r)) + "\n" for r in records))
    runner = CliRunner()
    result = runner.invoke(
        cli, ["inventory", "drift", "--records", str(path), "--network", "lab", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    assert [r["device"] for r in json.loads(result.output)] == ["leaf3"]
    result = runner.invoke(cli, ["inventory", "devices", "--records", str(path), "--format", "csv"])
    assert result.exit_code == 0 and result.output.count("\n") == 5
    result = runner.invoke(cli, ["inventory", "firmware", "--records", str(path)])
    assert result.exit_code == 0 and "17.6.5" in result.output


def test_table_shows_what_changed_with_its_label() -> None:
    from netsbom.topology.diff import _what_changed

    assert _what_changed(
        "C9300-48P serial FOC1 hw V02 firmware 17.9.1r software 17.09.04a",
        "C9300-48P serial FOC1 hw V02 firmware 17.9.1r software 17.12.03",
    ) == ("software 17.09.04a", "software 17.12.03")
    assert _what_changed("ios-xe 17.9.4a", "ios-xe 17.12.3") == ("ios-xe 17.9.4a", "ios-xe 17.12.3")
    assert _what_changed(None, "new") == ("", "new")
