"""Live SNMP polls against snmpsim on loopback: live poll == replay of the same recording.

snmpsim serves a few corpus recordings copied into tmp_path (never into the repository); the
community is the file name, and SNMPv3 selects the recording by context name.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from netsbom.agent.inventory import SnmpSettings, TargetSpec
from netsbom.agent.snmp import oids
from netsbom.agent.snmp.poll import poll_snmp, replay_snmp
from netsbom.core.record import DeviceRecord, record_to_dict
from tests.conftest import corpus_dir, missing, require

pytestmark = pytest.mark.integration

# A sample across vendors: LLDP neighbours (arista_eos, vrp_5720), CDP (nxos), vendor objects
# (junos_qfx5100), a large ENTITY tree (iosxr_asr9901).
# timos_ixr: a vendor object whose row another object selects (tmnxChassisType -> TypeName)
# opengear_humidity, rajant_me4-2450r: scalars served without their ".0" (GETNEXT, then GET)
# tait-tnadmin: no source but a scalar of its enterprise subtree (722 objects) states a version
# endrun_sonoma: Net-SNMP's sysObjectID, the agent serving EndRun's subtree beside its own
SAMPLE = (
    "arista_eos", "junos_qfx5100", "vrp_5720", "nxos_n3k-3064pq", "iosxr_asr9901", "timos_ixr",
    "opengear_humidity", "rajant_me4-2450r", "tait-tnadmin_tait-tnadmin", "endrun_sonoma",
    "chatsworth-pdu",
)  # fmt: skip
# a box whose sysObjectID's subtree holds a counter only: its maker's MIB is under another number
VACANT = "vacant-maker"
VACANT_ROWS = (
    "1.3.6.1.2.1.1.1.0|4|Acme shelf controller",
    "1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.64999.1",
    "1.3.6.1.2.1.1.5.0|4|shelf-7",
    "1.3.6.1.4.1.2021.4.5.0|2|1024",
    "1.3.6.1.4.1.45000.1.3.11.1.3.0|4|2.8.1",
    "1.3.6.1.4.1.45000.1.3.11.2.3.0|4|AB1234567890",
    "1.3.6.1.4.1.64999.1.1.1.0|66|62064",
)
V3_USER = "netsbom-test"
V3_AUTH = "auth-secret-1234"
V3_PRIV = "priv-secret-5678"
TIMING_FIELDS = ("target", "agent_id", "collected_at", "report_id")
# (user, snmpsim auth, snmpsim priv): authPriv SHA-256/512 + AES-256, authNoPriv, noAuthNoPriv
V3_USERS = (
    ("u-sha256-aes256", "SHA256", "AES256"),
    ("u-sha512-aes256", "SHA512", "AES256"),
    ("u-sha512-aes128", "SHA512", "AES128"),
    ("u-sha-nopriv", "SHA", "NONE"),
    ("u-noauth", "NONE", "NONE"),
)
_AUTH = {"SHA": "sha", "SHA256": "sha256", "SHA512": "sha512", "NONE": None}
_PRIV = {"AES128": "aes128", "AES256": "aes256", "NONE": None}


@dataclass(frozen=True)
class Simulator:
    port: int
    data: Path


def _free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _responder() -> str:
    found = shutil.which("snmpsim-command-responder", path=str(Path(sys.executable).parent))
    if found is None:
        missing("snmpsim-command-responder is not installed")
    return found


def _wait_until_serving(port: int, process: subprocess.Popen[bytes], timeout: float) -> None:
    """Send a v2c GET for sysDescr until snmpsim answers (indexing takes a moment)."""
    # Minimal BER-encoded SNMPv2c GetRequest, community "arista_eos", sysDescr.0.
    community = b"arista_eos"
    varbind = bytes.fromhex("300c06082b060102010101000500")
    pdu_body = bytes.fromhex("020101020100020100") + b"\x30" + bytes([len(varbind)]) + varbind
    pdu = b"\xa0" + bytes([len(pdu_body)]) + pdu_body
    body = bytes.fromhex("020101") + b"\x04" + bytes([len(community)]) + community + pdu
    message = b"\x30" + bytes([len(body)]) + body
    deadline = time.monotonic() + timeout
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(0.2)
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"snmpsim exited with status {process.returncode}")
            sock.sendto(message, ("127.0.0.1", port))
            try:
                sock.recvfrom(4096)
                return
            except TimeoutError:
                continue
    raise RuntimeError("snmpsim did not answer in time")


@pytest.fixture(scope="module")
def simulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Simulator]:
    source = require(corpus_dir() / "snmp" / "data", "SNMP corpus (LibreNMS, GPL: not copied)")
    root = tmp_path_factory.mktemp("snmpsim")
    data, cache = root / "data", root / "cache"
    data.mkdir()
    cache.mkdir()
    for name in SAMPLE:
        shutil.copy(source / f"{name}.snmprec", data / f"{name}.snmprec")
    (data / f"{VACANT}.snmprec").write_text("\n".join(VACANT_ROWS) + "\n")
    port = _free_udp_port()
    command = [
        _responder(),
        "--logging-method=null",
        f"--cache-dir={cache}",
        "--v3-engine-id=auto",
        f"--data-dir={data}",
        f"--agent-udpv4-endpoint=127.0.0.1:{port}",
        f"--v3-user={V3_USER}",
        f"--v3-auth-key={V3_AUTH}",
        "--v3-auth-proto=SHA",
        f"--v3-priv-key={V3_PRIV}",
        "--v3-priv-proto=AES",
    ]
    for user, auth, priv in V3_USERS:
        command.append(f"--v3-user={user}")
        if auth != "NONE":
            command += [f"--v3-auth-key={V3_AUTH}", f"--v3-auth-proto={auth}"]
        if priv != "NONE":
            command += [f"--v3-priv-key={V3_PRIV}", f"--v3-priv-proto={priv}"]
    env = {**os.environ, "SNMPSIM_ALLOW_ROOT": "true"}
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        _wait_until_serving(port, process, timeout=30)
        yield Simulator(port, data)
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def _settings(port: int, **fields: Any) -> SnmpSettings:
    return SnmpSettings.model_validate({"port": port, "timeout": 1.0, "retries": 1, **fields})


def _comparable(record: DeviceRecord) -> dict[str, Any]:
    data = record_to_dict(record)
    for name in TIMING_FIELDS:
        data.pop(name)
    return data


async def test_live_poll_equals_replay(
    simulator: Simulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def one(name: str) -> tuple[str, DeviceRecord]:
        monkeypatch.setenv(f"NETSBOM_TEST_COMMUNITY_{SAMPLE.index(name)}", name)
        settings = _settings(
            simulator.port, community=f"env:NETSBOM_TEST_COMMUNITY_{SAMPLE.index(name)}"
        )
        spec = TargetSpec(name=name, address="127.0.0.1", snmp=settings, deadline=30)
        return name, await poll_snmp(spec, agent_id="test")

    results = await asyncio.gather(*(one(name) for name in SAMPLE))
    for name, live in results:
        assert live.complete, (name, live.errors)
        replayed = replay_snmp(simulator.data / f"{name}.snmprec")
        assert _comparable(live) == _comparable(replayed), name
        assert live.target.transport == "snmp" and live.target.port == simulator.port
    by_name = dict(results)
    assert by_name["arista_eos"].os.family == "eos"
    assert any(n.protocol == "lldp" for n in by_name["arista_eos"].neighbors)
    assert any(n.protocol == "cdp" for n in by_name["nxos_n3k-3064pq"].neighbors)
    assert by_name["timos_ixr"].model == "7250 IXR-e"
    for name in ("opengear_humidity", "rajant_me4-2450r"):
        serial = [p.source for p in by_name[name].provenance if p.field == "serial"]
        assert by_name[name].serial and serial and not serial[0].endswith(".0"), name
    appliance = by_name["endrun_sonoma"]  # the kernel is a part, the maker the vendor
    assert appliance.os.family is None and appliance.software[0].kind == "kernel"
    assert appliance.vendor and "EndRun" in appliance.vendor
    shaped = by_name["tait-tnadmin_tait-tnadmin"]
    version = [p for p in shaped.provenance if p.field == "os.version"]
    assert shaped.os.version and version[0].confidence == 0.3
    assert version[0].source.startswith("1.3.6.1.4.1.3570.") and version[0].source.endswith(".0")
    # a sysObjectID outside the enterprises subtree: the one maker served is the device's
    pdu = [p.source for p in by_name["chatsworth-pdu"].provenance if p.field == "os.version"]
    assert pdu and pdu[0].startswith("1.3.6.1.4.1.30932."), pdu


async def test_a_vacant_own_subtree_leads_to_the_one_other_maker_served(
    simulator: Simulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NETSBOM_TEST_COMMUNITY", VACANT)
    settings = _settings(simulator.port, community="env:NETSBOM_TEST_COMMUNITY")
    spec = TargetSpec(name=VACANT, address="127.0.0.1", snmp=settings, deadline=30)
    live = await poll_snmp(spec, agent_id="test")
    assert live.complete, live.errors
    assert (live.os.version, live.serial) == ("2.8.1", "AB1234567890")
    assert _comparable(live) == _comparable(replay_snmp(simulator.data / f"{VACANT}.snmprec"))


async def test_enterprise_subtree_past_its_bound_is_not_read_for_a_version(
    simulator: Simulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A subtree larger than the bound is read only up to it, live and in replay alike, and
    gives no version (what lies past the bound might be a second candidate)."""
    name = "tait-tnadmin_tait-tnadmin"
    monkeypatch.setattr(oids, "ENTERPRISE_ROWS", 100)  # its subtree holds 722 objects
    monkeypatch.setenv("NETSBOM_TEST_COMMUNITY", name)
    settings = _settings(simulator.port, community="env:NETSBOM_TEST_COMMUNITY")
    spec = TargetSpec(name=name, address="127.0.0.1", snmp=settings, deadline=30)
    live = await poll_snmp(spec, agent_id="test")
    replayed = replay_snmp(simulator.data / f"{name}.snmprec")
    assert live.complete, live.errors
    assert live.os.version is None
    assert _comparable(live) == _comparable(replayed)


