"""Client keys live in the database: they persist, racing writers share one, erasure shreds it."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from uuid import uuid4

import pytest
from sqlalchemy import Engine

from api.key_store import SqlKeyStore
from casework.vault import DESTROYED, ERASED, Vault, VaultError
from projections.store import create_read_engine

CLINIC = uuid4()
NOTES = "Journey.ContactRecorded.notes"

MASTER_KEY = bytes(range(32))
WRITERS = 8


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = create_read_engine(database_url)
    yield engine
    engine.dispose()


def test_keys_outlive_the_engine_that_stored_them(engine: Engine, database_url: str) -> None:
    client_id = uuid4()
    envelope = Vault(MASTER_KEY, SqlKeyStore(engine)).seal(CLINIC, client_id, NOTES, "Ana Müller")
    other_engine = create_read_engine(database_url)
    try:
        assert (
            Vault(MASTER_KEY, SqlKeyStore(other_engine))
            .reader()
            .reveal(CLINIC, client_id, NOTES, envelope)
            == "Ana Müller"
        )
    finally:
        other_engine.dispose()


def test_racing_writers_share_one_client_key(engine: Engine) -> None:
    vault = Vault(MASTER_KEY, SqlKeyStore(engine))
    client_id = uuid4()
    start = threading.Barrier(WRITERS)
    envelopes: dict[int, str] = {}
    errors: list[Exception] = []

    def write(number: int) -> None:
        try:
            start.wait()
            envelopes[number] = vault.seal(CLINIC, client_id, NOTES, f"note {number}")
        except Exception as error:  # re-raised in the test thread by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=write, args=(number,)) for number in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    # A writer whose key lost the race would have sealed under a key that was never stored.
    assert {
        number: vault.reader().reveal(CLINIC, client_id, NOTES, envelope)
        for number, envelope in envelopes.items()
    } == {number: f"note {number}" for number in range(WRITERS)}


def test_destroy_removes_the_client_key(engine: Engine) -> None:
    keys = SqlKeyStore(engine)
    vault = Vault(MASTER_KEY, keys)
    client_id, other = uuid4(), uuid4()
    envelope = vault.seal(CLINIC, client_id, NOTES, "Ana")
    others = vault.seal(CLINIC, other, NOTES, "Ben")
    assert vault.destroy(client_id) is True
    assert keys.wrapped_key(client_id) == DESTROYED
    assert vault.reader().reveal(CLINIC, client_id, NOTES, envelope) == ERASED
    assert vault.reader().reveal(CLINIC, other, NOTES, others) == "Ben"
    assert vault.destroy(client_id) is False
    with pytest.raises(VaultError, match="erased"):
        vault.seal(CLINIC, client_id, NOTES, "Ana, again")


def test_an_erased_client_gets_no_key_even_if_it_never_had_one(engine: Engine) -> None:
    keys = SqlKeyStore(engine)
    client_id = uuid4()
    assert keys.destroy(client_id) is False
    assert keys.add_wrapped_key(client_id, b"a new key") == DESTROYED


def test_destroy_overwrites_the_key_bytes_in_the_sqlite_file(sqlite_path: str) -> None:
    engine = create_read_engine(f"sqlite:///{sqlite_path}")
    try:
        keys = SqlKeyStore(engine)
        client_id = uuid4()
        Vault(MASTER_KEY, keys).seal(CLINIC, client_id, NOTES, "Ana")
        wrapped = keys.wrapped_key(client_id)
        assert wrapped
        assert wrapped in database_file_bytes(engine, sqlite_path)
        keys.destroy(client_id)
        # A shrunken row can leave part of the old one behind, so look for any 8-byte piece.
        remains = database_file_bytes(engine, sqlite_path)
        pieces = [wrapped[at : at + 8] for at in range(len(wrapped) - 7)]
        assert [piece for piece in pieces if piece in remains] == []
    finally:
        engine.dispose()


def database_file_bytes(engine: Engine, path: str) -> bytes:
    """Return the bytes of the SQLite file, with any write-ahead log checkpointed into it first."""
    engine.dispose()
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    return Path(path).read_bytes()
