from __future__ import annotations

from pathlib import Path

import pytest

from netsbom.agent.credentials import Secret, resolve
from netsbom.agent.inventory import load_inventory
from netsbom.core.errors import ConfigError, CredentialError


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "inventory.yaml"
    path.write_text(text)
    return path


def test_defaults_merge_into_targets(tmp_path: Path) -> None:
    inventory = load_inventory(
        write(
            tmp_path,
            """
agent_id: site-a
defaults:
  labels: {network: core, site: par1}
  snmp: {community: "env:COMMUNITY", timeout: 3}
targets:
  - name: r1
    address: 192.0.2.1
    labels: {role: edge}
    snmp: {port: 1161}
""",
        )
    )
    target = inventory.targets[0]
    assert target.labels == {"network": "core", "site": "par1", "role": "edge"}
    assert target.snmp is not None
    assert (target.snmp.port, target.snmp.timeout, target.snmp.community) == (
        1161,
        3,
        "env:COMMUNITY",
    )


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "targets:\n  - name: r1\n    address: 192.0.2.1\n    snmp: {community: public}\n",
            "target 'r1' (targets[0]): field 'snmp.community': must be a reference",
        ),
        (
            "targets:\n  - name: r1\n    address: 192.0.2.1\n"
            "    snmp: {community: 'env:C', port: x}\n",
            "target 'r1' (targets[0]): field 'snmp.port'",
        ),
        (
            "targets:\n  - name: r2\n    snmp: {community: 'env:C'}\n",
            "target 'r2' (targets[0]): field 'address': Field required",
        ),
        (
            "targets:\n  - name: r3\n    address: a\n    snmp: {community: 'env:C', colour: red}\n",
            "field 'snmp.colour': Extra inputs are not permitted",
        ),
        ("targets: {}\n", "field 'targets'"),
        ("targets: [\n", "not valid YAML"),
        ("targets:\n  - {name: a, address: b, snmp: {version: '3'}}\n", "needs a user"),
    ],
)
def test_errors_name_file_target_and_field(tmp_path: Path, body: str, expected: str) -> None:
    path = write(tmp_path, body)
    with pytest.raises(ConfigError) as caught:
        load_inventory(path)
    message = str(caught.value)
    assert message.startswith(str(path))
    assert expected in message
    assert "\n" not in message


def test_literal_secret_never_echoed(tmp_path: Path) -> None:
    path = write(tmp_path, "targets:\n  - {name: a, address: b, snmp: {community: s3cr3t-Xyz}}\n")
    with pytest.raises(ConfigError) as caught:
        load_inventory(path)
    assert "s3cr3t-Xyz" not in str(caught.value)


def test_secret_references_resolve_and_hide(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NSB_TEST_COMMUNITY", "c0mmunity-Q")
    secret = resolve("env:NSB_TEST_COMMUNITY")
    assert secret.reveal() == "c0mmunity-Q"
    assert "c0mmunity-Q" not in repr(secret) + str(secret) + f"{secret}"
    (tmp_path / "key").write_text("k3y-Z\n")
    assert resolve(f"file:{tmp_path / 'key'}").reveal() == "k3y-Z"
    assert isinstance(resolve("file:key", base_dir=tmp_path), Secret)
    with pytest.raises(CredentialError, match="NSB_MISSING"):
        resolve("env:NSB_MISSING")
    with pytest.raises(CredentialError, match="reference"):
        resolve("plain")
