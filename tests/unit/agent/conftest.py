from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]


def corpus_dir() -> Path:
    return Path(os.environ.get("NETSBOM_CORPUS", REPO.parent / "shared" / "corpus"))


@pytest.fixture
def snmp_corpus() -> Path:
    data = corpus_dir() / "snmp" / "data"
    if not data.is_dir():
        pytest.skip(f"SNMP corpus not found at {data} (set NETSBOM_CORPUS)")
    return data
