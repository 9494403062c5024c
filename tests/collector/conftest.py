"""Fixtures of the collector tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from netsbom.collector.store import Store, open_store


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """A fresh SQLite store in the test's folder."""
    opened = open_store(f"sqlite:///{tmp_path / 'c.db'}")
    yield opened
    opened.close()
