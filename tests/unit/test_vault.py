"""The vault seals personal data per client, and destroying a client's key erases all of it."""

from __future__ import annotations

import base64
import subprocess
import sys
from uuid import UUID, uuid4

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from casework.vault import (
    DESTROYED,
    ENVELOPE_PREFIX,
    ERASED,
    ClientErased,
    MemoryKeyStore,
    Vault,
    VaultError,
    key_from_text,
    new_key_text,
)

MASTER_KEY = bytes(range(32))


class CountingKeyStore(MemoryKeyStore):
    """A MemoryKeyStore that counts how often a wrapped key is read."""

    def __init__(self) -> None:
        super().__init__()
        self.reads = 0

    def wrapped_key(self, client_id: UUID) -> bytes | None:
        self.reads += 1
        return super().wrapped_key(client_id)


@pytest.fixture
def keys() -> MemoryKeyStore:
    return MemoryKeyStore()


@pytest.fixture
def vault(keys: MemoryKeyStore) -> Vault:
    return Vault(MASTER_KEY, keys)


def unwrapped_key(keys: MemoryKeyStore, client_id: UUID) -> bytes:
    wrapped = keys.wrapped_key(client_id)
    assert wrapped
    aad = b"casework-client-key:" + client_id.bytes
    return AESGCM(MASTER_KEY).decrypt(wrapped[:12], wrapped[12:], aad)


def altered(envelope: str) -> str:
    """Return `envelope` with one character of its ciphertext changed."""
    at = envelope.rindex(":") + 20  # past the nonce, into the ciphertext
    return envelope[:at] + ("B" if envelope[at] == "A" else "A") + envelope[at + 1 :]


def test_sealed_text_reveals_as_the_original(vault: Vault) -> None:
    client_id = uuid4()
    envelope = vault.seal(client_id, "Ana Müller, born 1984-02-29")
    assert vault.reveal(envelope) == "Ana Müller, born 1984-02-29"
    assert vault.seal(client_id, "") is not None
    assert vault.reveal(vault.seal(client_id, "")) == ""


def test_none_stays_none(vault: Vault, keys: MemoryKeyStore) -> None:
    client_id = uuid4()
    assert vault.seal(client_id, None) is None
    assert keys.wrapped_key(client_id) is None


def test_an_envelope_names_its_client_but_not_the_plaintext(vault: Vault) -> None:
    client_id = uuid4()
    envelope = vault.seal(client_id, "Ana Müller")
    assert envelope.startswith(f"{ENVELOPE_PREFIX}{client_id}:")
    assert "Ana" not in envelope
    assert "=" not in envelope
    assert Vault.is_sealed(envelope)


def test_the_same_text_seals_differently_each_time(vault: Vault) -> None:
    client_id = uuid4()
    assert vault.seal(client_id, "Ana") != vault.seal(client_id, "Ana")


def test_each_client_gets_its_own_key(vault: Vault, keys: MemoryKeyStore) -> None:
    first, second = uuid4(), uuid4()
    vault.seal(first, "Ana")
    vault.seal(second, "Ben")
    assert len(unwrapped_key(keys, first)) == 32
    assert unwrapped_key(keys, first) != unwrapped_key(keys, second)


def test_a_client_key_is_made_once(vault: Vault, keys: MemoryKeyStore) -> None:
    client_id = uuid4()
    vault.seal(client_id, "Ana")
    wrapped = keys.wrapped_key(client_id)
    vault.seal(client_id, "Ana again")
    assert keys.wrapped_key(client_id) == wrapped


def test_the_first_stored_key_wins(keys: MemoryKeyStore) -> None:
    client_id = uuid4()
    assert keys.add_wrapped_key(client_id, b"first") == b"first"
    assert keys.add_wrapped_key(client_id, b"second") == b"first"


def test_erased_client_reads_as_erased(vault: Vault) -> None:
    client_id, other = uuid4(), uuid4()
    envelope = vault.seal(client_id, "Ana")
    others = vault.seal(other, "Ben")
    assert vault.destroy(client_id) is True
    assert vault.reveal(envelope) == ERASED
    assert vault.reveal(others) == "Ben"
    assert vault.reveal(vault.seal(other, "Ben again")) == "Ben again"  # only Ana's key went


def test_destroy_says_whether_there_was_a_key(vault: Vault, keys: MemoryKeyStore) -> None:
    client_id = uuid4()
    vault.seal(client_id, "Ana")
    assert vault.destroy(client_id) is True
    assert vault.destroy(client_id) is False
    assert vault.destroy(uuid4()) is False
    assert keys.wrapped_key(client_id) == DESTROYED


