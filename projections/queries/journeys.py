"""The caseload: a clinic's journeys with their phase, care team and next follow-up."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import (
    ColumnElement,
    Connection,
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
    care_team,
    follow_ups,
    journeys,
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


def caseload(
    connection: Connection,
    clinic_id: UUID,
    today: date,
    *,
    status: str | None = None,
    phase: str | None = None,
    member: UUID | None = None,
    client: UUID | None = None,
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
    if client is not None:
        query = query.where(journeys.c.client_id == client)
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


def client_ids(connection: Connection, journey_ids: set[UUID]) -> dict[UUID, UUID]:
    """Return {journey id: client id} for the given journeys."""
    query = select(journeys.c.journey_id, journeys.c.client_id).where(
        journeys.c.journey_id.in_(journey_ids)
    )
    return {row.journey_id: row.client_id for row in connection.execute(query)}
