"""Nautobot as a target source, against the REST emulator (nautobot_emulator.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from netsbom.agent.inventory_sources import load_any_inventory
from netsbom.core.errors import ConfigError
from tests.agent.netbox.nautobot_emulator import NautobotServer, device
from tests.agent.netbox.netbox_emulator import NetboxState, netbox_emulator
from tests.agent.netbox.test_netbox import inventory as netbox_inventory

TOKEN = "fedcba9876543210fedcba9876543210fedcba98"


def fleet() -> list[dict[str, object]]:
    return [
        device(1, "edge1", platform="Juniper Junos", network_driver="juniper_junos",
               tags=("sbom",), tenant="Acme"),
        device(2, "edge2", platform="IOS XE", network_driver="cisco_xe", tags=("sbom", "pci"),
               address="2001:db8::2/64"),
        device(3, "core1", role="Core", platform="Arista EOS", location="FRA1",
               address="192.0.2.3/24"),
        device(4, "edge1", location="FRA1", platform="Something", address="192.0.2.4/32"),
        device(5, "spare", status="Planned", address="192.0.2.5/32"),
        device(6, "noip", address=None),
    ]  # fmt: skip


def inventory(tmp_path: Path, base: str, body: str = "") -> Path:
    return netbox_inventory(tmp_path, base, body, source="nautobot")


@pytest.fixture
def nautobot(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("NB_TOKEN", TOKEN)
    state = NetboxState(token=TOKEN, devices=fleet())
    with netbox_emulator(state, NautobotServer) as served:
        yield served


def test_devices_become_targets_named_labelled_and_driven(
    nautobot: NetboxState, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    loaded = load_any_inventory(inventory(tmp_path, nautobot.base, "page_size: 2\n"))
    by_name = {t.name: t for t in loaded.targets}
    assert sorted(by_name) == ["core1", "edge1", "edge1@FRA1", "edge2"]
    assert "noip has no primary IP address" in caplog.text
    edge1 = by_name["edge1"]
    assert edge1.address == "192.0.2.1"
    assert edge1.labels["site"] == "PAR1" and edge1.labels["role"] == "Edge"
    assert edge1.labels["tenant"] == "Acme" and edge1.labels["tags"] == "sbom"
    assert edge1.labels["nautobot_id"] == fleet()[0]["id"]
    # the platform's network_driver (netutils/netmiko names) gives the SSH driver
    assert edge1.ssh is not None and edge1.ssh.platform == "junos"
    assert by_name["edge2"].ssh is not None and by_name["edge2"].ssh.platform == "ios-xe"
    assert by_name["core1"].ssh is not None and by_name["core1"].ssh.platform == "eos"
    assert by_name["edge1@FRA1"].ssh is not None and by_name["edge1@FRA1"].ssh.platform is None
    assert by_name["edge2"].address == "2001:db8::2"  # primary_ip6 when there is no IPv4
    pages = [c for c in nautobot.calls if c[1] == "/api/dcim/devices/"]
    assert len(pages) == 3  # pages of 2 followed through `next`
    assert all(page[2]["depth"] == ["1"] for page in pages)  # names, not bare references
    assert pages[0][2]["status"] == ["Active"]


def test_filters_are_nautobot_filters(nautobot: NetboxState, tmp_path: Path) -> None:
    def names(body: str) -> list[str]:
        loaded = load_any_inventory(inventory(tmp_path, nautobot.base, body))
        return [t.name for t in loaded.targets]

    assert names("filters: {location: FRA1, status: [Active, Planned]}\n") == ["core1", "edge1"]
    assert names("filters: {tags: [sbom, pci]}\n") == ["edge2"]
    assert names("filters: {role: [Core, Edge], status: Planned}\n") == ["spare"]


@pytest.mark.parametrize(
    ("body", "token", "message"),
    [
        ("filters: {location: Nowhere}\n", TOKEN,
         "HTTP 400: location: Select a valid choice. Nowhere is not one of the available"),
        ("", "wrong-token", "Nautobot http://"),
    ],
)  # fmt: skip
def test_errors_are_one_line_without_the_token(
    nautobot: NetboxState,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    body: str,
    token: str,
    message: str,
) -> None:
    monkeypatch.setenv("NB_TOKEN", token)
    with pytest.raises(ConfigError) as caught:
        load_any_inventory(inventory(tmp_path, nautobot.base, body))
    assert message in str(caught.value)
    assert "\n" not in str(caught.value) and token not in str(caught.value)
    if token != TOKEN:
        assert "HTTP 403: Invalid token" in str(caught.value)


def test_netbox_only_fields_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "nautobot.yaml"
    path.write_text("source: nautobot\nurl: http://127.0.0.1:1\ntoken: env:X\naddress: oob\n")
    with pytest.raises(ConfigError, match="field 'address'"):
        load_any_inventory(path)
    path.write_text("source: nautobot\nurl: http://127.0.0.1:1\ntoken: env:X\nsync: {}\n")
    with pytest.raises(ConfigError, match="field 'sync': Extra inputs are not permitted"):
        load_any_inventory(path)
