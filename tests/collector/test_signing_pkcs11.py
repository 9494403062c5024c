"""Signing with keys on a PKCS#11 token: Debian's SoftHSM2, a token initialised in a tmp folder.

Keys are generated on the token through `sbom keygen --pkcs11 --generate`; exports are signed
through the CLI and checked by `sbom verify` with the exported public PEM and by securesystemslib.
"""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from netsbom.collector.hsm import MODULE_ENV, parse
from netsbom.collector.signing import key_id, load_public_key, sign_document, verify_document
from netsbom.core.cli import cli
from netsbom.core.errors import ConfigError, CredentialError, ExitCode
from tests.conftest import lab_store

MODULE = Path("/usr/lib/softhsm/libsofthsm2.so")
PIN = "8d1f-token-pin-27"
WRONG = "0000-not-the-pin"
TOKEN = "netsbom-test"


@pytest.fixture(scope="module")
def token(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A SoftHSM2 token labelled TOKEN in its own folder; yields the folder."""
    if not MODULE.exists() or shutil.which("softhsm2-util") is None:
        pytest.fail("SoftHSM2 is not installed: apt-get install softhsm2 (.ci/run installs it)")
    folder = tmp_path_factory.mktemp("softhsm")
    (folder / "tokens").mkdir()
    config = folder / "softhsm2.conf"
    config.write_text(f"directories.tokendir = {folder / 'tokens'}\nobjectstore.backend = file\n")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOFTHSM2_CONF", str(config))
        patch.setenv(MODULE_ENV, str(MODULE))
        patch.setenv("TOKEN_PIN", PIN)
        patch.setenv("WRONG_PIN", WRONG)
        subprocess.run(
            ["softhsm2-util", "--init-token", "--free", "--label", TOKEN,
             "--so-pin", "so-9913", "--pin", PIN],
            check=True, capture_output=True,
        )  # fmt: skip
        yield folder


def _uri(label: str) -> str:
    return f"pkcs11:token={TOKEN};object={label}"


def _generate(label: str, algorithm: str, out: Path) -> Path:
    made = CliRunner().invoke(
        cli,
        ["sbom", "keygen", "--pkcs11", _uri(label), "--generate", "--algorithm", algorithm,
         "--public-out", str(out), "--key-password", "env:TOKEN_PIN"],
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    assert PIN not in made.output
    return out


def _export(url: str, out: Path, *extra: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        cli, ["sbom", "export", "--db", url, "--network", "lab", "--out", str(out), *extra]
    )
    return result.exit_code, result.output


@pytest.mark.parametrize("algorithm", ["ecdsa-p256", "ed25519"])
def test_a_token_key_signs_an_export_that_verifies_with_its_exported_pem(
    token: Path, tmp_path: Path, algorithm: str
) -> None:
    from securesystemslib.dsse import Envelope
    from securesystemslib.signer import SSlibKey

    pub = _generate(f"sbom-{algorithm}", algorithm, tmp_path / "token.pub")
    url = lab_store(tmp_path)
    out = tmp_path / "lab.cdx.json"
    code, output = _export(
        url, out, "--sign", _uri(f"sbom-{algorithm}"), "--key-password", "env:TOKEN_PIN"
    )
    assert code == 0, output
    sig = tmp_path / "lab.cdx.json.sig.json"
    verify = ["sbom", "verify", str(out), "--key", str(pub)]
    good = CliRunner().invoke(cli, verify)
    assert good.exit_code == 0 and good.output.startswith("OK: lab.cdx.json"), good.output
    # the key id is the one of the same public key in PEM
    public = load_public_key(pub)
    envelope = json.loads(sig.read_bytes())
    assert envelope["signatures"][0]["keyid"] == key_id(public)
    signature = base64.b64decode(envelope["signatures"][0]["sig"])
    if algorithm == "ecdsa-p256":
        assert signature[0] == 0x30  # DER SEQUENCE, as the PEM path writes it
    else:
        assert len(signature) == 64
    # an independent DSSE verifier accepts it
    verifier = SSlibKey.from_crypto(public, keyid=key_id(public))
    assert list(Envelope.from_dict(json.loads(sig.read_bytes())).verify([verifier], 1)) == [
        key_id(public)
    ]
    # one byte changed: rejected
    data = bytearray(out.read_bytes())
    data[len(data) // 3] ^= 0x01
    out.write_bytes(bytes(data))
    bad = CliRunner().invoke(cli, verify)
    assert bad.exit_code == ExitCode.REJECTED
    assert "SHA-512 is not the signed one" in bad.output
    assert PIN not in output + good.output + bad.output + sig.read_text()


def test_the_pin_from_pin_source_and_the_public_key_exported_again(
    token: Path, tmp_path: Path
) -> None:
    from netsbom.collector.hsm import open_token_key

    first = _generate("sbom-pin-source", "ecdsa-p256", tmp_path / "first.pub")
    pin_file = tmp_path / "pin"
    pin_file.write_text(PIN + "\n")
    uri = f"{_uri('sbom-pin-source')}?pin-source=file:{pin_file}&module-path={MODULE}"
    with open_token_key(uri) as key:
        envelope = sign_document(b"doc", "doc", {"n": 1}, key)
    assert verify_document(b"doc", envelope, load_public_key(first)).subject == "doc"
    again = CliRunner().invoke(
        cli,
        ["sbom", "keygen", "--pkcs11", _uri("sbom-pin-source"), "--public-out",
         str(tmp_path / "again.pub")],
    )  # fmt: skip
    assert again.exit_code == 0, again.output
    assert (tmp_path / "again.pub").read_bytes() == first.read_bytes()
    # the pair is not generated twice under one label
    twice = CliRunner().invoke(
        cli,
        ["sbom", "keygen", "--pkcs11", _uri("sbom-pin-source"), "--generate",
         "--public-out", str(tmp_path / "twice.pub"), "--key-password", "env:TOKEN_PIN"],
    )  # fmt: skip
    assert twice.exit_code == 1 and "exists" in twice.output


def test_a_wrong_pin_is_one_line_without_the_pin(token: Path, tmp_path: Path) -> None:
    _generate("sbom-wrong-pin", "ed25519", tmp_path / "k.pub")
    out = tmp_path / "o.json"
    url, sign = lab_store(tmp_path), ("--sign", _uri("sbom-wrong-pin"))
    code, output = _export(url, out, *sign, "--key-password", "env:WRONG_PIN")
    assert code == 1
    assert output.strip().splitlines() == [
        f"Error: {_uri('sbom-wrong-pin')}: the token PIN is incorrect"
    ]
    assert WRONG not in output and PIN not in output
    assert not out.exists()  # refused before any work
    code, output = _export(url, out, *sign)
    assert code == 1 and "PIN is needed" in output


def test_unknown_token_object_or_module_are_clear_errors(
    token: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = lab_store(tmp_path)
    out = tmp_path / "o.json"
    sign = ("--key-password", "env:TOKEN_PIN", "--sign")
    code, output = _export(url, out, *sign, "pkcs11:token=nope;object=x")
    assert code == 1 and f"no token matches (tokens present: '{TOKEN}')" in output
    code, output = _export(url, out, *sign, _uri("no-such-key"))
    assert code == 1 and "no private key with this label/id" in output
    code, output = _export(url, out, *sign, _uri("x") + "?module-path=/nonexistent/p11.so")
    assert code == 1 and "cannot load the PKCS#11 module /nonexistent/p11.so" in output
    monkeypatch.delenv(MODULE_ENV)
    code, output = _export(url, out, *sign, _uri("x"))
    assert code == 1 and MODULE_ENV in output and "module-path" in output
    assert not out.exists()


def test_uri_parsing() -> None:
    ref = parse("pkcs11:token=My%20Token;object=sbom;id=%01%ff?module-path=/m.so&pin-source=f")
    assert (ref.token, ref.object, ref.id, ref.module_path) == (
        "My Token",
        "sbom",
        b"\x01\xff",
        "/m.so",
    )
    assert str(ref) == "pkcs11:token=My Token;object=sbom;id=01ff"
    with pytest.raises(CredentialError, match="pin-value") as literal:
        parse("pkcs11:object=k?pin-value=s3cret-pin")
    assert "s3cret-pin" not in str(literal.value)
    for bad, reason in (
        ("pkcs11:token=t", "object=LABEL or id"),
        ("pkcs11:object=k;colour=red", "'colour'"),
        ("pkcs11:object=k;type=secret-key", "type must be"),
        ("pkcs11:object=k?module-name=softhsm2", "module-name is not supported"),
    ):
        with pytest.raises(ConfigError, match=reason):
            parse(bad)


def test_without_python_pkcs11_the_error_names_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "pkcs11", None)  # `import pkcs11` raises ImportError
    code, output = _export(
        lab_store(tmp_path), tmp_path / "o.json", "--sign", _uri("k"), "--key-password", "env:X"
    )
    assert code == 1 and "netsbom-collector[pkcs11]" in output
