"""Signed exports: a DSSE envelope over the exact bytes written, checked by ``sbom verify``."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from netsbom.collector.signing import (
    PAYLOAD_TYPE,
    PREDICATE_TYPE,
    SignatureError,
    generate_key,
    load_private_key,
    load_public_key,
    pae,
    sign_document,
    verify_document,
)
from netsbom.core.cli import cli
from netsbom.core.errors import ConfigError, CredentialError, ExitCode
from tests.conftest import lab_store

PASSWORD = "correct horse battery staple"


def _keys(
    tmp_path: Path, algorithm: str = "ed25519", password: str | None = None
) -> tuple[Path, Path]:
    private, public = generate_key(algorithm, password)  # type: ignore[arg-type]
    key, pub = tmp_path / f"{algorithm}.key", tmp_path / f"{algorithm}.pub"
    key.write_bytes(private)
    pub.write_bytes(public)
    return key, pub


@pytest.mark.parametrize("algorithm", ["ed25519", "ecdsa-p256"])
def test_a_signature_verifies_and_one_changed_byte_does_not(tmp_path: Path, algorithm: str) -> None:
    key, pub = _keys(tmp_path, algorithm)
    data = b'{"bomFormat": "CycloneDX"}\n'
    envelope = sign_document(data, "a.cdx.json", {"network": "lab"}, load_private_key(key))
    verified = verify_document(data, envelope, load_public_key(pub))
    assert verified.subject == "a.cdx.json" and verified.predicate == {"network": "lab"}
    assert verified.predicate_type == PREDICATE_TYPE
    for position in (0, len(data) // 2, len(data) - 1):
        tampered = bytearray(data)
        tampered[position] ^= 0x01
        with pytest.raises(SignatureError, match="SHA-512"):
            verify_document(bytes(tampered), envelope, load_public_key(pub))


def test_the_envelope_is_dsse_with_an_in_toto_statement(tmp_path: Path) -> None:
    key, _ = _keys(tmp_path)
    data = b"document"
    envelope = json.loads(sign_document(data, "d.json", {}, load_private_key(key)))
    assert envelope["payloadType"] == PAYLOAD_TYPE == "application/vnd.in-toto+json"
    statement = json.loads(base64.b64decode(envelope["payload"]))
    assert statement["_type"] == "https://in-toto.io/Statement/v1"
    assert statement["subject"] == [
        {"name": "d.json", "digest": {"sha512": hashlib.sha512(data).hexdigest()}}
    ]
    assert len(envelope["signatures"]) == 1 and len(envelope["signatures"][0]["keyid"]) == 64
    # the signature covers the pre-authentication encoding, not the bare payload
    payload = base64.b64decode(envelope["payload"])
    assert pae(PAYLOAD_TYPE, payload).startswith(b"DSSEv1 28 application/vnd.in-toto+json ")


def test_a_tampered_statement_or_signature_fails(tmp_path: Path) -> None:
    key, pub = _keys(tmp_path)
    data = b"document"
    envelope = json.loads(sign_document(data, "d.json", {"network": "a"}, load_private_key(key)))
    statement = json.loads(base64.b64decode(envelope["payload"]))
    statement["predicate"]["network"] = "b"
    forged = dict(envelope, payload=base64.b64encode(json.dumps(statement).encode()).decode())
    with pytest.raises(SignatureError, match="no signature"):
        verify_document(data, json.dumps(forged).encode(), load_public_key(pub))
    sig = bytearray(base64.b64decode(envelope["signatures"][0]["sig"]))
    sig[5] ^= 0x80
    broken = dict(envelope, signatures=[{"keyid": "", "sig": base64.b64encode(sig).decode()}])
    with pytest.raises(SignatureError, match="no signature"):
        verify_document(data, json.dumps(broken).encode(), load_public_key(pub))
    for junk in (b"", b"[]", b'{"payloadType": "x"}', b"not json"):
        with pytest.raises(SignatureError, match="signature invalid"):
            verify_document(data, junk, load_public_key(pub))


def test_a_wrong_key_fails(tmp_path: Path) -> None:
    key, _ = _keys(tmp_path / "", "ed25519")
    (tmp_path / "other").mkdir()
    _, other_pub = _keys(tmp_path / "other", "ed25519")
    _, p256_pub = _keys(tmp_path / "other", "ecdsa-p256")
    envelope = sign_document(b"x", "x", {}, load_private_key(key))
    for pub in (other_pub, p256_pub):
        with pytest.raises(SignatureError, match="no signature in the envelope verifies"):
            verify_document(b"x", envelope, load_public_key(pub))


def test_an_encrypted_key_needs_its_password_by_reference(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SIGNING_PASSWORD", PASSWORD)
    key, pub = _keys(tmp_path, "ecdsa-p256", "env:SIGNING_PASSWORD")
    assert b"ENCRYPTED" in key.read_bytes()
    with pytest.raises(ConfigError, match="encrypted") as missing:
        load_private_key(key)
    monkeypatch.setenv("WRONG", "nope")
    with pytest.raises(ConfigError, match="wrong password") as wrong:
        load_private_key(key, "env:WRONG")
    with pytest.raises(CredentialError, match="reference"):
        load_private_key(key, PASSWORD)
    for error in (missing, wrong):
        assert PASSWORD not in str(error.value) and "nope" not in str(error.value)
    password_file = tmp_path / "pw"
    password_file.write_text(PASSWORD + "\n")
    signed = sign_document(b"x", "x", {}, load_private_key(key, f"file:{password_file}"))
    assert verify_document(b"x", signed, load_public_key(pub)).subject == "x"


def test_other_curves_and_private_keys_as_public_are_refused(tmp_path: Path) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    p384 = ec.generate_private_key(ec.SECP384R1())
    path = tmp_path / "p384.key"
    path.write_bytes(
        p384.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    with pytest.raises(ConfigError, match="P-256"):
        load_private_key(path)
    key, _ = _keys(tmp_path)
    with pytest.raises(ConfigError, match="public key"):
        load_public_key(key)


def test_export_sign_then_verify_end_to_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KEYPW", PASSWORD)
    url = lab_store(tmp_path)
    runner = CliRunner()
    made = runner.invoke(
        cli,
        ["sbom", "keygen", "--out", str(tmp_path / "k"), "--key-password", "env:KEYPW"],
    )
    assert made.exit_code == 0, made.output
    assert (tmp_path / "k.key").stat().st_mode & 0o077 == 0
    out = tmp_path / "lab.cdx.json"
    exported = runner.invoke(
        cli,
        [
            "sbom", "export", "--db", url, "--network", "lab", "--out", str(out),
            "--sign", str(tmp_path / "k.key"), "--key-password", "env:KEYPW",
        ],
    )  # fmt: skip
    assert exported.exit_code == 0, exported.output
    sig = tmp_path / "lab.cdx.json.sig.json"
    statement = json.loads(base64.b64decode(json.loads(sig.read_bytes())["payload"]))
    assert (
        statement["subject"][0]["digest"]["sha512"] == hashlib.sha512(out.read_bytes()).hexdigest()
    )
    predicate = statement["predicate"]
    assert predicate["network"] == "lab" and predicate["at"] == "2026-11-20T10:00:00Z"
    assert predicate["fingerprint"].startswith("sha256:") and predicate["tool"]["name"] == "netsbom"
    verify = ["sbom", "verify", str(out), "--key", str(tmp_path / "k.pub")]
    good = runner.invoke(cli, verify)
    assert good.exit_code == 0 and good.output.startswith("OK: lab.cdx.json"), good.output
    # one byte changed: exit 5 with one line
    data = bytearray(out.read_bytes())
    data[len(data) // 2] ^= 0x20
    out.write_bytes(bytes(data))
    bad = runner.invoke(cli, verify)
    assert bad.exit_code == ExitCode.REJECTED
    assert bad.output.strip().splitlines() == [
        "Error: signature invalid: the document's SHA-512 is not the signed one (the file changed)"
    ]
    # the keys and the password never reach any output
    secrets = [PASSWORD, *(tmp_path / "k.key").read_text().splitlines()[1:-1]]
    texts = [made.output, exported.output, good.output, bad.output, sig.read_text()]
    for secret in secrets:
        assert all(secret not in text for text in texts)


def test_export_sign_usage_errors(tmp_path: Path) -> None:
    url = lab_store(tmp_path)
    runner = CliRunner()
    key, _ = _keys(tmp_path)
    to_stdout = runner.invoke(
        cli, ["sbom", "export", "--db", url, "--network", "lab", "--sign", str(key)]
    )
    assert to_stdout.exit_code == 2 and "--sig FILE" in to_stdout.output
    no_key = runner.invoke(
        cli,
        ["sbom", "export", "--db", url, "--network", "lab", "--out", str(tmp_path / "o.json"),
         "--sign", str(tmp_path / "none")],
    )  # fmt: skip
    assert no_key.exit_code == 1 and "cannot read key" in no_key.output
    assert not (tmp_path / "o.json").exists()  # refused before any work
    stray = runner.invoke(cli, ["sbom", "export", "--db", url, "--network", "lab", "--sig", "x"])
    assert stray.exit_code == 2
    # stdout document with an explicit --sig: the signature is over the bytes printed
    sig = tmp_path / "out.sig"
    printed = runner.invoke(
        cli,
        ["sbom", "export", "--db", url, "--network", "lab", "--sign", str(key), "--sig", str(sig)],
    )
    assert printed.exit_code == 0, printed.output
    public = load_public_key(tmp_path / "ed25519.pub")
    assert verify_document(printed.stdout_bytes, sig.read_bytes(), public).subject == "-"


@pytest.mark.parametrize("algorithm", ["ed25519", "ecdsa-p256"])
def test_securesystemslib_verifies_our_envelopes(tmp_path: Path, algorithm: str) -> None:
    """An independent DSSE implementation (securesystemslib, used by in-toto and TUF) accepts
    the envelope, and rejects it once the payload changes."""
    from securesystemslib.dsse import Envelope
    from securesystemslib.exceptions import VerificationError
    from securesystemslib.signer import SSlibKey

    from netsbom.collector.signing import key_id

    key, pub = _keys(tmp_path, algorithm)
    public = load_public_key(pub)
    envelope = json.loads(sign_document(b"doc", "doc", {"n": 1}, load_private_key(key)))
    verifier = SSlibKey.from_crypto(public, keyid=key_id(public))
    copy = json.loads(json.dumps(envelope))  # from_dict consumes its argument
    assert list(Envelope.from_dict(copy).verify([verifier], 1)) == [key_id(public)]
    statement = json.loads(base64.b64decode(envelope["payload"]))
    statement["predicate"]["n"] = 2
    envelope["payload"] = base64.b64encode(json.dumps(statement).encode()).decode()
    with pytest.raises(VerificationError):
        Envelope.from_dict(envelope).verify([verifier], 1)
