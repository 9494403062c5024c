"""Signed exports: a detached DSSE envelope carrying an in-toto Statement v1 about one document.

    envelope = sign_document(data, "core.cdx.json", predicate, load_private_key(path, password))
    verify_document(data, envelope_bytes, load_public_key(pub_path))  # -> Verified, or raises

The Statement's subject is the exported file (its name and the SHA-512 of the exact bytes
written); its predicate says what the document is the SBOM of: the network, the point in time,
the configuration fingerprint, the tool. The envelope is DSSE v1 (``payloadType``
``application/vnd.in-toto+json``; the signature covers the pre-authentication encoding
``DSSEv1 <len> <type> <len> <payload>``), as in-toto, sigstore and securesystemslib write it.

Keys are PEM files (PKCS#8 private keys, SubjectPublicKeyInfo public keys): Ed25519 or ECDSA
P-256 (signatures DER-encoded over SHA-256). A private key's password is a reference
(``env:VAR`` or ``file:PATH``), never a literal; neither a key nor its password reaches a message.
Signing is offline: no network, no transparency log. A key may also sit on an HSM or token,
named by a PKCS#11 URI (``pkcs11:token=...;object=...``, hsm.py); :func:`signing_key` opens
either kind.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

from netsbom.core.errors import ConfigError, CredentialError, ExitCode, NetsbomError

__all__ = [
    "PAYLOAD_TYPE",
    "PREDICATE_TYPE",
    "STATEMENT_TYPE",
    "SignatureError",
    "Signer",
    "Verified",
    "generate_key",
    "key_id",
    "load_private_key",
    "load_public_key",
    "pae",
    "sign_document",
    "signing_key",
    "statement",
    "verify_document",
]

PAYLOAD_TYPE = "application/vnd.in-toto+json"
STATEMENT_TYPE = "https://in-toto.io/Statement/v1"
PREDICATE_TYPE = "https://netsbom.dev/attestations/system-sbom/v1"
SIGNATURE_SUFFIX = ".sig.json"

PrivateKey = ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey
PublicKey = ed25519.Ed25519PublicKey | ec.EllipticCurvePublicKey
Algorithm = Literal["ed25519", "ecdsa-p256"]
ALGORITHMS: tuple[Algorithm, ...] = ("ed25519", "ecdsa-p256")


class Signer(Protocol):
    """A private key held elsewhere (a PKCS#11 token) that signs as a PEM key of its type."""

    def public_key(self) -> PublicKey: ...

    def sign(self, message: bytes) -> bytes: ...


class SignatureError(NetsbomError):
    """A document whose signature does not verify (tampered, wrong key, not an envelope)."""

    exit_code = ExitCode.REJECTED


@dataclass(frozen=True, slots=True)
class Verified:
    """What a valid envelope says about the document."""

    key_id: str
    subject: str  # the file name the statement names
    predicate_type: str
    predicate: dict[str, Any]


def pae(payload_type: str, payload: bytes) -> bytes:
    """DSSE v1 pre-authentication encoding: what the signature covers."""
    kind = payload_type.encode("utf-8")
    return b"DSSEv1 %d %s %d %s" % (len(kind), kind, len(payload), payload)


def statement(data: bytes, name: str, predicate: dict[str, Any]) -> dict[str, Any]:
    """The in-toto Statement v1 about ``data`` (written as ``name``)."""
    return {
        "_type": STATEMENT_TYPE,
        "subject": [{"name": name, "digest": {"sha512": hashlib.sha512(data).hexdigest()}}],
        "predicateType": PREDICATE_TYPE,
        "predicate": predicate,
    }


def key_id(key: PublicKey) -> str:
    """SHA-256 hex of the public key's DER SubjectPublicKeyInfo (public, safe to print)."""
    der = key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return hashlib.sha256(der).hexdigest()


@contextmanager
def signing_key(spec: str, password: str | None = None) -> Iterator[PrivateKey | Signer]:
    """The key ``--sign`` names: a PKCS#11 URI (token session open while in use) or a PEM file."""
    if spec.startswith("pkcs11:"):
        from netsbom.collector.hsm import open_token_key

        with open_token_key(spec, password) as token_key:
            yield token_key
    else:
        yield load_private_key(Path(spec), password)


def sign_document(
    data: bytes, name: str, predicate: dict[str, Any], key: PrivateKey | Signer
) -> bytes:
    """The DSSE envelope (JSON bytes) signing a Statement about ``data``."""
    payload = json.dumps(
        statement(data, name, predicate), sort_keys=True, separators=(",", ":")
    ).encode("utf-8")
    signature = _sign(key, pae(PAYLOAD_TYPE, payload))
    envelope = {
        "payloadType": PAYLOAD_TYPE,
        "payload": base64.b64encode(payload).decode("ascii"),
        "signatures": [
            {
                "keyid": key_id(key.public_key()),
                "sig": base64.b64encode(signature).decode("ascii"),
            }
        ],
    }
    return (json.dumps(envelope, indent=2, sort_keys=True) + "\n").encode("utf-8")


def verify_document(data: bytes, envelope_bytes: bytes, key: PublicKey) -> Verified:
    """Check that ``envelope_bytes`` is a DSSE envelope signed by ``key`` whose Statement names
    ``data`` by its SHA-512; raises :class:`SignatureError` with the one reason it does not."""
    envelope = _envelope(envelope_bytes)
    payload = envelope["payload"]
    wanted = key_id(key)
    message = pae(envelope["payloadType"], payload)
    for entry in envelope["signatures"]:
        if _verifies(key, entry["sig"], message):
            break
    else:
        raise SignatureError(
            "signature invalid: no signature in the envelope verifies with this key"
        )
    try:
        claim = json.loads(payload)
    except ValueError:
        raise SignatureError("signature invalid: the signed payload is not JSON") from None
    if not isinstance(claim, dict) or claim.get("_type") != STATEMENT_TYPE:
        raise SignatureError(f"signature invalid: the payload is not an in-toto {STATEMENT_TYPE}")
    digest = hashlib.sha512(data).hexdigest()
    subjects = claim.get("subject")
    if not isinstance(subjects, list):
        raise SignatureError("signature invalid: the statement has no subject")
    for subject in subjects:
        if isinstance(subject, dict) and (subject.get("digest") or {}).get("sha512") == digest:
            return Verified(
                key_id=wanted,
                subject=str(subject.get("name", "")),
                predicate_type=str(claim.get("predicateType", "")),
                predicate=dict(claim.get("predicate") or {}),
            )
    raise SignatureError(
        "signature invalid: the document's SHA-512 is not the signed one (the file changed)"
    )


def load_private_key(path: Path, password: str | None = None) -> PrivateKey:
    """An Ed25519 or ECDSA P-256 private key from a PEM file; ``password`` is a reference
    (``env:VAR``/``file:PATH``) to the passphrase of an encrypted key."""
    pem = _read(path, "key")
    secret = resolve_password(password).encode("utf-8") if password else None
    try:
        key = serialization.load_pem_private_key(pem, password=secret)
    except TypeError:
        if secret is None:
            raise ConfigError(
                f"{path}: the key is encrypted: give its password (env:VAR or file:PATH)"
            ) from None
        raise ConfigError(f"{path}: the key is not encrypted: give no password") from None
    except (ValueError, UnsupportedAlgorithm):
        raise ConfigError(f"{path}: not a PEM private key (or a wrong password)") from None
    return _supported(key, path)  # type: ignore[return-value]


def load_public_key(path: Path) -> PublicKey:
    """An Ed25519 or ECDSA P-256 public key from a PEM file (a private key is refused: give
    the public half)."""
    pem = _read(path, "key")
    if b"PRIVATE KEY" in pem:
        raise ConfigError(f"{path}: a private key: verify with the public key")
    try:
        key = serialization.load_pem_public_key(pem)
    except (ValueError, UnsupportedAlgorithm):
        raise ConfigError(f"{path}: not a PEM public key") from None
    return _supported(key, path)  # type: ignore[return-value]


def generate_key(
    algorithm: Algorithm = "ed25519", password: str | None = None
) -> tuple[bytes, bytes]:
    """A new key pair as (private PEM, public PEM); the private key is encrypted with the
    passphrase ``password`` refers to, if given."""
    key: PrivateKey = (
        ed25519.Ed25519PrivateKey.generate()
        if algorithm == "ed25519"
        else ec.generate_private_key(ec.SECP256R1())
    )
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(resolve_password(password).encode("utf-8"))
        if password
        else serialization.NoEncryption()
    )
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private, public