def test_erased_client_cannot_get_new_personal_data(vault: Vault) -> None:
    client_id, never_sealed = uuid4(), uuid4()
    vault.seal(client_id, "Ana")
    vault.destroy(client_id)
    vault.destroy(never_sealed)
    with pytest.raises(ClientErased, match="erased"):
        vault.seal(client_id, "Ana, again")
    with pytest.raises(ClientErased, match="erased"):
        vault.seal(never_sealed, "Ben")
    assert vault.seal(client_id, None) is None


def test_a_wrong_master_key_is_refused(vault: Vault, keys: MemoryKeyStore) -> None:
    envelope = vault.seal(uuid4(), "Ana")
    with pytest.raises(VaultError, match="master key"):
        Vault(bytes(32), keys).reveal(envelope)


def test_an_altered_envelope_is_refused(vault: Vault) -> None:
    client_id = uuid4()
    envelope = vault.seal(client_id, "Ana")
    with pytest.raises(VaultError, match="altered"):
        vault.reveal(altered(envelope))


def test_an_envelope_moved_to_another_client_is_refused(vault: Vault) -> None:
    client_id, other = uuid4(), uuid4()
    envelope = vault.seal(client_id, "Ana")
    vault.seal(other, "Ben")
    with pytest.raises(VaultError, match="altered"):
        vault.reveal(envelope.replace(str(client_id), str(other)))


def test_a_truncated_envelope_is_refused(vault: Vault) -> None:
    envelope = vault.seal(uuid4(), "Ana")
    with pytest.raises(VaultError, match="truncated"):
        vault.reveal(envelope[: envelope.rindex(":") + 9])


def test_an_envelope_without_a_stored_key_is_refused(vault: Vault) -> None:
    envelope = Vault(MASTER_KEY, MemoryKeyStore()).seal(uuid4(), "Ana")
    with pytest.raises(VaultError, match="no key"):
        vault.reveal(envelope)


@pytest.mark.parametrize(
    "text", ["", "Ana", "pd1:", "pd1: see notes", f"pd1:{uuid4()}", f"pd1:{uuid4()}:a b"]
)
def test_text_that_is_not_an_envelope_comes_back_unchanged(vault: Vault, text: str) -> None:
    assert not Vault.is_sealed(text)
    assert vault.reveal(text) == text


def test_reveal_all_reveals_envelopes_anywhere_and_leaves_the_rest(vault: Vault) -> None:
    ana, ben = uuid4(), uuid4()
    data = {
        "name": vault.seal(ana, "Ana"),
        "count": 3,
        "items": [vault.seal(ben, "Ben"), None, True, ("plain", vault.seal(ana, "Ana's note"))],
        "nested": {"note": vault.seal(ben, "Ben's note"), "id": ana},
    }
    assert vault.reveal_all(data) == {
        "name": "Ana",
        "count": 3,
        "items": ["Ben", None, True, ("plain", "Ana's note")],
        "nested": {"note": "Ben's note", "id": ana},
    }
    assert Vault.is_sealed(data["name"])


def test_reveal_all_unwraps_each_client_key_once_per_call() -> None:
    keys = CountingKeyStore()
    vault = Vault(MASTER_KEY, keys)
    ana, ben = uuid4(), uuid4()
    data = [
        vault.seal(ana, "a1"),
        vault.seal(ana, "a2"),
        vault.seal(ben, "b1"),
        vault.seal(ana, "a3"),
    ]
    keys.reads = 0
    assert vault.reveal_all(data) == ["a1", "a2", "b1", "a3"]
    assert keys.reads == 2
    vault.destroy(ana)
    assert vault.reveal_all(data) == [ERASED, ERASED, "b1", ERASED]
    assert keys.reads == 4


def test_a_new_master_key_reads_back() -> None:
    text = new_key_text()
    key = key_from_text(text, "CASEWORK_MASTER_KEY")
    assert len(key) == 32
    assert key_from_text(text + "=\n", "CASEWORK_MASTER_KEY") == key
    assert base64.urlsafe_b64encode(key).decode() == text + "="


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "not base64 at all!",
        base64.standard_b64encode(b"\xfb" * 32).decode(),
        base64.urlsafe_b64encode(bytes(16)).decode(),
        base64.urlsafe_b64encode(bytes(33)).decode(),
        "A" * 43 + "=" * 3,
        "A" * 41,
    ],
)
def test_a_bad_master_key_is_refused_without_echoing_it(text: str) -> None:
    with pytest.raises(ValueError, match="CASEWORK_MASTER_KEY") as refused:
        key_from_text(text, "CASEWORK_MASTER_KEY")
    if text.strip():
        assert text.strip() not in str(refused.value)


def test_the_vault_imports_neither_flask_nor_sqlalchemy() -> None:
    probe = "import sys, casework.vault; print(sorted({'flask', 'sqlalchemy'} & set(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
