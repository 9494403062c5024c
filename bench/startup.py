"""The lightweight agent, measured: command start-up CPU, agent-only install size, idle RSS.

cli-help-cpu            CPU of `netsbom --help`, `agent --help`, `agent poll --help` (median of
                        runs) against a bare interpreter start (`python -c pass`)
cli-poll-cpu-one-device CPU of `netsbom agent poll` of one SNMPv2c lab device (median of runs)
agent-install-size      site-packages of a fresh venv with only core, proto and agent against
                        one with every distribution (requirements.txt)
agent-idle-rss          resident memory of `netsbom agent run` sleeping between rounds,
                        against a bare interpreter sleeping
"""

from __future__ import annotations

import os
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from bench.common import REPO, Entry

NETSBOM = Path(sys.executable).with_name("netsbom")
HELP_COMMANDS = (("--help",), ("agent", "--help"), ("agent", "poll", "--help"))
HELP_TARGET = 0.3  # seconds of CPU (issue: netsbom --help and agent poll --help)
POLL_TARGET = 0.5  # seconds of CPU of a one-device `agent poll` process


def _cpu(command: Sequence[str]) -> float:
    """User + system CPU seconds of one run of ``command`` (a child process)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, cwd=REPO, timeout=60)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _median_cpu(command: Sequence[str], runs: int) -> float:
    return statistics.median(_cpu(command) for _ in range(runs))


def bench_cli_help(runs: int) -> list[Entry]:
    bare = _median_cpu([sys.executable, "-c", "pass"], runs)
    entries = []
    for args in HELP_COMMANDS:
        seconds = _median_cpu([str(NETSBOM), *args], runs)
        words = "-".join(a for a in args if a != "--help") or "netsbom"
        entries.append(
            Entry(
                name=f"cli-help-cpu-{words}",
                baseline="python -c pass (a bare interpreter start), same machine, same run",
                ratio=round(seconds / bare, 2) if bare else None,
                target=f"<= {HELP_TARGET} s CPU",
                met=seconds <= HELP_TARGET,
                details={
                    "command": "netsbom " + " ".join(args),
                    "cpu_seconds": round(seconds, 4),
                    "bare_interpreter_cpu_seconds": round(bare, 4),
                    "runs": runs,
                    "ratio_meaning": "command CPU / bare interpreter CPU",
                },
            )
        )
    return entries


def _site_packages_bytes(venv: Path) -> int:
    site = next((venv / "lib").glob("python3*/site-packages"))
    return sum(p.stat().st_size for p in site.rglob("*") if p.is_file() and not p.is_symlink())


def _venv(directory: Path, requirements: Sequence[str]) -> tuple[int, float]:
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "venv", str(directory)], check=True, timeout=120)
    subprocess.run(
        [str(directory / "bin" / "pip"), "install", "-q", *requirements],
        check=True,
        cwd=REPO,
        timeout=900,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return _site_packages_bytes(directory), time.monotonic() - started


def bench_install_size() -> Entry:
    with tempfile.TemporaryDirectory(prefix="netsbom-bench-venv-") as tmp:
        agent, agent_seconds = _venv(Path(tmp) / "agent", ["./core", "./proto", "./agent"])
        imports = subprocess.run(
            [str(Path(tmp) / "agent" / "bin" / "python"), "-c", "import netsbom.collector"],
            check=False,
            capture_output=True,
            timeout=60,
        )
        everything, _ = _venv(Path(tmp) / "all", ["-r", "requirements.txt"])
    return Entry(
        name="agent-install-size",
        baseline="every distribution installed (pip install -r requirements.txt) in a fresh venv",
        ratio=round(agent / everything, 3),
        target="the agent installs alone, without the collector's dependencies",
        met=imports.returncode != 0,
        details={
            "agent_site_packages_bytes": agent,
            "all_site_packages_bytes": everything,
            "agent_install_seconds": round(agent_seconds, 1),
            "collector_importable_in_agent_venv": imports.returncode == 0,
            "ratio_meaning": "agent-only install size / full install size",
        },
    )


def _rss_after(command: Sequence[str], settle: float, env: dict[str, str] | None = None) -> int:
    """Resident set size (bytes) of ``command`` ``settle`` seconds after it started."""
    process = subprocess.Popen(
        command,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, **(env or {})},
    )
    try:
        time.sleep(settle)
        if process.poll() is not None:
            raise RuntimeError(f"{command[0]} exited early ({process.returncode})")
        status = Path(f"/proc/{process.pid}/status").read_text()
        kilobytes = next(
            int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")
        )
        return kilobytes * 1024
    finally:
        process.terminate()
        process.wait(timeout=10)


def _closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def bench_idle_rss(settle: float) -> Entry:
    """An agent that polled one (silent) SNMP device and one (closed) collector, now sleeping."""
    with tempfile.TemporaryDirectory(prefix="netsbom-bench-idle-") as tmp:
        inventory = Path(tmp) / "inventory.yaml"
        inventory.write_text(
            "agent_id: idle\ntargets:\n"
            f"  - {{name: r1, address: 127.0.0.1, snmp: {{port: {_closed_port()}, "
            "community: 'env:BENCH_COMMUNITY', timeout: 0.2, retries: 0}}\n"
        )
        command = [
            str(NETSBOM), "agent", "run", "--inventory", str(inventory),
            "--collector", f"127.0.0.1:{_closed_port()}", "--spool", str(Path(tmp) / "spool"),
            "--send-timeout", "0", "--interval", "3600",
        ]  # fmt: skip
        agent = _rss_after(command, settle, {"BENCH_COMMUNITY": "public"})
        bare = _rss_after([sys.executable, "-c", "import time; time.sleep(60)"], 1.0)
    return Entry(
        name="agent-idle-rss",
        baseline="a bare Python interpreter sleeping",
        ratio=round(agent / bare, 2),
        target="informative (the agent's resident memory between rounds)",
        met=None,
        details={
            "agent_rss_bytes": agent,
            "bare_interpreter_rss_bytes": bare,
            "ratio_meaning": "agent RSS / bare interpreter RSS",
        },
    )


def bench_poll_one(runs: int) -> Entry:
    """``netsbom agent poll`` of one lab device over SNMPv2c, as a process (import, poll, parse,
    print): what an operator's one-off poll or a cron job costs."""
    from bench.fleet_lab import fleet_definition
    from netsbom.lab.runner import Lab

    with tempfile.TemporaryDirectory(prefix="netsbom-bench-poll-") as tmp:
        work = Path(tmp)
        definition = fleet_definition(1, work / "definition")
        with Lab(definition, work / "state", port=0) as lab:
            device = lab.devices[0]
            community = work / "community"
            community.write_text(device.community + "\n")
            community.chmod(0o600)
            command = [str(NETSBOM), "agent", "poll", f"snmp://{device.address}:{device.port}",
                       "--community", f"file:{community}", "--json"]  # fmt: skip
            _cpu(command)  # warm the simulator's index and the page cache
            seconds = _median_cpu(command, runs)
        bare = _median_cpu([sys.executable, "-c", "pass"], runs)
    return Entry(
        name="cli-poll-cpu-one-device",
        baseline="python -c pass (a bare interpreter start), same machine, same run",
        ratio=round(seconds / bare, 2) if bare else None,
        target=f"<= {POLL_TARGET} s CPU",
        met=seconds <= POLL_TARGET,
        details={
            "command": "netsbom agent poll snmp://LAB-DEVICE --community file:... --json",
            "device": definition.devices[0].name,
            "cpu_seconds": round(seconds, 4),
            "bare_interpreter_cpu_seconds": round(bare, 4),
            "runs": runs,
            "ratio_meaning": "command CPU / bare interpreter CPU",
        },
    )


def bench_startup(quick: bool) -> list[Entry]:
    entries = bench_cli_help(runs=3 if quick else 9)
    entries.append(bench_poll_one(runs=3 if quick else 9))
    entries.append(bench_idle_rss(settle=4.0 if quick else 8.0))
    if quick:
        entries.append(
            Entry(
                "agent-install-size", "-", None, "-", None,
                {"not_run": "--quick does not build virtual environments"},
            )
        )  # fmt: skip
    else:
        entries.append(bench_install_size())
    return entries
