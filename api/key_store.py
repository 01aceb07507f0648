"""The vault's client keys in the `client_keys` table, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from uuid import UUID

from sqlalchemy import Connection, Engine, select, update
from sqlalchemy.dialects import postgresql, sqlite

from casework.vault import DESTROYED, VaultError
from projections.tables import client_keys


class SqlKeyStore:
    """Keep wrapped client keys in the database (a casework.vault.KeyStore)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def wrapped_key(self, client_id: UUID) -> bytes | None:
        """Return the client's wrapped key, DESTROYED once erased, or None if it never had one."""
        with self._engine.connect() as connection:
            return _stored(connection, client_id)

    def add_wrapped_key(self, client_id: UUID, wrapped: bytes) -> bytes:
        """Store `wrapped` unless the client has a key or tombstone; return the one stored."""
        with self._writing() as connection:
            _insert_if_absent(connection, client_id, wrapped)
            stored = _stored(connection, client_id)
        if stored is None:
            raise VaultError(f"the key of client {client_id} vanished while it was stored")
        return stored

    def destroy(self, client_id: UUID) -> bool:
        """Replace the client's key with DESTROYED; return whether there was a key to destroy."""
        with self._writing() as connection:
            # The tombstone goes in first, so a racing add_wrapped_key waits and then finds it.
            _insert_if_absent(connection, client_id, DESTROYED)
            result = connection.execute(
                update(client_keys)
                .where(client_keys.c.client_id == client_id)
                .where(client_keys.c.wrapped_key != DESTROYED)
                .values(wrapped_key=DESTROYED)
            )
        if self._engine.dialect.name == "sqlite":
            _forget_old_pages(self._engine)
        return result.rowcount > 0

    @contextmanager
    def _writing(self) -> Iterator[Connection]:
        """Yield a connection in a transaction that overwrites key bytes it frees, on SQLite."""
        with self._engine.connect() as connection:
            if connection.dialect.name == "sqlite":
                # Otherwise freed cells keep the old key bytes in the file; left on for the pooled
                # connection, as it changes only how much SQLite writes, never what it reads.
                connection.exec_driver_sql("PRAGMA secure_delete = ON")
                connection.commit()
            with connection.begin():
                yield connection


def _stored(connection: Connection, client_id: UUID) -> bytes | None:
    query = select(client_keys.c.wrapped_key).where(client_keys.c.client_id == client_id)
    stored: bytes | None = connection.scalar(query)
    return stored


def _insert_if_absent(connection: Connection, client_id: UUID, wrapped: bytes) -> None:
    row = {"client_id": client_id, "wrapped_key": wrapped, "created_at": datetime.now(UTC)}
    if connection.dialect.name == "postgresql":
        connection.execute(postgresql.insert(client_keys).values(row).on_conflict_do_nothing())
    else:
        connection.execute(sqlite.insert(client_keys).values(row).on_conflict_do_nothing())


def _forget_old_pages(engine: Engine) -> None:
    """Copy the write-ahead log into the file and empty it: it still holds the key's old page.

    Raises VaultError if readers kept the log from being emptied: the key is destroyed for
    Casework, but a copy of the files could still hold it, and the erasure should be retried.
    """
    with engine.connect() as connection:
        busy, _, _ = connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()
    if busy:
        raise VaultError("the write-ahead log is busy: retry the erasure to remove the old key")
