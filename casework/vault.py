"""Crypto-shredding of client personal data: AES-GCM, a key per client, wrapped by a master key.

Personal text is sealed into an envelope, `pd2:<base64url(nonce + ciphertext)>`, a plain string
that can sit in event payloads and read-model JSON. Its associated data binds it to one clinic,
one client and one declared field (`casework-pd2|<clinic id>|<client id>|<field label>`), so a
ciphertext moved to another field, client or clinic fails authentication. The envelope names
neither client nor field: whoever reveals says which they expect (casework.personal, from the
field's declaration). Destroying a client's key erases every copy of that client's data at once,
including the copies in the append-only event log.
"""

from __future__ import annotations

import base64
import binascii
import logging
import os
import re
import threading
from collections.abc import Callable
from typing import Protocol
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

ENVELOPE_PREFIX = "pd2:"
AAD_PREFIX = "casework-pd2"
ERASED = "[erased]"
"""What a sealed value reads as once its client's key is destroyed."""

UNREADABLE = "[unreadable]"
"""What a personal value reads as when it is no envelope of its clinic, client and field."""

DESTROYED = b""
"""What a key store holds for an erased client: a tombstone, so no new key is ever made for it."""

KEY_BYTES = 32
NONCE_BYTES = 12
TAG_BYTES = 16
KEY_AAD_PREFIX = b"casework-client-key:"

_ENVELOPE = re.compile(re.escape(ENVELOPE_PREFIX) + r"([A-Za-z0-9_-]+)")
_URLSAFE_BASE64 = re.compile(r"[A-Za-z0-9_-]+={0,2}")

log = logging.getLogger("casework.vault")

OnUnreadable = Callable[[UUID, UUID, str], None]
"""Told (clinic id, client id, field label) of each value shown as unreadable: never content."""


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


def associated_data(clinic_id: UUID, client_id: UUID, label: str) -> bytes:
    """Return what a sealed value is bound to: its clinic, its client and its field's label."""
    return f"{AAD_PREFIX}|{clinic_id}|{client_id}|{label}".encode()


STAFF_SECRETS_CONTEXT = "casework/staff-secrets/v1"


def _staff_aad(owner_id: UUID, label: str) -> bytes:
    return f"casework-staff|{owner_id}|{label}".encode()


class Vault:
    """Seal and reveal client personal data; destroy a client's key to erase all of it."""

    def __init__(
        self, master_key: bytes, keys: KeyStore, on_unreadable: OnUnreadable | None = None
    ) -> None:
        """Wrap client keys with `master_key`; `on_unreadable` hears of every unreadable value."""
        if len(master_key) != KEY_BYTES:
            raise ValueError(f"the master key must be {KEY_BYTES} bytes")
        self._master = AESGCM(master_key)
        self._staff = AESGCM(derived_key(master_key, STAFF_SECRETS_CONTEXT))
        self._keys = keys
        self.on_unreadable = on_unreadable

    def seal(self, clinic_id: UUID, client_id: UUID, label: str, text: str) -> str:
        """Encrypt `text` under the client's key (made on first use), bound to clinic and field.

        Raises ClientErased once the client is erased: an erased client gets no new personal data.
        """
        key = self._client_key(client_id, create=True)
        if key is None:
            raise ClientErased(
                f"client {client_id} was erased: no personal data can be sealed for it"
            )
        # Random nonces are safe here: each key seals one client's data, far below 2**32 messages.
        nonce = os.urandom(NONCE_BYTES)
        aad = associated_data(clinic_id, client_id, label)
        sealed = nonce + key.encrypt(nonce, text.encode(), aad)
        return ENVELOPE_PREFIX + base64.urlsafe_b64encode(sealed).rstrip(b"=").decode("ascii")

    def seal_staff_secret(self, owner_id: UUID, label: str, text: str) -> str:
        """Encrypt a staff member's secret (an authenticator seed) bound to its owner and label."""
        nonce = os.urandom(NONCE_BYTES)
        sealed = nonce + self._staff.encrypt(nonce, text.encode(), _staff_aad(owner_id, label))
        return ENVELOPE_PREFIX + base64.urlsafe_b64encode(sealed).rstrip(b"=").decode("ascii")

    def open_staff_secret(self, owner_id: UUID, label: str, sealed: str) -> str:
        """Return a staff secret; raise VaultError if it was sealed for another owner or altered."""
        plain = _open(self._staff, _staff_aad(owner_id, label), sealed)
        if plain is None:
            raise VaultError(
                f"the {label} of {owner_id} does not open: moved, altered or wrong key"
            )
        return plain

    def reader(self) -> VaultReader:
        """Return a reader for one answer: it keeps each client's key for as long as it lives."""
        return VaultReader(self)

    def destroy(self, client_id: UUID) -> bool:
        """Destroy the client's key, erasing all its sealed data; return whether it had a key."""
        return self._keys.destroy(client_id)

    def _client_key(self, client_id: UUID, *, create: bool) -> AESGCM | None:
        """Return the client's unwrapped key, made if asked; None once erased or never made."""
        wrapped = self._keys.wrapped_key(client_id)
        if wrapped is None and create:
            wrapped = self._keys.add_wrapped_key(
                client_id, self._wrap(client_id, os.urandom(KEY_BYTES))
            )
        if wrapped is None or wrapped == DESTROYED:
            return None
        return AESGCM(self._unwrap(client_id, wrapped))

    def _stored_key(self, client_id: UUID) -> AESGCM | bool:
        """Return the client's unwrapped key; False once erased, True if it never had one."""
        wrapped = self._keys.wrapped_key(client_id)
        if wrapped is None or wrapped == DESTROYED:
            return wrapped is None
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