def resolve_password(reference: str) -> str:
    """The passphrase ``env:VAR`` or ``file:PATH`` names (one trailing newline of a file dropped);
    a literal is refused so that it never sits in shell history or process lists."""
    if reference.startswith("env:"):
        name = reference[4:]
        value = os.environ.get(name)
        if not name or value is None:
            raise CredentialError(f"environment variable {name!r} is not set")
        return value
    if reference.startswith("file:"):
        path = Path(reference[5:]).expanduser()
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise CredentialError(f"cannot read password file {path}: {exc.strerror}") from None
        return text[:-1] if text.endswith("\n") else text
    raise CredentialError("a key password must be a reference: env:VAR or file:PATH")


def _sign(key: PrivateKey | Signer, message: bytes) -> bytes:
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return key.sign(message, ec.ECDSA(hashes.SHA256()))
    return key.sign(message)  # Ed25519, or a token key


def _verifies(key: PublicKey, sig: str, message: bytes) -> bool:
    try:
        signature = base64.b64decode(sig, validate=True)
    except (binascii.Error, ValueError):
        return False
    try:
        if isinstance(key, ed25519.Ed25519PublicKey):
            key.verify(signature, message)
        else:
            key.verify(signature, message, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        return False
    return True


def _envelope(raw: bytes) -> dict[str, Any]:
    """The envelope's fields, decoded; a malformed one is a SignatureError."""
    try:
        envelope = json.loads(raw)
    except ValueError:
        raise SignatureError("signature invalid: the signature file is not JSON") from None
    if not isinstance(envelope, dict):
        raise SignatureError("signature invalid: not a DSSE envelope")
    payload_type, payload, signatures = (
        envelope.get("payloadType"),
        envelope.get("payload"),
        envelope.get("signatures"),
    )
    if payload_type != PAYLOAD_TYPE:
        raise SignatureError(f"signature invalid: payloadType is not {PAYLOAD_TYPE}")
    if not isinstance(payload, str) or not isinstance(signatures, list) or not signatures:
        raise SignatureError("signature invalid: not a DSSE envelope (payload, signatures)")
    try:
        decoded = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise SignatureError("signature invalid: the payload is not base64") from None
    entries = [s for s in signatures if isinstance(s, dict) and isinstance(s.get("sig"), str)]
    if not entries:
        raise SignatureError("signature invalid: the envelope carries no signature")
    return {"payloadType": payload_type, "payload": decoded, "signatures": entries}


def _supported(key: object, path: Path) -> object:
    if isinstance(key, (ed25519.Ed25519PrivateKey, ed25519.Ed25519PublicKey)):
        return key
    if isinstance(key, (ec.EllipticCurvePrivateKey, ec.EllipticCurvePublicKey)):
        if isinstance(key.curve, ec.SECP256R1):
            return key
        raise ConfigError(f"{path}: ECDSA keys must be on P-256 (this one is {key.curve.name})")
    raise ConfigError(f"{path}: unsupported key type: use Ed25519 or ECDSA P-256")


def _read(path: Path, what: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read {what} {path}: {exc.strerror or exc}") from None
