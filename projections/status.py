"""How far each projection has got: position, lag in events and seconds, and heartbeat."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, cast
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.domain import DomainEvent
from sqlalchemy import Engine, select

from projections import PROJECTIONS
from projections.tables import projection_positions


def projection_status(engine: Engine, app: Application[UUID]) -> list[dict[str, Any]]:
    """Return, per projection, its position, lag (events and seconds) and last heartbeat."""
    now = datetime.now(UTC)
    newest = app.recorder.max_notification_id() or 0
    with engine.connect() as connection:
        rows = {row.name: row for row in connection.execute(select(projection_positions))}
    report = []
    for projection in PROJECTIONS:
        row = rows.get(projection.name)
        position = row.position if row else 0
        pending = app.recorder.select_notifications(start=position + 1, limit=1)
        oldest = (
            cast(DomainEvent, app.mapper.to_domain_event(pending[0])).timestamp if pending else now
        )
        report.append(
            {
                "name": projection.name,
                "position": position,
                "lag_events": newest - position,
                "lag_seconds": (now - oldest).total_seconds(),
                "heartbeat_at": row.heartbeat_at if row else None,
                "heartbeat_age_seconds": (now - row.heartbeat_at).total_seconds() if row else None,
            }
        )
    return report
