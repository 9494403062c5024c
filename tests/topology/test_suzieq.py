"""Real lab topologies: SuzieQ's captured neighbour tables rebuild SuzieQ's expected LLDP edges.

For every namespace under ``$NETSBOM_CORPUS/topology/suzieq/raw/<set>/<group>-input[/<ns>]``:
each device's captured neighbour output (``lldp.output``: the command SuzieQ ran, ``cmd``, on its
platform, ``devtype``) becomes a device recording (``device.yaml`` with the netmiko platform and
hostname, one file per command named by :func:`netsbom.agent.ssh.naming.command_filename`) which
is replayed with :func:`netsbom.agent.ssh.poll.replay_ssh`, i.e. by the SSH platform drivers; the
records are written as agent JSON Lines and replayed through ``netsbom topology --records``.

SuzieQ's command is the recorded command, but for two spellings the agent does not send:
``| json native`` (NX-OS; the same JSON with native number types) is recorded as ``| json``, and
SuzieQ's Linux guard ``if systemctl status lldpd ...; then sudo lldpctl; fi`` as ``lldpctl``.
Every command must be one the driver reads (a form of one of its commands), or the test fails.

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
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from netsbom.agent.platforms import get_platform
from netsbom.agent.ssh.naming import command_filename
from netsbom.agent.ssh.poll import replay_ssh
from netsbom.core.cli import cli
from netsbom.core.record import DeviceRecord, record_to_dict
from netsbom.topology.configuration import Configuration, build_configuration
from tests.conftest import DATA

SUZIEQ = DATA / "suzieq"
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


# SuzieQ devtype -> netmiko platform (the driver that reads the recording)
PLATFORMS = {
    "cumulus": "linux",
    "linux": "linux",
    "sonic": "linux",
    "eos": "arista_eos",
    "nxos": "cisco_nxos",
    "ios": "cisco_ios",
    "iosxe": "cisco_xe",
    "iosxr": "cisco_xr",
}
_SHELL_GUARD = re.compile(r"^if .*?; then (?:sudo )?(?P<command>.+?); fi$")


def platform_of(devtype: str) -> str:
    return "juniper_junos" if devtype.startswith("junos") else PLATFORMS[devtype]


def recorded_command(cmd: str) -> str:
    """The command the agent sends for SuzieQ's ``cmd`` (see the module docstring)."""
    guard = _SHELL_GUARD.match(cmd.strip())
    command = guard.group("command") if guard else cmd
    return re.sub(r"\|\s*json native\s*$", "| json", command)


def write_recordings(namespace: Namespace, root: Path) -> list[Path]:
    """One device recording per host SuzieQ captured, as ``netsbom agent record`` writes them."""
    by_host: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for capture in captures(namespace.raw / "lldp.output"):
        by_host[capture["hostname"]].append(capture)
    directories = []
    for host, entries in sorted(by_host.items()):
        platform = get_platform(platform_of(entries[0]["devtype"]))
        forms = {command_filename(form) for c in platform.commands for form in c.forms}
        directory = root / host
        directory.mkdir(parents=True)
        meta = {"platform": platform.name, "hostname": host}
        (directory / "device.yaml").write_text(yaml.safe_dump(meta), encoding="utf-8")
        for entry in entries:
            if entry.get("status") not in (0, 200):  # the command failed on the device
                continue
            filename = command_filename(recorded_command(entry["cmd"]))
            assert filename in forms, f"{platform.name} does not run {entry['cmd']!r}"
            data = entry.get("data")
            text = data if isinstance(data, str) else json.dumps(data)  # eAPI: a JSON object
            (directory / filename).write_text(text or "", encoding="utf-8")
        directories.append(directory)
    return directories


def device_records(namespace: Namespace, root: Path) -> list[DeviceRecord]:
    """One record per device, as the agent replaying its recording reports it."""
    return [
        replay_ssh(
            directory,
            agent_id="suzieq-replay",
            report_id=f"{namespace.name}/{directory.name}",
            now=lambda: datetime(2026, 1, 1, tzinfo=UTC),
        )
        for directory in write_recordings(namespace, root / "recordings")
    ]


def parse_errors(records: list[DeviceRecord]) -> list[str]:
    """Errors other than the commands SuzieQ did not capture (version, inventory...)."""
    return [f"{r.name}: {e}" for r in records for e in r.errors if e.kind != "unsupported"]


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
    records = device_records(namespace, tmp_path)
    assert parse_errors(records) == [], "every captured output parses"
    assert {r.hostname for r in records} == {r.target.id for r in records}
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
    records = device_records(namespace, tmp_path)
    assert parse_errors(records) == [], "every captured output parses"
    doc = replay(records, tmp_path)
    internal = {n["id"] for n in doc["nodes"] if not n["external"] and not n["segment"]}
    assert internal == {r.name for r in records}
    assert doc["links"], "a lab network has links"
    # a management network (mgmt0 on a switch that speaks no LLDP/CDP) is one segment, not a mesh
    segments = {n["id"] for n in doc["nodes"] if n["segment"]}
    for segment in segments:
        ports = [link["a"] for link in doc["links"] if link["b"]["device"] == segment]
        assert len(ports) >= 3 and len({p["device"] for p in ports}) == len(ports)
    ends = {e["device"] for link in doc["links"] for e in (link["a"], link["b"])}
    assert ends <= {n["id"] for n in doc["nodes"]}
