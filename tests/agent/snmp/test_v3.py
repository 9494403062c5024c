"""SNMPv3 without a pysnmp engine (agent/snmp/usm.py, v3.py): keys, and live polls against snmpsim.

Two simulator processes (two engine ids) know one user name with different keys; one agent
process polls both at once, plus a device whose key is wrong: each keeps its own keys.
"""

from __future__ import annotations

import asyncio
import importlib.util
import os
import subprocess
import sys
from collections.abc import Iterator
from hashlib import md5, sha1, sha256, sha512
from pathlib import Path
from typing import Any

import pytest

from netsbom.agent.inventory import TargetSpec
from netsbom.agent.snmp import usm
from netsbom.agent.snmp.poll import poll_snmp, replay_snmp
from netsbom.core.record import DeviceRecord, record_to_dict
from netsbom.lab.definition import default_definition_path
from netsbom.lab.runner import SYS_NAME, snmp_get
from tests.conftest import missing
from tests.harness.programs import free_port, stop, wait_until

# RFC 3414 A.3: password "maplesyrup", engine id 00 00 00 00 00 00 00 00 00 00 00 02
MAPLE = b"maplesyrup"
ENGINE = bytes(11) + b"\x02"


def test_rfc3414_key_localisation_vectors() -> None:
    assert usm.master_key("md5", MAPLE).hex() == "9faf3283884e92834ebc9847d8edd963"
    assert usm.localized_key("md5", usm.master_key("md5", MAPLE), ENGINE).hex() == (
        "526f5eed9fcce26f8964c2930787d82b"
    )
    assert usm.master_key("sha1", MAPLE).hex() == "9fb5cc0381497b3793528939ff788d5d79145211"
    assert usm.localized_key("sha1", usm.master_key("sha1", MAPLE), ENGINE).hex() == (
        "6695febc9288e36282235fc7151f128497b38f3f"
    )


@pytest.mark.parametrize(
    ("auth", "priv", "digest", "size"),
    [("sha256", "aes128", sha256, 16), ("sha512", "aes256", sha512, 32),
     ("sha", "aes256", sha1, 32), ("md5", "aes192", md5, 24)],
)  # fmt: skip
def test_keys_are_pysnmps(auth: str, priv: str, digest: Any, size: int) -> None:
    """Against pysnmp's own localisation (and its draft-reeder extension for long AES keys)."""
    from netsbom.agent.snmp.walk import _pysnmp_protocols

    auth_id = _pysnmp_protocols()[0][auth]  # imports pysnmp's security modules in their order
    from pysnmp.proto.secmod.eso.priv import aes192, aes256
    from pysnmp.proto.secmod.rfc3414 import localkey
    from pysnmp.proto.secmod.rfc3826.priv import aes

    engine = b"\x80\x00\x1f\x88\x04netsbom"
    keys = usm.usm_keys(engine, auth, b"auth-secret", priv, b"priv-secret")
    assert keys.auth_key == bytes(localkey.password_to_key(b"auth-secret", _octets(engine), digest))
    service = {"aes128": aes.Aes, "aes192": aes192.Aes192, "aes256": aes256.Aes256}[priv]()
    master = localkey.hash_passphrase(b"priv-secret", digest)
    assert keys.priv_key == bytes(service.localize_key(auth_id, master, _octets(engine)))
    assert keys.priv_key is not None and len(keys.priv_key) == size


def test_a_secret_is_stretched_once_per_process() -> None:
    usm.master_key.cache_clear()
    for number in range(50):  # fifty engines, one credential
        usm.usm_keys(number.to_bytes(12, "big"), "sha256", b"one-auth", "aes128", b"one-priv")
    assert usm.master_key.cache_info().misses == 2


def _octets(value: bytes) -> Any:
    from pyasn1.type import univ

    return univ.OctetString(value)


# --- live -----------------------------------------------------------------------------------------

USER = "netsbom-v3"
KEYS = {"a": ("auth-key-of-a-1", "priv-key-of-a-1"), "b": ("auth-key-of-b-2", "priv-key-of-b-2")}
DEVICES = {"a": "spine-1", "b": "edge-r1"}  # a lab recording each simulator serves


