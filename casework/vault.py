"""Crypto-shredding of client personal data: AES-GCM, a key per client, wrapped by a master key.

Personal data is sealed into an envelope, `pd1:<client id>:<base64url(nonce + ciphertext)>`, a plain
string that can sit in event payloads and read-model JSON. Destroying a client's key erases every
copy of that client's data at once, including the copies in the append-only event log.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
import threading
from typing import Any, Protocol, overload
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

ENVELOPE_PREFIX = "pd1:"
ERASED = "[erased]"
"""What a sealed value reads as once its client's key is destroyed."""

DESTROYED = b""
"""What a key store holds for an erased client: a tombstone, so no new key is ever made for it."""

KEY_BYTES = 32
NONCE_BYTES = 12
TAG_BYTES = 16
KEY_AAD_PREFIX = b"casework-client-key:"

_ENVELOPE = re.compile(
    re.escape(ENVELOPE_PREFIX)
    + r"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}):([A-Za-z0-9_-]+)"
)
_URLSAFE_BASE64 = re.compile(r"[A-Za-z0-9_-]+={0,2}")


class VaultError(Exception):
    """Raised when data cannot be sealed or revealed: altered, wrong master key, client erased."""


class ClientErased(VaultError):
    """Raised on sealing new personal data for a client whose key was destroyed."""


class KeyStore(Protocol):
    """Where the vault keeps each client's key, wrapped by the master key."""

    def wrapped_key(self, client_id: UUID) -> bytes | None:
        """Return the client's wrapped key, DESTROYED once erased, or None if it never had one."""
        ...

    def add_wrapped_key(self, client_id: UUID, wrapped: bytes) -> bytes:
        """Store `wrapped` unless the client has a key or tombstone; return the one stored."""
        ...

    def destroy(self, client_id: UUID) -> bool:
        """Replace the client's key with DESTROYED; return whether there was a key to destroy."""
        ...


class MemoryKeyStore:
    """Keep wrapped keys in a dict, for unit tests and the in-memory store."""

    def __init__(self) -> None:
        self._keys: dict[UUID, bytes] = {}
        self._lock = threading.Lock()

    def wrapped_key(self, client_id: UUID) -> bytes | None:
        """Return the client's wrapped key, DESTROYED once erased, or None if it never had one."""
        with self._lock:
            return self._keys.get(client_id)

    def add_wrapped_key(self, client_id: UUID, wrapped: bytes) -> bytes:
        """Store `wrapped` unless the client has a key or tombstone; return the one stored."""
        with self._lock:
            return self._keys.setdefault(client_id, wrapped)

    def destroy(self, client_id: UUID) -> bool:
        """Replace the client's key with DESTROYED; return whether there was a key to destroy."""
        with self._lock:
            previous = self._keys.get(client_id)
            self._keys[client_id] = DESTROYED
            return previous not in (None, DESTROYED)


# A client's unwrapped key for the length of one call, or None once the client is erased.
_Keys = dict[UUID, AESGCM | None]


