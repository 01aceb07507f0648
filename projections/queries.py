"""The read side's questions, answered from the read-model tables (never by replaying journeys)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    Table,
    and_,
    case,
    exists,
    func,
    literal,
    or_,
    select,
    tuple_,
)

from projections.pages import Page, decode_cursor, page_of
from projections.tables import (
    access_log,
    access_queries,
    access_query_journeys,
    care_team,
    decisions,
    follow_ups,
    journeys,
    timeline,
)

ELIGIBLE = ("eligible", "eligible_with_conditions")


def phase_on(today: date) -> ColumnElement[str]:
    """Return the phase as SQL: the same rule as `Journey.phase_on`, from caseload rows."""
    has_facilitator = exists().where(
        care_team.c.journey_id == journeys.c.journey_id,
        care_team.c.role == "facilitator",
        care_team.c.lacks_role.is_(False),  # one who lost the role is no facilitator
    )
    blocked = or_(
        journeys.c.status.in_(("stopped", "withdrawn")),
        journeys.c.screening_valid_until.is_(None),
        journeys.c.screening_valid_until < today,
        journeys.c.preparation_count == 0,
        journeys.c.treatment_consent.is_(False),
        journeys.c.safety_plan.is_(False),
        ~has_facilitator,
    )
    return case(
        (journeys.c.status == "closed", "closed"),
        (journeys.c.status == "paused", "paused"),
        (journeys.c.sessions_scheduled > 0, "in_sessions"),
        (journeys.c.sessions_held > 0, "integration"),
        (journeys.c.screening_outcome.is_(None), "intake"),
        (journeys.c.screening_outcome.not_in(ELIGIBLE), "screening"),
        (blocked, "preparation"),
        else_="ready",
    )


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


def caseload(
    connection: Connection,
    clinic_id: UUID,
    today: date,
    *,
    status: str | None = None,
    phase: str | None = None,
    member: UUID | None = None,
    after: str | None = None,
    limit: int = 50,
) -> Page:
    """Return the clinic's journeys, most recently active first."""
    phase_column = phase_on(today).label("phase")
    next_due = (
        select(func.min(follow_ups.c.due_on))
        .where(
            follow_ups.c.journey_id == journeys.c.journey_id,
            follow_ups.c.done_on.is_(None),
            follow_ups.c.cancelled.is_(False),
        )
        .scalar_subquery()
        .label("next_follow_up_due")
    )
    query = select(journeys, phase_column, next_due).where(journeys.c.clinic_id == clinic_id)
    if status is not None:
        query = query.where(journeys.c.status == status)
    if phase is not None:
        query = query.where(phase_on(today) == phase)
    if member is not None:
        query = query.where(
            exists().where(
                care_team.c.journey_id == journeys.c.journey_id,
                care_team.c.practitioner_id == member,
            )
        )
    if after is not None:
        last_activity, journey_id = decode_cursor(after, datetime.fromisoformat, UUID)
        query = query.where(
            tuple_(journeys.c.last_activity_at, journeys.c.journey_id)
            < tuple_(literal(last_activity), literal(journey_id))
        )
    query = query.order_by(journeys.c.last_activity_at.desc(), journeys.c.journey_id.desc())
    rows = [dict(row) for row in connection.execute(query.limit(limit + 1)).mappings()]
    teams = _care_teams(connection, [row["journey_id"] for row in rows])
    for row in rows:
        row["care_team"] = teams.get(row["journey_id"], [])
    return page_of(rows, limit, ["last_activity_at", "journey_id"])


def _care_teams(
    connection: Connection, journey_ids: list[UUID]
) -> dict[UUID, list[dict[str, Any]]]:
    teams: dict[UUID, list[dict[str, Any]]] = {}
    if journey_ids:
        query = select(care_team).where(care_team.c.journey_id.in_(journey_ids))
        for row in connection.execute(query.order_by(care_team.c.role)).mappings():
            teams.setdefault(row["journey_id"], []).append(
                {
                    "practitioner_id": row["practitioner_id"],
                    "role": row["role"],
                    "lacks_role": row["lacks_role"],
                }
            )
    return teams


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


def access_log_entries(
    connection: Connection,
    clinic_id: UUID,
    zone: ZoneInfo,
    *,
    client: UUID | None = None,
    practitioner: UUID | None = None,
    accessed_from: date | None = None,
    accessed_to: date | None = None,
    after: str | None = None,
    limit: int = 50,
) -> Page:
    """Return who read which client's record, newest first; dates are the clinic's, inclusive."""
    query = _accesses(access_log, clinic_id, zone, practitioner, accessed_from, accessed_to)
    if client is not None:
        query = query.where(access_log.c.client_id == client)
    return _newest_first(connection, query, access_log, after, limit)


def access_queries_entries(
    connection: Connection,
    clinic_id: UUID,
    zone: ZoneInfo,
    *,
    journey: UUID | None = None,
    practitioner: UUID | None = None,
    accessed_from: date | None = None,
    accessed_to: date | None = None,
    after: str | None = None,
    limit: int = 50,
) -> Page:
    """Return every list that showed clients, newest first; dates are the clinic's, inclusive."""
    query = _accesses(access_queries, clinic_id, zone, practitioner, accessed_from, accessed_to)
    if journey is not None:
        showed = select(access_query_journeys.c.position).where(
            access_query_journeys.c.journey_id == journey
        )
        query = query.where(access_queries.c.position.in_(showed))
    return _newest_first(connection, query, access_queries, after, limit)


def _accesses(
    table: Table,
    clinic_id: UUID,
    zone: ZoneInfo,
    practitioner: UUID | None,
    accessed_from: date | None,
    accessed_to: date | None,
) -> Select[Any]:
    """Select a clinic's rows of an access table, by practitioner and clinic-local days."""
    query = select(table).where(
        table.c.clinic_id == clinic_id,
        *on_local_days(table.c.accessed_at, zone, accessed_from, accessed_to),
    )
    if practitioner is not None:
        query = query.where(table.c.practitioner_id == practitioner)
    return query


def _newest_first(
    connection: Connection, query: Select[Any], table: Table, after: str | None, limit: int
) -> Page:
    """Return a page of `query`'s rows by descending log position, after the cursor."""
    if after is not None:
        (position,) = decode_cursor(after, int)
        query = query.where(table.c.position < position)
    query = query.order_by(table.c.position.desc()).limit(limit + 1)
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
    if after is not None:
        (position,) = decode_cursor(after, int)
        query = query.where(timeline.c.position < position)
    query = query.order_by(timeline.c.position.desc()).limit(limit + 1)
    rows = [dict(row) for row in connection.execute(query).mappings()]
    return page_of(rows, limit, ["position"])


def client_ids(connection: Connection, journey_ids: set[UUID]) -> dict[UUID, UUID]:
    """Return {journey id: client id} for the given journeys."""
    query = select(journeys.c.journey_id, journeys.c.client_id).where(
        journeys.c.journey_id.in_(journey_ids)
    )
    return {row.journey_id: row.client_id for row in connection.execute(query)}


def on_local_days(
    column: Any, zone: ZoneInfo, first: date | None, last: date | None
) -> list[ColumnElement[bool]]:
    """Return the conditions that `column` (a UTC time) falls on `first`..`last` in `zone`."""
    conditions = []
    if first is not None:
        conditions.append(column >= datetime.combine(first, time(), zone))
    if last is not None:
        conditions.append(column < datetime.combine(last + timedelta(days=1), time(), zone))
    return conditions
