"""Replay every recording of the corpus: nothing may raise, and known families must come out."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from netsbom.agent.snmp.poll import replay_snmp
from netsbom.core.record import ERROR_KINDS, record_to_dict
from tests.conftest import corpus_dir

# LibreNMS os name -> our os.family, for the families the knowledge base claims to know.
FAMILIES = {
    "ios": "ios", "iosxe": "ios-xe", "nxos": "nxos", "iosxr": "iosxr", "junos": "junos",
    "arista_eos": "eos", "timos": "sros", "vrp": "vrp", "routeros": "routeros",
}  # fmt: skip


@pytest.fixture
def snmp_corpus() -> Path:
    data = corpus_dir() / "snmp" / "data"
    if not data.is_dir():
        pytest.skip(f"SNMP corpus not found at {data} (set NETSBOM_CORPUS)")
    return data


def test_replay_every_labelled_recording(snmp_corpus: Path) -> None:
    files = sorted(snmp_corpus.glob("*.snmprec"))
    assert files
    for path in files:
        record = replay_snmp(path)
        assert record.target.id == path.stem
        assert all(e.kind in ERROR_KINDS for e in record.errors)
        json.dumps(record_to_dict(record))


# Some unlabelled recordings decompress to hundreds of MB (seconds of bz2 each): by default only
# files under this compressed size are replayed; NETSBOM_CORPUS_FULL=1 replays all of them.
SMALL = 80_000


def test_replay_unlabelled_recordings() -> None:
    root = corpus_dir() / "snmp-unlabelled"
    full = os.environ.get("NETSBOM_CORPUS_FULL") == "1"
    files = sorted(
        p
        for p in root.rglob("*")
        if p.name.endswith((".snmprec", ".snmprec.bz2")) and (full or p.stat().st_size < SMALL)
    )
    if not files:
        pytest.skip(f"no unlabelled recordings under {root}")
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
