"""Replay every recording of the corpus: nothing may raise, and known families must come out."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from netsbom.agent.snmp.poll import replay_snmp
from netsbom.core.record import ERROR_KINDS, record_to_dict
from tests.conftest import DATA, corpus_dir, require

# LibreNMS os name -> our os.family, for the families the knowledge base claims to know.
FAMILIES = {
    "ios": "ios", "iosxe": "ios-xe", "nxos": "nxos", "iosxr": "iosxr", "junos": "junos",
    "arista_eos": "eos", "timos": "sros", "vrp": "vrp", "routeros": "routeros",
}  # fmt: skip


@pytest.fixture
def snmp_corpus() -> Path:
    return require(corpus_dir() / "snmp" / "data", "SNMP corpus (LibreNMS, GPL: not copied)")


def test_replay_every_labelled_recording(snmp_corpus: Path) -> None:
    files = sorted(snmp_corpus.glob("*.snmprec"))
    assert files
    for path in files:
        record = replay_snmp(path)
        assert record.target.id == path.stem
        assert all(e.kind in ERROR_KINDS for e in record.errors)
        json.dumps(record_to_dict(record))


def test_replay_unlabelled_recordings() -> None:
    # tests/data holds the recordings under 300 KB; the larger ones (hundreds of MB decompressed)
    # are replayed from ../shared with NETSBOM_CORPUS_FULL=1.
    full = os.environ.get("NETSBOM_CORPUS_FULL") == "1"
    root = (
        require(corpus_dir() / "snmp-unlabelled", "snmpsim-data")
        if full
        else DATA / "snmp-unlabelled"
    )
    files = sorted(p for p in root.rglob("*") if p.name.endswith((".snmprec", ".snmprec.bz2")))
    assert len(files) >= 90
    described = 0
    for path in files:
        record = replay_snmp(path)
        described += record.description is not None
    assert described >= len(files) * 0.8


def test_known_families_and_versions(snmp_corpus: Path) -> None:
    index = json.loads((snmp_corpus.parent / "index.json").read_text())
    checked = families_ok = versions = versions_ok = 0
    for row in index:
        family = FAMILIES.get(row["os"])
        if family is None:
            continue
        record = replay_snmp(snmp_corpus / f"{row['name']}.snmprec")
        checked += 1
        families_ok += record.os.family == family
        if row["version"] and record.os.version:
            versions += 1
            versions_ok += record.os.version in row["version"]
    assert checked >= 20
    assert families_ok >= checked * 0.95
    assert versions_ok >= versions * 0.95


def test_a_distro_line_served_by_an_old_exec_names_the_firmware(snmp_corpus: Path) -> None:
    # a router on Linux whose snmpd serves LibreNMS's distro line as UCD-SNMP's exec output
    # (extOutput.1 under 2021.7890.1): the firmware and its release are the OS, the kernel
    # its sysDescr states a part of it
    servers = [
        path
        for path in sorted(snmp_corpus.glob("*.snmprec"))
        if "\n1.3.6.1.4.1.2021.7890.1.101.1|" in path.read_text(errors="replace")
    ]
    assert servers
    for path in servers:
        expected = json.loads((snmp_corpus.parent / "expected" / f"{path.stem}.json").read_text())
        record = replay_snmp(path)
        assert record.os.family == "linux"
        assert record.os.version == expected["expected"]["version"]
        kernel = (record.description or "").split()[2]  # "Linux <host> <release> ..."
        assert [(s.name, s.version) for s in record.software if s.kind == "kernel"] == [
            ("linux-kernel", kernel)
        ]
