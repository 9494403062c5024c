"""NetBox as a target source and a sink, against the REST emulator (netbox_emulator.py)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from netsbom.agent.inventory_sources import load_any_inventory
from netsbom.core.cli import cli
from netsbom.core.errors import ConfigError
from netsbom.core.record import Component, OsInfo, record_to_dict
from tests.agent.netbox.netbox_emulator import NetboxState, device, netbox_emulator
from tests.conftest import make_record

TOKEN = "0123456789abcdef0123456789abcdef01234567"
CUSTOM = {"software_version": None, "firmware_version": None}


def fleet() -> list[dict[str, object]]:
    return [
        device(1, "edge1", platform="juniper-junos", tags=("sbom",), address="192.0.2.1/32",
               tenant="acme", custom_fields=CUSTOM),
        device(2, "edge2", platform="Cisco IOS XE", tags=("sbom", "pci"), address="2001:db8::2/64",
               custom_fields=CUSTOM, serial="OLD123"),
        device(3, "core1", role="core", platform="cisco-ios-xr", site="fra1", tags=("sbom",),
               address="192.0.2.3/24", custom_fields={}),
        device(4, "edge1", site="fra1", platform="unknown-os", address="192.0.2.4/32",
               custom_fields=CUSTOM),
        device(5, "spare", status="planned", address="192.0.2.5/32"),
        device(6, "noip", address=None),
    ]  # fmt: skip


def inventory(tmp_path: Path, base: str, body: str = "", source: str = "netbox") -> Path:
    """A ``source: netbox|nautobot`` inventory of the server at ``base`` (token in env
    NB_TOKEN), with SNMP and SSH defaults."""
    path = tmp_path / f"{source}.yaml"
    path.write_text(
        f"source: {source}\nurl: {base}\ntoken: env:NB_TOKEN\n{body}"
        "agent_id: nb-agent\n"
        "defaults:\n  labels: {network: core}\n"
        "  snmp: {community: 'env:SNMP_COMMUNITY'}\n"
        "  ssh: {username: netsbom, password: 'env:SSH_PASSWORD'}\n"
    )
    return path


@pytest.fixture
def netbox(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("NB_TOKEN", TOKEN)
    with netbox_emulator(NetboxState(token=TOKEN, devices=fleet())) as state:
        yield state


def test_devices_become_targets_with_labels_address_and_platform(
    netbox: NetboxState, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    loaded = load_any_inventory(inventory(tmp_path, netbox.base, "page_size: 2\n"))
    by_name = {t.name: t for t in loaded.targets}
    # status defaults to active: the planned device is not polled; no IP: left out, said so
    assert sorted(by_name) == ["core1", "edge1", "edge1@fra1", "edge2"]
    assert "noip has no primary IP address" in caplog.text
    edge1 = by_name["edge1"]
    assert edge1.address == "192.0.2.1"
    assert edge1.labels == {"network": "core", "site": "par1", "role": "edge", "tenant": "acme",
                            "tags": "sbom", "netbox_id": "1"}  # fmt: skip
    assert edge1.ssh is not None and edge1.ssh.platform == "junos"
    assert edge1.snmp is not None and edge1.snmp.community == "env:SNMP_COMMUNITY"
    assert by_name["edge2"].address == "2001:db8::2"
    assert by_name["edge2"].ssh is not None and by_name["edge2"].ssh.platform == "ios-xe"
    assert by_name["core1"].ssh is not None and by_name["core1"].ssh.platform == "iosxr"
    assert by_name["edge1@fra1"].ssh is not None and by_name["edge1@fra1"].ssh.platform is None
    assert loaded.agent_id == "nb-agent" and loaded.refresh == 3600
    # pages of 2 followed through `next`, every call carried the token
    pages = [c for c in netbox.calls if c[1] == "/api/dcim/devices/"]
    assert len(pages) == 3
    assert all(c[3] == f"Token {TOKEN}" for c in netbox.calls)
    assert pages[0][2]["status"] == ["active"]


def test_filters_are_netbox_filters(netbox: NetboxState, tmp_path: Path) -> None:
    body = "filters: {site: fra1, tag: [sbom], status: [active, planned]}\n"
    loaded = load_any_inventory(inventory(tmp_path, netbox.base, body))
    assert [t.name for t in loaded.targets] == ["core1"]
    body = "filters: {tag: [sbom, pci]}\n"
    assert [t.name for t in load_any_inventory(inventory(tmp_path, netbox.base, body)).targets] == [
        "edge2"
    ]
    body = "filters: {role: [core, edge], status: planned}\n"
    assert [t.name for t in load_any_inventory(inventory(tmp_path, netbox.base, body)).targets] == [
        "spare"
    ]


@pytest.mark.parametrize(
    ("body", "token", "message"),
    [
        ("filters: {site: nowhere}\n", TOKEN,
         "HTTP 400: site: Select a valid choice. nowhere is not one of the available choices."),
        ("", "wrong-token", "HTTP 403: Invalid token"),
    ],
)  # fmt: skip
def test_netbox_errors_are_one_line_without_the_token(
    netbox: NetboxState,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    body: str,
    token: str,
    message: str,
) -> None:
    monkeypatch.setenv("NB_TOKEN", token)
    with pytest.raises(ConfigError) as caught:
        load_any_inventory(inventory(tmp_path, netbox.base, body))
    assert message in str(caught.value)
    assert "\n" not in str(caught.value) and token not in str(caught.value)


def test_a_literal_token_or_unknown_field_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "nb.yaml"
    path.write_text("source: netbox\nurl: http://127.0.0.1:1\ntoken: abcdef\n")
    with pytest.raises(ConfigError, match="field 'token': must be a reference"):
        load_any_inventory(path)
    path.write_text("source: netbox\nurl: http://127.0.0.1:1\ntoken: env:X\nfilter: {}\n")
    with pytest.raises(ConfigError, match="field 'filter': Extra inputs are not permitted"):
        load_any_inventory(path)


def test_an_unreachable_netbox_is_one_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import socket

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("NB_TOKEN", TOKEN)
    unreachable = r"NetBox http://127\.0\.0\.1:\d+ devices: ConnectionError"
    with pytest.raises(ConfigError, match=unreachable):
        load_any_inventory(inventory(tmp_path, f"http://127.0.0.1:{port}", "timeout: 2\n"))


def polled(name: str, netbox_id: str, *, serial: str, version: str, firmware: str | None):  # type: ignore[no-untyped-def]
    record = make_record(name, version=version)
    labels = (*record.target.labels, ("netbox_id", netbox_id))
    chassis = replace(record.components[0], firmware_rev=firmware, serial=serial)
    return replace(
        record,
        target=replace(record.target, labels=tuple(sorted(labels))),
        serial=serial,
        os=OsInfo(family="ios-xe", version=version),
        components=(chassis, *record.components[1:]),
    )


def test_sync_shows_a_diff_and_writes_only_with_apply(netbox: NetboxState, tmp_path: Path) -> None:
    records = tmp_path / "records.jsonl"
    rows = [
        polled("edge1", "1", serial="FOC1", version="17.9.4a", firmware="17.3(1r)"),
        polled("edge2", "2", serial="OLD123", version="17.12.1", firmware=None),
        polled("core1", "3", serial="FOC3", version="7.9.2", firmware=None),
        replace(make_record("other"), components=(Component(index="1", cls="chassis"),)),
    ]
    records.write_text("".join(json.dumps(record_to_dict(r)) + "\n" for r in rows))
    path = inventory(tmp_path, netbox.base)
    runner = CliRunner()
    result = runner.invoke(cli, ["netbox", "sync", "--inventory", str(path), "--records",
                                 str(records)])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "edge1 (netbox #1): custom_fields.firmware_version: None -> '17.3(1r)'" in result.stdout
    assert "edge1 (netbox #1): serial: '' -> 'FOC1'" in result.stdout
    assert "edge2 (netbox #2): custom_fields.software_version: None -> '17.12.1'" in result.stdout
    assert "edge2 (netbox #2): serial" not in result.stdout  # already right
    assert "core1 (netbox #3): serial: '' -> 'FOC3'" in result.stdout
    assert "NetBox defines no custom field 'software_version'" in result.stderr
    assert "other: not a NetBox target" in result.stderr
    assert "5 change(s) on 3 device(s) (dry run" in result.stderr
    assert not [c for c in netbox.calls if c[0] == "PATCH"]
    assert netbox.devices[0]["serial"] == ""

    result = runner.invoke(cli, ["netbox", "sync", "--inventory", str(path), "--records",
                                 str(records), "--apply", "--format", "json"])  # fmt: skip
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["applied"] is True and len(report["changes"]) == 5
    assert netbox.devices[0]["serial"] == "FOC1"
    assert netbox.devices[0]["custom_fields"] == {"software_version": "17.9.4a",
                                                   "firmware_version": "17.3(1r)"}  # fmt: skip
    assert netbox.devices[2]["serial"] == "FOC3" and netbox.devices[2]["custom_fields"] == {}
    # a second run finds nothing left to change
    result = runner.invoke(cli, ["netbox", "sync", "--inventory", str(path), "--records",
                                 str(records)])  # fmt: skip
    assert "0 change(s) on 0 device(s)" in result.stderr


def test_sync_with_a_read_only_token_reports_each_refusal(
    netbox: NetboxState, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    netbox.read_only_tokens = ("ro" * 20,)
    monkeypatch.setenv("NB_TOKEN", "ro" * 20)
    records = tmp_path / "records.jsonl"
    row = polled("edge1", "1", serial="FOC1", version="17.9.4a", firmware=None)
    records.write_text(json.dumps(record_to_dict(row)) + "\n")
    result = CliRunner().invoke(cli, ["netbox", "sync", "--inventory",
                                      str(inventory(tmp_path, netbox.base)), "--records",
                                      str(records), "--apply"])  # fmt: skip
    assert result.exit_code == 4
    assert "Error: NetBox device #1: HTTP 403: You do not have permission" in result.stderr
    assert "ro" * 20 not in result.output
    assert netbox.devices[0]["serial"] == ""


def test_agent_run_rereads_netbox_and_keeps_the_targets_when_it_is_down(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from netsbom.agent.cli import _reread

    monkeypatch.setenv("NB_TOKEN", TOKEN)
    state = NetboxState(token=TOKEN, devices=fleet())
    with netbox_emulator(state):
        path = inventory(tmp_path, state.base, "refresh: 60\n")
        first = load_any_inventory(path)
        state.devices.append(device(7, "new1", address="192.0.2.7/32", custom_fields=CUSTOM))
        again = _reread(path, "auto", first)
    assert len(again.targets) == len(first.targets) + 1 and again.refresh == 60
    kept = _reread(path, "auto", again)  # the emulator is gone: NetBox does not answer
    assert kept is again
    assert "polling the 5 targets read before" in capsys.readouterr().err


def test_names_stay_unique_when_netbox_repeats_them() -> None:
    from netsbom.agent.netbox.source import NetboxSource, device_targets

    config = NetboxSource.model_validate({"source": "netbox", "url": "http://nb", "token": "env:T"})
    devices = [device(1, "sw"), device(2, "sw", site="fra1"), device(3, "sw", site="fra1"),
               device(4, None)]  # fmt: skip
    names = [t["name"] for t in device_targets(devices, config, {"snmp": {}})]
    assert names == ["sw", "sw@fra1", "sw@fra1#3", "device-4"]
