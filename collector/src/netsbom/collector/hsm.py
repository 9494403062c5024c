"""Signing keys held in an HSM or token, named by a PKCS#11 URI (RFC 7512).

    with open_token_key("pkcs11:token=netsbom;object=sbom-signing", "env:PIN") as key:
        envelope = sign_document(data, name, predicate, key)   # as with a PEM key

The module comes from ``module-path=`` in the URI, else ``$NETSBOM_PKCS11_MODULE``. The PIN is a
reference (``--key-password env:VAR|file:PATH`` or ``pin-source=file:PATH`` in the URI); a
literal ``pin-value`` is refused, and no PIN reaches a message. Keys: ECDSA P-256 (CKM_ECDSA
over a SHA-256 digest computed here, the raw r||s turned into DER as the PEM path writes it) and
Ed25519 (CKM_EDDSA). The public key comes from the token's public key object with the same
label/id, so ``key_id`` is the one of the same key in PEM. ``python-pkcs11`` (the collector's
``[pkcs11]`` extra) is imported only here, only when a URI is used.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote_to_bytes

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from netsbom.core.errors import ConfigError, CredentialError

if TYPE_CHECKING:
    from netsbom.collector.signing import Algorithm, PublicKey

__all__ = [
    "MODULE_ENV",
    "TokenKey",
    "TokenRef",
    "export_public_key",
    "generate_token_key",
    "open_token_key",
    "parse",
]

SCHEME = "pkcs11:"
MODULE_ENV = "NETSBOM_PKCS11_MODULE"
EXTRA_HINT = "PKCS#11 keys need the pkcs11 extra: pip install 'netsbom-collector[pkcs11]'"
# DER of the curves' EC_PARAMS: P-256 by OID; Ed25519 by OID or (SoftHSM) PrintableString
P256_PARAMS = bytes.fromhex("06082a8648ce3d030107")
ED25519_PARAMS = (bytes.fromhex("06032b6570"), b"\x13\x0cedwards25519")
_PATH_ATTRS = {"token", "object", "id", "type", "serial", "manufacturer", "model", "slot-id"}
_QUERY_ATTRS = {"module-path", "module-name", "pin-source", "pin-value"}


@dataclass(frozen=True, slots=True)
class TokenRef:
    """What a PKCS#11 URI names (decoded); ``str()`` names it without module or PIN source."""

    token: str | None = None
    object: str | None = None
    id: bytes | None = None
    serial: str | None = None
    manufacturer: str | None = None
    model: str | None = None
    slot_id: int | None = None
    module_path: str | None = None
    pin_source: str | None = None

    def __str__(self) -> str:
        parts = [f"token={self.token}" if self.token is not None else ""]
        parts.append(f"object={self.object}" if self.object is not None else "")
        parts.append(f"id={self.id.hex()}" if self.id is not None else "")
        return "pkcs11:" + ";".join(p for p in parts if p)

    def module(self) -> str:
        path = self.module_path or os.environ.get(MODULE_ENV)
        if not path:
            raise ConfigError(
                f"{self}: no PKCS#11 module: add module-path=/path/to/module.so to the URI "
                f"or set {MODULE_ENV}"
            )
        return path


def parse(uri: str) -> TokenRef:
    """A PKCS#11 URI's attributes (RFC 7512, percent-decoded); unknown or missing ones are
    errors that name the attribute, never its value when it could be a PIN."""
    if not uri.startswith(SCHEME):
        raise ConfigError("a PKCS#11 URI starts with pkcs11:")
    path, _, query = uri[len(SCHEME) :].partition("?")
    fields: dict[str, bytes] = {}
    for part, allowed, sep in ((path, _PATH_ATTRS, ";"), (query, _QUERY_ATTRS, "&")):
        for item in filter(None, part.split(sep)):
            name, equals, value = item.partition("=")
            if name == "pin-value":
                raise CredentialError(
                    "a PKCS#11 URI must not carry the PIN (pin-value): use --key-password "
                    "env:VAR|file:PATH or pin-source=file:PATH"
                )
            if name not in allowed or not equals:
                raise ConfigError(f"PKCS#11 URI: unknown or empty attribute {name!r}")
            fields[name] = unquote_to_bytes(value)
    text = {k: v.decode("utf-8") for k, v in fields.items() if k != "id"}
    if text.get("type", "private") not in ("private", "public"):
        raise ConfigError("PKCS#11 URI: type must be private or public for a signing key")
    if "module-name" in text and "module-path" not in text:
        raise ConfigError(
            "PKCS#11 URI: module-name is not supported: give module-path=/path/to/module.so"
        )
    if "object" not in text and "id" not in fields:
        raise ConfigError("PKCS#11 URI: name the key with object=LABEL or id=%XX..")
    slot = text.get("slot-id")
    if slot is not None and not slot.isdigit():
        raise ConfigError("PKCS#11 URI: slot-id must be a number")
    return TokenRef(
        token=text.get("token"),
        object=text.get("object"),
        id=fields.get("id"),
        serial=text.get("serial"),
        manufacturer=text.get("manufacturer"),
        model=text.get("model"),
        slot_id=int(slot) if slot is not None else None,
        module_path=text.get("module-path"),
        pin_source=text.get("pin-source"),
    )


