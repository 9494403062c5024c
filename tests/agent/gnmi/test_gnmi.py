"""gNMI: the parser on recorded replies, and live polls of an in-process target (TLS, auth)."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from netsbom.agent.gnmi.parse import parse_replies
from netsbom.agent.gnmi.poll import poll_gnmi, replay_gnmi
from netsbom.agent.inventory import TargetSpec
from netsbom.core.errors import ConfigError
from netsbom.core.record import record_to_dict
from tests.agent.gnmi.gnmi_target import gnmi_target
from tests.conftest import DATA

RECORDINGS = DATA / "gnmi"


def recording(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((RECORDINGS / f"{name}.gnmi.json").read_text())
    return data


def test_a_components_tree_becomes_modules_transceivers_and_software() -> None:
    record = replay_gnmi(RECORDINGS / "arista-eos.gnmi.json")
    assert (record.vendor, record.model, record.serial) == (
        "Arista",
        "DCS-7280SR-48C6",
        "JPE16283030",
    )
    assert (record.os.family, record.os.version, record.hostname) == ("eos", "4.30.4M", "leaf01")
    assert record.identifiers.os_cpe == "cpe:2.3:o:arista:eos:4.30.4m:*:*:*:*:*:*:*"
    by_name = {c.name: c for c in record.components}
    assert by_name["Chassis"].cls == "chassis" and by_name["Chassis"].parent is None
    assert (
        by_name["PowerSupply1"].cls == "power-supply"
        and by_name["PowerSupply1"].parent == "Chassis"
    )
    optic = by_name["Ethernet49"]
    assert (optic.cls, optic.vendor, optic.model, optic.serial, optic.hardware_rev) == (
        "port", "FINISAR CORP.", "FTLC9551REPM", "X5Q0BD1", "A0")  # fmt: skip
    assert {(s.name, s.kind) for s in record.software} == {("EOS", "image"), ("Aboot", "firmware")}
    sources = {p.field: p.source for p in record.provenance}
    assert sources["os.version"] == "/components/component[name=EOS]/state/software-version"
    assert sources["serial"] == "/components/component[name=Chassis]/state/serial-no"
    assert sources["hostname"] == "/system/state/hostname"
    assert record.complete and not record.errors


def test_one_update_per_leaf_reads_like_the_whole_tree() -> None:
    """IOS XR sends a leaf per update under a prefix; the same facts sent as one tree parse the
    same: the parser reads the model, not the way a vendor splits it."""
    leaves = recording("cisco-iosxr")
    entries: dict[str, dict[str, Any]] = {}
    for update in leaves["get"]["/components"][0]["updates"]:
        head, _, leaf = update["path"].rpartition("/")
        name = head.split("[name=", 1)[1].split("]", 1)[0]
        entry = entries.setdefault(name, {"name": name})
        node = entry
        for part in head.split("]/", 1)[1].split("/"):
            node = node.setdefault(part, {})
        node[leaf] = update["value"]
    tree = {**leaves, "get": {"/components": [{"prefix": "", "updates": [
        {"path": "/openconfig-platform:components",
         "value": {"openconfig-platform:component": list(entries.values())}}]}]}}  # fmt: skip
    whole, _ = parse_replies(tree)
    split, _provenance = parse_replies(leaves)
    assert whole == split
    assert (split.os_family, split.os_version, split.model) == ("iosxr", "7.9.2", "8201-32FH")
    linecard = next(c for c in split.components if c.name == "0/0/CPU0")
    assert (linecard.cls, linecard.firmware_rev, linecard.software_rev) == (
        "module",
        "1.28",
        "7.9.2",
    )
    optic = next(c for c in split.components if c.name == "0/0/0/0")
    assert (optic.cls, optic.parent, optic.model) == ("port", "0/0/CPU0", "QDD-400G-FR4-S")
    # the path the target refused is named, the rest of the record stands
    assert [(e.kind, e.source) for e in split.errors] == [("unsupported", "/system/state")]


def _pki(tmp_path: Path) -> tuple[Path, bytes, bytes]:
    """A CA and a server certificate for the name gnmi.test (and 127.0.0.1)."""
    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "netsbom test CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
          .public_key(ca_key.public_key()).serial_number(1)
          .not_valid_before(now - datetime.timedelta(hours=1))
          .not_valid_after(now + datetime.timedelta(hours=1))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .sign(ca_key, hashes.SHA256()))  # fmt: skip
    key = ec.generate_private_key(ec.SECP256R1())
    import ipaddress

    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "gnmi.test")]))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(2)
            .not_valid_before(now - datetime.timedelta(hours=1))
            .not_valid_after(now + datetime.timedelta(hours=1))
            .add_extension(x509.SubjectAlternativeName([
                x509.DNSName("gnmi.test"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                critical=False)
            .sign(ca_key, hashes.SHA256()))  # fmt: skip
    ca_file = tmp_path / "ca.pem"
    ca_file.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())  # fmt: skip
    return ca_file, key_pem, cert.public_bytes(serialization.Encoding.PEM)


def spec(port: int, **gnmi: Any) -> TargetSpec:
    return TargetSpec.model_validate({"name": "leaf01", "address": "127.0.0.1", "deadline": 20,
                                      "gnmi": {"port": port, **gnmi}})  # fmt: skip


@pytest.mark.integration
async def test_live_poll_over_tls_with_username_and_password(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ca_file, key, cert = _pki(tmp_path)
    monkeypatch.setenv("GNMI_PASSWORD", "s3cret-gnmi")
    async with gnmi_target(recording("arista-eos"), credentials=("netsbom", "s3cret-gnmi"),
                           tls=(key, cert)) as (port, log):  # fmt: skip
        good = spec(port, username="netsbom", password="env:GNMI_PASSWORD", ca_file=str(ca_file),
                    server_name="gnmi.test")  # fmt: skip
        record = await poll_gnmi(good, agent_id="a1")
        assert record.complete, record.errors
        assert (record.target.transport, record.os.version, len(record.components)) == (
            "gnmi",
            "4.30.4M",
            6,
        )
        assert [c[0] for c in log.calls] == ["Capabilities", "Get", "Get"]
        assert log.calls[0][1]["username"] == "netsbom"

        monkeypatch.setenv("GNMI_PASSWORD", "wrong")
        refused = await poll_gnmi(good, agent_id="a1")
        assert not refused.complete and [e.kind for e in refused.errors] == ["auth"]
        assert "wrong" not in json.dumps(record_to_dict(refused))

        # a certificate the CA did not sign for this name: no session, nothing sent
        calls = len(log.calls)
        (tmp_path / "other").mkdir()
        other_ca = _pki(tmp_path / "other")[0]
        other = spec(port, username="netsbom", password="env:GNMI_PASSWORD",
                     ca_file=str(other_ca), server_name="gnmi.test")  # fmt: skip
        untrusted = await poll_gnmi(other, agent_id="a1")
        assert not untrusted.complete and untrusted.errors[0].kind == "unreachable"
        assert len(log.calls) == calls


@pytest.mark.integration
async def test_plaintext_on_loopback_and_json_only_targets() -> None:
    data = recording("cisco-iosxr")
    data["capabilities"]["supported_encodings"] = ["JSON"]
    async with gnmi_target(data) as (port, _log):
        record = await poll_gnmi(spec(port, insecure=True), agent_id="a1")
    assert (record.os.family, record.serial) == ("iosxr", "FOC2419R0DX")
    assert [e.source for e in record.errors] == ["/system/state"]
    assert record.complete  # an unsupported path is not a failed poll


def test_plaintext_is_refused_off_loopback() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match=r"\(plaintext\) is allowed on loopback only"):
        TargetSpec.model_validate({"name": "r", "address": "192.0.2.1", "gnmi": {"insecure": True}})
    with pytest.raises(ValidationError, match="must be a reference"):
        TargetSpec.model_validate({"name": "r", "address": "192.0.2.1",
                                   "gnmi": {"username": "u", "password": "literal"}})  # fmt: skip


def test_a_broken_recording_is_one_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.gnmi.json"
    path.write_text("[1, 2")
    with pytest.raises(ConfigError, match="not a gNMI recording"):
        replay_gnmi(path)
