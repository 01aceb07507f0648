"""A journey's timeline, and the clinic's corrections (the timeline's correction entries)."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID
from zoneinfo import ZoneInfo

from sqlalchemy import (
    Connection,
    select,
)

from projections.pages import Page, decode_cursor, page_of
from projections.queries.filters import newest_first, on_local_days
from projections.tables import (
    timeline,
)


def journey_timeline(
    connection: Connection,
    clinic_id: UUID,
    journey_id: UUID,
    *,
    as_of: datetime | None = None,
    after: str | None = None,
    limit: int = 100,
) -> Page:
    """Return a journey's entries in recorded order (only those recorded by `as_of`)."""
    query = select(timeline).where(
        timeline.c.clinic_id == clinic_id, timeline.c.journey_id == journey_id
    )
    if as_of is not None:
        query = query.where(timeline.c.recorded_at <= as_of)
    if after is not None:
        (position,) = decode_cursor(after, int)
        query = query.where(timeline.c.position > position)
    query = query.order_by(timeline.c.position).limit(limit + 1)
    rows = [dict(row) for row in connection.execute(query).mappings()]
    return page_of(rows, limit, ["position"])


def corrections(
    connection: Connection,
    clinic_id: UUID,
    zone: ZoneInfo,
    *,
    journey: UUID | None = None,
    corrector: UUID | None = None,
    recorded_from: date | None = None,
    recorded_to: date | None = None,
    after: str | None = None,
    limit: int = 50,
) -> Page:
    """Return every correction in the clinic, newest first: the timeline's correction entries."""
    query = select(timeline).where(
        timeline.c.clinic_id == clinic_id,
        timeline.c.event_type == "CorrectionRecorded",
        *on_local_days(timeline.c.recorded_at, zone, recorded_from, recorded_to),
    )
    if journey is not None:
        query = query.where(timeline.c.journey_id == journey)
    if corrector is not None:
        query = query.where(timeline.c.actor_id == corrector)
    return newest_first(connection, query, timeline, after, limit)
