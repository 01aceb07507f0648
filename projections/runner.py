"""Catch projections up with the event log: each batch and its position in one transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from uuid import UUID

from eventsourcing.application import Application
from sqlalchemy import Connection, Engine, select, update

from projections.base import Projection, upsertable_insert
from projections.tables import projection_positions

BATCH_SIZE = 500


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
        .values(position=reached, heartbeat_at=datetime.now(UTC))
    )
    return moved.rowcount == 1


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
    """Process the events after the projection's position (at most `limit`); return how many."""
    processed = 0
    while limit is None or processed < limit:
        with engine.begin() as connection:  # a read-only transaction of its own: SQLite can
            seen = read_position(connection, projection.name)  # not upgrade it to a write later
        size = batch_size if limit is None else min(batch_size, limit - processed)
        with engine.begin() as connection:
            done = project_batch(connection, app, projection, seen, size)
        if not done and app.recorder.max_notification_id() in (None, seen):
            break  # nothing left (a lost race answers 0 too: then go round and re-read)
        processed += done
    return processed


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
