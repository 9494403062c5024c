"""Shared pieces of the benchmarks: result entries, the machine, bounded worker processes."""

from __future__ import annotations

import json
import os
import platform
import resource
import selectors
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent


@dataclass
class Entry:
    """One benchmark figure as a ratio against a baseline measured in the same run."""

    name: str
    baseline: str
    ratio: float | None  # netsbom / baseline (see ``details.ratio_meaning``); None when not run
    target: str
    met: bool | None  # None: not run, or nothing to judge
    details: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


class WorkerTimeout(Exception):
    """The worker hit its time cap; ``timed`` is how long its timed section ran."""

    def __init__(self, timed: float, limit: float) -> None:
        super().__init__(f"capped after {timed:.1f} s")
        self.timed = timed
        self.limit = limit


class WorkerFailed(Exception):
    pass


def run_worker(
    task: str,
    *args: str,
    timeout: float,
    env: dict[str, str] | None = None,
    timed_cap: float | None = None,
) -> Any:
    """Run ``python -m bench.worker TASK ARGS`` and return its JSON result.

    The worker prints ``{"phase": "start"}`` when its timed section begins and its result as the
    last JSON line. Past ``timeout`` seconds it is killed and :class:`WorkerTimeout` says how long
    the timed section had run (a lower bound for the figure). ``timed_cap`` also bounds the timed
    section alone (setup not counted)."""
    command = [sys.executable, "-m", "bench.worker", task, *args]
    process = subprocess.Popen(
        command,
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, **(env or {}), "PYTHONWARNINGS": "ignore"},
        text=True,
    )
    assert process.stdout is not None and process.stderr is not None
    started = time.monotonic()
    timed_from: float | None = None
    result: Any = None
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    try:
        while True:
            remaining = timeout - (time.monotonic() - started)
            if timed_cap is not None and timed_from is not None:
                remaining = min(remaining, timed_cap - (time.monotonic() - timed_from))
            if remaining <= 0:
                process.kill()
                process.wait(timeout=30)
                begun = timed_from if timed_from is not None else time.monotonic()
                raise WorkerTimeout(time.monotonic() - begun, timeout)
            if not selector.select(timeout=min(remaining, 1.0)):
                continue
            line = process.stdout.readline()
            if not line:
                break
            data = json.loads(line)
            if isinstance(data, dict) and data.get("phase") == "start":
                timed_from = time.monotonic()
            else:
                result = data
        process.wait(timeout=max(1.0, timeout - (time.monotonic() - started)))
    finally:
        selector.close()
        if process.poll() is None:
            process.kill()
            process.wait(timeout=30)
    if process.returncode != 0 or result is None:
        tail = process.stderr.read()[-2000:]
        raise WorkerFailed(f"{task} exited with {process.returncode}: {tail}")
    return result


def cpu_seconds(who: int = resource.RUSAGE_SELF) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def machine() -> dict[str, Any]:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        model = platform.processor()
    memory = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = int(line.split()[1]) * 1024
                break
    except OSError:
        pass
    versions: dict[str, str | None] = {}
    for name in (
        "netsbom-core",
        "grpcio",
        "protobuf",
        "SQLAlchemy",
        "psycopg",
        "pysnmp",
        "snmpsim",
        "cyclonedx-python-lib",
        "jsonschema",
        "paramiko",
        "netmiko",
        "networkx",
    ):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    versions["net-snmp"] = _net_snmp_version()
    versions["postgresql"] = _postgres_version()
    return {
        "cpu_count": os.cpu_count(),
        "cpu_model": model,
        "memory_bytes": memory,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "versions": versions,
    }


def _net_snmp_version() -> str | None:
    try:
        out = subprocess.run(
            ["snmpget", "--version"], capture_output=True, text=True, timeout=5, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    text = (out.stdout or out.stderr).strip()
    return text.split(":", 1)[-1].strip() or None


def _postgres_version() -> str | None:
    try:
        import psycopg

        with psycopg.connect(postgres_dsn("postgres"), connect_timeout=2) as connection:
            row = connection.execute("SHOW server_version").fetchone()
            return str(row[0]) if row else None
    except Exception:
        return None


def postgres_dsn(database: str) -> str:
    host = os.environ.get("NETSBOM_BENCH_PG_HOST", "127.0.0.1")
    return f"host={host} port=5432 user=postgres dbname={database}"


def postgres_available() -> bool:
    try:
        import psycopg

        psycopg.connect(postgres_dsn("postgres"), connect_timeout=2).close()
    except Exception:
        return False
    return True


def human_bytes(value: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GiB"
