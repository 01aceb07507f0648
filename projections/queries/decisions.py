"""The decision register: pages of it, all of it, and the query both filter."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Select, func, select, tuple_

from projections.pages import Page, decode_cursor, page_of
from projections.queries.filters import on_local_days
from projections.tables import decisions, journeys


def decision_register(
    connection: Connection,
    clinic_id: UUID,
    zone: ZoneInfo,
    *,
    after: str | None = None,
    limit: int = 50,
    **filters: Any,
) -> Page:
    """Return a page of the clinic's decisions, newest first (`filters`: decisions_matching)."""
    query = decisions_matching(clinic_id, zone, **filters)
    if after is not None:
        (position,) = decode_cursor(after, int)
        query = query.where(decisions.c.position < position)
    rows = [dict(row) for row in connection.execute(query.limit(limit + 1)).mappings()]
    return page_of(rows, limit, ["position"])


def decision_register_rows(
    connection: Connection,
    clinic_id: UUID,
    zone: ZoneInfo,
    *,
    up_to: int | None = None,
    **filters: Any,
) -> list[dict[str, Any]]:
    """Return every decision matching `filters` (decisions_matching), newest first, no pages.

    `up_to`: only decisions at or before this log position (what other read models reached).
    """
    query = decisions_matching(clinic_id, zone, **filters)
    if up_to is not None:
        query = query.where(decisions.c.position <= up_to)
    return [dict(row) for row in connection.execute(query).mappings()]


def decisions_matching(
    clinic_id: UUID,
    zone: ZoneInfo,
    *,
    kind: str | None = None,
    decided_from: date | None = None,
    decided_to: date | None = None,
    decider: UUID | None = None,
    journey: UUID | None = None,
) -> Select[Any]:
    """Return the query for the clinic's decisions, newest first; dates are local, inclusive."""
    query = select(decisions).where(
        decisions.c.clinic_id == clinic_id,
        *on_local_days(decisions.c.decided_at, zone, decided_from, decided_to),
    )
    for column, value in (
        (decisions.c.kind, kind),
        (decisions.c.decider_id, decider),
        (decisions.c.journey_id, journey),
    ):
        if value is not None:
            query = query.where(column == value)
    return query.order_by(decisions.c.position.desc())


def pause_reviews(
    connection: Connection,
    clinic_id: UUID,
    today: date,
    *,
    within_days: int = 0,
    after: str | None = None,
    limit: int = 50,
) -> Page:
    """Return the paused journeys whose review date has come or comes within `within_days`,
    the longest-waiting first: each with its pseudonym, its pause and the review date."""
    latest = (
        select(decisions.c.journey_id, func.max(decisions.c.position).label("position"))
        .where(decisions.c.clinic_id == clinic_id, decisions.c.kind == "pause")
        .group_by(decisions.c.journey_id)
        .subquery()
    )
    query = (
        select(
            decisions.c.journey_id,
            journeys.c.client_pseudonym,
            decisions.c.review_date,
            decisions.c.decided_at.label("paused_at"),
            decisions.c.decider_id.label("paused_by"),
        )
        .join(latest, latest.c.position == decisions.c.position)
        .join(journeys, journeys.c.journey_id == decisions.c.journey_id)
        .where(
            journeys.c.status == "paused",
            decisions.c.review_date <= today + timedelta(days=within_days),
        )
    )
    key = (decisions.c.review_date, decisions.c.journey_id)
    if after is not None:
        review_date, journey_id = decode_cursor(after, date.fromisoformat, UUID)
        query = query.where(tuple_(*key) > tuple_(review_date, journey_id))
    rows = [
        dict(row) for row in connection.execute(query.order_by(*key).limit(limit + 1)).mappings()
    ]
    for row in rows:
        row["days_overdue"] = max((today - row["review_date"]).days, 0)
    return page_of(rows, limit, ["review_date", "journey_id"])
