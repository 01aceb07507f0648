"""A projection worker: follows the event log, one active worker per projection.

On PostgreSQL each projection is guarded by a session-level advisory lock, so several workers
can run on several hosts and a standby takes over when the active one dies; new events wake
the worker through LISTEN on the channel the event store NOTIFYs. On SQLite it simply polls.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from uuid import UUID

import psycopg
from eventsourcing.application import Application
from sqlalchemy import Connection, Engine, text

from projections.base import Projection
from projections.runner import BATCH_SIZE, beat, catch_up

POLL_SECONDS = 1.0


def advisory_key(name: str) -> int:
    """Return the stable 64-bit advisory-lock key of a projection."""
    digest = hashlib.sha256(f"casework.projection.{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def try_lock(connection: Connection, name: str) -> bool:
    """Take the projection's advisory lock on this connection's session, if it is free."""
    key = advisory_key(name)
    return bool(connection.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": key}))


@contextmanager
def log_listener(engine: Engine, app: Application[UUID]) -> Iterator[psycopg.Connection | None]:
    """Yield a connection that LISTENs for new events (PostgreSQL), or None (SQLite polls)."""
    if engine.dialect.name != "postgresql":
        yield None
        return
    url = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    channel = app.recorder.channel_name  # type: ignore[attr-defined]
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f'LISTEN "{channel}"')
        yield connection


def wait_for_events(listener: psycopg.Connection | None, stop: threading.Event) -> None:
    """Block until new events are announced, POLL_SECONDS pass, or the worker is stopped."""
    if listener is None:
        stop.wait(POLL_SECONDS)
        return
    for _ in listener.notifies(timeout=POLL_SECONDS, stop_after=1):
        pass


def run_worker(
    engine: Engine,
    app: Application[UUID],
    projections: Sequence[Projection],
    stop: threading.Event,
    batch_size: int = BATCH_SIZE,
) -> None:
    """Keep the projections whose lock this worker holds up to date until `stop` is set."""
    postgres = engine.dialect.name == "postgresql"
    with engine.connect() as lock_connection, log_listener(engine, app) as listener:
        held: list[Projection] = []
        while not stop.is_set():
            for projection in projections:
                if projection not in held and (
                    not postgres or try_lock(lock_connection, projection.name)
                ):
                    held.append(projection)
            lock_connection.commit()
            for projection in held:
                catch_up(engine, app, projection, batch_size)
            beat(engine, [projection.name for projection in held])
            wait_for_events(listener, stop)
