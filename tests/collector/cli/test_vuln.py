"""`netsbom vuln assess|report` end to end through click, on real records copied to tmp."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from netsbom.core.cli import cli
from netsbom.core.record import record_to_dict
from tests.conftest import VULN_DATA
from tests.vuln.conftest import record

KEYS = {"device", "cve", "affected", "reason", "sources", "kev", "epss", "ssvc"}


@pytest.fixture
def inputs(tmp_path: Path) -> tuple[Path, Path]:
    shared = VULN_DATA
    feeds = tmp_path / "feeds"
    (feeds / "cve").mkdir(parents=True)
    (feeds / "nvd").mkdir()
    for cve in ("CVE-2024-20510", "CVE-2023-20198", "CVE-2023-44198"):
        if (shared / "cve" / f"{cve}.json").exists():
            shutil.copy(shared / "cve" / f"{cve}.json", feeds / "cve")
    shutil.copy(shared / "nvd" / "CVE-2020-3566.json", feeds / "nvd")
    shutil.copy(shared / "kev.json", feeds)
    shutil.copy(shared / "epss.csv", feeds)
    records = tmp_path / "records.jsonl"
    devices = [
        record(
            "ios-xe", "17.12.3", name="edge1", labels={"exposure": "internet"}, model="C9800-40"
        ),
        record("ios-xe", "17.12.3a", name="edge2"),
        record("junos", "21.4R3-S1", name="mx1", vendor="Juniper Networks", model="MX480"),
    ]
    records.write_text(
        "".join(json.dumps(record_to_dict(d)) + "\n" for d in devices) + "not json\n"
    )
    return records, feeds


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, ["vuln", *args])


def test_assess_json_lines(inputs: tuple[Path, Path]) -> None:
    records, feeds = inputs
    result = invoke("assess", "--records", str(records), "--feeds", str(feeds), "--json")
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert lines and all(set(line) == KEYS for line in lines)
    assert all(line["affected"] is not False for line in lines)
    found = {(line["device"], line["cve"]): line for line in lines}
    assert found[("edge1", "CVE-2024-20510")]["affected"] is True
    assert ("edge2", "CVE-2024-20510") not in found  # the rebuild carries the fix
    assert found[("mx1", "CVE-2023-44198")]["affected"] is True
    kev = found[("edge1", "CVE-2023-20198")]
    assert kev["kev"] is True and isinstance(kev["epss"], float)
    assert kev["ssvc"]["decision"] and "deployer_decision" in kev["ssvc"]
    assert "not a device record" in result.stderr


def test_assess_all_and_details(inputs: tuple[Path, Path]) -> None:
    records, feeds = inputs
    result = CliRunner().invoke(
        cli,
        [
            "vuln",
            "assess",
            "--records",
            str(records),
            "--feeds",
            str(feeds),
            "--json",
            "--all",
            "--details",
        ],
    )
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    rebuild = next(x for x in lines if x["device"] == "edge2" and x["cve"] == "CVE-2024-20510")
    assert rebuild["affected"] is False and rebuild["basis"] == "version"
    assert {"kev_due_date", "epss_percentile", "target"} <= set(rebuild)


def test_report_is_sorted_by_priority(inputs: tuple[Path, Path]) -> None:
    records, feeds = inputs
    result = invoke("report", "--records", str(records), "--feeds", str(feeds))
    assert result.exit_code == 0, result.output
    rows = result.stdout.splitlines()
    assert rows[0].startswith("PRIORITY")
    kev = [n for n, row in enumerate(rows[1:]) if re.search(r"\s\d{4}-\d{2}-\d{2}\s", row)]
    assert kev and kev == list(range(len(kev)))  # KEV rows (with a due date) come first
    dues = [re.search(r"\s(\d{4}-\d{2}-\d{2})\s", rows[1 + n]).group(1) for n in kev]  # type: ignore[union-attr]
    assert dues == sorted(dues)  # earliest due date first
    unknown = [row for row in rows[1:] if "  unknown  " in row]
    assert unknown and all("needs " in row for row in unknown)  # what would decide them


def test_report_json_is_ranked(inputs: tuple[Path, Path]) -> None:
    records, feeds = inputs
    result = invoke("report", "--records", str(records), "--feeds", str(feeds), "--json")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["rank"] for r in rows] == list(range(1, len(rows) + 1))
    ranks = {"Act": 4, "Attend": 3, "Track*": 2, "Track": 1}
    kev = [r for r in rows if r["kev"]]
    assert rows[: len(kev)] == kev
    rest = rows[len(kev) :]
    keys = [(-ranks[r["decision"]], -(r["epss"] or 0.0)) for r in rest]
    assert keys == sorted(keys)  # then the SSVC decision, then EPSS
    assert all(r["needs"] for r in rows if r["affected"] is None)
    assert {r["affected"] for r in rows} <= {True, None}


def test_usage_and_missing_feeds(inputs: tuple[Path, Path], tmp_path: Path) -> None:
    records, _ = inputs
    runner = CliRunner()
    both = runner.invoke(cli, ["vuln", "assess", "--feeds", str(tmp_path), "--json"])
    assert both.exit_code == 2 and "--records" in both.output
    missing = runner.invoke(
        cli,
        ["vuln", "assess", "--records", str(records), "--feeds", str(tmp_path / "nope"), "--json"],
    )
    assert missing.exit_code == 1 and "does not exist" in missing.output


def test_assess_from_the_store(inputs: tuple[Path, Path], tmp_path: Path) -> None:
    from netsbom.collector.store import open_store

    _, feeds = inputs
    url = f"sqlite:///{tmp_path / 'store.db'}"
    store = open_store(url)
    try:
        store.write([record("ios-xe", "17.12.3", name="edge1", labels={"network": "lab"})])
    finally:
        store.close()
    result = invoke("assess", "--network", "lab", "--db", url, "--feeds", str(feeds), "--json")
    assert result.exit_code == 0, result.output
    cves = {json.loads(line)["cve"] for line in result.stdout.splitlines()}
    assert "CVE-2024-20510" in cves
    unknown = invoke("assess", "--network", "nope", "--db", url, "--feeds", str(feeds), "--json")
    assert unknown.exit_code == 1 and "nope" in unknown.output


def test_exposure_from_the_lab_topology(tmp_path: Path) -> None:
    """The lab's recordings replayed as the agent reads them, the edge labelled internet-facing
    as an inventory would: its SSVC exposure is open, the spines cabled to it controlled."""
    from dataclasses import replace

    from netsbom.agent.snmp.poll import replay_snmp
    from tests.conftest import LAB_DATA

    shared = VULN_DATA
    feeds = tmp_path / "feeds"
    (feeds / "cve").mkdir(parents=True)
    shutil.copy(shared / "cve" / "CVE-2024-39565.json", feeds / "cve")  # J-Web, all Junos
    shutil.copy(shared / "kev.json", feeds)
    records = []
    for path in sorted((LAB_DATA / "snmp").glob("*.snmprec")):
        found = replay_snmp(path)
        if found.name == "edge-r1":
            labels = (*found.target.labels, ("internet_facing", "true"))
            found = replace(found, target=replace(found.target, labels=labels))
        records.append(found)
    path = tmp_path / "lab.jsonl"
    path.write_text("".join(json.dumps(record_to_dict(r)) + "\n" for r in records))
    result = invoke("report", "--records", str(path), "--feeds", str(feeds), "--json")
    assert result.exit_code == 0, result.output
    rows = {(r["device"], r["cve"]): r for r in map(json.loads, result.stdout.splitlines())}
    edge = rows[("edge-r1", "CVE-2024-39565")]  # Junos 21.4R3-S5.4: before 21.4R3-S7
    assert edge["affected"] is True and edge["system_exposure"] == "open"
    assert "internet-facing" in edge["exposure_reason"]
    assert rows[("acc-3", "CVE-2024-39565")]["system_exposure"] == "small"  # EX4300, same Junos
    assert edge["deployer_decision"] and rows[("acc-3", "CVE-2024-39565")]["deployer_decision"]
