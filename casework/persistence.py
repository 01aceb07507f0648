"""Map `CASEWORK_DATABASE_URL` onto the eventsourcing library's persistence settings."""

from __future__ import annotations

import os
from contextlib import suppress
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from uuid import UUID

DEFAULT_DATABASE_URL = "sqlite:///var/casework.sqlite"
LOCK_TIMEOUT_SECONDS = 5
"""How long a write waits for the store's lock before it gives up (both stores)."""


def persistence_environment(database_url: str) -> dict[str, str]:
    """Return the eventsourcing environment for a `sqlite:///path` or `postgresql://` URL.

    It never creates the event store's tables: `casework db upgrade` does (`with_tables`), so
    that processes starting together never race to create them.
    """
    return {**_environment(database_url), "CREATE_TABLE": "n"}


def with_tables(environment: dict[str, str]) -> dict[str, str]:
    """Return `environment` asking the eventsourcing library to create its tables if missing."""
    return {**environment, "CREATE_TABLE": "y"}


def _environment(database_url: str) -> dict[str, str]:
    url = urlsplit(database_url)
    if url.scheme == "sqlite":
        path = unquote(url.path[1:] if url.path.startswith("/") else url.path)
        if not path or path == ":memory:":
            raise ValueError("Casework needs a SQLite file: use sqlite:///path/to/file.sqlite")
        _create_private_file(Path(path))
        return {
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": path,
            "SQLITE_LOCK_TIMEOUT": str(LOCK_TIMEOUT_SECONDS),
        }
    if url.scheme in ("postgresql", "postgres"):
        return {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": unquote(url.path.lstrip("/")) or "postgres",
            "POSTGRES_HOST": url.hostname or "127.0.0.1",
            "POSTGRES_PORT": str(url.port or 5432),
            "POSTGRES_USER": unquote(url.username or "postgres"),
            "POSTGRES_PASSWORD": unquote(url.password or ""),
            "POSTGRES_LOCK_TIMEOUT": str(LOCK_TIMEOUT_SECONDS),
            "POSTGRES_CONNECT_TIMEOUT": "1",
            # A connection the server dropped (a restart) is found and replaced before use.
            "POSTGRES_PRE_PING": "y",
        }
    if url.scheme == "memory":
        return {"PERSISTENCE_MODULE": "eventsourcing.popo"}
    raise ValueError("CASEWORK_DATABASE_URL must start with sqlite:///, postgresql:// or memory://")


RECONNECT_SECONDS = 1.0
"""How long the store's pool retries a lost connection in the background before it gives up and
connects again on the next demand: so a store that comes back is used within about a second,
not after the pool's doubling back-off (minutes, by default)."""

POOL_WAIT_SECONDS = 0.3
"""How long one store call waits for a connection from the pool. The library retries a call that
cannot reach the store ten times, so this bounds how long the first request to find the store
gone waits before its 503 (about 5 s; with the library's default, the connect timeout, it was
12 to 15 s). A request holds one connection at a time and a process serves fewer requests at once
than its pool holds connections, so a live store never makes a request wait this long."""


def tune_pool(recorder: Any) -> None:
    """Make a PostgreSQL recorder's pool give up quickly on a store that is gone, and reconnect
    on demand after a short back-off."""
    pool = getattr(getattr(recorder, "datastore", None), "pool", None)
    if pool is not None:
        pool.reconnect_timeout = RECONNECT_SECONDS
        pool.timeout = POOL_WAIT_SECONDS


def position_of(recorder: Any, originator_id: UUID, version: int) -> int | None:
    """Return the log position (notification id) of one stored event, None if not stored.

    The library has no call for it, so its own table is asked, by its primary key.
    """
    module = type(recorder).__module__
    if module == "eventsourcing.sqlite":
        statement = (
            f"SELECT rowid AS position FROM {recorder.events_table_name}"
            " WHERE originator_id=? AND originator_version=?"
        )
        parameters: tuple[Any, ...] = (originator_id.hex, version)
    elif module == "eventsourcing.postgres":
        table = f'"{recorder.datastore.schema}"."{recorder.events_table_name}"'
        statement = (
            f"SELECT notification_id AS position FROM {table}"
            " WHERE originator_id = %s AND originator_version = %s"
        )
        parameters = (originator_id, version)
    else:  # in memory: tests only
        notifications = recorder.select_notifications(1, recorder.max_notification_id() or 1)
        return next(
            (
                n.id
                for n in notifications
                if n.originator_id == originator_id and n.originator_version == version
            ),
            None,
        )
    with recorder.datastore.transaction(commit=False) as cursor:
        cursor.execute(statement, parameters)
        row = cursor.fetchone()
    return None if row is None else int(row["position"])


def _create_private_file(path: Path) -> None:
    """Create the SQLite file readable and writable by its owner only, if it is not there yet.

    SQLite gives its write-ahead log and shared-memory files the same permissions.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with suppress(FileExistsError):
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
