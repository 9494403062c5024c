"""NETCONF: the parsers on recorded replies, and live sessions with a real NETCONF server
(yuma123 netconfd behind OpenSSH's sshd on loopback, Debian packages netconfd and
openssh-server)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from netsbom.agent.inventory import TargetSpec
from netsbom.agent.netconf.parse import parse_replies, requests_for
from netsbom.agent.netconf.poll import poll_netconf, replay_netconf
from netsbom.core.errors import ConfigError
from tests.conftest import DATA, missing
from tests.harness.programs import daemon, free_port
from tests.harness.sshd import keygen, openssh

RECORDINGS = DATA / "netconf"


def test_junos_software_information_of_a_real_mx960() -> None:
    """ncclient's recording of a Junos 12.3 MX960 (multi-routing-engine form, NETCONF 1.0
    end-of-message mark kept)."""
    record = replay_netconf(RECORDINGS / "junos-mx960")
    assert (record.hostname, record.vendor, record.model) == ("wf-kiwi", "Juniper", "MX960")
    assert (record.os.family, record.os.version) == ("junos", "12.3R6.6")
    assert {"jbase", "jkernel", "jroute"} <= {s.name for s in record.software}
    sources = {p.field: p.source for p in record.provenance}
    assert sources["os.version"] == "get-software-information"
    assert (record.identifiers.os_cpe or "").startswith("cpe:2.3:o:juniper:junos:12.3:r6")
    assert record.complete


def test_junos_chassis_inventory_of_a_vmx_reads_like_its_cli_json() -> None:
    """The vMX's `show chassis hardware | display json` (SuzieQ) and its XML form (the same
    tree, transcoded element for element) give the same components through the one parser."""
    from netsbom.agent.platforms.junos import parse_chassis_hardware
    from tests.conftest import DATA as data

    record = replay_netconf(RECORDINGS / "junos-vmx")
    raw = (data / "suzieq/raw/sqcmds/vmx-input/inventory.output").read_text()
    first_row = raw[raw.index('"data": "') + 9 : raw.index('",\n        "cmd_timestamp"')]
    import json

    cli = parse_chassis_hardware(json.loads(f'"{first_row}"'))
    assert record.components == cli.components
    assert (record.serial, record.model, record.os.family) == ("VM611B595318", "VMX", "junos")
    fpc = next(c for c in record.components if c.name == "FPC 0")
    assert fpc.cls == "module" and fpc.parent == "1"


@pytest.mark.parametrize(
    ("recording", "family", "version", "model", "firmware"),
    [
        ("iosxe-c9300", "ios-xe", "17.9.4a", "C9300-48P", "17.6.1r[FC2]"),
        ("sros-7750", "sros", "B-23.3.R1", "3HE11279AARA01", None),
        ("iosxr-openconfig", "iosxr", "7.9.2", "8201-32FH", None),
        ("ietf-hardware", "linux", "5.4.1", "EX-R100", "U-Boot 2021.01"),
    ],
)
def test_yang_state_of_each_model(
    recording: str, family: str, version: str, model: str, firmware: str | None
) -> None:
    record = replay_netconf(RECORDINGS / recording)
    chassis = next(c for c in record.components if c.cls == "chassis")
    assert (record.os.family, record.os.version, record.model) == (family, version, model)
    assert chassis.firmware_rev == firmware and chassis.parent is None
    assert all(c.parent in {None, *(x.index for x in record.components)} for c in record.components)
    assert any(c.cls == "port" for c in record.components) or recording == "ietf-hardware"
    assert record.complete and not record.errors


def test_what_is_asked_follows_the_capabilities() -> None:
    hello = (RECORDINGS / "iosxe-c9300" / "hello.txt").read_text().split()
    assert [r.name for r in requests_for(hello)] == [
        "get Cisco-IOS-XE-device-hardware-oper:device-hardware-data",
        "get openconfig-platform:components",
    ]
    assert requests_for(["urn:ietf:params:netconf:base:1.1"]) == ()


def test_refused_and_broken_replies_are_errors_not_crashes(tmp_path: Path) -> None:
    partial, _ = parse_replies({"get-software-information": None, "get-chassis-inventory": "<a><b"})
    kinds = sorted((e.kind, e.source) for e in partial.errors)
    assert kinds == [
        ("parse", "get-chassis-inventory"),
        ("unsupported", "get-software-information"),
    ]
    bomb = ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
            "<rpc-reply><data>&b;</data></rpc-reply>")  # fmt: skip
    partial, _ = parse_replies({"get ietf-hardware:hardware": bomb})
    assert [e.kind for e in partial.errors] == ["parse"]
    with pytest.raises(ConfigError, match="no NETCONF replies here"):
        replay_netconf(tmp_path)


# --- a real NETCONF server -----------------------------------------------------------------------

NETCONFD = "/usr/sbin/netconfd"
SUBSYSTEM = "/usr/sbin/netconf-subsystem"


@pytest.fixture
def netconf_server(tmp_path: Path) -> Iterator[tuple[int, Path, Path]]:
    """netconfd (with ietf-system) behind a private sshd on 127.0.0.1:PORT; yields the port,
    the user key and a known_hosts file holding the server's host key."""
    for program in (NETCONFD, SUBSYSTEM):
        if not Path(program).exists():
            missing(f"{program} is not installed (apt-get install netconfd)")
    port = free_port()
    socket_path = tmp_path / "ncxserver.sock"
    netconfd = [NETCONFD, f"--port={port}", f"--ncxserver-sockname={socket_path}", "--no-startup",
                "--module=ietf-system", "--superuser=root", "--log-level=error"]  # fmt: skip
    subsystem = f'Subsystem netconf "{SUBSYSTEM} --ncxserver-sockname={port}@{socket_path}"'
    with (
        daemon(netconfd, ready=socket_path.exists, what="netconfd", log=tmp_path / "netconfd.log",
               cwd=tmp_path),
        openssh(tmp_path / "sshd", port=port, config=subsystem) as sshd,
    ):  # fmt: skip
        known = tmp_path / "known_hosts"
        known.write_text(f"[127.0.0.1]:{port} {sshd.host_key.with_suffix('.pub').read_text()}")
        yield port, sshd.user_key, known


