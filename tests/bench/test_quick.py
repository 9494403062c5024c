"""`python -m bench --quick` runs every benchmark at a tiny size and writes results.json.

Only the shape is checked: benchmark figures are never asserted in tests."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO


def test_quick_bench_writes_every_entry(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    completed = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--out", str(out)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    data = json.loads(out.read_text())
    assert data["mode"] == "quick"
    assert {"cpu_count", "cpu_model", "memory_bytes", "python", "versions"} <= set(data["machine"])
    entries = {e["name"]: e for e in data["results"]}
    for entry in entries.values():
        assert set(entry) == {"name", "baseline", "ratio", "target", "met", "details"}
        assert "failed:" not in str(entry["details"].get("not_run", "")), entry
        if entry["ratio"] is None:
            assert entry["details"]["not_run"], entry
    for name in (
        "sbom-export-20-time",
        "sbom-export-20-memory",
        "sbom-validate-20",
        "topology-fingerprint-200",
        "topology-cli-200",
        "cli-poll-cpu-one-device",
        "ingest-sqlite",
    ):
        assert entries[name]["ratio"] is not None, entries[name]
    assert "ssh-agent-cpu-per-device" in entries
    assert "ratio" in completed.stdout  # the table