class VaultReader:
    """Reveal the values of one answer; keys are kept for this reader only.

    Another process may destroy a key at any time, so no key outlives the answer it served.
    """

    def __init__(self, vault: Vault) -> None:
        self._vault = vault
        self._keys: dict[UUID, AESGCM | bool] = {}  # see Vault._stored_key

    def reveal(self, clinic_id: UUID, client_id: UUID, label: str, value: object) -> object:
        """Return the text sealed in `value` for this clinic, client and field.

        ERASED once the client's key is destroyed; UNREADABLE (and reported, by ids and label)
        when `value` is no envelope of this clinic, client and field: altered, moved or forged.
        Never raises on what `value` holds, whatever its shape.
        """
        if value is None:
            return None
        if client_id not in self._keys:
            self._keys[client_id] = self._vault._stored_key(client_id)
        key = self._keys[client_id]
        if key is False:
            return ERASED
        aad = associated_data(clinic_id, client_id, label)
        plain = _open(key, aad, value) if isinstance(key, AESGCM) else None
        if plain is None:
            self._report(clinic_id, client_id, label)
            return UNREADABLE
        return plain

    def _report(self, clinic_id: UUID, client_id: UUID, label: str) -> None:
        log.warning(
            "unreadable personal field %s of client %s in clinic %s: shown as %s",
            label,
            client_id,
            clinic_id,
            UNREADABLE,
        )
        if self._vault.on_unreadable is not None:
            self._vault.on_unreadable(clinic_id, client_id, label)


def _open(key: AESGCM, aad: bytes, value: object) -> str | None:
    """Return the text in envelope `value`, or None if it is not one that `key` and `aad` open."""
    if not isinstance(value, str):
        return None
    match = _ENVELOPE.fullmatch(value)
    if match is None:
        return None
    try:
        sealed = base64.urlsafe_b64decode(match[1] + "=" * (-len(match[1]) % 4))
    except (binascii.Error, ValueError):
        return None
    if len(sealed) < NONCE_BYTES + TAG_BYTES:
        return None
    try:
        plain = key.decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], aad)
    except InvalidTag:
        return None
    try:
        return plain.decode()
    except UnicodeDecodeError:
        return None


def derived_key(master_key: bytes, context: str) -> bytes:
    """Return a key for one purpose (`context`), derived from the master key with HKDF-SHA256."""
    return HKDF(
        algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=context.encode()
    ).derive(master_key)


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
