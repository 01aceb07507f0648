"""The vault seals personal data per client, and destroying a client's key erases all of it."""

from __future__ import annotations

import base64
import subprocess
import sys
from uuid import UUID, uuid4

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casework.vault import (
    DESTROYED,
    ENVELOPE_PREFIX,
    ERASED,
    UNREADABLE,
    ClientErased,
    MemoryKeyStore,
    Vault,
    VaultError,
    derived_key,
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
    at = len(ENVELOPE_PREFIX) + 20  # past the nonce, into the ciphertext
    return envelope[:at] + ("B" if envelope[at] == "A" else "A") + envelope[at + 1 :]


CLINIC, OTHER_CLINIC = uuid4(), uuid4()
NOTES = "Journey.ContactRecorded.notes"


class Reports(list[tuple[UUID, UUID, str]]):
    """What the vault reported as unreadable: (clinic id, client id, field label)."""

    def __call__(self, clinic_id: UUID, client_id: UUID, label: str) -> None:
        self.append((clinic_id, client_id, label))


@pytest.fixture
def reports(vault: Vault) -> Reports:
    vault.on_unreadable = Reports()
    return vault.on_unreadable


def reveal(vault: Vault, client_id: UUID, value: object, label: str = NOTES) -> object:
    return vault.reader().reveal(CLINIC, client_id, label, value)


def test_sealed_text_reveals_as_the_original(vault: Vault) -> None:
    client_id = uuid4()
    envelope = vault.seal(CLINIC, client_id, NOTES, "Ana Müller, born 1984-02-29")
    assert reveal(vault, client_id, envelope) == "Ana Müller, born 1984-02-29"
    assert reveal(vault, client_id, vault.seal(CLINIC, client_id, NOTES, "")) == ""
    assert reveal(vault, client_id, None) is None


def test_an_envelope_names_neither_its_client_nor_its_field_nor_the_text(vault: Vault) -> None:
    client_id = uuid4()
    envelope = vault.seal(CLINIC, client_id, NOTES, "Ana Müller")
    assert envelope.startswith(ENVELOPE_PREFIX)
    assert str(client_id) not in envelope
    assert "notes" not in envelope
    assert "Ana" not in envelope
    assert "=" not in envelope


def test_the_same_text_seals_differently_each_time(vault: Vault) -> None:
    client_id = uuid4()
    assert vault.seal(CLINIC, client_id, NOTES, "Ana") != vault.seal(
        CLINIC, client_id, NOTES, "Ana"
    )


def test_each_client_gets_its_own_key(vault: Vault, keys: MemoryKeyStore) -> None:
    first, second = uuid4(), uuid4()
    vault.seal(CLINIC, first, NOTES, "Ana")
    vault.seal(CLINIC, second, NOTES, "Ben")
    assert len(unwrapped_key(keys, first)) == 32
    assert unwrapped_key(keys, first) != unwrapped_key(keys, second)


def test_a_client_key_is_made_once(vault: Vault, keys: MemoryKeyStore) -> None:
    client_id = uuid4()
    vault.seal(CLINIC, client_id, NOTES, "Ana")
    wrapped = keys.wrapped_key(client_id)
    vault.seal(CLINIC, client_id, NOTES, "Ana again")
    assert keys.wrapped_key(client_id) == wrapped


def test_the_first_stored_key_wins(keys: MemoryKeyStore) -> None:
    client_id = uuid4()
    assert keys.add_wrapped_key(client_id, b"first") == b"first"
    assert keys.add_wrapped_key(client_id, b"second") == b"first"


def test_erased_client_reads_as_erased(vault: Vault) -> None:
    client_id, other = uuid4(), uuid4()
    envelope = vault.seal(CLINIC, client_id, NOTES, "Ana")
    others = vault.seal(CLINIC, other, NOTES, "Ben")
    assert vault.destroy(client_id) is True
    assert reveal(vault, client_id, envelope) == ERASED
    assert reveal(vault, client_id, "anything at all") == ERASED
    assert reveal(vault, other, others) == "Ben"
    assert reveal(vault, other, vault.seal(CLINIC, other, NOTES, "Ben again")) == "Ben again"


def test_destroy_says_whether_there_was_a_key(vault: Vault, keys: MemoryKeyStore) -> None:
    client_id = uuid4()
    vault.seal(CLINIC, client_id, NOTES, "Ana")
    assert vault.destroy(client_id) is True
    assert vault.destroy(client_id) is False
    assert vault.destroy(uuid4()) is False
    assert keys.wrapped_key(client_id) == DESTROYED


def test_erased_client_cannot_get_new_personal_data(vault: Vault) -> None:
    client_id, never_sealed = uuid4(), uuid4()
    vault.seal(CLINIC, client_id, NOTES, "Ana")
    vault.destroy(client_id)
    vault.destroy(never_sealed)
    with pytest.raises(ClientErased, match="erased"):
        vault.seal(CLINIC, client_id, NOTES, "Ana, again")
    with pytest.raises(ClientErased, match="erased"):
        vault.seal(CLINIC, never_sealed, NOTES, "Ben")


def test_a_wrong_master_key_is_refused(vault: Vault, keys: MemoryKeyStore) -> None:
    client_id = uuid4()
    envelope = vault.seal(CLINIC, client_id, NOTES, "Ana")
    with pytest.raises(VaultError, match="master key"):
        Vault(bytes(32), keys).reader().reveal(CLINIC, client_id, NOTES, envelope)


def test_an_envelope_moved_to_another_field_client_or_clinic_is_unreadable_and_reported(
    vault: Vault, reports: Reports
) -> None:
    ana, ben = uuid4(), uuid4()
    envelope = vault.seal(CLINIC, ana, NOTES, "Ana")
    vault.seal(CLINIC, ben, NOTES, "Ben")
    reader = vault.reader()
    assert reader.reveal(CLINIC, ana, NOTES, envelope) == "Ana"
    assert reader.reveal(CLINIC, ana, "Journey.ConsentGiven.notes", envelope) == UNREADABLE
    assert reader.reveal(CLINIC, ben, NOTES, envelope) == UNREADABLE
    assert reader.reveal(OTHER_CLINIC, ana, NOTES, envelope) == UNREADABLE
    assert reports == [
        (CLINIC, ana, "Journey.ConsentGiven.notes"),
        (CLINIC, ben, NOTES),
        (OTHER_CLINIC, ana, NOTES),
    ]


def test_an_altered_or_truncated_envelope_is_unreadable(vault: Vault, reports: Reports) -> None:
    client_id = uuid4()
    envelope = vault.seal(CLINIC, client_id, NOTES, "Ana")
    assert reveal(vault, client_id, altered(envelope)) == UNREADABLE
    assert reveal(vault, client_id, envelope[: len(ENVELOPE_PREFIX) + 9]) == UNREADABLE
    assert len(reports) == 2


def test_an_envelope_of_a_client_without_a_stored_key_is_unreadable(vault: Vault) -> None:
    client_id = uuid4()
    envelope = Vault(MASTER_KEY, MemoryKeyStore()).seal(CLINIC, client_id, NOTES, "Ana")
    assert reveal(vault, client_id, envelope) == UNREADABLE


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    value=st.one_of(
        st.text(),
        st.text(alphabet="ABCDEFabcdef0123456789-_:=").map(lambda t: ENVELOPE_PREFIX + t),
        st.binary(min_size=0, max_size=80).map(
            lambda b: ENVELOPE_PREFIX + base64.urlsafe_b64encode(b).decode().rstrip("=")
        ),
        st.integers(),
        st.lists(st.text(), max_size=3),
        st.dictionaries(st.text(), st.text(), max_size=3),
    )
)
def test_any_value_where_an_envelope_belongs_reads_unreadable_and_never_raises(
    vault: Vault, value: object
) -> None:
    client_id = uuid4()
    vault.seal(CLINIC, client_id, NOTES, "a key exists")
    assert reveal(vault, client_id, value) == UNREADABLE


