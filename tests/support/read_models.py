"""Compare the read models with a straightforward fold over the journeys they came from."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import Engine, select

from casework.application import Casework
from casework.journey import Journey
from casework.journey.readiness import phase_on
from projections import PROJECTIONS, queries
from projections.runner import catch_up
from projections.tables import care_team, decisions, follow_ups, journeys, timeline

DECISION_KINDS = {
    "ScreeningDecisionRecorded": "screening",
    "JourneyPaused": "pause",
    "JourneyResumed": "resumption",
    "JourneyStopped": "stop",
    "ClientWithdrew": "withdrawal",
    "JourneyClosed": "closure",
}


def project_all(engine: Engine, app: Casework) -> None:
    """Catch every projection up with the log."""
    for projection in PROJECTIONS:
        catch_up(engine, app, projection)


def read_model_view(engine: Engine, clinic_id: UUID, today: date) -> dict[UUID, dict[str, Any]]:
    """Return, per journey of the clinic, what the read models say about it on `today`."""
    view: dict[UUID, dict[str, Any]] = {}
    with engine.connect() as connection:
        rows = connection.execute(
            select(journeys, queries.phase_on(today).label("phase")).where(
                journeys.c.clinic_id == clinic_id
            )
        ).mappings()
        for row in rows:
            journey_id = row["journey_id"]
            team = connection.execute(
                select(care_team.c.practitioner_id, care_team.c.role).where(
                    care_team.c.journey_id == journey_id
                )
            )
            owed = connection.execute(
                select(
                    follow_ups.c.follow_up_id, queries.follow_up_status(today), follow_ups.c.due_on
                )
                .where(follow_ups.c.journey_id == journey_id)
                .order_by(follow_ups.c.follow_up_id)
            )
            decided = connection.execute(
                select(decisions.c.kind, decisions.c.decider_id, decisions.c.rationale)
                .where(decisions.c.journey_id == journey_id)
                .order_by(decisions.c.position)
            )
            entries = connection.execute(
                select(timeline.c.event_type)
                .where(timeline.c.journey_id == journey_id)
                .order_by(timeline.c.position)
            )
            view[journey_id] = {
                "status": row["status"],
                "phase": row["phase"],
                "sessions_held": row["sessions_held"],
                "contacts": row["contacts_count"],
                "care_team": sorted((str(p), r) for p, r in team),
                "follow_ups": sorted((f, s, d) for f, s, d in owed),
                "decisions": [(k, d, r) for k, d, r in decided],
                "timeline": [t for (t,) in entries],
            }
    return view


def folded_view(app: Casework, journey_ids: list[UUID], today: date) -> dict[UUID, dict[str, Any]]:
    """Return the same view, folded straight from each journey's events."""
    view: dict[UUID, dict[str, Any]] = {}
    for journey_id in journey_ids:
        journey: Journey = app.repository.get(journey_id)
        events = list(app.events.get(journey_id))
        decision_events = [e for e in events if type(e).__name__ in DECISION_KINDS]
        screening = iter(journey.screening_decisions)
        others = iter(journey.decisions)
        reasons = [
            (
                next(screening).rationale
                if type(e).__name__ == "ScreeningDecisionRecorded"
                else next(others).reason
            )
            for e in decision_events
        ]
        view[journey_id] = {
            "status": journey.status.value,
            "phase": phase_on(journey, today).value,
            "sessions_held": sum(s.status == "held" for s in journey.sessions.values()),
            "contacts": len(journey.contacts),
            "care_team": sorted((str(m.practitioner_id), m.role) for m in journey.care_team),
            "follow_ups": sorted(
                (f.follow_up_id, f.status_on(today).value, f.due_on)
                for f in journey.follow_ups.values()
            ),
            "decisions": [
                (DECISION_KINDS[type(e).__name__], e.actor_id, reason)
                for e, reason in zip(decision_events, reasons, strict=True)
            ],
            "timeline": [type(e).__name__ for e in events],
        }
    return view


def table_rows(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Return every read-model row, table by table, in primary-key order."""
    rows = {}
    with engine.connect() as connection:
        for projection in PROJECTIONS:
            for table in projection.tables:
                key = list(table.primary_key.columns)
                rows[table.name] = [
                    tuple(r) for r in connection.execute(select(table).order_by(*key))
                ]
    return rows
