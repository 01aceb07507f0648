"""Catch projections up with the event log: each batch and its position in one transaction."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import InterfaceError, OperationalError
from sqlalchemy import Connection, Engine, select, update
from sqlalchemy.exc import InterfaceError as SQLInterfaceError
from sqlalchemy.exc import OperationalError as SQLOperationalError

from projections.base import Projection, upsertable_insert
from projections.tables import projection_positions

BATCH_SIZE = 500
RETRY_SECONDS = 1.0
"""The wait before a failed projection tries its event again; doubled per failure, up to…"""
MAX_RETRY_SECONDS = 300.0

STORE_UNAVAILABLE = (OperationalError, InterfaceError, SQLOperationalError, SQLInterfaceError)
"""The store could not be reached: no event is at fault, so nothing is recorded against one."""

failure_log = logging.getLogger("casework.projections")


class ProjectionFailed(Exception):
    """Raised when a projection's handler failed on an event; the failure is recorded.

    It names the projection, the event's log position and the error's class, never the
    error's message (which may quote the event's content).
    """

    def __init__(self, name: str, position: int, error: str) -> None:
        super().__init__(f"projection {name} failed at log position {position} with {error}")
        self.name, self.position, self.error = name, position, error


def error_class(error: BaseException) -> str:
    """Return an error's class as `module.Name` (its message may quote content: never that)."""
    kind = type(error)
    return f"{kind.__module__}.{kind.__qualname__}"[:200]


def read_position(connection: Connection, name: str) -> int:
    """Return the log position a projection has processed up to (0: nothing yet)."""
    query = select(projection_positions.c.position).where(projection_positions.c.name == name)
    position = connection.scalar(query)  # a plain read: every embedded API read comes here
    if position is None:
        connection.execute(  # first use: start at 0; racing runners must not both insert
            upsertable_insert(connection, projection_positions)
            .values(name=name, position=0, heartbeat_at=datetime.now(UTC))
            .on_conflict_do_nothing()
        )
        position = connection.execute(query).scalar_one()
    return int(position)


def _claim(connection: Connection, name: str, seen: int, reached: int) -> bool:
    """Move the position from `seen` to `reached`; False if another runner got there first."""
    moved = connection.execute(
        update(projection_positions)
        .where(projection_positions.c.name == name, projection_positions.c.position == seen)
        .values(position=reached, heartbeat_at=datetime.now(UTC), **NO_FAILURE)
    )
    return moved.rowcount == 1


NO_FAILURE = {
    "failed_position": None,
    "failure": None,
    "failed_at": None,
    "failures": 0,
    "retry_at": None,
}
"""A batch that commits clears the failure recorded before it."""


def record_failure(engine: Engine, name: str, position: int, error: str) -> None:
    """Record that `name` failed at `position` with `error`, and when it may try again."""
    with engine.begin() as connection:
        read_position(connection, name)
        failures = connection.scalar(
            select(projection_positions.c.failures).where(projection_positions.c.name == name)
        )
        count = int(failures or 0) + 1
        now = datetime.now(UTC)
        wait = min(RETRY_SECONDS * 2 ** (count - 1), MAX_RETRY_SECONDS)
        connection.execute(
            update(projection_positions)
            .where(projection_positions.c.name == name)
            .values(
                failed_position=position,
                failure=error,
                failed_at=now,
                failures=count,
                retry_at=now + timedelta(seconds=wait),
            )
        )
    failure_log.error(
        "projection failed",
        extra={"fields": {"projection": name, "position": position, "error": error}},
    )


def waiting_to_retry(connection: Connection, name: str) -> bool:
    """Return whether `name` failed and its wait before trying again has not passed."""
    retry_at = connection.scalar(
        select(projection_positions.c.retry_at).where(projection_positions.c.name == name)
    )
    return retry_at is not None and datetime.now(UTC) < retry_at


def project_batch(
    connection: Connection,
    app: Application[UUID],
    projection: Projection,
    seen: int,
    size: int,
) -> int:
    """Project up to `size` events after `seen` in the caller's transaction; return how many.

    Exactly once: the batch first moves the position (a conditional update only one runner can
    win; a loser projects nothing and answers 0), then writes its rows, all in one transaction.
    """
    notifications = app.recorder.select_notifications(start=seen + 1, limit=size)
    if not notifications or not _claim(connection, projection.name, seen, notifications[-1].id):
        return 0
    try:
        for notification in notifications:
            event = app.mapper.to_domain_event(notification)
            projection.process(connection, event, notification.id)
        projection.flush(connection)
    finally:
        projection.discard(connection)
    return len(notifications)


def catch_up(
    engine: Engine,
    app: Application[UUID],
    projection: Projection,
    batch_size: int = BATCH_SIZE,
    limit: int | None = None,
) -> int:
    """Process the events after the projection's position (at most `limit`); return how many.

    Raises ProjectionFailed, once recorded, when a handler fails on an event. Until its wait
    has passed (doubling per failure, up to MAX_RETRY_SECONDS) it then processes nothing, so
    neither a worker nor an embedded read retries a poisoned event in a tight loop.
    """
    processed = 0
    while limit is None or processed < limit:
        with engine.begin() as connection:  # a read-only transaction of its own: SQLite can
            seen = read_position(connection, projection.name)  # not upgrade it to a write later
            if waiting_to_retry(connection, projection.name):
                break
        size = batch_size if limit is None else min(batch_size, limit - processed)
        try:
            with engine.begin() as connection:
                done = project_batch(connection, app, projection, seen, size)
        except STORE_UNAVAILABLE:
            raise
        except Exception as error:  # a handler, the mapper or a column refused an event
            position = _first_failing(engine, app, projection, seen, size)
            record_failure(engine, projection.name, position, error_class(error))
            raise ProjectionFailed(projection.name, position, error_class(error)) from None
        if not done and app.recorder.max_notification_id() in (None, seen):
            break  # nothing left (a lost race answers 0 too: then go round and re-read)
        processed += done
    return processed


def _first_failing(
    engine: Engine,
    app: Application[UUID],
    projection: Projection,
    seen: int,
    size: int,
) -> int:
    """Return the position of the event a failed batch failed on: project it one by one.

    The events before it are projected (each with its position), so the recorded position is
    that of the first event not processed.
    """
    position = seen
    for _ in range(size):
        with engine.begin() as connection:
            position = read_position(connection, projection.name)
        try:
            with engine.begin() as connection:
                if not project_batch(connection, app, projection, position, 1):
                    break
        except STORE_UNAVAILABLE:
            raise
        except Exception:
            break
    following = app.recorder.select_notifications(start=position + 1, limit=1)
    return following[0].id if following else position + 1


def beat(engine: Engine, names: Sequence[str]) -> None:
    """Record that the runner of these projections is alive, even when there is nothing to do."""
    with engine.begin() as connection:
        for name in names:
            read_position(connection, name)
            connection.execute(
                update(projection_positions)
                .where(projection_positions.c.name == name)
                .values(heartbeat_at=datetime.now(UTC))
            )
