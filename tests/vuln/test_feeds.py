"""Feeds loading: formats, and bad input that leaves the rest of the assessment intact."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from netsbom.vuln.assess import assess
from netsbom.vuln.feeds import load_feeds

from .conftest import record


def test_real_feeds_load(feeds) -> None:  # type: ignore[no-untyped-def]
    assert len(feeds.kev) > 1000 and len(feeds.epss) > 1000
    assert len([c for c in feeds.cves.values() if c.cna_affected is not None]) > 1000
    assert len([c for c in feeds.cves.values() if c.nvd_configurations]) >= 20
    assert not feeds.problems


def test_api_files_comment_line_and_malformed_file(tmp_path: Path, vuln_data: Path) -> None:
    (tmp_path / "nvd").mkdir()
    (tmp_path / "cve").mkdir()
    single = json.loads((vuln_data / "nvd" / "CVE-2020-3566.json").read_text())
    (tmp_path / "nvd" / "page-1.json").write_text(
        json.dumps({"resultsPerPage": 1, "vulnerabilities": [{"cve": single}]})
    )
    (tmp_path / "nvd" / "CVE-2099-0001.json").write_text("{ not json")
    shutil.copy(vuln_data / "cve" / "CVE-2024-20510.json", tmp_path / "cve")
    (tmp_path / "cve" / "CVE-2099-0002.json").write_text(
        json.dumps(
            {"cveMetadata": {"cveId": "CVE-2099-0002"}, "containers": {"cna": {"affected": 7}}}
        )
    )
    (tmp_path / "epss.csv").write_text(
        "#model_version:v2025,score_date:2026-01-01\ncve,epss,percentile\nCVE-2024-20510,0.5,0.9\n"
    )
    feeds = load_feeds(tmp_path)
    assert feeds.cves["CVE-2020-3566"].nvd_configurations
    assert feeds.epss["CVE-2024-20510"].percentile == 0.9
    results = {a.cve: a for a in assess([record("ios-xe", "17.12.3", model="C9800-40-K9")], feeds)}
    assert results["CVE-2099-0001"].affected is None
    assert "not JSON" in results["CVE-2099-0001"].reason
    assert results["CVE-2099-0002"].affected is None
    assert "malformed" in results["CVE-2099-0002"].reason
    assert results["CVE-2024-20510"].affected is True  # the rest completes
    assert results["CVE-2024-20510"].epss == 0.5


def test_unknown_version_format_and_bad_cpe_are_undecidable(feeds) -> None:  # type: ignore[no-untyped-def]
    odd = {a.cve: a for a in assess([record("ios-xe", "seventeen")], feeds)}
    assert odd["CVE-2024-20510"].affected is None
    assert "not an IOS XE version" in odd["CVE-2024-20510"].reason
    bad = {a.cve: a for a in assess([record("ios-xe", "17.12.3", os_cpe="cpe:/o:cisco")], feeds)}
    assert bad["CVE-2024-20510"].affected is None
    assert "os_cpe" in bad["CVE-2024-20510"].reason


def test_feeds_say_what_they_read_and_of_when(vuln_data: Path) -> None:
    """What a VEX states about its sources: counts and dates read from the files themselves."""
    sources = dict(load_feeds(vuln_data).sources())
    kev = json.loads((vuln_data / "kev.json").read_text())
    assert f"version {kev['catalogVersion']}" in sources["kev"]
    assert f"released {kev['dateReleased']}" in sources["kev"]
    assert f"{len(kev['vulnerabilities']):,} KEV entries" in sources["kev"]
    records = sorted((vuln_data / "cve").glob("CVE-*.json"))
    newest = max(json.loads(p.read_text())["cveMetadata"].get("dateUpdated", "") for p in records)
    assert sources["cve"] == f"{len(records):,} CVE JSON 5 records, newest update {newest}"
    score_date = (vuln_data / "epss.csv").read_text().split("score_date:")[1].split()[0]
    assert sources["epss"].endswith(f"scores of {score_date}")
    assert "NVD records" in sources["nvd"]
