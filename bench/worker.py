"""One measurement per process: ``python -m bench.worker TASK [options]``.

Prints ``{"phase": "start"}`` when the timed section begins and one JSON result line at the end
(see ``bench.common.run_worker``). Every task prepares its input first (untimed), then measures.
With ``--memory`` the timed section runs under ``tracemalloc`` and the result carries the peak of
Python allocations made inside it (a separate run from the timing run: tracing slows allocation).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.common import REPO, cpu_seconds

AT = "2026-11-20T10:00:00Z"


def _start() -> None:
    print(json.dumps({"phase": "start"}), flush=True)


def _measure(fn: Callable[[], Any], memory: bool) -> tuple[Any, dict[str, Any]]:
    gc.collect()
    _start()
    if memory:
        tracemalloc.start()
        started = time.perf_counter()
        value = fn()
        seconds = time.perf_counter() - started
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return value, {"seconds_traced": seconds, "peak_bytes": peak}
    cpu = cpu_seconds()
    started = time.perf_counter()
    value = fn()
    return value, {"seconds": time.perf_counter() - started, "cpu_seconds": cpu_seconds() - cpu}


def _configuration(devices: int) -> Any:
    from netsbom.lab.fleet import synthetic_fleet
    from netsbom.topology.configuration import build_configuration

    records = synthetic_fleet(devices, links=devices * 3 // 2)
    return build_configuration("fleet", AT, records)


# --- SBOM -----------------------------------------------------------------------------------------


def task_sbom(args: argparse.Namespace) -> dict[str, Any]:
    """Render the CycloneDX JSON of a synthetic fleet: netsbom, the floor, or the library model."""
    from netsbom.collector.sbom.cyclonedx import to_cyclonedx

    config = _configuration(args.devices)
    _netsbom(_configuration(3))  # imports and one-time caches are not part of an export
    if args.how == "netsbom":
        data, figures = _measure(lambda: _netsbom(config), args.memory)
    elif args.how == "floor":
        doc = to_cyclonedx(config)
        data, figures = _measure(lambda: _floor(doc), args.memory)
    elif args.how == "floor-orjson":
        doc = to_cyclonedx(config)
        data, figures = _measure(lambda: _floor(doc, fast=True), args.memory)
    elif args.how == "library":
        doc = to_cyclonedx(config)
        data, figures = _measure(lambda: _library(doc), args.memory)
    else:
        raise SystemExit(f"unknown --how {args.how}")
    components = (
        sum(1 for _ in _walk(json.loads(data)["components"])) if args.devices <= 2000 else None
    )
    return {**figures, "bytes": len(data), "devices": args.devices, "components": components}


def _netsbom(config: Any) -> bytes:
    """What `netsbom sbom export` does once it has the configuration."""
    from netsbom.collector.export import render_sbom
    from netsbom.core.perf import gc_paused

    with gc_paused():
        return render_sbom(config, "cyclonedx-json")


def _walk(components: list[dict[str, Any]]) -> Any:
    for component in components:
        yield component
        yield from _walk(component.get("components", []))


def _floor(doc: dict[str, Any], fast: bool = False) -> bytes:
    """The same document allocated as plain dicts and lists, then ``json.dumps`` with the
    exporter's options (sorted keys, indent 2): no logic, identical bytes. ``fast``: orjson
    with the same options instead (what the exporter itself serialises with)."""

    def rebuild(value: Any) -> Any:
        if isinstance(value, dict):
            return {key: rebuild(item) for key, item in value.items()}
        if isinstance(value, list):
            return [rebuild(item) for item in value]
        return value

    gc.disable()  # the same favour the exporter gets (netsbom.collector.export.gc_paused)
    try:
        copy = rebuild(doc)
        if fast:
            import orjson

            option = orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS
            return orjson.dumps(copy, option=option) + b"\n"
        text = json.dumps(copy, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
        return text.encode("utf-8")
    finally:
        gc.enable()


def _library(doc: dict[str, Any]) -> bytes:
    """The same components, services and dependencies through cyclonedx-python-lib's model and
    its JSON 1.6 output (which validates the model first). The library has no compositions;
    evidence is left out."""
    import warnings
    from datetime import datetime

    from cyclonedx.model import Property
    from cyclonedx.model.bom import Bom, BomMetaData
    from cyclonedx.model.component import Component, ComponentType
    from cyclonedx.model.contact import OrganizationalEntity
    from cyclonedx.model.lifecycle import LifecyclePhase, PredefinedLifecycle
    from cyclonedx.model.service import Service
    from cyclonedx.output.json import JsonV1Dot6
    from packageurl import PackageURL

    by_ref: dict[str, Any] = {}

    def component(data: dict[str, Any]) -> Component:
        made = Component(
            name=data["name"],
            type=ComponentType(data["type"]),
            bom_ref=data.get("bom-ref"),
            version=data.get("version"),
            description=data.get("description"),
            cpe=data.get("cpe"),
            purl=PackageURL.from_string(data["purl"]) if "purl" in data else None,
            manufacturer=(
                OrganizationalEntity(name=data["manufacturer"]["name"])
                if "manufacturer" in data
                else None
            ),
            properties=[
                Property(name=p["name"], value=p["value"]) for p in data.get("properties", [])
            ],
            components=[component(child) for child in data.get("components", [])],
        )
        by_ref[data["bom-ref"]] = made
        return made

    metadata = doc["metadata"]
    root = component(metadata["component"])
    components = [component(c) for c in doc.get("components", [])]
    services = []
    for data in doc.get("services", []):
        service = Service(
            name=data["name"],
            bom_ref=data["bom-ref"],
            description=data.get("description"),
            properties=[Property(name=p["name"], value=p["value"]) for p in data["properties"]],
        )
        by_ref[data["bom-ref"]] = service
        services.append(service)
    bom = Bom(
        components=components,
        services=services,
        metadata=BomMetaData(
            component=root,
            timestamp=datetime.fromisoformat(metadata["timestamp"].replace("Z", "+00:00")),
            lifecycles=[
                PredefinedLifecycle(LifecyclePhase(p["phase"])) for p in metadata["lifecycles"]
            ],
        ),
    )
    for dependency in doc.get("dependencies", []):
        target = by_ref.get(dependency["ref"])
        if target is None:
            continue
        bom.register_dependency(
            target, [by_ref[r] for r in dependency.get("dependsOn", []) if r in by_ref]
        )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        text = JsonV1Dot6(bom).output_as_string(indent=2)
    return text.encode("utf-8")


def task_validate(args: argparse.Namespace) -> dict[str, Any]:
    """Validate a fleet's CycloneDX JSON against the 1.6 schema: netsbom's or the library's."""
    data = _netsbom(_configuration(args.devices))
    if args.how == "netsbom":
        from netsbom.collector.sbom.validate import _json_validator, validate_cyclonedx_json

        _json_validator()  # built once per process: not part of validating a document

        def run() -> Any:
            validate_cyclonedx_json(data)
            return None
    else:
        from cyclonedx.schema import SchemaVersion
        from cyclonedx.validation.json import JsonStrictValidator

        validator = JsonStrictValidator(SchemaVersion.V1_6)
        text = data.decode("utf-8")

        def run() -> Any:
            error = validator.validate_str(text)
            if error is not None:
                raise SystemExit(f"library validator: {error}")
            return None

    if args.gc_paused:
        from netsbom.core.perf import gc_paused

        measured = run

        def run() -> Any:
            with gc_paused():
                return measured()

    _value, figures = _measure(run, False)
    return {**figures, "bytes": len(data), "devices": args.devices}


