"""The LLDP lab recorded from real lldpd (tests/data/real/lldp-lab, SOURCE.md there), replayed:
the topology is the wiring that was plugged (wiring.yaml), over SNMP, SSH and both."""

from __future__ import annotations

import pytest
import yaml

from netsbom.agent.merge import merge_records
from netsbom.agent.snmp.poll import replay_snmp
from netsbom.agent.ssh.poll import replay_ssh
from netsbom.core.record import DeviceRecord
from netsbom.topology.configuration import build_configuration
from tests.conftest import REAL_DATA

LAB = REAL_DATA / "lldp-lab"
WIRING = yaml.safe_load((LAB / "wiring.yaml").read_text())


def replays(transports: str) -> list[DeviceRecord]:
    records = []
    for device in WIRING["devices"]:
        snmp = replay_snmp(LAB / "snmp" / f"{device}.snmprec.bz2")
        ssh = replay_ssh(LAB / "ssh" / device)
        records.append({"snmp": snmp, "ssh": ssh}.get(transports) or merge_records(snmp, ssh))
    return records


@pytest.mark.parametrize("transports", ["snmp", "ssh", "both"])
def test_replayed_topology_is_the_wiring(transports: str) -> None:
    records = replays(transports)
    assert all(r.complete for r in records), [r.errors for r in records]
    config = build_configuration("lab", "2030-01-01T00:00:00Z", records)
    assert config.nodes == tuple(WIRING["devices"])
    links = {frozenset({(x.a.node, x.a.port), (x.b.node, x.b.port)}) for x in config.links}
    assert links == {frozenset(tuple(end) for end in cable) for cable in WIRING["cables"]}
    assert not any(x.one_sided or x.a.external or x.b.external for x in config.links)
    segments = [{(e.node, e.port) for e in s.ends} for s in config.segments]
    assert segments == [{tuple(end) for end in segment} for segment in WIRING["segments"]]
    assert config.flags == ()