def test_a_reader_unwraps_each_client_key_once() -> None:
    keys = CountingKeyStore()
    vault = Vault(MASTER_KEY, keys)
    ana, ben = uuid4(), uuid4()
    sealed = [(ana, vault.seal(CLINIC, ana, NOTES, text)) for text in ("a1", "a2")]
    sealed += [(ben, vault.seal(CLINIC, ben, NOTES, "b1"))]
    keys.reads = 0
    reader = vault.reader()
    assert [reader.reveal(CLINIC, c, NOTES, v) for c, v in sealed] == ["a1", "a2", "b1"]
    assert keys.reads == 2
    vault.destroy(ana)
    reader = vault.reader()  # a new answer: a destroyed key is noticed
    assert [reader.reveal(CLINIC, c, NOTES, v) for c, v in sealed] == [ERASED, ERASED, "b1"]


def test_a_derived_key_is_fixed_per_master_key_and_context() -> None:
    first = derived_key(MASTER_KEY, "casework/idempotency/request-hash/v1")
    assert len(first) == 32
    assert derived_key(MASTER_KEY, "casework/idempotency/request-hash/v1") == first
    assert derived_key(MASTER_KEY, "another use") != first
    assert derived_key(bytes(32), "casework/idempotency/request-hash/v1") != first
    assert first != MASTER_KEY


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
