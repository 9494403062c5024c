"""Real lab topologies: SuzieQ's captured neighbour tables rebuild SuzieQ's expected LLDP edges.

For every namespace under ``$NETSBOM_CORPUS/topology/suzieq/raw/<set>/<group>-input[/<ns>]``:
each device's captured neighbour output (``lldp.output``: the command SuzieQ ran, ``cmd``, on its
platform, ``devtype``) is parsed by :mod:`netsbom.topology.neighbor_parsers` into a device record;
the records are written as agent JSON Lines and replayed through ``netsbom topology --records``.

Expected (``expected/<set>__<group>-samples/<ns>/lldp.json``): SuzieQ's LLDP rows, one per
(reporting device, local port). We check, per reporting device SuzieQ lists, that the link ends
we derive from *all* devices are exactly its rows (hostname, ifname, peerHostname, peerIfname):
no more, no fewer. SuzieQ's samples lack every row of some devices whose output the capture
holds (e.g. spine01 in single-attach_ospf_numbered); their links to listed devices are checked
from the listed side, links among themselves have nothing to compare with.
Namespaces without expected rows are replayed too: no error, every device a node.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from netsbom.cli import cli
from netsbom.topology.configuration import Configuration, build_configuration
from netsbom.topology.neighbor_parsers import parse_neighbor_output
from netsbom.topology.record import DeviceRecord, ErrorInfo, OsInfo, Target, record_to_dict
from tests.conftest import corpus_dir

SUZIEQ = corpus_dir() / "topology" / "suzieq"
AT = "2026-01-01T00:00:00Z"


@dataclass(frozen=True)
class Namespace:
    name: str
    raw: Path
    expected: Path | None

    @property
    def id(self) -> str:
        return f"{self.raw.parent.name if self.raw.name == self.name else ''}{self.name}"


def discover() -> list[Namespace]:
    found: list[Namespace] = []
    for folder in sorted(SUZIEQ.glob("raw/*/*-input")):
        group = folder.name.removesuffix("-input")
        subsets = sorted(p for p in folder.iterdir() if p.is_dir())
        pairs = [(p.name, p) for p in subsets] if subsets else [(group, folder)]
        for name, path in pairs:
            if not (path / "lldp.output").is_file():
                continue
            expected = (
                SUZIEQ / "expected" / f"{folder.parent.name}__{group}-samples" / name / "lldp.json"
            )
            found.append(Namespace(name, path, expected if expected.is_file() else None))
    return found


NAMESPACES = discover() if SUZIEQ.is_dir() else []
WITH_EXPECTED = [n for n in NAMESPACES if n.expected is not None]
WITHOUT_EXPECTED = [n for n in NAMESPACES if n.expected is None]
pytestmark = pytest.mark.skipif(
    not NAMESPACES, reason=f"SuzieQ topology corpus not found at {SUZIEQ} (set NETSBOM_CORPUS)"
)


def captures(path: Path) -> list[dict[str, Any]]:
    """``*.output`` files are JSON arrays written one after another."""
    text = path.read_text(encoding="utf-8")
    decoder = json.JSONDecoder()
    out: list[dict[str, Any]] = []
    position = 0
    while position < len(text):
        while position < len(text) and text[position].isspace():
            position += 1
        if position >= len(text):
            break
        value, position = decoder.raw_decode(text, position)
        out.extend(value if isinstance(value, list) else [value])
    return out


def device_records(namespace: Namespace) -> list[DeviceRecord]:
    """One record per device, as an agent replaying its neighbour command would report it."""
    by_host: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for capture in captures(namespace.raw / "lldp.output"):
        by_host[capture["hostname"]].append(capture)
    records = []
    for host, entries in sorted(by_host.items()):
        neighbors = []
        errors = []
        for entry in entries:
            if entry.get("status") not in (0, 200):  # the command failed on the device
                continue
            data = entry.get("data")
            text = data if isinstance(data, str) else json.dumps(data)
            parsed = parse_neighbor_output(entry["devtype"], entry["cmd"], text or "")
            neighbors += parsed.neighbors
            errors += [ErrorInfo("parse", e, entry["cmd"]) for e in parsed.errors]
        records.append(
            DeviceRecord(
                target=Target(
                    host,
                    entries[0].get("address") or host,
                    22,
                    "replay",
                    (("network", namespace.name),),
                ),
                agent_id="suzieq-replay",
                collected_at=AT,
                report_id=f"{namespace.name}/{host}",
                hostname=host,
                os=OsInfo(family=entries[0]["devtype"]),
                neighbors=tuple(neighbors),
                errors=tuple(errors),
            )
        )
    return records


def replay(records: list[DeviceRecord], tmp_path: Path) -> dict[str, Any]:
    """Write the records as agent JSON Lines and build the topology with the CLI."""
    path = tmp_path / "records.jsonl"
    path.write_text("".join(json.dumps(record_to_dict(r)) + "\n" for r in records))
    result = CliRunner().invoke(cli, ["topology", "--records", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    doc: dict[str, Any] = json.loads(result.output)
    return doc


def halves(config: Configuration) -> set[tuple[str, str | None, str, str | None]]:
    """(reporter, its port, peer, peer's port) for every link end a device itself reported."""
    out = set()
    for link in config.links:
        for end, other in ((link.a, link.b), (link.b, link.a)):
            if not end.external and any(o.reporter == end.device for o in link.observations):
                out.add((end.device, end.port, other.device, other.port))
    return out


@pytest.mark.parametrize("namespace", WITH_EXPECTED, ids=[n.id for n in WITH_EXPECTED])
def test_replay_rebuilds_suzieq_lldp_edges(namespace: Namespace, tmp_path: Path) -> None:
    records = device_records(namespace)
    assert not [e for r in records for e in r.errors], "every captured output parses"
    assert namespace.expected is not None
    rows = json.loads(namespace.expected.read_text())["rows"]
    expected = {(r["hostname"], r["ifname"], r["peerHostname"], r["peerIfname"]) for r in rows}
    reporters = {row[0] for row in expected}

    config = build_configuration(namespace.name, AT, records)
    derived = halves(config)
    ours = {h for h in derived if h[0] in reporters}
    assert sorted(ours - expected) == [], "links SuzieQ does not have"
    assert sorted(expected - ours) == [], "SuzieQ links we miss"

    # Links between devices whose rows SuzieQ's sample lacks (its samples and its captures were
    # not taken together) have nothing to compare with; every other link end is checked above.
    assert derived >= ours

    # The CLI (JSON Lines in, the JSON shape out) gives the same links.
    doc = replay(records, tmp_path)
    assert set(doc) == {"nodes", "links"}
    assert {n["id"] for n in doc["nodes"]} == {r.name for r in records}
    cli_links = {
        (link["a"]["device"], link["a"]["port"], link["b"]["device"], link["b"]["port"])
        for link in doc["links"]
    }
    assert cli_links == {(x.a.device, x.a.port, x.b.device, x.b.port) for x in config.links}
    for link in doc["links"]:
        assert set(link) == {"a", "b", "protocols", "one_sided"}
        assert set(link["protocols"]) <= {"lldp", "cdp"}


@pytest.mark.parametrize("namespace", WITHOUT_EXPECTED, ids=[n.id for n in WITHOUT_EXPECTED])
def test_replay_without_expected_edges_still_builds(namespace: Namespace, tmp_path: Path) -> None:
    records = device_records(namespace)
    assert not [e for r in records for e in r.errors], "every captured output parses"
    doc = replay(records, tmp_path)
    internal = {n["id"] for n in doc["nodes"] if not n["external"]}
    assert internal == {r.name for r in records}
    assert doc["links"], "a lab network has links"
    ends = {e["device"] for link in doc["links"] for e in (link["a"], link["b"])}
    assert ends <= {n["id"] for n in doc["nodes"]}
