"""The real lab on loopback: every device answers SNMP on its own address with its own tables."""

from __future__ import annotations

import os
import stat
import warnings
from pathlib import Path

import pytest
import yaml

from netsbom.lab.definition import LabDefinition, load_lab
from netsbom.lab.runner import SYS_NAME, Lab, LabError, snmp_get
from tests.conftest import LAB_DATA

# pysnmp 7.1 uses pysmi 2.0's deprecated camelCase aliases on import and on its first MIB lookup.
PYSMI_ALIAS_WARNING = r"\w+ is deprecated\. Please use \w+ instead\."
with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=PYSMI_ALIAS_WARNING, category=DeprecationWarning)
    from pysnmp.hlapi.v3arch.asyncio import (
        CommunityData,
        ContextData,
        ObjectIdentity,
        ObjectType,
        SnmpEngine,
        UdpTransportTarget,
        bulk_walk_cmd,
        get_cmd,
    )

pytestmark = pytest.mark.integration

LAB_YAML = LAB_DATA / "lab.yaml"
LLDP_REM_SYS_NAME = "1.0.8802.1.1.2.1.4.1.1.9"


@pytest.fixture(scope="module")
def definition() -> LabDefinition:
    return load_lab(LAB_YAML)


@pytest.fixture(scope="module")
def lab(definition: LabDefinition, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    with Lab(definition, tmp_path_factory.mktemp("lab"), port=0, start_timeout=60) as running:
        yield running
    assert not running.running


async def _walk(engine: SnmpEngine, address: str, port: int, community: str, oid: str) -> list:
    target = await UdpTransportTarget.create((address, port), timeout=1.0, retries=1)
    out = []
    async for error_indication, error_status, _index, var_binds in bulk_walk_cmd(
        engine,
        CommunityData(community),
        target,
        ContextData(),
        0,
        25,
        ObjectType(ObjectIdentity(oid)),
        lookupMib=False,
        lexicographicMode=False,
    ):
        assert not error_indication, error_indication
        assert not error_status, error_status
        out.extend(var_binds)
    return out


@pytest.mark.filterwarnings(f"ignore:{PYSMI_ALIAS_WARNING}:DeprecationWarning")
async def test_every_device_answers_sysname_and_lldp(lab: Lab, definition: LabDefinition) -> None:
    engine = SnmpEngine()
    try:
        for device in lab.devices:
            assert device.address == device.definition.address
            target = await UdpTransportTarget.create(
                (device.address, device.port), timeout=1.0, retries=1
            )
            error_indication, error_status, _index, var_binds = await get_cmd(
                engine,
                CommunityData(device.community),
                target,
                ContextData(),
                ObjectType(ObjectIdentity(SYS_NAME)),
                lookupMib=False,
            )
            assert not error_indication and not error_status, device.name
            assert str(var_binds[0][1]) == device.definition.hostname

            walked = await _walk(
                engine, device.address, device.port, device.community, LLDP_REM_SYS_NAME
            )
            neighbours = sorted(str(value) for _oid, value in walked)
            expected = sorted(
                definition.device(remote.device).hostname
                for link, _local, remote in definition.links_of(device.name)
                if "lldp" in link.protocols
            )
            assert neighbours == expected, device.name
    finally:
        engine.close_dispatcher()


def test_each_address_serves_only_its_own_device(lab: Lab) -> None:
    first, second = lab.devices[0], lab.devices[1]
    assert snmp_get(first.address, first.port, first.community, SYS_NAME) == first.name
    assert snmp_get(second.address, second.port, first.community, SYS_NAME, timeout=0.5) is None


def test_inventory_references_private_community_files(lab: Lab, tmp_path: Path) -> None:
    from netsbom.agent.inventory import load_inventory

    path = lab.write_inventory(tmp_path / "inventory.yaml")
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert raw["agent_id"] == "lab-agent"
    inventory = load_inventory(path)
    assert [t.name for t in inventory.targets] == [d.name for d in lab.devices]
    for target, device in zip(inventory.targets, lab.devices, strict=True):
        assert target.address == device.address
        assert target.labels["network"] == "lab"
        assert target.labels["role"] == device.definition.labels.role
        assert target.snmp is not None and target.snmp.port == lab.port
        reference = target.snmp.community or ""
        assert reference.startswith("file:/")
        secret_file = Path(reference[5:])
        assert stat.S_IMODE(os.stat(secret_file).st_mode) == 0o600
        secret = target.snmp.resolve_secret("community")
        assert secret is not None and secret.reveal() == device.community
    assert all(t["snmp"]["community"].startswith("file:/") for t in raw["targets"])


def test_stop_leaves_no_process(definition: LabDefinition, tmp_path: Path) -> None:
    small = definition.model_copy(update={"devices": definition.devices[:2], "links": []})
    with Lab(small, tmp_path, port=0) as running:
        pids = running.pids
        assert running.running
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


def test_missing_recording_names_the_device(definition: LabDefinition, tmp_path: Path) -> None:
    moved = definition.model_copy(update={"base_dir": tmp_path / "nowhere"})
    with (
        pytest.raises(LabError, match=r"device edge-r1: recording .* is missing"),
        Lab(moved, tmp_path / "state", port=0),
    ):
        pass


def test_port_in_use_fails_fast_naming_the_device(
    definition: LabDefinition, tmp_path: Path
) -> None:
    import socket

    small = definition.model_copy(update={"devices": definition.devices[:1], "links": []})
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as taken:
        taken.bind((small.devices[0].address, 0))
        port = taken.getsockname()[1]
        with pytest.raises(LabError, match=rf"in use for: edge-r1 \(127\.0\.1\.1:{port}\)"):
            Lab(small, tmp_path, port=port, start_timeout=20).start()