def _spec(port: int, key: Path, known: Path, **netconf: object) -> TargetSpec:
    settings = {"port": port, "username": "root", "key_file": str(key), "known_hosts": str(known),
                "timeout": 20, **netconf}  # fmt: skip
    return TargetSpec.model_validate({"name": "nc1", "address": "127.0.0.1", "deadline": 40,
                                      "netconf": settings})  # fmt: skip


@pytest.mark.integration
async def test_a_session_with_a_real_netconf_server(netconf_server: tuple[int, Path, Path]) -> None:
    """Hello, capabilities, the requests they allow (ietf-system), parsed; the kernel netconfd
    runs on is what it states."""
    import platform

    port, key, known = netconf_server
    record = await poll_netconf(_spec(port, key, known), agent_id="a1")
    assert record.complete, record.errors
    assert record.target.transport == "netconf"
    assert (record.os.name, record.os.version) == ("Linux", platform.release())
    assert record.os.family == "linux"
    assert [p.source for p in record.provenance if p.field == "os.version"] == [
        "get ietf-system:system-state"
    ]


@pytest.mark.integration
async def test_host_keys_are_checked_before_any_credential(
    netconf_server: tuple[int, Path, Path], tmp_path: Path
) -> None:
    port, key, _known = netconf_server
    empty = tmp_path / "empty_known_hosts"
    empty.write_text("")
    unknown = await poll_netconf(_spec(port, key, empty), agent_id="a1")
    assert not unknown.complete and unknown.errors[0].kind == "auth"
    assert "no host key for [127.0.0.1]" in unknown.errors[0].message
    keygen(tmp_path / "other")
    wrong = tmp_path / "wrong_known_hosts"
    wrong.write_text(f"[127.0.0.1]:{port} {(tmp_path / 'other.pub').read_text()}")
    changed = await poll_netconf(_spec(port, key, wrong), agent_id="a1")
    assert not changed.complete and changed.errors[0].kind in ("auth", "unreachable")
    # tofu pins the key on first use, then polls
    pinned = tmp_path / "pinned_known_hosts"
    first = await poll_netconf(_spec(port, key, pinned, host_key_policy="tofu"), agent_id="a1")
    assert first.complete, first.errors
    assert f"[127.0.0.1]:{port} ssh-ed25519" in pinned.read_text()


@pytest.mark.integration
async def test_a_wrong_key_is_an_auth_error(
    netconf_server: tuple[int, Path, Path], tmp_path: Path
) -> None:
    port, _key, known = netconf_server
    stranger = keygen(tmp_path / "stranger")
    record = await poll_netconf(_spec(port, stranger, known), agent_id="a1")
    assert not record.complete and [e.kind for e in record.errors] == ["auth"]