# --- topology -------------------------------------------------------------------------------------


def task_topology(args: argparse.Namespace) -> dict[str, Any]:
    """Links + configuration + fingerprint of a fleet, or the baseline: a networkx graph of the
    same resolved neighbour pairs plus sha256 over the records' canonical JSON."""
    from netsbom.core.perf import gc_paused
    from netsbom.lab.fleet import fleet_links, synthetic_fleet
    from netsbom.topology.configuration import build_configuration, fingerprint

    records = synthetic_fleet(args.devices, links=args.links)
    if args.how == "netsbom":

        def run() -> Any:
            with gc_paused():
                config = build_configuration("fleet", AT, records)
                return len(config.links), fingerprint(config)

    else:
        import hashlib

        import networkx as nx

        from netsbom.core.record import record_to_dict

        pairs = [(link.a, link.b) for link in fleet_links(args.devices, args.links)]

        def run() -> Any:
            with gc_paused():
                graph = nx.Graph()
                graph.add_nodes_from(range(len(records)))
                graph.add_edges_from(pairs)
                canonical = json.dumps(
                    [record_to_dict(r) for r in records], sort_keys=True, separators=(",", ":")
                )
                return graph.number_of_edges(), hashlib.sha256(canonical.encode()).hexdigest()

    (links, _digest), figures = _measure(run, args.memory)
    return {**figures, "devices": args.devices, "links": links}


# --- ingest ---------------------------------------------------------------------------------------


