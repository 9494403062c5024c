"""Run every benchmark, print each figure as a ratio against its baseline, write results.json.

    python -m bench            # the default sizes (SBOM 1,000 and 10,000 devices; SNMP 200)
    python -m bench --full     # SNMP fleet of 1,000 lab devices, longer caps on the baselines
    python -m bench --quick    # tiny sizes, seconds: what the test suite runs
    python -m bench --only sbom,topology --out /tmp/results.json

Every measurement runs in its own process (``bench.worker``) with a time cap; a capped baseline is
reported as a lower bound and says so. See bench/README.md for what each figure means.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.common import (
    REPO,
    Entry,
    WorkerFailed,
    WorkerTimeout,
    human_bytes,
    machine,
    postgres_available,
    postgres_dsn,
    run_worker,
)
from bench.startup import bench_startup

GROUPS = (
    "startup", "sbom", "library", "validate", "topology", "ingest", "snmp", "ssh", "vuln", "web",
)  # fmt: skip
_PREFIX: dict[str, str | tuple[str, ...]] = {
    "startup": ("cli-help-", "agent-install-", "agent-idle-"),
    "sbom": "sbom-export-",
    "library": "sbom-export-",
    "validate": "sbom-validate-",
    "topology": "topology-",
    "ingest": "ingest-",
    "snmp": "snmp-",
    "ssh": "ssh-",
    "vuln": "vuln-",
    "web": "web-",
}


@dataclass(frozen=True)
class Sizes:
    sbom: tuple[int, ...]
    library_small: int  # the library model is timed here to completion
    library_cap: float  # seconds for the library at the largest size; 0: 100x netsbom's time
    validate: int
    validate_cap: float  # seconds allowed to the library's validator
    topology: tuple[int, int]  # devices, links
    ingest_reports: int
    snmp_devices: int
    snmp_processes: int
    concurrency: int
    ssh: tuple[int, int]  # SSH lab devices, concurrent sessions
    cap: float  # default cap of one measurement
    vuln: tuple[int, int] = (10_000, 3_000)  # devices, CVE ids
    web: tuple[int, int] = (10_000, 500)  # devices behind the pages, of the browser's topology


V3_DEVICES = 100  # the SNMPv3 CPU figure: a lab of at most this many devices

QUICK = Sizes((20,), 10, 60, 20, 30, (200, 300), 200, 9, 1, 8, (6, 3), 120, (50, 200), (100, 50))
DEFAULT = Sizes(
    (1_000, 10_000), 1_000, 300, 10_000, 60, (10_000, 15_000), 20_000, 200, 4, 32, (500, 50), 600
)
FULL = Sizes(
    (1_000, 10_000),
    1_000,
    0,  # the library at 10,000 devices: capped at exactly 100x netsbom's time
    10_000,
    120,
    (10_000, 15_000),
    50_000,
    1_000,
    8,
    64,
    (500, 50),
    1200,
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--quick", action="store_true", help="tiny sizes (seconds; for tests)")
    size.add_argument("--full", action="store_true", help="1,000 SNMP lab devices, longer caps")
    parser.add_argument("--only", default="", help=f"comma-separated groups: {','.join(GROUPS)}")
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "results.json")
    parser.add_argument(
        "--merge",
        action="store_true",
        help="keep the entries of --out that this run does not measure again (e.g. with --only)",
    )
    parser.add_argument("--snmp-devices", type=int, help="SNMP lab size (default: by mode)")
    parser.add_argument("--snmp-processes", type=int, help="snmpsim processes of the SNMP lab")
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else FULL if args.full else DEFAULT
    if args.snmp_devices or args.snmp_processes:
        sizes = dataclasses.replace(
            sizes,
            snmp_devices=args.snmp_devices or sizes.snmp_devices,
            snmp_processes=args.snmp_processes or sizes.snmp_processes,
        )
    groups = [g for g in (args.only.split(",") if args.only else GROUPS) if g]
    unknown = sorted(set(groups) - set(GROUPS))
    if unknown:
        parser.error(f"unknown group(s) {', '.join(unknown)}; one of {', '.join(GROUPS)}")
    mode = "quick" if args.quick else "full" if args.full else "default"
    entries: list[Entry] = []
    started = time.monotonic()
    runners: dict[str, Callable[[Sizes], list[Entry]]] = {
        "startup": lambda sizes: bench_startup(quick=sizes.cap == QUICK.cap),
        "sbom": bench_sbom,
        "library": bench_library,
        "validate": bench_validate,
        "topology": bench_topology,
        "ingest": bench_ingest,
        "snmp": bench_snmp,
        "ssh": bench_ssh,
        "vuln": bench_vuln,
        "web": bench_web,
    }
    for group in groups:
        print(f"== {group}", file=sys.stderr, flush=True)
        try:
            new = runners[group](sizes)
        except Exception as exc:  # one group failing must not lose the others' figures
            new = [Entry(group, "-", None, "-", None, {"not_run": f"failed: {exc}"[:1500]})]
        for entry in new:
            print("   " + _line(entry), file=sys.stderr, flush=True)
        entries += new
    kept: list[dict[str, Any]] = []
    runs: list[dict[str, Any]] = []
    if args.merge and args.out.is_file():
        previous = json.loads(args.out.read_text(encoding="utf-8"))
        fresh = {e.name for e in entries}
        kept = [e for e in previous.get("results", []) if e["name"] not in fresh]
        runs = previous.get("runs") or [
            {"mode": previous.get("mode"), "generated_at": previous.get("generated_at"),
             "groups": [g for g in GROUPS if any(e["name"].startswith(_PREFIX[g])
                                                 for e in previous.get("results", []))]}
        ]  # fmt: skip
    result = {
        "mode": mode,
        "generated_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "wall_seconds": round(time.monotonic() - started, 1),
        "machine": machine(),
        "results": kept + [e.as_json() for e in entries],
    }
    if args.merge:
        this_run = {"mode": mode, "generated_at": result["generated_at"], "groups": groups}
        result["mode"] = "merged"
        result["runs"] = [*runs, this_run] if kept else [this_run]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    print(table(entries))
    print(f"\nwritten to {args.out} ({result['wall_seconds']} s)")
    return 0


# --- output ---------------------------------------------------------------------------------------


def _ratio(entry: Entry) -> str:
    if entry.ratio is None:
        return "not run"
    prefix = entry.details.get("ratio_bound", "")
    return f"{prefix}{entry.ratio:.3g}x"


def _met(entry: Entry) -> str:
    return "-" if entry.met is None else "yes" if entry.met else "NO"


def _line(entry: Entry) -> str:
    extra = entry.details.get("not_run") or entry.details.get("summary", "")
    verdict = f"(target {entry.target}, met {_met(entry)})"
    return f"{entry.name}: {_ratio(entry)} vs {entry.baseline} {verdict} {extra}"


def table(entries: list[Entry]) -> str:
    rows = [("benchmark", "ratio", "baseline", "target", "met", "figures")]
    for e in entries:
        rows.append(
            (e.name, _ratio(e), e.baseline, e.target, _met(e),
             e.details.get("not_run") or e.details.get("summary", ""))
        )  # fmt: skip
    widths = [min(60, max(len(str(r[i])) for r in rows)) for i in range(5)]
    lines = []
    for number, row in enumerate(rows):
        cells = [str(c).ljust(w)[: max(w, 1)] if i < 5 else str(c) for i, (c, w) in
                 enumerate(zip(row, [*widths, 0], strict=False))]  # fmt: skip
        lines.append("  ".join(cells).rstrip())
        if number == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _capped(task: str, *args: str, timeout: float) -> tuple[dict[str, Any] | None, float | None]:
    """(result, None) or (None, lower bound in seconds) when the timed section hit ``timeout``
    (setup gets up to another ``timeout`` on top)."""
    try:
        return run_worker(task, *args, timeout=2 * timeout, timed_cap=timeout), None
    except WorkerTimeout as exc:
        return None, exc.timed


# --- SBOM -----------------------------------------------------------------------------------------


def bench_sbom(sizes: Sizes) -> list[Entry]:
    entries: list[Entry] = []
    netsbom_seconds: dict[int, float] = {}
    for devices in sizes.sbom:
        n = str(devices)
        ours = run_worker("sbom", "--devices", n, "--how", "netsbom", timeout=sizes.cap)
        floor = run_worker("sbom", "--devices", n, "--how", "floor", timeout=sizes.cap)
        fast = run_worker("sbom", "--devices", n, "--how", "floor-orjson", timeout=sizes.cap)
        ours_mem = run_worker(
            "sbom", "--devices", n, "--how", "netsbom", "--memory", timeout=sizes.cap
        )
        floor_mem = run_worker(
            "sbom", "--devices", n, "--how", "floor", "--memory", timeout=sizes.cap
        )
        netsbom_seconds[devices] = ours["seconds"]
        common = {
            "devices": devices,
            "document_bytes": ours["bytes"],
            "components": ours.get("components"),
        }
        ratio = ours["seconds"] / floor["seconds"]
        entries.append(Entry(
            f"sbom-export-{devices}-time",
            "floor: the same document allocated as plain dicts + json.dumps "
            "(same options, same bytes)",
            round(ratio, 3), "<= 1.5x the floor", ratio <= 1.5,
            {**common, "netsbom_seconds": round(ours["seconds"], 3),
             "floor_seconds": round(floor["seconds"], 3),
             "orjson_floor_seconds": round(fast["seconds"], 3),
             "ratio_to_orjson_floor": round(ours["seconds"] / fast["seconds"], 3),
             "ratio_meaning": "netsbom seconds / floor seconds (lower is better); netsbom "
                              "serialises with orjson, so its own floor is orjson_floor_seconds",
             "summary": f"{ours['seconds']:.2f} s vs {floor['seconds']:.2f} s "
                        f"(orjson floor {fast['seconds']:.2f} s)"},
        ))  # fmt: skip
        ratio = ours_mem["peak_bytes"] / floor_mem["peak_bytes"]
        entries.append(Entry(
            f"sbom-export-{devices}-memory",
            "floor: peak Python allocations of the same dicts + json.dumps (tracemalloc)",
            round(ratio, 3), "<= 3x the floor", ratio <= 3,
            {**common, "netsbom_peak_bytes": ours_mem["peak_bytes"],
             "floor_peak_bytes": floor_mem["peak_bytes"],
             "ratio_meaning": "netsbom peak / floor peak (lower is better)",
             "summary": f"{human_bytes(ours_mem['peak_bytes'])} vs "
                        f"{human_bytes(floor_mem['peak_bytes'])}"},
        ))  # fmt: skip
    return entries


def bench_library(sizes: Sizes) -> list[Entry]:
    """netsbom vs cyclonedx-python-lib's model, both measured here (netsbom first: with
    ``library_cap`` 0 the library at the largest size is capped at exactly 100x netsbom's time,
    which decides the target by measurement at the least cost)."""
    netsbom_seconds = {
        devices: run_worker("sbom", "--devices", str(devices), timeout=sizes.cap)["seconds"]
        for devices in {sizes.library_small, max(sizes.sbom)}
    }
    return _library(sizes, netsbom_seconds)


def _library(sizes: Sizes, netsbom_seconds: dict[int, float]) -> list[Entry]:
    small = sizes.library_small
    half = max(small // 2, 5)
    times: dict[int, float] = {}
    capped: set[int] = set()
    for devices in (half, small):
        result, bound = _capped(
            "sbom", "--devices", str(devices), "--how", "library", timeout=sizes.cap
        )
        if result is None:  # a lower bound: the model did not finish within the cap
            assert bound is not None
            capped.add(devices)
        times[devices] = float(result["seconds"]) if result is not None else float(bound or 0.0)
    if small not in netsbom_seconds:
        netsbom_seconds[small] = run_worker("sbom", "--devices", str(small), timeout=sizes.cap)[
            "seconds"
        ]
    exponent = math.log(times[small] / times[half]) / math.log(small / half)
    bound_note = " (capped: lower bound)" if small in capped else ""
    details: dict[str, Any] = {
        "devices": small, "library_seconds": round(times[small], 2),
        f"library_seconds_{half}": round(times[half], 2),
        "library_capped": sorted(capped), "library_cap_seconds": sizes.cap,
        "netsbom_seconds": round(netsbom_seconds[small], 3),
        "library_growth_exponent": round(exponent, 2),
        "ratio_meaning": "library seconds / netsbom seconds (higher is better)",
        "summary": f"library {times[small]:.1f} s{bound_note} vs netsbom "
                   f"{netsbom_seconds[small]:.2f} s",
    }  # fmt: skip
    if small in capped:
        details["ratio_bound"] = ">="
    entries = [Entry(
        f"sbom-export-{small}-vs-library",
        "cyclonedx-python-lib 11.12 model + JsonV1Dot6 output of the same components, services "
        "and dependencies",
        round(times[small] / netsbom_seconds[small], 1),
        "informative (the >= 100x target is at 10,000 devices)", None, details,
    )]  # fmt: skip
    large = max(netsbom_seconds)
    if large > small:
        cap = sizes.library_cap or math.ceil(100 * netsbom_seconds[large] * 1.01)
        result, bound = _capped("sbom", "--devices", str(large), "--how", "library", timeout=cap)
        extrapolated = times[small] * (large / small) ** exponent
        ours = netsbom_seconds[large]
        measured = result["seconds"] if result is not None else bound
        assert measured is not None
        ratio = measured / ours
        large_details: dict[str, Any] = {
            "devices": large, "netsbom_seconds": round(ours, 3),
            "library_seconds": round(measured, 1),
            "library_capped": result is None, "library_cap_seconds": cap,
            "library_extrapolated_seconds": round(extrapolated, 0),
            "extrapolated_ratio": round(extrapolated / ours, 0),
            "extrapolation": f"t({small}) * ({large}/{small})^{exponent:.2f}, exponent fitted "
                             f"from {half} and {small} devices",
            "ratio_meaning": "library seconds / netsbom seconds (higher is better)",
        }  # fmt: skip
        if result is None:
            large_details["ratio_bound"] = ">="
            large_details["summary"] = (
                f"library did not finish in {cap:g} s (lower bound); "
                f"extrapolated {extrapolated:.0f} s = {extrapolated / ours:.0f}x"
            )
        else:
            large_details["summary"] = f"library {measured:.1f} s vs netsbom {ours:.2f} s"
        met: bool | None = ratio >= 100 or None if result is None else ratio >= 100
        entries.append(Entry(
            f"sbom-export-{large}-vs-library",
            "cyclonedx-python-lib 11.12 model + JsonV1Dot6 output (capped: lower bound)",
            round(ratio, 1), ">= 100x faster", met, large_details,
        ))  # fmt: skip
    return entries


def bench_validate(sizes: Sizes) -> list[Entry]:
    n = str(sizes.validate)
    ours = run_worker("validate", "--devices", n, "--how", "netsbom", timeout=sizes.cap)
    paused = run_worker(
        "validate", "--devices", n, "--how", "netsbom", "--gc-paused", timeout=sizes.cap
    )
    library, bound = _capped(
        "validate", "--devices", n, "--how", "library", timeout=sizes.validate_cap
    )
    theirs = library["seconds"] if library is not None else bound
    assert theirs is not None
    limit = 30.0
    details: dict[str, Any] = {
        "devices": sizes.validate, "document_bytes": ours["bytes"],
        "netsbom_seconds": round(ours["seconds"], 2),
        "netsbom_cpu_seconds": round(ours["cpu_seconds"], 2),
        "netsbom_seconds_gc_paused": round(paused["seconds"], 2),
        "library_seconds": round(theirs, 1), "library_capped": library is None,
        "validator": "netsbom.collector.sbom.validate.validate_cyclonedx_json "
                     "(json.loads + jsonschema-rs Draft 7, formats checked), schema built once "
                     "beforehand",
        "ratio_meaning": "netsbom seconds / library seconds (lower is better)",
        "summary": f"{ours['seconds']:.1f} s (target <= {limit:g} s); library "
                   + (f">= {theirs:.0f} s (capped)" if library is None else f"{theirs:.1f} s"),
    }  # fmt: skip
    if library is None:
        details["ratio_bound"] = "<="
    return [Entry(
        f"sbom-validate-{sizes.validate}",
        "cyclonedx-python-lib JsonStrictValidator on the same document (capped: lower bound)",
        round(ours["seconds"] / theirs, 3), f"<= {limit:g} s", ours["seconds"] <= limit, details,
    )]  # fmt: skip


# --- topology -------------------------------------------------------------------------------------


def _topology_cli(devices: int, links: int, runs: int, timeout: float) -> dict[str, Any]:
    """CPU (user + system) of `netsbom topology --network fleet --format json` as a process over
    a SQLite store of the synthetic fleet (filled first, untimed): median of ``runs``."""
    import resource
    import statistics

    netsbom = str(Path(sys.executable).with_name("netsbom"))
    work = Path(tempfile.mkdtemp(prefix="netsbom-bench-topology-"))
    try:
        db = f"sqlite:///{work / 'fleet.db'}"
        subprocess.run(
            [netsbom, "generate-fleet", "--devices", str(devices), "--links", str(links),
             "--db", db, "--network", "fleet"],
            check=True, capture_output=True, timeout=timeout,
        )  # fmt: skip
        command = [netsbom, "topology", "--db", db, "--network", "fleet", "--format", "json",
                   "--out", str(work / "topology.json")]  # fmt: skip
        cpu: list[float] = []
        walls: list[float] = []
        for _ in range(runs):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.monotonic()
            subprocess.run(command, check=True, capture_output=True, timeout=timeout)
            walls.append(time.monotonic() - started)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        size = (work / "topology.json").stat().st_size
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return {"cpu_seconds": statistics.median(cpu), "wall_seconds": statistics.median(walls),
            "runs": runs, "bytes": size}  # fmt: skip


def bench_topology(sizes: Sizes) -> list[Entry]:
    devices, links = sizes.topology
    args = ("--devices", str(devices), "--links", str(links))
    ours = run_worker("topology", *args, timeout=sizes.cap)
    base = run_worker("topology", *args, "--how", "networkx", timeout=sizes.cap)
    cli = _topology_cli(devices, links, runs=1 if sizes is QUICK else 5, timeout=sizes.cap)
    cli_ratio = cli["cpu_seconds"] / base["seconds"]
    return [Entry(
        f"topology-cli-{devices}",
        "networkx.Graph of the same (pre-resolved) links + sha256 of the records' canonical JSON "
        "(in process, from records in memory)",
        round(cli_ratio, 3), "<= 2 s CPU", cli["cpu_seconds"] <= 2.0,
        {"devices": devices, "links_requested": links,
         "command": "netsbom topology --db sqlite:///FLEET --network fleet --format json --out F",
         "netsbom_cpu_seconds": round(cli["cpu_seconds"], 3),
         "netsbom_wall_seconds": round(cli["wall_seconds"], 3), "runs": cli["runs"],
         "output_bytes": cli["bytes"], "baseline_seconds": round(base["seconds"], 3),
         "what": "a process: start-up, store read (SQLite), identity resolution, links, JSON",
         "ratio_meaning": "netsbom process CPU / baseline seconds (lower is better)",
         "summary": f"{cli['cpu_seconds']:.2f} s CPU (median of {cli['runs']}) vs "
                    f"{base['seconds']:.2f} s"},
    ), Entry(
        f"topology-fingerprint-{devices}",
        "networkx.Graph of the same (pre-resolved) links + sha256 of the records' canonical JSON",
        round(ours["seconds"] / base["seconds"], 3), "<= 2 s", ours["seconds"] <= 2.0,
        {"devices": devices, "links_requested": links, "links_derived": ours["links"],
         "netsbom_seconds": round(ours["seconds"], 3),
         "netsbom_cpu_seconds": round(ours["cpu_seconds"], 3),
         "baseline_seconds": round(base["seconds"], 3),
         "what": "derive_links (LLDP halves -> links) + build_configuration + fingerprint",
         "ratio_meaning": "netsbom seconds / baseline seconds (lower is better)",
         "summary": f"{ours['seconds']:.2f} s vs {base['seconds']:.2f} s"},
    )]  # fmt: skip


# --- vulnerability assessment ---------------------------------------------------------------------


def bench_vuln(sizes: Sizes) -> list[Entry]:
    """`netsbom vuln assess` of a synthetic fleet against real CVE records, as a process: the
    pairs that apply or cannot be decided, then every pair (--all)."""
    devices, cves = sizes.vuln
    args = ("--devices", str(devices), "--cves", str(cves))
    entries: list[Entry] = []
    runs: dict[str, dict[str, Any]] = {}
    for label, extra in (("", ()), ("-all", ("--everything",))):
        ours = run_worker("vuln", *args, *extra, timeout=2 * sizes.cap + 600)
        floor = run_worker(
            "vuln", *args, "--how", "floor", "--bytes", str(ours["bytes"]), timeout=sizes.cap
        )
        runs[label] = ours
        entries.append(Entry(
            f"vuln-assess-{devices}x{cves}{label}-time",
            "floor: reading the same records file (json.loads per line) and writing the same "
            "bytes to /dev/null",
            round(ours["seconds"] / floor["seconds"], 3), "<= 60 s", ours["seconds"] <= 60.0,
            {"devices": devices, "cves": cves, "lines": ours["lines"], "bytes": ours["bytes"],
             "netsbom_seconds": round(ours["seconds"], 2),
             "netsbom_cpu_seconds": round(ours["cpu_seconds"], 2),
             "peak_rss_bytes": ours["peak_rss_bytes"],
             "floor_seconds": round(floor["seconds"], 2),
             "what": "netsbom vuln assess --records FLEET --feeds DIR --json"
                     + (" --all" if label else "") + ", a process, stdout to a file"
                     + (" (/dev/null)" if label else ""),
             "ratio_meaning": "netsbom seconds / floor seconds (lower is better)",
             "summary": f"{ours['seconds']:.1f} s for {ours['lines']:,} lines "
                        f"({human_bytes(ours['peak_rss_bytes'])} peak RSS)"},
        ))  # fmt: skip
    some, every = runs[""], runs["-all"]
    ratio = every["peak_rss_bytes"] / some["peak_rss_bytes"]
    entries.append(Entry(
        f"vuln-assess-{devices}x{cves}-all-memory",
        "the same command without --all (peak RSS of the process)",
        round(ratio, 3), "<= 1.5x (no list of all pairs)", ratio <= 1.5,
        {"peak_rss_all_bytes": every["peak_rss_bytes"], "peak_rss_bytes": some["peak_rss_bytes"],
         "lines_all": every["lines"], "lines": some["lines"],
         "ratio_meaning": "peak RSS with --all / without (lower is better)",
         "summary": f"{human_bytes(every['peak_rss_bytes'])} for {every['lines']:,} lines vs "
                    f"{human_bytes(some['peak_rss_bytes'])} for {some['lines']:,}"},
    ))  # fmt: skip
    return entries


# --- web console ----------------------------------------------------------------------------------


def bench_web(sizes: Sizes) -> list[Entry]:
    """Server time of every console page over a fleet store; the topology page of a smaller
    fleet becoming interactive in headless chromium."""
    devices, drawn = sizes.web
    timed = run_worker("web", "--devices", str(devices), "--reports", "5",
                       "--cves", str(sizes.vuln[1]), timeout=sizes.cap + 900)  # fmt: skip
    floor = timed["floor"]["median"]
    entries = []
    for page, figures in timed["pages"].items():
        entries.append(Entry(
            f"web-page-{devices}-{page}",
            "a static file served by the same app (the framework's floor, same run)",
            round(figures["median"] / floor, 1), "<= 500 ms server time", figures["max"] <= 0.5,
            {"median_ms": round(figures["median"] * 1000, 1),
             "max_ms": round(figures["max"] * 1000, 1), "bytes": figures["bytes"],
             "floor_ms": round(floor * 1000, 2), "requests": 5, "feeds": timed["feeds"],
             "vulnerability_rows": timed["vulnerability_rows"],
             "ratio_meaning": "page median / static file median (lower is better)",
             "summary": f"{figures['median'] * 1000:.0f} ms median, {figures['max'] * 1000:.0f}"
                        f" ms max, {human_bytes(figures['bytes'])}"},
        ))  # fmt: skip
    entries.append(Entry(
        f"web-cold-view-{devices}",
        "the warm firmware page of the same run",
        round(timed["cold_view_seconds"] / timed["pages"]["firmware"]["median"], 1),
        "- (once per new observation, at most every 10 s)", None,
        {"cold_seconds": round(timed["cold_view_seconds"], 2),
         "cold_vulnerabilities_seconds": round(timed["cold_vulnerabilities_seconds"], 2),
         "csv_seconds": round(timed["csv"]["median"], 2), "csv_bytes": timed["csv"]["bytes"],
         "what": "first request after start or after new reports: the configuration is built"
                 " from the store (then kept); vulnerabilities assessed once per view",
         "summary": f"first page {timed['cold_view_seconds']:.1f} s, first vulnerabilities page"
                    f" {timed['cold_vulnerabilities_seconds']:.1f} s, full CSV"
                    f" {timed['csv']['median']:.1f} s"},
    ))  # fmt: skip
    after = timed["after_new_observation"]
    entries.append(Entry(
        f"web-page-{devices}-after-new-observation",
        "the first page after start (the configuration built while the visitor waits)",
        round(after["median"] / timed["cold_view_seconds"], 4), "<= 500 ms server time",
        after["max"] <= 0.5,
        {"median_ms": round(after["median"] * 1000, 1),
         "cold_seconds": round(timed["cold_view_seconds"], 2),
         "refresh_seconds": round(timed["refresh_seconds"], 2),
         "what": "a report arrives and the 10 s are past: the page answers from the previous"
                 " build while a thread rebuilds the view (once it took >= 1 s to build);"
                 " refresh_seconds: until the page shows the new report",
         "ratio_meaning": "page time / cold build time (lower is better)",
         "summary": f"{after['median'] * 1000:.0f} ms (was a rebuild while waiting:"
                    f" {timed['cold_view_seconds']:.1f} s); shown after"
                    f" {timed['refresh_seconds']:.1f} s"},
    ))  # fmt: skip
    browser = run_worker("web-browser", "--devices", str(drawn), "--reports", "3",
                         timeout=sizes.cap + 300)  # fmt: skip
    name = f"web-topology-{drawn}-interactive"
    if "not_run" in browser:
        entries.append(Entry(name, "-", None, "<= 3 s", None, {"not_run": browser["not_run"]}))
        return entries
    entries.append(Entry(
        name, "the Networks page loaded in the same browser, same run",
        round(browser["seconds"] / browser["networks_seconds"], 1), "<= 3 s",
        browser["seconds"] <= 3.0,
        {"seconds": round(browser["seconds"], 2), "max_seconds": round(browser["max_seconds"], 2),
         "nodes": browser["nodes"], "networks_seconds": round(browser["networks_seconds"], 3),
         "what": "headless Debian chromium: navigation to cytoscape ready (preset layout) and"
                 " the page answering script; median of 3",
         "summary": f"{browser['seconds']:.2f} s for {browser['nodes']} nodes"},
    ))  # fmt: skip
    return entries


# --- ingest ---------------------------------------------------------------------------------------


@contextlib.contextmanager
def _server(db: str, timeout: float) -> Iterator[tuple[int, dict[str, Any]]]:
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.worker", "serve", "--db", db],
        cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )  # fmt: skip
    assert process.stdin is not None and process.stdout is not None
    result: dict[str, Any] = {}
    try:
        line = process.stdout.readline()
        if not line:
            raise WorkerFailed(f"server for {db} did not start: {process.stderr.read()[-1500:]}")  # type: ignore[union-attr]
        yield json.loads(line)["port"], result
        out, _ = process.communicate(input="", timeout=timeout)
        lines = [json.loads(x) for x in out.splitlines() if x.strip()]
        if lines:
            result.update(lines[-1])
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=30)


def _send(db: str, reports: int, timeout: float) -> dict[str, Any]:
    with _server(db, timeout) as (port, server):
        sent = run_worker("send", "--port", str(port), "--reports", str(reports),
                          "--streams", "4", "--components", "30",
                          "--prefix", uuid.uuid4().hex[:8], timeout=timeout)  # fmt: skip
    result: dict[str, Any] = dict(sent)
    result["rate"] = sent["acks"] / sent["seconds"]
    result["server_cpu_seconds"] = server.get("cpu_seconds")
    return result


def bench_ingest(sizes: Sizes) -> list[Entry]:
    reports = sizes.ingest_reports
    bare = _send("none", reports, sizes.cap)
    entries = []
    work = Path(tempfile.mkdtemp(prefix="netsbom-bench-"))
    try:
        backends: list[tuple[str, str | None, float, str]] = [
            ("sqlite", f"sqlite:///{work / 'ingest.db'}", 0.6, ">= 60% of the bare rate"),
        ]
        pg_name = f"netsbom_bench_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        pg_url = None
        if postgres_available():
            import psycopg

            with psycopg.connect(postgres_dsn("postgres"), autocommit=True) as connection:
                connection.execute(f'CREATE DATABASE "{pg_name}"')
            pg_url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{pg_name}"
        backends.append(("postgresql", pg_url, 0.4, ">= 40% of the bare rate"))
        for name, url, wanted, target in backends:
            baseline = "bare gRPC stream of the same reports into a server that stores nothing"
            if url is None:
                entries.append(
                    Entry(
                        f"ingest-{name}",
                        baseline,
                        None,
                        target,
                        None,
                        {"not_run": "PostgreSQL on 127.0.0.1:5432 is not reachable"},
                    )
                )
                continue
            ours = _send(url, reports, sizes.cap)
            ratio = ours["rate"] / bare["rate"]
            entries.append(Entry(
                f"ingest-{name}", baseline, round(ratio, 3), target, ratio >= wanted,
                {"reports": reports, "components_per_report": 30, "streams": 4,
                 "bytes_per_report": ours["bytes_per_report"],
                 "collector_reports_per_second": round(ours["rate"], 1),
                 "bare_reports_per_second": round(bare["rate"], 1),
                 "collector_cpu_seconds": ours["server_cpu_seconds"],
                 "bare_server_cpu_seconds": bare["server_cpu_seconds"],
                 "acks": ours["acks"],
                 "setup": "one client process (4 streams on one channel), server in its own "
                          "process; per-agent rate limit lifted; ack after commit",
                 "ratio_meaning": "collector reports/s / bare reports/s (higher is better)",
                 "summary": f"{ours['rate']:.0f}/s vs {bare['rate']:.0f}/s"},
            ))  # fmt: skip
        if pg_url is not None:
            import psycopg

            with psycopg.connect(postgres_dsn("postgres"), autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return entries


# --- SNMP -----------------------------------------------------------------------------------------


def bench_snmp(sizes: Sizes) -> list[Entry]:
    cpu_name = "snmp-agent-cpu-per-device"
    fleet_name = f"snmp-fleet-{sizes.snmp_devices}"
    if shutil.which("snmpbulkwalk") is None:
        reason = "Net-SNMP snmpbulkwalk is not installed (apt-get install snmp)"
        return [
            Entry(cpu_name, "Net-SNMP snmpbulkwalk", None, "<= 2x", None, {"not_run": reason}),
            Entry(fleet_name, "Net-SNMP snmpbulkwalk", None, "<= 1.25x", None, {"not_run": reason}),
        ]
    import yaml

    from bench.fleet_lab import fleet_definition
    from netsbom.lab.runner import Lab

    work = Path(tempfile.mkdtemp(prefix="netsbom-bench-lab-"))
    try:
        definition = fleet_definition(sizes.snmp_devices, work / "definition")
        per_process = math.ceil(sizes.snmp_devices / sizes.snmp_processes)
        with Lab(definition, work / "state", port=0, devices_per_process=per_process,
                 start_timeout=max(180.0, sizes.snmp_devices * 0.6)) as lab:  # fmt: skip
            inventory = lab.write_inventory(work / "inventory.yaml", timeout=2.0, retries=1)
            raw = yaml.safe_load(inventory.read_text())
            raw["concurrency"] = sizes.concurrency
            inventory.write_text(yaml.safe_dump(raw))
            args = ("--inventory", str(inventory), "--concurrency", str(sizes.concurrency))
            run_worker("snmp-agent", *args, timeout=sizes.cap)  # warm the simulators' indexes
            agent = run_worker("snmp-agent", *args, timeout=sizes.cap)
            recordings = str(work / "definition" / "snmp")
            netsnmp = run_worker(
                "snmp-netsnmp", *args, "--recordings", recordings, timeout=sizes.cap
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    v3 = _snmp_v3(sizes)
    devices = agent["devices"]
    ours = agent["cpu_seconds"] / devices
    theirs = netsnmp["cpu_seconds"] / devices
    common = {"devices": devices, "simulator_processes": sizes.snmp_processes,
              "concurrency": sizes.concurrency, "agent_subtrees": netsnmp["subtrees"],
              "netsnmp_subtrees_per_device": round(netsnmp["subtrees_walked_per_device"], 1),
              "complete_records": agent["complete"], "agent_errors": agent["errors"]}  # fmt: skip
    cpu_ratio = ours / theirs
    wall_ratio = agent["seconds"] / netsnmp["seconds"]
    return [
        *v3,
        Entry(
            cpu_name,
            "Net-SNMP snmpbulkwalk (-Cr25) of the subtrees that hold data on each device (the same "
            "data; the agent also asks every other subtree it knows), CPU of its processes incl. "
            "fork/exec",
            round(cpu_ratio, 3),
            "<= 2x",
            cpu_ratio <= 2,
            {
                **common,
                "agent_cpu_ms_per_device": round(ours * 1000, 1),
                "netsnmp_cpu_ms_per_device": round(theirs * 1000, 1),
                "agent_work": "walk + parse + fingerprint + record (a full inventory poll)",
                "netsnmp_work": "walks only, output to a pipe",
                "ratio_meaning": "agent CPU / Net-SNMP CPU per device (lower is better)",
                "summary": f"{ours * 1000:.0f} ms vs {theirs * 1000:.0f} ms per device",
            },
        ),
        Entry(
            fleet_name,
            f"Net-SNMP snmpbulkwalk of the same {devices} lab devices at the same concurrency",
            round(wall_ratio, 3),
            "<= 1.25x (wall time set by the lab, not the agent)",
            wall_ratio <= 1.25,
            {
                **common,
                "agent_seconds": round(agent["seconds"], 2),
                "netsnmp_seconds": round(netsnmp["seconds"], 2),
                "agent_cpu_seconds": round(agent["cpu_seconds"], 2),
                "agent_cpu_share_of_wall": round(agent["cpu_seconds"] / agent["seconds"], 3),
                "devices_per_second": round(devices / agent["seconds"], 1),
                "ratio_meaning": "agent wall / Net-SNMP wall on the same lab (lower is better)",
                "summary": f"{agent['seconds']:.1f} s vs {netsnmp['seconds']:.1f} s; agent CPU "
                f"{agent['cpu_seconds'] / agent['seconds']:.0%} of wall",
            },
        ),
    ]


def _snmp_v3(sizes: Sizes) -> list[Entry]:
    """Agent CPU per device over SNMPv3 authPriv (SHA-256/AES-128, SHA-512/AES-256) against
    Net-SNMP's snmpbulkwalk -v3 of the same subtrees, each device its own engine id."""
    from bench.fleet_lab import fleet_definition
    from bench.v3_lab import v3_lab

    count = min(sizes.snmp_devices, V3_DEVICES)
    work = Path(tempfile.mkdtemp(prefix="netsbom-bench-v3-"))
    measured: dict[tuple[str, str], tuple[dict[str, Any], dict[str, Any]]] = {}
    try:
        definition = fleet_definition(count, work / "definition")
        recordings = str(work / "definition" / "snmp")
        with v3_lab(definition, work / "lab", sizes.snmp_processes, sizes.concurrency,
                    timeout=2.0) as inventories:  # fmt: skip
            for users, inventory in inventories.items():
                args = ("--inventory", str(inventory), "--concurrency", str(sizes.concurrency))
                run_worker("snmp-agent", *args, timeout=sizes.cap)  # warm the simulators
                agent = run_worker("snmp-agent", *args, timeout=sizes.cap)
                netsnmp = run_worker(
                    "snmp-netsnmp", *args, "--recordings", recordings, timeout=sizes.cap
                )
                measured[users] = (agent, netsnmp)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    entries = []
    for (auth, priv), (agent, netsnmp) in measured.items():
        devices = agent["devices"]
        ours, theirs = agent["cpu_seconds"] / devices, netsnmp["cpu_seconds"] / devices
        ratio = ours / theirs
        entries.append(Entry(
            f"snmp-v3-agent-cpu-per-device-{auth}-{priv}",
            f"Net-SNMP snmpbulkwalk -v3 -l authPriv ({auth.upper()}/{priv.upper()}, -Cr25) of the "
            "subtrees that hold data on each device, CPU of its processes incl. fork/exec",
            round(ratio, 3), "<= 2x", ratio <= 2,
            {"devices": devices, "simulator_processes": sizes.snmp_processes,
             "concurrency": sizes.concurrency, "complete_records": agent["complete"],
             "agent_errors": agent["errors"], "engine_ids": "one per device (snmpsim auto)",
             "agent_cpu_ms_per_device": round(ours * 1000, 1),
             "netsnmp_cpu_ms_per_device": round(theirs * 1000, 1),
             "agent_seconds": round(agent["seconds"], 2),
             "netsnmp_seconds": round(netsnmp["seconds"], 2),
             "agent_work": "walk + parse + fingerprint + record (a full inventory poll), keys "
                           "localised per engine id",
             "netsnmp_work": "walks only (each process discovers the engine and localises keys)",
             "ratio_meaning": "agent CPU / Net-SNMP CPU per device (lower is better)",
             "summary": f"{ours * 1000:.0f} ms vs {theirs * 1000:.0f} ms per device"},
        ))  # fmt: skip
    return entries


