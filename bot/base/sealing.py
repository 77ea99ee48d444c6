"""Authenticated encryption of contact data at rest (AES-256-GCM, `cryptography`).

A sealed value is one string `v1.<key id>.<nonce>.<ciphertext>` (base64 parts), so it
survives every store unchanged. The associated data binds it to where it belongs (tenant, guest reference,
field), so a ciphertext copied into another guest's record does not decrypt. Keys are
derived with HKDF-SHA256 from the configured secrets; the first key encrypts, every
key decrypts (rotation: add a new first key, re-seal, then drop the old one).
"""

from __future__ import annotations

import base64
import hashlib
import os
from collections.abc import Sequence

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from bot.base.errors import RapportError
from bot.base.settings import Secret

INFO = b"rapport contact data v1"


class DecryptionError(RapportError):
    """A sealed value was tampered with, moved, or sealed under an unknown key."""


def key_id(secret: Secret) -> str:
    return hashlib.sha256(b"rapport-key-id" + secret.value.encode()).hexdigest()[:8]


def _derive(secret: Secret) -> AESGCM:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=INFO).derive(secret.value.encode())
    return AESGCM(key)


class Cipher:
    def __init__(self, secrets: Sequence[Secret]) -> None:
        if not secrets or not all(s.value for s in secrets):
            raise ValueError("at least one non-empty data key is needed")
        self.current = key_id(secrets[0])
        self._keys = {key_id(s): _derive(s) for s in secrets}

    def seal(self, plaintext: str, aad: str) -> str:
        nonce = os.urandom(12)
        ct = self._keys[self.current].encrypt(nonce, plaintext.encode("utf-8"), aad.encode("utf-8"))
        return f"v1.{self.current}.{_b64(nonce)}.{_b64(ct)}"

    def open(self, sealed: str, aad: str) -> str:
        try:
            version, kid, nonce, ct = sealed.split(".")
            if version != "v1":
                raise ValueError(version)
            plain = self._keys[kid].decrypt(_unb64(nonce), _unb64(ct), aad.encode("utf-8"))
        except (AttributeError, KeyError, TypeError, ValueError, InvalidTag) as e:
            raise DecryptionError("cannot open sealed value") from e
        return plain.decode("utf-8")

    @staticmethod
    def key_of(sealed: str) -> str:
        """The id of the key a value is sealed under (rotation re-seals the others)."""
        return sealed.split(".")[1] if sealed.count(".") == 3 else ""


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)
