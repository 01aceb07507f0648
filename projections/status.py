"""How far each projection has got: position, lag in events and seconds, and heartbeat."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, cast
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.domain import DomainEvent
from eventsourcing.persistence import Notification
from sqlalchemy import Engine, select

from projections import PROJECTIONS
from projections.tables import projection_positions


def projection_status(engine: Engine, app: Application[UUID]) -> list[dict[str, Any]]:
    """Return, per projection, its position, lag, last heartbeat and failure (if it failed)."""
    now = datetime.now(UTC)
    newest = app.recorder.max_notification_id() or 0
    with engine.connect() as connection:
        rows = {row.name: row for row in connection.execute(select(projection_positions))}
    report = []
    for projection in PROJECTIONS:
        row = rows.get(projection.name)
        position = row.position if row else 0
        pending = app.recorder.select_notifications(start=position + 1, limit=1)
        oldest = _timestamp(app, pending[0]) if pending else now
        report.append(
            {
                "name": projection.name,
                "position": position,
                "lag_events": newest - position,
                "lag_seconds": None if oldest is None else (now - oldest).total_seconds(),
                "heartbeat_at": row.heartbeat_at if row else None,
                "heartbeat_age_seconds": (now - row.heartbeat_at).total_seconds() if row else None,
                "failure": _failure(row),
            }
        )
    return report


def _timestamp(app: Application[UUID], notification: Notification) -> datetime | None:
    """Return when an event was recorded; None if it cannot be read (the status never fails
    on the very event it may be reporting as the one a projection failed on)."""
    try:
        return cast(DomainEvent, app.mapper.to_domain_event(notification)).timestamp
    except Exception:  # whatever broke the projection breaks this read too
        return None


def _failure(row: Any) -> dict[str, Any] | None:
    """Return the failure recorded for a projection: where, which error class, when; or None."""
    if row is None or row.failed_position is None:
        return None
    return {
        "position": row.failed_position,
        "error": row.failure,
        "failed_at": row.failed_at,
        "failures": row.failures,
        "retry_at": row.retry_at,
    }