# --- SSH ------------------------------------------------------------------------------------------


def bench_ssh(sizes: Sizes) -> list[Entry]:
    name = "ssh-agent-cpu-per-device"
    devices, concurrency = sizes.ssh
    baseline = "bare paramiko session (password login, shell, the same commands read to the prompt)"
    target = f"<= 1.5x ({devices} lab devices, {concurrency}-way concurrency)"
    reason = _ssh_missing()
    if reason:
        return [Entry(name, baseline, None, target, None, {"not_run": reason})]
    work = Path(tempfile.mkdtemp(prefix="netsbom-bench-ssh-"))
    try:
        with _ssh_lab(devices, work, sizes.cap) as (targets_file, server):
            args = ("--inventory", str(targets_file), "--concurrency", str(concurrency))
            agent = run_worker("ssh-agent", *args, timeout=sizes.cap)
            bare = run_worker("ssh-paramiko", *args, timeout=sizes.cap)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    count = agent["devices"]
    ours = agent["cpu_seconds"] / count
    theirs = bare["cpu_seconds"] / bare["devices"]
    ratio = ours / theirs
    wall = agent["seconds"] / bare["seconds"]
    return [Entry(
        f"ssh-wall-{count}", baseline, round(wall, 3), target, wall <= 1.5,
        {"devices": count, "concurrency": concurrency, "complete_records": agent["complete"],
         "agent_seconds": round(agent["seconds"], 2), "paramiko_seconds": round(bare["seconds"], 2),
         "agent_cpu_share_of_wall": round(agent["cpu_seconds"] / agent["seconds"], 3),
         "ratio_meaning": "agent wall / paramiko wall for the same devices (lower is better)",
         "summary": f"{agent['seconds']:.1f} s vs {bare['seconds']:.1f} s"},
    ), Entry(
        name, baseline, round(ratio, 3), "<= 1.5x (CPU per device)", ratio <= 1.5,
        {"devices": count, "concurrency": concurrency, "complete_records": agent["complete"],
         "agent_errors": agent["errors"],
         "agent_cpu_ms_per_device": round(ours * 1000, 1),
         "paramiko_cpu_ms_per_device": round(theirs * 1000, 1),
         "agent_seconds": round(agent["seconds"], 2), "paramiko_seconds": round(bare["seconds"], 2),
         "lab_server_cpu_seconds": server.get("cpu_seconds"),
         "agent_work": "netmiko session (paramiko), the platform's commands, parsing (ntc-templates"
                       " / own parsers), the record",
         "lab": "netsbom.lab.ssh_server paramiko servers in one separate process, one per device",
         "ratio_meaning": "agent CPU / paramiko CPU per device (lower is better)",
         "summary": f"{ours * 1000:.0f} ms vs {theirs * 1000:.0f} ms per device; wall "
                    f"{agent['seconds']:.1f} s vs {bare['seconds']:.1f} s"},
    )]  # fmt: skip


