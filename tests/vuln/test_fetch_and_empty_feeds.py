"""Feeds with nothing to assess against are refused everywhere (vuln commands, VEX exports), and
`vuln fetch` writes all or nothing (its downloads replaced by a function: no network in tests)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from netsbom.collector.store import open_store
from netsbom.core.cli import cli
from netsbom.vuln.errors import VulnError
from netsbom.vuln.feeds import load_feeds
from netsbom.vuln.fetch import CVE_URL, EPSS_URL, KEV_URL, NVD_URL, fetch_feeds
from tests.conftest import make_record

KEV = json.dumps({"vulnerabilities": [{"cveID": "CVE-2024-20510"}]}).encode()
EPSS = b"cve,epss,percentile\nCVE-2024-20510,0.5,0.9\n"
CVE = json.dumps(
    {
        "cveMetadata": {"cveId": "CVE-2024-20510"},
        "containers": {"cna": {"affected": [{"vendor": "Cisco", "product": "IOS XE"}]}},
    }
).encode()
NVD = json.dumps({"vulnerabilities": [{"cve": {"id": "CVE-2024-20510", "configurations": []}}]})


def _kev_and_epss_only(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "kev.json").write_bytes(KEV)
    (folder / "epss.csv").write_bytes(EPSS)
    (folder / "cve").mkdir(exist_ok=True)
    (folder / "cve" / "CVE-2099-0001.json").write_text("{ broken")
    return folder


@pytest.mark.parametrize("content", ["empty", "kev-and-epss"])
def test_feeds_without_cve_records_are_refused(tmp_path: Path, content: str) -> None:
    folder = tmp_path / "feeds"
    folder.mkdir()
    if content != "empty":
        _kev_and_epss_only(folder)
    with pytest.raises(VulnError, match="hold no usable CVE data"):
        load_feeds(folder)


def test_commands_refuse_them_with_one_line(tmp_path: Path) -> None:
    feeds = _kev_and_epss_only(tmp_path / "feeds")
    db = f"sqlite:///{tmp_path / 's.db'}"
    store = open_store(db)
    store.write([make_record()])
    store.close()
    out = tmp_path / "vex.json"
    for command in (
        ["vuln", "assess", "--network", "lab"],
        ["vuln", "report", "--network", "lab"],
        ["sbom", "export", "--network", "lab", "--with-vulnerabilities", "--out", str(out)],
    ):
        result = CliRunner().invoke(cli, [*command, "--db", db, "--feeds", str(feeds)])
        assert result.exit_code == 1, result.output
        lines = [line for line in result.output.splitlines() if line.startswith("Error: ")]
        assert len(lines) == 1 and "hold no usable CVE data" in lines[0], result.output
        assert not out.exists()


def _downloads(fail_on: str | None = None) -> dict[str, bytes]:
    served = {
        KEV_URL: KEV,
        EPSS_URL: EPSS,
        CVE_URL.format(cve="CVE-2024-20510"): CVE,
        NVD_URL.format(cve="CVE-2024-20510"): NVD.encode(),
    }
    if fail_on is not None:
        served.pop(fail_on)
    return served


def _get(served: dict[str, bytes]):  # type: ignore[no-untyped-def]
    def get(url: str) -> bytes:
        if url not in served:
            raise VulnError(f"download of {url} failed: connection reset")
        return served[url]

    return get


@pytest.mark.parametrize("failing", [EPSS_URL, NVD_URL.format(cve="CVE-2024-20510")])
def test_a_failed_fetch_leaves_no_half_folder(tmp_path: Path, failing: str) -> None:
    folder = tmp_path / "feeds"
    with pytest.raises(VulnError, match="connection reset"):
        fetch_feeds(folder, ["CVE-2024-20510"], echo=lambda _: None, get=_get(_downloads(failing)))
    assert not folder.exists()
    assert list(tmp_path.iterdir()) == []


def test_a_failed_fetch_leaves_existing_feeds_as_they_were(tmp_path: Path) -> None:
    folder = tmp_path / "feeds"
    fetch_feeds(folder, ["CVE-2024-20510"], echo=lambda _: None, get=_get(_downloads()))
    before = {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    assert set(map(str, before)) == {"kev.json", "epss.csv", "cve/CVE-2024-20510.json",
                                     "nvd/CVE-2024-20510.json"}  # fmt: skip
    assert load_feeds(folder).cves["CVE-2024-20510"].cna_affected
    with pytest.raises(VulnError):
        fetch_feeds(folder, ["CVE-2024-20510"], echo=lambda _: None, get=_get(_downloads(EPSS_URL)))
    after = {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    assert after == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["feeds"]


def test_fetch_refuses_a_cve_id_that_could_name_a_path(tmp_path: Path) -> None:
    with pytest.raises(VulnError, match="not a CVE id"):
        fetch_feeds(tmp_path / "f", ["../../etc/x"], echo=lambda _: None, get=_get(_downloads()))
    assert not (tmp_path / "f").exists()
