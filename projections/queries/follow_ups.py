"""The follow-ups: each one's state on a day, the worklist most urgent first, and the summary."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import (
    ColumnElement,
    Connection,
    and_,
    case,
    func,
    literal,
    select,
    tuple_,
)

from projections.pages import Page, decode_cursor, page_of
from projections.tables import follow_ups, journeys, practitioners


def follow_up_status(today: date) -> ColumnElement[str]:
    """Return a follow-up's state as SQL, judged on `today` (PRODUCT.md's definitions)."""
    return case(
        (
            and_(follow_ups.c.done_on.is_not(None), follow_ups.c.done_on > follow_ups.c.window_end),
            "done_late",
        ),
        (
            and_(
                follow_ups.c.done_on.is_not(None),
                follow_ups.c.done_on < follow_ups.c.window_start,
            ),
            "done_early",
        ),
        (follow_ups.c.done_on.is_not(None), "done_on_time"),
        (follow_ups.c.cancelled.is_(True), "cancelled"),
        (follow_ups.c.window_start > today, "upcoming"),
        (follow_ups.c.window_end >= today, "due"),
        else_="overdue",
    )


def follow_up_urgency(today: date) -> ColumnElement[int]:
    """Return the worklist's rank of a follow-up's state on `today`, as SQL: most urgent first.

    Overdue 0, due 1, upcoming 2, done (early, on time or late) 3, cancelled 4: the branches of
    `follow_up_status`, ranked without evaluating that CASE once per rank.
    """
    return case(
        (follow_ups.c.done_on.is_not(None), 3),
        (follow_ups.c.cancelled.is_(True), 4),
        (follow_ups.c.window_start > today, 2),
        (follow_ups.c.window_end >= today, 1),
        else_=0,
    )


def follow_up_worklist(
    connection: Connection,
    clinic_id: UUID,
    today: date,
    *,
    owner: UUID | None = None,
    status: str | None = None,
    due_from: date | None = None,
    due_to: date | None = None,
    after: str | None = None,
    limit: int = 50,
) -> Page:
    """Return follow-ups most urgent first: overdue, then due, then upcoming, then the rest."""
    state = follow_up_status(today)
    urgency = follow_up_urgency(today)
    query = select(follow_ups, state.label("status"), urgency.label("urgency")).where(
        follow_ups.c.clinic_id == clinic_id
    )
    if owner is not None:
        query = query.where(follow_ups.c.owner_id == owner)
    if status is not None:
        query = query.where(state == status)
    if due_from is not None:
        query = query.where(follow_ups.c.due_on >= due_from)
    if due_to is not None:
        query = query.where(follow_ups.c.due_on <= due_to)
    if after is not None:
        key = decode_cursor(after, int, date.fromisoformat, UUID)
        query = query.where(
            tuple_(urgency, follow_ups.c.window_end, follow_ups.c.follow_up_id)
            > tuple_(*(literal(part) for part in key))
        )
    order = ["urgency", "window_end", "follow_up_id"]
    ordered = query.order_by(urgency, follow_ups.c.window_end, follow_ups.c.follow_up_id)
    page = ordered.limit(limit + 1).subquery()
    with_pseudonyms = (  # joined to the page only, not to every follow-up of the clinic
        select(page, journeys.c.client_pseudonym)
        .join(journeys, journeys.c.journey_id == page.c.journey_id, isouter=True)
        .order_by(*(page.c[name] for name in order))
    )
    rows = [dict(row) for row in connection.execute(with_pseudonyms).mappings()]
    return page_of(rows, limit, order)


def follow_up_summary(connection: Connection, clinic_id: UUID, today: date) -> list[dict[str, Any]]:
    """Return, per owner, today's work (due, overdue, opening within 7 days) and adherence so far.

    Adherence: every follow-up owed (cancelled ones aside), and how many were done early (before
    the window opened), on time, late, or are overdue.
    """
    state = follow_up_status(today)
    soon = and_(state == "upcoming", follow_ups.c.window_start <= today + timedelta(days=7))

    def count(condition: ColumnElement[bool]) -> Any:
        return func.sum(case((condition, 1), else_=0))

    query = (
        select(
            follow_ups.c.owner_id,
            count(state == "due").label("due"),
            count(state == "overdue").label("overdue"),
            count(soon).label("next_7_days"),
            count(state != "cancelled").label("owed"),
            count(state == "done_early").label("done_early"),
            count(state == "done_on_time").label("done_on_time"),
            count(state == "done_late").label("done_late"),
        )
        .where(follow_ups.c.clinic_id == clinic_id)
        .group_by(follow_ups.c.owner_id)
        .order_by(follow_ups.c.owner_id)
    )
    return [dict(row) for row in connection.execute(query).mappings()]


def follow_up_adherence(
    connection: Connection,
    clinic_id: UUID,
    today: date,
    *,
    due_from: date | None = None,
    due_to: date | None = None,
    owner: UUID | None = None,
) -> tuple[list[dict[str, Any]], list[UUID]]:
    """Return adherence per owner for the follow-ups due in a period (inclusive), by name: owed
    (cancelled ones aside), done early, on time, late, overdue, still open; and the journeys
    counted. States are judged on `today`."""
    state = follow_up_status(today)
    conditions = [follow_ups.c.clinic_id == clinic_id]
    if due_from is not None:
        conditions.append(follow_ups.c.due_on >= due_from)
    if due_to is not None:
        conditions.append(follow_ups.c.due_on <= due_to)
    if owner is not None:
        conditions.append(follow_ups.c.owner_id == owner)

    def count(condition: ColumnElement[bool]) -> Any:
        return func.sum(case((condition, 1), else_=0))

    query = (
        select(
            follow_ups.c.owner_id,
            practitioners.c.display_name.label("owner_name"),
            count(state != "cancelled").label("owed"),
            count(state == "done_early").label("done_early"),
            count(state == "done_on_time").label("done_on_time"),
            count(state == "done_late").label("done_late"),
            count(state == "overdue").label("overdue"),
            count(state.in_(("due", "upcoming"))).label("open"),
            count(state == "cancelled").label("cancelled"),
        )
        .join(practitioners, practitioners.c.practitioner_id == follow_ups.c.owner_id, isouter=True)
        .where(*conditions)
        .group_by(follow_ups.c.owner_id, practitioners.c.display_name, practitioners.c.sort_name)
        .order_by(practitioners.c.sort_name, follow_ups.c.owner_id)
    )
    rows = [dict(row) for row in connection.execute(query).mappings()]
    counted = select(follow_ups.c.journey_id).where(*conditions).distinct()
    return rows, list(connection.execute(counted).scalars())


def owed_by(connection: Connection, owner_id: UUID) -> list[dict[str, Any]]:
    """Return the follow-ups a practitioner still owes (not done, not cancelled), by window,
    with each client's pseudonym: what their calendar feed shows."""
    query = (
        select(
            follow_ups.c.follow_up_id,
            follow_ups.c.journey_id,
            follow_ups.c.label,
            follow_ups.c.due_on,
            follow_ups.c.window_start,
            follow_ups.c.window_end,
            journeys.c.client_pseudonym,
        )
        .join(journeys, journeys.c.journey_id == follow_ups.c.journey_id, isouter=True)
        .where(
            follow_ups.c.owner_id == owner_id,
            follow_ups.c.done_on.is_(None),
            follow_ups.c.cancelled.is_(False),
        )
        .order_by(follow_ups.c.window_start, follow_ups.c.follow_up_id)
    )
    return [dict(row) for row in connection.execute(query).mappings()]
