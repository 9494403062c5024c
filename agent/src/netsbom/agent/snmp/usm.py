"""SNMPv3 user-based security (RFC 3414, RFC 7860, RFC 3826): keys, digests, AES-CFB privacy.

Keys are localised once per (protocol, secret, engine id): the password-to-key step hashes a
megabyte (~2 ms), so a process polling thousands of devices with one credential does it once per
secret and only the cheap localisation (one hash) per engine id. Keys live in this process's
memory only and are never logged.

AES-192/256 keys longer than the auth hash's digest are extended as in draft-reeder (Cisco's
"aes 192/256", snmpsim's AES192/AES256, pysnmp's ``usmAesCfb192/256Protocol``): the same keys
pysnmp would use for the same inventory.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
from dataclasses import dataclass
from typing import Any

# auth protocol -> (hash constructor name, length of msgAuthenticationParameters)
AUTH: dict[str, tuple[str, int]] = {
    "md5": ("md5", 12),
    "sha": ("sha1", 12),
    "sha224": ("sha224", 16),
    "sha256": ("sha256", 24),
    "sha384": ("sha384", 32),
    "sha512": ("sha512", 48),
}
PRIV_KEY_SIZE = {"aes128": 16, "aes192": 24, "aes256": 32}  # the privacy protocols done here
_MEGABYTE = 1_048_576


@functools.lru_cache(maxsize=256)
def master_key(hash_name: str, secret: bytes) -> bytes:
    """RFC 3414 A.2.1: the digest of ``secret`` repeated over one megabyte."""
    if not secret:
        raise ValueError("an empty SNMPv3 key")
    repeated = secret * (_MEGABYTE // len(secret) + 1)
    return hashlib.new(hash_name, repeated[:_MEGABYTE]).digest()


@functools.lru_cache(maxsize=65_536)
def localized_key(hash_name: str, key: bytes, engine_id: bytes) -> bytes:
    """RFC 3414 A.2.2: a master key localised to an authoritative engine id."""
    return hashlib.new(hash_name, key + engine_id + key).digest()


@dataclass(frozen=True, slots=True)
class UsmKeys:
    """A user's localised keys for one engine (None: that service is not used)."""

    auth_protocol: str | None
    auth_key: bytes | None
    priv_key: bytes | None

    @property
    def digest_length(self) -> int:
        return AUTH[self.auth_protocol][1] if self.auth_protocol else 0


def usm_keys(
    engine_id: bytes,
    auth_protocol: str | None,
    auth_secret: bytes | None,
    priv_protocol: str | None,
    priv_secret: bytes | None,
) -> UsmKeys:
    """The keys for ``engine_id`` (auth needs a protocol and secret; privacy needs auth too)."""
    if auth_protocol is None or auth_secret is None:
        return UsmKeys(None, None, None)
    hash_name = AUTH[auth_protocol][0]
    auth_key = localized_key(hash_name, master_key(hash_name, auth_secret), engine_id)
    priv_key = None
    if priv_protocol is not None and priv_secret is not None:
        size = PRIV_KEY_SIZE[priv_protocol]
        priv_key = localized_key(hash_name, master_key(hash_name, priv_secret), engine_id)
        while len(priv_key) < size:  # draft-reeder key extension
            priv_key += localized_key(hash_name, master_key(hash_name, priv_key), engine_id)
        priv_key = priv_key[:size]
    return UsmKeys(auth_protocol, auth_key, priv_key)


def digest(keys: UsmKeys, message: bytes) -> bytes:
    """msgAuthenticationParameters of ``message`` (whose own field holds zeros)."""
    assert keys.auth_protocol is not None and keys.auth_key is not None
    hash_name, length = AUTH[keys.auth_protocol]
    return hmac.new(keys.auth_key, message, hash_name).digest()[:length]


def _cipher(key: bytes, boots: int, engine_time: int, salt: bytes) -> Any:
    from cryptography.hazmat.decrepit.ciphers.modes import CFB
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms

    iv = boots.to_bytes(4, "big") + engine_time.to_bytes(4, "big") + salt
    return Cipher(algorithms.AES(key), CFB(iv))


def encrypt(keys: UsmKeys, boots: int, engine_time: int, salt: bytes, plain: bytes) -> bytes:
    """RFC 3826 AES-CFB128 of a scoped PDU (IV: boots, time, the 8-octet salt)."""
    assert keys.priv_key is not None
    encryptor = _cipher(keys.priv_key, boots, engine_time, salt).encryptor()
    return bytes(encryptor.update(plain) + encryptor.finalize())


def decrypt(keys: UsmKeys, boots: int, engine_time: int, salt: bytes, data: bytes) -> bytes:
    assert keys.priv_key is not None
    decryptor = _cipher(keys.priv_key, boots, engine_time, salt).decryptor()
    return bytes(decryptor.update(data) + decryptor.finalize())