async def test_v3_auth_priv(simulator: Simulator, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NETSBOM_TEST_V3_AUTH", V3_AUTH)
    monkeypatch.setenv("NETSBOM_TEST_V3_PRIV", V3_PRIV)
    settings = _settings(
        simulator.port,
        version="3",
        user=V3_USER,
        auth_protocol="sha",
        auth_key="env:NETSBOM_TEST_V3_AUTH",
        priv_protocol="aes128",
        priv_key="env:NETSBOM_TEST_V3_PRIV",
        context="junos_qfx5100",
    )
    spec = TargetSpec(name="qfx", address="127.0.0.1", snmp=settings, deadline=30)
    live = await poll_snmp(spec, agent_id="test")
    assert live.complete, live.errors
    replayed = replay_snmp(simulator.data / "junos_qfx5100.snmprec")
    assert _comparable(live) == _comparable(replayed)


async def test_v3_wrong_key_is_auth_error(
    simulator: Simulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NETSBOM_TEST_V3_AUTH", "not-the-right-key")
    monkeypatch.setenv("NETSBOM_TEST_V3_PRIV", V3_PRIV)
    settings = _settings(
        simulator.port,
        version="3",
        user=V3_USER,
        auth_protocol="sha",
        auth_key="env:NETSBOM_TEST_V3_AUTH",
        priv_protocol="aes128",
        priv_key="env:NETSBOM_TEST_V3_PRIV",
        context="junos_qfx5100",
    )
    spec = TargetSpec(name="qfx", address="127.0.0.1", snmp=settings, deadline=30)
    record = await poll_snmp(spec, agent_id="test")
    assert not record.complete
    assert [e.kind for e in record.errors] == ["auth"]
    assert "not-the-right-key" not in str(record_to_dict(record))


async def test_wrong_community(simulator: Simulator, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NETSBOM_TEST_COMMUNITY", "no-such-recording")
    settings = _settings(
        simulator.port, community="env:NETSBOM_TEST_COMMUNITY", timeout=0.3, retries=0
    )
    spec = TargetSpec(name="r1", address="127.0.0.1", snmp=settings, deadline=10)
    record = await poll_snmp(spec, agent_id="test")
    assert not record.complete
    assert record.hostname is None
    (error,) = record.errors
    assert "wrong community" in error.message
    assert "no-such-recording" not in error.message


async def test_unreachable_port(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NETSBOM_TEST_COMMUNITY", "public")
    port = _free_udp_port()  # nothing listens there
    settings = _settings(port, community="env:NETSBOM_TEST_COMMUNITY", timeout=0.3, retries=0)
    spec = TargetSpec(name="gone", address="127.0.0.1", snmp=settings, deadline=10)
    started = time.monotonic()
    record = await poll_snmp(spec, agent_id="test")
    assert time.monotonic() - started < 5
    assert not record.complete
    assert [e.kind for e in record.errors] == ["unreachable"]
    assert record.components == () and record.provenance == ()


async def test_deadline_bounds_a_poll(
    simulator: Simulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NETSBOM_TEST_COMMUNITY", "iosxr_asr9901")
    settings = _settings(simulator.port, community="env:NETSBOM_TEST_COMMUNITY", max_repetitions=1)
    spec = TargetSpec(name="slow", address="127.0.0.1", snmp=settings, deadline=0.3)
    started = time.monotonic()
    record = await poll_snmp(spec, agent_id="test")
    assert time.monotonic() - started < 3
    assert not record.complete
    assert record.errors[-1].kind == "timeout"


@pytest.mark.parametrize(("user", "auth", "priv"), V3_USERS)
async def test_v3_security_levels(
    simulator: Simulator, monkeypatch: pytest.MonkeyPatch, user: str, auth: str, priv: str
) -> None:
    monkeypatch.setenv("NETSBOM_TEST_V3_AUTH", V3_AUTH)
    monkeypatch.setenv("NETSBOM_TEST_V3_PRIV", V3_PRIV)
    fields: dict[str, Any] = {"version": "3", "user": user, "context": "arista_eos"}
    if _AUTH[auth]:
        fields |= {"auth_protocol": _AUTH[auth], "auth_key": "env:NETSBOM_TEST_V3_AUTH"}
    if _PRIV[priv]:
        fields |= {"priv_protocol": _PRIV[priv], "priv_key": "env:NETSBOM_TEST_V3_PRIV"}
    spec = TargetSpec(
        name=user, address="127.0.0.1", snmp=_settings(simulator.port, **fields), deadline=30
    )
    live = await poll_snmp(spec, agent_id="test")
    assert live.complete, (user, live.errors)
    assert _comparable(live) == _comparable(replay_snmp(simulator.data / "arista_eos.snmprec"))


def test_record_then_replay_gives_the_live_record(
    simulator: Simulator, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from click.testing import CliRunner

    from netsbom.core.cli import cli

    name = "vrp_5720"
    monkeypatch.setenv("NETSBOM_TEST_COMMUNITY", name)
    out = tmp_path / "device.snmprec"
    result = CliRunner().invoke(
        cli,
        ["agent", "record", f"snmp://127.0.0.1:{simulator.port}",
         "--community", "env:NETSBOM_TEST_COMMUNITY", "--out", str(out), "--timeout", "1"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "recorded" in result.output
    spec = TargetSpec(
        name=name,
        address="127.0.0.1",
        snmp=_settings(simulator.port, community="env:NETSBOM_TEST_COMMUNITY"),
        deadline=30,
    )
    live = asyncio.run(poll_snmp(spec, agent_id="test"))
    recorded = replay_snmp(out)
    assert _comparable(recorded) == _comparable(live)
    assert recorded.os.family == "vrp" and recorded.neighbors


def test_record_rejects_unknown_scheme(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from netsbom.core.cli import cli

    result = CliRunner().invoke(
        cli, ["agent", "record", "telnet://r1", "--out", str(tmp_path / "x")]
    )
    assert result.exit_code == 2  # usage
    assert "expected snmp://" in result.output