class Vault:
    """Seal and reveal client personal data; destroy a client's key to erase all of it."""

    def __init__(self, master_key: bytes, keys: KeyStore) -> None:
        if len(master_key) != KEY_BYTES:
            raise ValueError(f"the master key must be {KEY_BYTES} bytes")
        self._master = AESGCM(master_key)
        self._keys = keys

    @overload
    def seal(self, client_id: UUID, text: str) -> str: ...
    @overload
    def seal(self, client_id: UUID, text: None) -> None: ...
    @overload
    def seal(self, client_id: UUID, text: str | None) -> str | None: ...
    def seal(self, client_id: UUID, text: str | None) -> str | None:
        """Encrypt `text` under the client's key, made on first use; None stays None.

        Raises ClientErased once the client is erased: an erased client gets no new personal data.
        """
        if text is None:
            return None
        key = self._client_key(client_id, create=True)
        if key is None:
            raise ClientErased(
                f"client {client_id} was erased: no personal data can be sealed for it"
            )
        # Random nonces are safe here: each key seals one client's data, far below 2**32 messages.
        nonce = os.urandom(NONCE_BYTES)
        sealed = nonce + key.encrypt(nonce, text.encode(), client_id.bytes)
        encoded = base64.urlsafe_b64encode(sealed).rstrip(b"=").decode("ascii")
        return f"{ENVELOPE_PREFIX}{client_id}:{encoded}"

    def reveal(self, value: str) -> str:
        """Return the text sealed in `value`, ERASED if its key is gone, `value` if not sealed."""
        return self._reveal(value, {})

    def reveal_all(self, data: Any) -> Any:
        """Return a copy of nested dicts, lists and tuples with every envelope revealed."""
        # Keys are cached for this call only: another process may destroy one at any time.
        return self._reveal_nested(data, {})

    def destroy(self, client_id: UUID) -> bool:
        """Destroy the client's key, erasing all its sealed data; return whether it had a key."""
        return self._keys.destroy(client_id)

    @staticmethod
    def is_sealed(value: object) -> bool:
        """Return whether `value` has the shape of an envelope."""
        return isinstance(value, str) and _ENVELOPE.fullmatch(value) is not None

    def _reveal_nested(self, data: Any, keys: _Keys) -> Any:
        if isinstance(data, str):
            return self._reveal(data, keys)
        if isinstance(data, dict):
            return {name: self._reveal_nested(item, keys) for name, item in data.items()}
        if isinstance(data, list):
            return [self._reveal_nested(item, keys) for item in data]
        if isinstance(data, tuple):
            return tuple(self._reveal_nested(item, keys) for item in data)
        return data

    def _reveal(self, value: str, keys: _Keys) -> str:
        match = _ENVELOPE.fullmatch(value)
        if match is None:
            return value
        client_id = UUID(match[1])
        try:
            sealed = base64.urlsafe_b64decode(match[2] + "=" * (-len(match[2]) % 4))
        except (binascii.Error, ValueError):
            raise VaultError(f"an envelope of client {client_id} is not valid base64") from None
        if len(sealed) < NONCE_BYTES + TAG_BYTES:
            raise VaultError(f"an envelope of client {client_id} is truncated")
        if client_id not in keys:
            keys[client_id] = self._client_key(client_id, create=False)
        key = keys[client_id]
        if key is None:
            return ERASED
        try:
            plain = key.decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], client_id.bytes)
        except InvalidTag:
            raise VaultError(
                f"an envelope of client {client_id} failed authentication: it was altered"
            ) from None
        return plain.decode()

    def _client_key(self, client_id: UUID, *, create: bool) -> AESGCM | None:
        """Return the client's unwrapped key, made if asked; None once the client is erased."""
        wrapped = self._keys.wrapped_key(client_id)
        if wrapped is None and create:
            wrapped = self._keys.add_wrapped_key(
                client_id, self._wrap(client_id, os.urandom(KEY_BYTES))
            )
        if wrapped is None:
            # An envelope exists only after its key was stored, so the store is not this data's.
            raise VaultError(
                f"no key for client {client_id}: the key store does not match the data"
            )
        if wrapped == DESTROYED:
            return None
        return AESGCM(self._unwrap(client_id, wrapped))

    def _wrap(self, client_id: UUID, key: bytes) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        return nonce + self._master.encrypt(nonce, key, KEY_AAD_PREFIX + client_id.bytes)

    def _unwrap(self, client_id: UUID, wrapped: bytes) -> bytes:
        try:
            return self._master.decrypt(
                wrapped[:NONCE_BYTES], wrapped[NONCE_BYTES:], KEY_AAD_PREFIX + client_id.bytes
            )
        except InvalidTag:
            raise VaultError(
                f"cannot unwrap the key of client {client_id}: wrong master key or damaged key"
            ) from None


def key_from_text(text: str, variable: str) -> bytes:
    """Return the key encoded in `text`: urlsafe base64 of 32 bytes, padding optional.

    Raises ValueError naming the `variable` it came from and the reason, never the value itself.
    """
    encoded = text.strip()
    if not encoded:
        raise ValueError(f"{variable} is empty")
    if _URLSAFE_BASE64.fullmatch(encoded) is None:
        raise ValueError(f"{variable} is not urlsafe base64 (A-Z a-z 0-9 - _)")
    unpadded = encoded.rstrip("=")
    try:
        key = base64.urlsafe_b64decode(unpadded + "=" * (-len(unpadded) % 4))
    except (binascii.Error, ValueError):
        raise ValueError(f"{variable} is not valid base64") from None
    if len(key) != KEY_BYTES:
        raise ValueError(f"{variable} must encode {KEY_BYTES} bytes, not {len(key)}")
    return key


def new_key_text() -> str:
    """Return a new random key as unpadded urlsafe base64 (for CASEWORK_MASTER_KEY or _SEAL_KEY)."""
    return base64.urlsafe_b64encode(os.urandom(KEY_BYTES)).rstrip(b"=").decode("ascii")