class TokenKey:
    """A private key on a token, usable where a PEM private key is (``public_key``, ``sign``)."""

    def __init__(self, private: Any, public: PublicKey, ref: TokenRef) -> None:
        self._private, self._public, self._ref = private, public, ref

    @property
    def algorithm(self) -> Algorithm:
        return "ed25519" if isinstance(self._public, ed25519.Ed25519PublicKey) else "ecdsa-p256"

    def public_key(self) -> PublicKey:
        return self._public

    def sign(self, message: bytes) -> bytes:
        """Ed25519: the 64-byte signature; P-256: DER ECDSA over SHA-256, as the PEM path."""
        from pkcs11 import Mechanism
        from pkcs11.exceptions import PKCS11Error

        try:
            if isinstance(self._public, ed25519.Ed25519PublicKey):
                signature = bytes(self._private.sign(message, mechanism=Mechanism.EDDSA))
                self._public.verify(signature, message)
                return signature
            raw = self._private.sign(hashlib.sha256(message).digest(), mechanism=Mechanism.ECDSA)
            half = len(raw) // 2
            signature = encode_dss_signature(
                int.from_bytes(raw[:half], "big"), int.from_bytes(raw[half:], "big")
            )
            self._public.verify(signature, message, ec.ECDSA(hashes.SHA256()))
            return signature
        except PKCS11Error as exc:
            raise ConfigError(f"{self._ref}: the token refused to sign ({_name(exc)})") from None
        except InvalidSignature:
            raise ConfigError(
                f"{self._ref}: the token's public key does not verify its private key's "
                "signature (two key pairs under one label?)"
            ) from None


@contextmanager
def open_token_key(uri: str, password: str | None = None) -> Iterator[TokenKey]:
    """The signing key ``uri`` names, logged in with the PIN ``password`` (or the URI's
    pin-source) refers to; the session closes and the module is finalised on exit."""
    ref = parse(uri)
    with _session(ref, password) as session:
        yield TokenKey(_find(session, ref, "private"), _public_key(session, ref), ref)


def export_public_key(uri: str, password: str | None = None) -> PublicKey:
    """The public half of the key ``uri`` names (logged in when a PIN is given)."""
    ref = parse(uri)
    with _session(ref, password, need_pin=False) as session:
        return _public_key(session, ref)


def generate_token_key(
    uri: str, password: str | None, algorithm: Algorithm = "ed25519"
) -> PublicKey:
    """A new key pair on the token (private part sensitive, never extractable), labelled and
    identified as ``uri`` says; refused when a key of that name exists. Returns the public key."""
    from pkcs11 import Attribute, KeyType

    ref = parse(uri)
    if ref.object is None:
        raise ConfigError(f"{ref}: a new key needs a label: object=LABEL")
    with _session(ref, password, rw=True) as session:
        if _objects(session, ref, "private") or _objects(session, ref, "public"):
            raise ConfigError(f"{ref}: a key with this label/id exists: not replacing it")
        ed = algorithm == "ed25519"
        session.generate_keypair(
            KeyType.EC_EDWARDS if ed else KeyType.EC,
            store=True,
            label=ref.object,
            id=ref.id if ref.id is not None else os.urandom(16),
            public_template={Attribute.EC_PARAMS: ED25519_PARAMS[0] if ed else P256_PARAMS},
            private_template={Attribute.SENSITIVE: True, Attribute.EXTRACTABLE: False},
        )
        return _public_key(session, ref)