@pytest.fixture(scope="module")
def simulators(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, tuple[int, Path]]]:
    """Two snmpsim processes: user USER with SHA-512/AES-256 and keys KEYS[a] resp. KEYS[b]."""
    if importlib.util.find_spec("snmpsim") is None:
        missing("snmpsim is not installed")
    recordings = default_definition_path().parent / "snmp"
    started: dict[str, tuple[int, Path]] = {}
    processes: list[subprocess.Popen[bytes]] = []
    try:
        for name, (auth, priv) in KEYS.items():
            root = tmp_path_factory.mktemp(f"snmpsim-{name}")
            (root / "data").mkdir()
            (root / "cache").mkdir()
            device = DEVICES[name]
            (root / "data" / f"{device}.snmprec").write_bytes(
                (recordings / f"{device}.snmprec").read_bytes()
            )
            port = free_port("udp")
            command = [
                sys.executable, "-m", "snmpsim.commands.responder", "--logging-method=null",
                f"--cache-dir={root / 'cache'}", "--v3-engine-id=auto",
                f"--data-dir={root / 'data'}", f"--agent-udpv4-endpoint=127.0.0.1:{port}",
                f"--v3-user={USER}", f"--v3-auth-key={auth}", "--v3-auth-proto=SHA512",
                f"--v3-priv-key={priv}", "--v3-priv-proto=AES256",
            ]  # fmt: skip
            env = {**os.environ, "SNMPSIM_ALLOW_ROOT": "true", "PYTHONWARNINGS": "ignore"}
            processes.append(
                subprocess.Popen(
                    command,
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    start_new_session=True,
                )
            )
            started[name] = (port, root / "data" / f"{device}.snmprec")
        for name, (port, _recording) in started.items():  # v2c: the community is the file name
            wait_until(
                lambda port=port, name=name: (
                    snmp_get("127.0.0.1", port, DEVICES[name], SYS_NAME, 0.5) is not None
                ),
                timeout=60,
                what=f"snmpsim {name}",
            )
        yield started
    finally:
        for process in processes:
            stop(process)


def _spec(name: str, port: int, keys: str, device: str) -> TargetSpec:
    return TargetSpec.model_validate(
        {"name": name, "address": "127.0.0.1", "deadline": 60,
         "snmp": {"version": "3", "port": port, "user": USER, "context": device,
                  "auth_protocol": "sha512", "auth_key": f"env:NSB_V3_AUTH_{keys.upper()}",
                  "priv_protocol": "aes256", "priv_key": f"env:NSB_V3_PRIV_{keys.upper()}",
                  "timeout": 2, "retries": 4}}
    )  # fmt: skip


def _comparable(record: DeviceRecord) -> dict[str, Any]:
    data = record_to_dict(record)
    for name in ("target", "agent_id", "collected_at", "report_id"):
        data.pop(name)
    return data


async def test_one_user_name_two_keys_one_process(
    simulators: dict[str, tuple[int, Path]], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, (auth, priv) in KEYS.items():
        monkeypatch.setenv(f"NSB_V3_AUTH_{name.upper()}", auth)
        monkeypatch.setenv(f"NSB_V3_PRIV_{name.upper()}", priv)
    (port_a, recording_a), (port_b, recording_b) = simulators["a"], simulators["b"]
    specs = [
        _spec("a", port_a, "a", DEVICES["a"]),
        _spec("b", port_b, "b", DEVICES["b"]),
        _spec("b-with-a-keys", port_b, "a", DEVICES["b"]),  # right user, wrong keys
        _spec("a-again", port_a, "a", DEVICES["a"]),
    ]
    a, b, wrong, again = await asyncio.gather(*(poll_snmp(s, agent_id="t") for s in specs))
    for live, recording in ((a, recording_a), (b, recording_b), (again, recording_a)):
        assert live.complete, live.errors
        assert _comparable(live) == _comparable(replay_snmp(recording))
    assert a.hostname != b.hostname
    assert not wrong.complete and wrong.components == ()
    assert [e.kind for e in wrong.errors] == ["auth"], wrong.errors
    text = repr(record_to_dict(wrong))
    assert all(secret not in text for pair in KEYS.values() for secret in pair)


async def test_below_the_security_level_only_a_report_is_heard() -> None:
    """An unauthenticated Response to an authPriv request (forged, or an agent that drops
    security) is not taken as the reply; an unauthenticated Report (a security failure) is."""
    from netsbom.agent.inventory import SnmpSettings
    from netsbom.agent.snmp import v3
    from netsbom.agent.snmp.message import REPORT, tlv

    settings = SnmpSettings.model_validate(
        {"version": "3", "user": "u", "auth_protocol": "sha256", "auth_key": "env:X",
         "priv_protocol": "aes128", "priv_key": "env:Y"}
    )  # fmt: skip
    session = v3.V3Session(("127.0.0.1", 9), settings, b"u", (b"auth-secret", b"priv-secret"))
    engine = b"\x80\x00\x1f\x88\x04engine"
    session.engine_id = engine
    session.keys = usm.usm_keys(engine, "sha256", b"auth-secret", "aes128", b"priv-secret")

    def unauthenticated(pdu_tag: int) -> bytes:
        pdu = tlv(pdu_tag, bytes.fromhex("020107020100020100") + tlv(0x30, b""))
        scoped = tlv(0x30, tlv(0x04, engine) + tlv(0x04, b"") + pdu)
        security = v3._security(engine, 1, 100, b"u", b"", b"")
        return v3._message(42, 0, security, scoped)[0]

    loop = asyncio.get_running_loop()
    for tag, heard in ((0xA2, False), (REPORT, True)):
        future: asyncio.Future[Any] = loop.create_future()
        session._pending = (42, future)
        session.datagram_received(unauthenticated(tag), ("127.0.0.1", 9))
        assert future.done() is heard, hex(tag)