def task_serve(args: argparse.Namespace) -> dict[str, Any]:
    """A collector (``--db URL``) or a bare gRPC server that stores nothing (``--db none``);
    prints its port, serves until stdin closes, then reports its own CPU seconds."""
    import grpc

    from netsbom.proto.convert import ReportAck
    from netsbom.proto.v1 import collector_pb2_grpc

    async def main() -> dict[str, Any]:
        if args.db == "none":

            class Bare(collector_pb2_grpc.CollectorServicer):
                async def Report(self, request_iterator: Any, context: Any) -> Any:
                    async for report in request_iterator:
                        yield ReportAck(report_id=report.report_id, status=ReportAck.STORED)

            server = grpc.aio.server(
                options=[("grpc.max_receive_message_length", 16 * 1024 * 1024)]
            )
            collector_pb2_grpc.add_CollectorServicer_to_server(Bare(), server)  # type: ignore[no-untyped-call]
            port = server.add_insecure_port("127.0.0.1:0")
            await server.start()

            async def stop(grace: float) -> None:
                await server.stop(grace)
        else:
            from netsbom.collector.server import CollectorConfig, Limits, start_collector
            from netsbom.collector.store import open_store

            store = open_store(args.db)
            # The per-agent rate limit (5,000/s by default) would cap the figure: lifted here.
            config = CollectorConfig(
                listen="127.0.0.1:0",
                allow_no_auth=True,
                limits=Limits(reports_per_second=1e9),
            )
            running = await start_collector(store, config)
            port = running.port
            stop = running.stop
        print(json.dumps({"port": port}), flush=True)
        cpu = cpu_seconds()
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, sys.stdin.read)
        used = cpu_seconds() - cpu
        await stop(1)
        return {"cpu_seconds": used}

    return asyncio.run(main())


def task_send(args: argparse.Namespace) -> dict[str, Any]:
    """Stream ``--reports`` pre-built reports (30 components each) to ``--port`` over
    ``--streams`` concurrent streams; waits for every ack."""
    import grpc

    from netsbom.proto.convert import to_report
    from netsbom.proto.v1 import collector_pb2_grpc

    template = _ingest_record(args.components)
    base = to_report(template)
    reports = []
    for number in range(args.reports):
        report = type(base)()
        report.CopyFrom(base)
        report.report_id = f"{args.prefix}-{number:08d}"
        report.target.id = f"dev{number % 10_000:05d}"
        reports.append(report)
    per_stream = [reports[i :: args.streams] for i in range(args.streams)]

    async def one(channel: Any, batch: list[Any]) -> int:
        stub = collector_pb2_grpc.CollectorStub(channel)  # type: ignore[no-untyped-call]
        acks = 0
        async for _ack in stub.Report(iter(batch)):
            acks += 1
        return acks

    async def main() -> tuple[int, float]:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{args.port}") as channel:
            await channel.channel_ready()
            _start()
            started = time.perf_counter()
            counts = await asyncio.gather(*(one(channel, b) for b in per_stream))
            return sum(counts), time.perf_counter() - started

    acks, seconds = asyncio.run(main())
    return {"acks": acks, "seconds": seconds, "bytes_per_report": len(base.SerializeToString())}


def _ingest_record(components: int) -> Any:
    from netsbom.core.record import Component
    from netsbom.lab.fleet import synthetic_fleet

    record = synthetic_fleet(1)[0]
    rows = list(record.components)
    extra = [
        Component(str(100 + n), "1", "port", f"Ethernet{n}", "10G port")
        for n in range(max(0, components - len(rows)))
    ]
    from dataclasses import replace

    return replace(record, components=tuple((rows + extra)[:components]))


# --- SNMP -----------------------------------------------------------------------------------------


def task_snmp_agent(args: argparse.Namespace) -> dict[str, Any]:
    """Poll every target of ``--inventory`` with the agent's real code path (poll_all) at the
    inventory's concurrency; agent CPU and wall time."""
    from pathlib import Path

    from netsbom.agent.inventory import load_inventory
    from netsbom.agent.run import poll_all

    inventory = load_inventory(Path(args.inventory))
    _start()
    cpu = cpu_seconds()
    started = time.perf_counter()
    records = asyncio.run(poll_all(inventory))
    seconds = time.perf_counter() - started
    used = cpu_seconds() - cpu
    complete = sum(1 for r in records if r.complete)
    return {
        "devices": len(records),
        "complete": complete,
        "seconds": seconds,
        "cpu_seconds": used,
        "components": sum(len(r.components) for r in records),
        "neighbors": sum(len(r.neighbors) for r in records),
        "errors": sorted({e.message for r in records for e in r.errors})[:5],
    }


