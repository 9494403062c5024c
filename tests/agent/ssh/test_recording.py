"""Recordings: the naming rule, replay of the lab recordings, agreement with the lab definition."""

from __future__ import annotations

from pathlib import Path

import pytest

from netsbom.agent.merge import merge_records
from netsbom.agent.platforms import PLATFORMS, get_platform, parse_outputs
from netsbom.agent.ssh.naming import command_filename
from netsbom.agent.ssh.poll import replay_ssh
from netsbom.agent.ssh.recording import read_recording, write_recording
from netsbom.agent.ssh.session import is_read_only
from netsbom.core.record import DeviceRecord, Provenance, Target
from netsbom.lab.definition import load_lab
from netsbom.lab.ssh_lab import render_all
from tests.conftest import LAB_DATA, make_record

LAB = LAB_DATA
SSH_DIR = LAB / "ssh"
DEVICES = sorted(p.parent.name for p in SSH_DIR.glob("*/device.yaml"))


def test_naming_rule() -> None:
    assert command_filename("show version") == "show_version.txt"
    assert (
        command_filename("show lldp neighbors detail | display json | no-more")
        == "show_lldp_neighbors_detail_display_json_no-more.txt"
    )
    assert command_filename("  cat /etc/os-release ") == "cat_etc_os-release.txt"
    with pytest.raises(ValueError):
        command_filename(" | ")


def test_every_driver_command_is_read_only() -> None:
    for platform in PLATFORMS.values():
        for command in platform.commands:
            for form in command.forms:
                assert is_read_only(form), (platform.name, form)
    for bad in (
        "configure terminal",
        "reload",
        "show version; reload",
        "write memory",
        "request system reboot",
        "show run | redirect flash:x",
        "rm -rf /",
    ):
        assert not is_read_only(bad), bad


def test_the_lab_has_six_ssh_devices_over_five_platforms() -> None:
    platforms = {read_recording(SSH_DIR / d).platform for d in DEVICES}
    assert len(DEVICES) >= 6 and len(platforms) >= 5


def test_recordings_are_up_to_date() -> None:
    assert render_all(LAB / "lab.yaml", SSH_DIR, check=True) == []


@pytest.mark.parametrize("name", DEVICES)
def test_replay_matches_the_lab_definition(name: str) -> None:
    device = load_lab(LAB / "lab.yaml").device(name)
    record = replay_ssh(SSH_DIR / name, now=None)
    assert record.complete, record.errors
    assert record.hostname == device.hostname
    assert record.serial == device.serial
    assert record.model is not None and record.model.upper() == device.model.upper()
    assert record.os.family == device.os.family
    assert record.os.version == device.os.version
    assert record.components
    assert {p.field for p in record.provenance} >= {"os.version", "serial", "model"}
    assert all(p.method == "replay" for p in record.provenance)


_LONG = {"TenGigabitEthernet": "Te", "GigabitEthernet": "Gi"}


def _port(name: str | None) -> str | None:
    for long, short in _LONG.items():
        if name and name.startswith(long):
            return short + name[len(long) :]
    return name


def test_neighbour_tables_agree_with_the_lab_links() -> None:
    lab = load_lab(LAB / "lab.yaml")
    records = {name: replay_ssh(SSH_DIR / name) for name in DEVICES}
    checked = 0
    for link in lab.links:
        for local, remote in ((link.a, link.b), (link.b, link.a)):
            if local.device not in records:
                continue
            peer = lab.device(remote.device)
            seen = {
                (n.protocol, _port(n.local_port), n.remote_name, _port(n.remote_port))
                for n in records[local.device].neighbors
            }
            for protocol in link.protocols:
                assert (protocol, local.port, peer.hostname, remote.port) in seen, (
                    local.device,
                    protocol,
                    seen,
                )
                checked += 1
    assert checked >= 20
    # and nothing extra: every neighbour is a lab link
    for name, record in records.items():
        assert len({(n.protocol, n.local_port) for n in record.neighbors}) == len(record.neighbors)
        assert all(n.remote_name in {d.hostname for d in lab.devices} for n in record.neighbors)
        del name


def test_missing_command_file_is_unsupported(tmp_path: Path) -> None:
    source = read_recording(SSH_DIR / "acc-1")
    outputs = {"show version": source.output("show version")}
    write_recording(tmp_path / "acc-1", "cisco_xe", "acc-1", outputs)
    record = replay_ssh(tmp_path / "acc-1")
    assert record.os.version == "17.9.4a"
    unsupported = {e.source for e in record.errors if e.kind == "unsupported"}
    assert "show inventory" in unsupported and "show lldp neighbors detail" in unsupported


def test_json_and_text_forms_give_the_same_facts() -> None:
    json_record, text_record = replay_ssh(SSH_DIR / "spine-1"), replay_ssh(SSH_DIR / "spine-2")
    assert json_record.os.version == text_record.os.version
    assert json_record.model == text_record.model
    assert any(p.source == "show version | json" for p in json_record.provenance)
    assert any(p.source == "show version" for p in text_record.provenance)


def test_garbage_is_a_parse_error_not_an_exception() -> None:
    for platform in PLATFORMS.values():
        first = platform.commands[0].forms[-1]
        partial, _ = parse_outputs(platform, {first: "\x00\x01 nothing \n{[ at all"})
        assert any(e.kind == "parse" for e in partial.errors), platform.name


def test_merge_prefers_the_cli_and_keeps_provenance() -> None:
    snmp = make_record("acc-1", version="17.9.4")
    ssh = replay_ssh(SSH_DIR / "acc-1")
    merged = merge_records(snmp, ssh)
    assert merged.os.version == "17.9.4a"
    assert merged.sys_object_id == snmp.sys_object_id
    prov = {p.field: p for p in merged.provenance}
    assert prov["os.version"].source == "show version"
    assert prov["os.version"].method == "replay"
    assert merged.neighbors and merged.software
    only = merge_records(snmp, None)
    assert only is snmp
    empty_ssh = DeviceRecord(
        Target("x", "127.0.0.1", 22, "ssh"),
        "a",
        "2026-01-01T00:00:00Z",
        "r",
        provenance=(Provenance("hostname", "ssh", "prompt"),),
    )
    assert merge_records(snmp, empty_ssh).os.version == "17.9.4"
    assert get_platform("huawei_vrp").name == "vrp"
    assert get_platform("cisco_iosxe").name == "ios-xe"
