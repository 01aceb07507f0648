"""Ed25519 keys for checkpoints: only the sealer signs; anyone with the public key verifies.

Keys travel as unpadded urlsafe base64 of their 32 raw bytes (`casework keys generate`). A key's
id is the first 16 hex digits of the SHA-256 of its public key: every checkpoint names the key
that signed it, so a verifier holding several public keys (old ones after a rotation) picks the
right one, and a checkpoint signed by an unknown key is reported, never trusted.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Iterable

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from casework.vault import key_from_text


def _text(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def key_id_of(public_raw: bytes) -> str:
    """Return the id a public key is named by in the checkpoints it signed."""
    return hashlib.sha256(public_raw).hexdigest()[:16]


class Signer:
    """Sign checkpoints with the private key (CASEWORK_SIGNING_KEY); held by the sealer alone."""

    def __init__(self, private_text: str, variable: str = "CASEWORK_SIGNING_KEY") -> None:
        self._key = Ed25519PrivateKey.from_private_bytes(key_from_text(private_text, variable))
        self.public_raw = self._key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        self.key_id = key_id_of(self.public_raw)

    @property
    def public_key_text(self) -> str:
        """Return the public key, as CASEWORK_PUBLIC_KEYS and an auditor hold it."""
        return _text(self.public_raw)

    def verifier(self) -> Verifier:
        """Return a verifier for this key alone."""
        return Verifier([self.public_key_text])

    def sign(self, message: bytes) -> str:
        """Return the signature of `message`, as unpadded urlsafe base64."""
        return _text(self._key.sign(message))


class Verifier:
    """Check checkpoint signatures against one or more public keys (rotation keeps old ones)."""

    def __init__(self, public_texts: Iterable[str], variable: str = "CASEWORK_PUBLIC_KEYS") -> None:
        self._keys: dict[str, Ed25519PublicKey] = {}
        for text in public_texts:
            raw = key_from_text(text, variable)
            self._keys[key_id_of(raw)] = Ed25519PublicKey.from_public_bytes(raw)
        if not self._keys:
            raise ValueError(f"{variable} names no public key")

    @classmethod
    def from_text(cls, text: str, variable: str = "CASEWORK_PUBLIC_KEYS") -> Verifier:
        """Return a verifier for comma-separated public keys (the newest last)."""
        return cls([part for part in text.split(",") if part.strip()], variable)

    def knows(self, key_id: str) -> bool:
        """Return whether `key_id` names one of this verifier's public keys."""
        return key_id in self._keys

    def verify(self, key_id: str, message: bytes, signature: str) -> bool:
        """Return whether `signature` is the key `key_id`'s signature of `message`."""
        key = self._keys.get(key_id)
        if key is None or not isinstance(signature, str):
            return False
        try:
            raw = base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4))
            key.verify(raw, message)
        except (InvalidSignature, binascii.Error, ValueError):
            return False
        return True


def new_signing_key() -> tuple[str, str]:
    """Return a fresh (private, public) key pair as text."""
    key = Ed25519PrivateKey.generate()
    private = key.private_bytes_raw()
    return _text(private), _text(key.public_key().public_bytes_raw())