def task_snmp_netsnmp(args: argparse.Namespace) -> dict[str, Any]:
    """Net-SNMP on the same devices and subtrees: ``snmpbulkwalk`` per subtree, ``--concurrency``
    devices at a time; CPU of the child processes (fork/exec included) and wall time."""
    import resource
    import subprocess
    from concurrent.futures import ThreadPoolExecutor
    from pathlib import Path

    import yaml

    from netsbom.agent.snmp.oids import collection_subtrees
    from netsbom.agent.snmp.view import dotted

    inventory = yaml.safe_load(Path(args.inventory).read_text())
    subtrees = [dotted(s) for s in collection_subtrees()]
    walked: list[int] = []

    def with_data(name: str) -> list[str]:
        """The subtrees this device's recording has objects in (all without --recordings)."""
        if not args.recordings:
            return subtrees
        oids = [
            line.split("|", 1)[0]
            for line in (Path(args.recordings) / f"{name}.snmprec").read_text().splitlines()
        ]
        return [s for s in subtrees if any(o == s or o.startswith(s + ".") for o in oids)]

    def secret(reference: str) -> str:
        return Path(reference.removeprefix("file:")).read_text().strip()

    def security(snmp: dict[str, Any]) -> list[str]:
        """Net-SNMP's options for the target's SNMP settings (v2c, or v3 authPriv)."""
        if snmp.get("version", "2c") == "2c":
            return ["-v2c", "-c", secret(snmp["community"])]
        auth, priv = snmp["auth_protocol"], snmp["priv_protocol"]
        return [
            *("-v3", "-l", "authPriv", "-u", snmp["user"], "-n", snmp.get("context", "")),
            *("-a", f"SHA-{auth.removeprefix('sha')}", "-A", secret(snmp["auth_key"])),
            *("-x", f"AES-{priv.removeprefix('aes')}", "-X", secret(snmp["priv_key"])),
        ]

    def one(target: dict[str, Any]) -> int:
        snmp = target["snmp"]
        options = security(snmp)
        rows = 0
        mine = with_data(target["name"])
        walked.append(len(mine))
        for subtree in mine:
            out = subprocess.run(
                [
                    "snmpbulkwalk",
                    *options,
                    "-On",
                    "-Cr25",
                    "-t",
                    "2",
                    "-r",
                    "1",
                    "-m",
                    "",
                    f"{target['address']}:{snmp['port']}",
                    subtree,
                ],
                capture_output=True,
                text=True,
                timeout=60,
                check=False,
                env={**os.environ, "MIBS": "", "MIBDIRS": "/nonexistent"},
            )
            rows += out.stdout.count("\n")
        return rows

    _start()
    cpu = cpu_seconds(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    with ThreadPoolExecutor(args.concurrency) as pool:
        rows = list(pool.map(one, inventory["targets"]))
    seconds = time.perf_counter() - started
    return {
        "devices": len(rows),
        "varbinds": sum(rows),
        "seconds": seconds,
        "cpu_seconds": cpu_seconds(resource.RUSAGE_CHILDREN) - cpu,
        "subtrees": len(subtrees),
        "subtrees_walked_per_device": sum(walked) / max(1, len(walked)),
    }


# --- SSH ------------------------------------------------------------------------------------------


def task_ssh_serve(args: argparse.Namespace) -> dict[str, Any]:
    """Serve ``--devices`` SSH lab devices (paramiko servers, one port each, one shared host key)
    rendered from a cloned lab; prints the targets, serves until stdin closes, reports its CPU."""
    import math
    from pathlib import Path

    import paramiko

    from bench.fleet_lab import fleet_definition
    from netsbom.agent.ssh.recording import read_recording
    from netsbom.lab.ssh_lab import render_all
    from netsbom.lab.ssh_server import DeviceShell, SshLabServer

    work = Path(args.inventory)
    fleet_definition(math.ceil(args.devices * 9 / 6) + 9, work / "definition")
    render_all(work / "definition" / "lab.yaml", work / "ssh")
    key = paramiko.RSAKey.generate(2048)
    servers: list[Any] = []
    targets = []

    def by_group(path: Path) -> tuple[int, str]:  # every platform early, not acc-* first
        name, _, group = path.name.rpartition("-g")
        return int(group), name

    for directory in sorted((p for p in (work / "ssh").iterdir() if p.is_dir()), key=by_group):
        if len(servers) >= args.devices:
            break
        recording = read_recording(directory)
        server = SshLabServer(recording, host="127.0.0.1", port=0, host_key=key)
        server.start()
        servers.append(server)
        targets.append(
            {"name": directory.name, "port": server.port, "platform": recording.platform,
             "prompt": DeviceShell(recording).prompt}
        )  # fmt: skip
    host_key = f"{key.get_name()} {key.get_base64()}"
    print(json.dumps({"targets": targets, "host_key": host_key}), flush=True)
    cpu = cpu_seconds()
    sys.stdin.read()
    used = cpu_seconds() - cpu
    for server in servers:
        server.stop(timeout=1.0)
    return {"cpu_seconds": used}


def _ssh_targets(path: str) -> list[dict[str, Any]]:
    from pathlib import Path

    targets: list[dict[str, Any]] = json.loads(Path(path).read_text())["targets"]
    return targets


def task_ssh_agent(args: argparse.Namespace) -> dict[str, Any]:
    """netsbom's SSH poll (netmiko on paramiko, the platform's commands, parsing) of every
    target, ``--concurrency`` sessions at a time."""
    import tempfile
    from pathlib import Path

    from netsbom.agent.inventory import TargetSpec
    from netsbom.agent.ssh.poll import poll_ssh
    from netsbom.agent.ssh.session import configure_pool
    from netsbom.lab.ssh_lab import LAB_PASSWORD, LAB_USERNAME

    os.environ["NETSBOM_BENCH_SSH_PW"] = LAB_PASSWORD
    # Host keys known beforehand (strict policy), as in production: "tofu" pinning from 50
    # sessions at once corrupted known_hosts (InvalidHostKey) when this was written.
    targets = _ssh_targets(args.inventory)
    host_key = json.loads(Path(args.inventory).read_text())["host_key"]
    known = Path(tempfile.mkdtemp()) / "known_hosts"
    known.write_text("".join(f"[127.0.0.1]:{t['port']} {host_key}\n" for t in targets))
    specs = [
        TargetSpec.model_validate({
            "name": t["name"], "address": "127.0.0.1", "deadline": 120,
            "ssh": {"port": t["port"], "username": LAB_USERNAME,
                    "password": "env:NETSBOM_BENCH_SSH_PW", "platform": t["platform"],
                    "known_hosts": str(known), "host_key_policy": "strict",
                    "command_timeout": 30, "connect_timeout": 20, "auth_timeout": 20},
        })
        for t in targets
    ]  # fmt: skip
    configure_pool(args.concurrency)

    async def main() -> list[Any]:
        gate = asyncio.Semaphore(args.concurrency)

        async def one(spec: Any) -> Any:
            async with gate:
                return await poll_ssh(spec, agent_id="bench")

        return list(await asyncio.gather(*(one(s) for s in specs)))

    _start()
    cpu = cpu_seconds()
    started = time.perf_counter()
    records = asyncio.run(main())
    seconds = time.perf_counter() - started
    return {
        "devices": len(records),
        "complete": sum(1 for r in records if r.complete),
        "seconds": seconds,
        "cpu_seconds": cpu_seconds() - cpu,
        "errors": sorted({e.message for r in records for e in r.errors})[:5],
    }


def task_ssh_paramiko(args: argparse.Namespace) -> dict[str, Any]:
    """The floor: a bare paramiko session per target (password login, a shell, the same
    commands as the agent's driver, each read up to the prompt), in ``--concurrency`` threads."""
    import socket
    from concurrent.futures import ThreadPoolExecutor

    import paramiko

    from netsbom.agent.platforms import get_platform
    from netsbom.lab.ssh_lab import LAB_PASSWORD, LAB_USERNAME

    targets = _ssh_targets(args.inventory)

    def read_to_prompt(channel: Any, prompt: str, deadline: float) -> int:
        buffer = b""
        wanted = prompt.rstrip().encode()
        while time.monotonic() < deadline:
            chunk = channel.recv(65536)
            if not chunk:
                break
            buffer += chunk
            if buffer.rstrip().endswith(wanted):
                break
        return len(buffer)

    def one(target: dict[str, Any]) -> int:
        platform = get_platform(target["platform"])
        commands = [*platform.paging, *(form for cmd in platform.commands for form in cmd.forms)]
        sock = socket.create_connection(("127.0.0.1", target["port"]), timeout=30)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        client = paramiko.SSHClient()
        client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
        deadline = time.monotonic() + 120
        try:
            client.connect("127.0.0.1", port=target["port"], username=LAB_USERNAME,
                           password=LAB_PASSWORD, sock=sock, look_for_keys=False,
                           allow_agent=False, timeout=30)  # fmt: skip
            channel = client.invoke_shell(width=511, height=0)
            channel.settimeout(30)
            received = read_to_prompt(channel, target["prompt"], deadline)
            for command in commands:
                channel.send((command + "\n").encode())
                received += read_to_prompt(channel, target["prompt"], deadline)
            return received
        finally:
            client.close()

    _start()
    cpu = cpu_seconds()
    started = time.perf_counter()
    with ThreadPoolExecutor(args.concurrency) as pool:
        sizes = list(pool.map(one, targets))
    return {
        "devices": len(sizes),
        "bytes": sum(sizes),
        "seconds": time.perf_counter() - started,
        "cpu_seconds": cpu_seconds() - cpu,
    }


# --- vulnerability assessment ---------------------------------------------------------------------


def _vuln_inputs(directory: Path, devices: int, cves: int) -> tuple[Path, Path]:
    """A fleet's records (JSON Lines, as `netsbom agent poll --format json` writes them) and a
    feeds directory of exactly ``cves`` CVE ids: the real records of ../shared/vuln, cut to the
    first ids (those with a record first) or topped up with copies of its CNA records under
    CVE-2099-* ids."""
    from netsbom.core.record import record_to_dict
    from netsbom.lab.fleet import synthetic_fleet

    shared = Path(os.environ.get("NETSBOM_SHARED", REPO.parent / "shared"))
    shared = shared / "vuln" if (shared / "vuln").is_dir() else shared
    records = directory / "fleet.jsonl"
    with records.open("w", encoding="utf-8") as out:
        for record in synthetic_fleet(devices, links=devices * 3 // 2):
            out.write(json.dumps(record_to_dict(record)) + "\n")
    feeds = directory / "feeds"
    (feeds / "cve").mkdir(parents=True)
    (feeds / "nvd").mkdir()
    cve_files = sorted((shared / "cve").glob("CVE-*.json"))
    kev = json.loads((shared / "kev.json").read_text(encoding="utf-8"))
    # ids with a record first: a feed of KEV-only ids holds nothing to assess (and is refused)
    recorded = sorted(p.stem for p in cve_files)
    ids = recorded + sorted({k["cveID"] for k in kev["vulnerabilities"]} - set(recorded))
    chosen = set(ids[:cves])
    for path in cve_files:
        if path.stem in chosen:
            shutil.copy(path, feeds / "cve")
    for path in sorted((shared / "nvd").glob("CVE-*.json")):
        if path.stem in chosen:
            shutil.copy(path, feeds / "nvd")
    kev["vulnerabilities"] = [k for k in kev["vulnerabilities"] if k["cveID"] in chosen]
    (feeds / "kev.json").write_text(json.dumps(kev), encoding="utf-8")
    shutil.copy(shared / "epss.csv", feeds / "epss.csv")
    for number in range(max(0, cves - len(ids))):
        data = json.loads(cve_files[number % len(cve_files)].read_text(encoding="utf-8"))
        data["cveMetadata"]["cveId"] = f"CVE-2099-{number:05d}"
        (feeds / "cve" / f"CVE-2099-{number:05d}.json").write_text(json.dumps(data))
    return records, feeds


def task_vuln(args: argparse.Namespace) -> dict[str, Any]:
    """`netsbom vuln assess --records FLEET --feeds DIR --json [--all]` as a process (output
    to /dev/null or a file; wall, CPU and peak RSS of the process), or the floor: reading the
    same records file and writing the same number of bytes (``--bytes``) to /dev/null."""
    with tempfile.TemporaryDirectory(prefix="netsbom-bench-vuln-") as tmp:
        records, feeds = _vuln_inputs(Path(tmp), args.devices, args.cves)
        if args.how == "floor":
            block = b"x" * (1 << 20)

            total: int = args.bytes

            def floor() -> int:
                with records.open(encoding="utf-8") as source:
                    for line in source:
                        json.loads(line)
                left = total
                with open(os.devnull, "wb") as sink:
                    while left > 0:
                        left -= sink.write(block[: min(left, len(block))])
                return total

            written, figures = _measure(floor, False)
            return {**figures, "bytes": written}
        command = [sys.executable, "-m", "netsbom.core", "vuln", "assess", "--records",
                   str(records), "--feeds", str(feeds), "--json"]  # fmt: skip
        if args.everything:
            command.append("--all")
        output = Path(tmp) / "out.jsonl"
        _start()
        started = time.perf_counter()
        with open(os.devnull if args.everything else output, "wb") as sink:
            process = subprocess.Popen(command, stdout=sink, stderr=subprocess.PIPE, cwd=REPO)
            _pid, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        assert process.stderr is not None
        errors = process.stderr.read().decode(errors="replace")
        if status != 0:
            raise SystemExit(f"vuln assess failed ({status}): {errors[-2000:]}")
        if args.everything:  # /dev/null has no size: bytes per line from 200 of the devices
            sample = Path(tmp) / "sample.jsonl"
            with records.open(encoding="utf-8") as source, sample.open("w") as head:
                head.writelines(line for _, line in zip(range(200), source, strict=False))
            index = command.index(str(records))
            with output.open("wb") as sink:
                subprocess.run(
                    [*command[:index], str(sample), *command[index + 1 :]],
                    check=True, stdout=sink, stderr=subprocess.DEVNULL, cwd=REPO,
                )  # fmt: skip
            lines = args.devices * args.cves
            size = round(output.stat().st_size / _count_lines(output) * lines)
        else:
            lines, size = _count_lines(output), output.stat().st_size
        return {
            "seconds": seconds,
            "cpu_seconds": usage.ru_utime + usage.ru_stime,
            "peak_rss_bytes": usage.ru_maxrss * 1024,
            "lines": lines,
            "bytes": size,
        }


def _count_lines(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))


# --- web console ----------------------------------------------------------------------------------


def _web_store(directory: Path, devices: int) -> str:
    from netsbom.lab.fleet import write_fleet

    url = f"sqlite:///{directory / 'web.db'}"
    write_fleet(url, devices, links=devices * 3 // 2, collected_at=AT)
    return url


def _web_feeds(directory: Path, devices: int, cves: int) -> tuple[Path, str]:
    """The feeds of the vuln group (``cves`` real CVE ids of ../shared/vuln), else the few of
    tests/data/vuln."""
    shared = Path(os.environ.get("NETSBOM_SHARED", REPO.parent / "shared"))
    if cves and ((shared / "vuln" / "kev.json").is_file() or (shared / "kev.json").is_file()):
        _records, feeds = _vuln_inputs(directory, devices, cves)
        return feeds, f"{cves} CVE ids of ../shared/vuln"
    return REPO / "tests" / "data" / "vuln", "tests/data/vuln"


def _timed_get(client: Any, url: str, times: int) -> dict[str, Any]:
    seconds = []
    size = 0
    for _ in range(times):
        started = time.perf_counter()
        response = client.get(url)
        seconds.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url}: {response.status_code} {response.text[:300]}")
        size = len(response.content)
    seconds.sort()
    return {"median": seconds[len(seconds) // 2], "max": seconds[-1], "bytes": size}


def task_web(args: argparse.Namespace) -> dict[str, Any]:
    """Server time of every console page over a fleet store (in-process ASGI client: the time
    includes the test client's own overhead, so it is an upper bound)."""
    from fastapi.testclient import TestClient

    from netsbom.collector.store import open_store
    from netsbom.collector.web.app import create_app
    from netsbom.collector.web.console import Console

    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(_web_store(Path(tmp), args.devices))
        try:
            feeds, feeds_name = _web_feeds(Path(tmp), args.devices, args.cves)
            console = Console(store, feeds_dir=feeds)
            client = TestClient(create_app(console))
            _start()
            started = time.perf_counter()
            client.get("/networks/fleet/firmware")
            cold_view = time.perf_counter() - started
            started = time.perf_counter()
            client.get("/networks/fleet/vulnerabilities")
            cold_vuln = time.perf_counter() - started
            view = console.view("fleet")
            node = next(iter(view.by_node))
            site = view.sites()[0]
            pages = {
                "networks": "/",
                "firmware": "/networks/fleet/firmware",
                "firmware-page-50": "/networks/fleet/firmware?page=50",
                "firmware-filtered": "/networks/fleet/firmware?vendor=Cisco&sort=os_version",
                "device": f"/networks/fleet/devices/{node}",
                "topology": "/networks/fleet/topology",
                "topology-site": f"/networks/fleet/topology?site={site}",
                "vulnerabilities": "/networks/fleet/vulnerabilities",
                "vulnerabilities-by-cve": "/networks/fleet/vulnerabilities?by=cve",
                "sbom": "/networks/fleet/sbom",
                "api-devices": "/api/v1/networks/fleet/devices?per_page=100",
            }
            floor = _timed_get(client, "/static/app.css", 20)
            measured = {name: _timed_get(client, url, args.reports) for name, url in pages.items()}
            csv = _timed_get(client, "/networks/fleet/firmware.csv", 1)
            rows = len(console.vulnerability_rows(view))
            after_new, refreshed = _after_new_observation(store, console, client)
        finally:
            store.close()
    return {"devices": args.devices, "pages": measured, "floor": floor, "csv": csv,
            "feeds": feeds_name, "vulnerability_rows": rows,
            "cold_view_seconds": cold_view, "cold_vulnerabilities_seconds": cold_vuln,
            "after_new_observation": after_new, "refresh_seconds": refreshed}  # fmt: skip


def _after_new_observation(store: Any, console: Any, client: Any) -> tuple[dict[str, Any], float]:
    """A report arrives for a device: the firmware page right after (answered from the previous
    build while the view is rebuilt in the background), and seconds until the page shows it."""
    import uuid
    from dataclasses import replace

    from netsbom.lab.fleet import synthetic_fleet

    first = synthetic_fleet(1, collected_at=AT)[0]
    newer = replace(first, report_id=str(uuid.uuid4()), collected_at="2026-11-20T11:00:00Z",
                    os=replace(first.os, version="99.9.9"))  # fmt: skip
    console.max_age = 0.0  # as if the 10 s had passed
    store.write([newer])
    started = time.perf_counter()
    page = _timed_get(client, "/networks/fleet/firmware", 1)
    deadline = started + 120
    while time.perf_counter() < deadline:
        shown = client.get("/api/v1/networks/fleet/devices?version=99.9.9").json()
        if shown.get("items"):
            break
        time.sleep(0.1)
    return page, time.perf_counter() - started


def task_web_browser(args: argparse.Namespace) -> dict[str, Any]:
    """Seconds from navigation to an interactive topology page (cytoscape ready, the page
    answering script) in headless Debian chromium; the server's view is built beforehand."""
    import threading

    import uvicorn
    from fastapi.testclient import TestClient

    from netsbom.collector.store import open_store
    from netsbom.collector.web.app import create_app
    from netsbom.collector.web.console import Console

    chromium = shutil.which("chromium")
    if chromium is None:
        return {"not_run": "chromium is not installed (Debian package chromium)"}
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(_web_store(Path(tmp), args.devices))
        app = create_app(Console(store))
        TestClient(app).get("/networks/fleet/topology")  # the view is built: browser time only
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=args.port or 0,
                                               log_level="warning", lifespan="off"))  # fmt: skip
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 30
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        port = server.servers[0].sockets[0].getsockname()[1]
        base = f"http://127.0.0.1:{port}"
        sandbox = ["--no-sandbox"] if os.geteuid() == 0 else []
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=chromium, args=sandbox)
                page = browser.new_page(viewport={"width": 1400, "height": 900})
                page.goto(f"{base}/")  # warm the browser's cache of the static files
                _start()
                topology, networks, nodes = [], [], 0
                for _ in range(max(1, args.reports)):
                    started = time.perf_counter()
                    page.goto(f"{base}/networks/fleet/topology")
                    page.wait_for_selector("#cy[data-ready=true]", timeout=60_000)
                    nodes = page.evaluate("window.netsbomTopology.nodes().length")
                    topology.append(time.perf_counter() - started)
                    started = time.perf_counter()
                    page.goto(f"{base}/")
                    page.wait_for_selector("#networks")
                    networks.append(time.perf_counter() - started)
                browser.close()
        finally:
            server.should_exit = True
            thread.join(timeout=10)
            store.close()
    topology.sort()
    networks.sort()
    return {
        "devices": args.devices,
        "nodes": nodes,
        "seconds": topology[len(topology) // 2],
        "max_seconds": topology[-1],
        "networks_seconds": networks[len(networks) // 2],
    }


TASKS = {
    "sbom": task_sbom,
    "validate": task_validate,
    "topology": task_topology,
    "serve": task_serve,
    "send": task_send,
    "snmp-agent": task_snmp_agent,
    "snmp-netsnmp": task_snmp_netsnmp,
    "ssh-serve": task_ssh_serve,
    "ssh-agent": task_ssh_agent,
    "ssh-paramiko": task_ssh_paramiko,
    "vuln": task_vuln,
    "web": task_web,
    "web-browser": task_web_browser,
}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.worker")
    parser.add_argument("task", choices=sorted(TASKS))
    parser.add_argument("--devices", type=int, default=100)
    parser.add_argument("--links", type=int, default=None)
    parser.add_argument("--how", default="netsbom")
    parser.add_argument("--memory", action="store_true")
    parser.add_argument("--gc-paused", action="store_true", help="validate: with gc paused")
    parser.add_argument("--db", default="none")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--reports", type=int, default=1000)
    parser.add_argument("--streams", type=int, default=2)
    parser.add_argument("--components", type=int, default=30)
    parser.add_argument("--prefix", default="r")
    parser.add_argument("--inventory", default="")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument(
        "--recordings", default="", help="snmp-netsnmp: walk only subtrees with data"
    )
    parser.add_argument("--cves", type=int, default=3000, help="vuln: CVE ids in the feeds")
    parser.add_argument("--everything", action="store_true", help="vuln: --all")
    parser.add_argument("--bytes", type=int, default=0, help="vuln floor: bytes to write")
    args = parser.parse_args(argv)
    result = TASKS[args.task](args)
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
