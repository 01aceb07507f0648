"""A projection worker: follows the event log, one active worker per projection.

On PostgreSQL each projection is guarded by a session-level advisory lock, so several workers
can run on several hosts and a standby takes over when the active one dies; new events wake
the worker through LISTEN on the channel the event store NOTIFYs. On SQLite it simply polls.

The worker outlives the store: when a connection is lost (the server restarts, crashes, or
cuts the session) it closes its session, waits (doubling, with jitter) and connects again,
takes the locks anew and goes on from each projection's position. The locks it held died with
the old session, so it forgets them: it believes it holds a lock only while the session that
took it answers, and checks that every round.
"""

from __future__ import annotations

import hashlib
import logging
import random
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from uuid import UUID

import psycopg
from eventsourcing.application import Application
from sqlalchemy import Engine

from projections.base import Projection
from projections.runner import (
    BATCH_SIZE,
    STORE_UNAVAILABLE,
    ProjectionFailed,
    beat,
    catch_up,
    error_class,
)

POLL_SECONDS = 1.0
ROUND_BATCHES = 20
"""At most this many batches per projection in one round, so the lock is confirmed often."""
RECONNECT_SECONDS = 0.5
"""The first wait before connecting again after the store was lost; doubled per failure, up to…"""
MAX_RECONNECT_SECONDS = 15.0
STORE_LOST = (*STORE_UNAVAILABLE, psycopg.OperationalError, psycopg.InterfaceError)
"""Errors that mean the store (or the connection to it) is gone, not that anything is wrong."""
SESSION_OPTIONS = {
    "autocommit": True,
    "connect_timeout": 2,
    # A peer that vanished without closing (a host or network gone) is found within ~20 s,
    # not after the kernel's retransmission timeout of many minutes.
    "keepalives": 1,
    "keepalives_idle": 5,
    "keepalives_interval": 2,
    "keepalives_count": 3,
    "tcp_user_timeout": 10_000,
}

worker_log = logging.getLogger("casework.projections")


def advisory_key(name: str) -> int:
    """Return the stable 64-bit advisory-lock key of a projection."""
    digest = hashlib.sha256(f"casework.projection.{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def try_lock(session: psycopg.Connection, name: str) -> bool:
    """Take the projection's advisory lock on this session, if it is free."""
    row = session.execute("SELECT pg_try_advisory_lock(%s)", (advisory_key(name),)).fetchone()
    return bool(row and row[0])


def locks_held(session: psycopg.Connection) -> set[int]:
    """Return the advisory-lock keys this session holds, as PostgreSQL itself reports them.

    The query fails when the session is gone, which is the point: a worker asks before each
    round, so it never works on for a lock its (dead) session no longer holds.
    """
    rows = session.execute(
        "SELECT classid::int8, objid::int8 FROM pg_locks WHERE locktype = 'advisory'"
        " AND pid = pg_backend_pid() AND granted AND objsubid = 1"
    ).fetchall()
    keys = set()
    for high, low in rows:
        key = (high << 32) | low  # the two unsigned halves of the signed 64-bit key
        keys.add(key - (1 << 64) if key >= 1 << 63 else key)
    return keys


@contextmanager
def worker_session(engine: Engine, app: Application[UUID]) -> Iterator[psycopg.Connection | None]:
    """Yield a session that holds the locks and LISTENs for new events (PostgreSQL), or None.

    It is a connection of its own, never a pooled one: closing it ends the session and so
    releases its locks, whatever went wrong (a pooled connection would keep them, idle).
    """
    if engine.dialect.name != "postgresql":
        yield None
        return
    url = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    channel = app.recorder.channel_name  # type: ignore[attr-defined]
    with psycopg.connect(url, **SESSION_OPTIONS) as session:  # type: ignore[arg-type]
        session.execute(f'LISTEN "{channel}"')
        yield session


def wait_for_events(session: psycopg.Connection | None, stop: threading.Event) -> None:
    """Block until new events are announced, POLL_SECONDS pass, or the worker is stopped."""
    if session is None:
        stop.wait(POLL_SECONDS)
        return
    for _ in session.notifies(timeout=POLL_SECONDS, stop_after=1):
        pass


def follow(
    engine: Engine,
    app: Application[UUID],
    projections: Sequence[Projection],
    stop: threading.Event,
    batch_size: int = BATCH_SIZE,
) -> Iterator[list[str]]:
    """On one session, keep the projections whose lock it holds up to date; yield per round.

    Raises one of STORE_LOST when the store or the session is lost; the caller starts again
    with a new session, which holds no lock until it takes one.
    """
    with worker_session(engine, app) as session:
        held: list[Projection] = []
        while not stop.is_set():
            if session is None:
                held = list(projections)
            else:
                keys = locks_held(session)
                held = [p for p in held if advisory_key(p.name) in keys]
                held += [p for p in projections if p not in held and try_lock(session, p.name)]
            behind = False  # a projection that used its whole round may have more waiting
            for projection in held:
                limit = ROUND_BATCHES * batch_size
                try:
                    behind |= catch_up(engine, app, projection, batch_size, limit) >= limit
                except ProjectionFailed:
                    # Recorded, logged and shown by /health/projections and /metrics; it waits
                    # (doubling) before trying that event again, and the others go on.
                    continue
            names = [projection.name for projection in held]
            beat(engine, names)
            yield names
            if not behind:
                wait_for_events(session, stop)


def reconnect_wait(failures: int, chance: random.Random) -> float:
    """Return how long to wait after `failures` lost connections in a row: doubling, capped,
    and jittered (half fixed, half random) so that many workers do not return in step."""
    ceiling = min(RECONNECT_SECONDS * 2.0 ** (failures - 1), MAX_RECONNECT_SECONDS)
    return ceiling / 2 + chance.uniform(0, ceiling / 2)


def run_worker(
    engine: Engine,
    app: Application[UUID],
    projections: Sequence[Projection],
    stop: threading.Event,
    batch_size: int = BATCH_SIZE,
) -> None:
    """Keep the projections whose lock this worker holds up to date until `stop` is set.

    A lost store is waited out (forever: it is logged each time, and readiness shows the
    silent worker); any other error ends the worker, for its supervisor to start it again.
    """
    chance = random.Random()
    failures = 0
    while not stop.is_set():
        try:
            for _ in follow(engine, app, projections, stop, batch_size):
                if failures:
                    worker_log.warning("projection worker reconnected", extra={"fields": {}})
                failures = 0
        except STORE_LOST as lost:
            failures += 1
            wait = reconnect_wait(failures, chance)
            worker_log.warning(  # the class only: a message may quote a statement's values
                "projection worker lost the store",
                extra={
                    "fields": {
                        "error": error_class(lost),
                        "failures": failures,
                        "retry_seconds": round(wait, 2),
                    }
                },
            )
            engine.dispose()  # the pool's connections died with the server: start afresh
            stop.wait(wait)
