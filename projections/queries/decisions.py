"""The decision register: pages of it, all of it, and the query both filter."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from sqlalchemy import (
    Connection,
    Select,
    select,
)

from projections.pages import Page, decode_cursor, page_of
from projections.queries.filters import on_local_days
from projections.tables import (
    decisions,
)


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