@contextlib.contextmanager
def _ssh_lab(devices: int, work: Path, timeout: float) -> Iterator[tuple[Path, dict[str, Any]]]:
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.worker", "ssh-serve", "--devices", str(devices),
         "--inventory", str(work)],
        cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )  # fmt: skip
    assert process.stdout is not None and process.stderr is not None
    result: dict[str, Any] = {}
    try:
        line = process.stdout.readline()
        if not line:
            raise WorkerFailed(f"SSH lab did not start: {process.stderr.read()[-1500:]}")
        targets = work / "targets.json"
        targets.write_text(line)
        yield targets, result
        out, _ = process.communicate(input="", timeout=timeout)
        lines = [json.loads(x) for x in out.splitlines() if x.strip()]
        if lines:
            result.update(lines[-1])
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=30)


def _ssh_missing() -> str:
    """Why the SSH benchmark cannot run here ("" when it can)."""
    try:
        from netsbom.agent.ssh import session  # noqa: F401
    except Exception as exc:
        return f"no SSH transport (netsbom.agent.ssh.session: {type(exc).__name__})"
    try:
        from netsbom.lab import ssh_lab, ssh_server  # noqa: F401
    except Exception as exc:
        return f"no SSH lab to poll (netsbom.lab.ssh_server: {type(exc).__name__})"
    return ""


if __name__ == "__main__":
    sys.exit(main())