@contextmanager
def _session(
    ref: TokenRef, password: str | None, *, need_pin: bool = True, rw: bool = False
) -> Iterator[Any]:
    try:
        import pkcs11
        from pkcs11.exceptions import PinIncorrect, PinLocked, PKCS11Error
    except ImportError:
        raise ConfigError(EXTRA_HINT) from None
    if password is not None and ref.pin_source is not None:
        raise ConfigError(f"{ref}: give the PIN once: --key-password or pin-source, not both")
    reference = password or ref.pin_source
    if reference is None and need_pin:
        raise CredentialError(
            f"{ref}: the token PIN is needed: --key-password env:VAR|file:PATH "
            "or pin-source=file:PATH in the URI"
        )
    pin = _resolve(reference) if reference is not None else None
    module = ref.module()
    try:
        library = pkcs11.lib(module)
    except PKCS11Error:
        raise ConfigError(f"cannot load the PKCS#11 module {module}") from None
    try:
        token = _token(library, ref)
        try:
            session = token.open(user_pin=pin, rw=rw)
        except PinIncorrect:
            raise CredentialError(f"{ref}: the token PIN is incorrect") from None
        except PinLocked:
            raise CredentialError(f"{ref}: the token PIN is locked") from None
        except PKCS11Error as exc:
            raise ConfigError(f"{ref}: cannot open the token ({_name(exc)})") from None
        with session:
            yield session
    finally:
        library.finalize()


def _resolve(reference: str) -> str:
    from netsbom.collector.signing import resolve_password

    return resolve_password(reference)


def _token(library: Any, ref: TokenRef) -> Any:
    wanted = {
        "label": ref.token,
        "serial": ref.serial,
        "manufacturer_id": ref.manufacturer,
        "model": ref.model,
    }
    from pkcs11 import TokenFlag

    found = []
    present = []
    for slot in library.get_slots(token_present=True):
        token = slot.get_token()
        if not token.flags & TokenFlag.TOKEN_INITIALIZED:
            continue
        present.append(repr(token.label))
        values = {
            "label": token.label,
            "serial": token.serial.decode("ascii", "replace").strip(),
            "manufacturer_id": token.manufacturer_id,
            "model": token.model,
        }
        if ref.slot_id is not None and slot.slot_id != ref.slot_id:
            continue
        if all(want is None or values[key] == want for key, want in wanted.items()):
            found.append(token)
    if len(found) == 1:
        return found[0]
    if not found:
        raise ConfigError(
            f"{ref}: no token matches (tokens present: {', '.join(present) or 'none'})"
        )
    raise ConfigError(f"{ref}: {len(found)} tokens match: add token=, serial= or slot-id=")


def _objects(session: Any, ref: TokenRef, kind: str) -> list[Any]:
    from pkcs11 import Attribute, ObjectClass

    template: dict[Any, Any] = {
        Attribute.CLASS: ObjectClass.PRIVATE_KEY if kind == "private" else ObjectClass.PUBLIC_KEY
    }
    if ref.object is not None:
        template[Attribute.LABEL] = ref.object
    if ref.id is not None:
        template[Attribute.ID] = ref.id
    return list(session.get_objects(template))


def _find(session: Any, ref: TokenRef, kind: str) -> Any:
    objects = _objects(session, ref, kind)
    if not objects:
        raise ConfigError(f"{ref}: no {kind} key with this label/id on the token")
    if len(objects) > 1:
        raise ConfigError(f"{ref}: {len(objects)} {kind} keys match: add id= to the URI")
    return objects[0]


def _public_key(session: Any, ref: TokenRef) -> PublicKey:
    """The public key object's EC point as a ``cryptography`` key (P-256 or Ed25519)."""
    from pkcs11 import Attribute, KeyType

    public = _find(session, ref, "public")
    params = bytes(public[Attribute.EC_PARAMS])
    point = bytes(public[Attribute.EC_POINT])
    try:
        if public.key_type == KeyType.EC and params == P256_PARAMS:
            return ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), _unwrap(point, 65))
        if public.key_type == KeyType.EC_EDWARDS and params in ED25519_PARAMS:
            return ed25519.Ed25519PublicKey.from_public_bytes(_unwrap(point, 32))
    except ValueError:
        raise ConfigError(f"{ref}: the token's public key is not a valid point") from None
    raise ConfigError(f"{ref}: unsupported key type: use Ed25519 or ECDSA P-256")


def _unwrap(point: bytes, size: int) -> bytes:
    """CKA_EC_POINT is a DER OCTET STRING of ``size`` bytes (some tokens give it bare)."""
    if len(point) == size + 2 and point[:2] == bytes((0x04, size)):
        return point[2:]
    return point


def _name(exc: Exception) -> str:
    return type(exc).__name__
