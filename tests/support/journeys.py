"""Bring a journey to a given point through the application, for tests about what comes next."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from uuid import UUID, uuid4

from casework.application import Casework
from casework.journey.commands import (
    AssignCareTeamMember,
    GiveConsent,
    RecordIntake,
    RecordPreparationSession,
    RecordSafetyPlan,
    RecordScreeningDecision,
    RecordSessionOutcome,
    ScheduleSession,
)
from casework.journey.values import CareRole, ConsentKind, ScreeningOutcome
from casework.roles import Role
from tests.support.staff import Staff

INTAKE_DAYS_AGO = 60
PREPARED_DAYS_AGO = 30
"""When `ready_journey` dates its screening, consents, preparation and safety plan: sessions
held after that rely on them (clinical times cannot contradict the record)."""
ELIGIBLE_CRITERIA = [{"category": "cardiovascular", "result": "met", "note": None}]


def open_journey(app: Casework, staff: Staff, pseudonym: str | None = None) -> UUID:
    """Record an intake dated well in the past, so later clinical times can be back-dated.

    Without a pseudonym, each call is a new client: a client has one open journey at a time.
    """
    intake_at = datetime.now(UTC) - timedelta(days=INTAKE_DAYS_AGO)
    written = app.record_intake(
        staff[Role.INTAKE_COORDINATOR],
        RecordIntake(
            client_pseudonym=pseudonym or f"CW-{uuid4().hex[:8]}",
            referral_source="GP referral",
            primary_need="Trauma after an assault",
            existing_support="Partner and a peer group",
            occurred_at=intake_at,
        ),
    )
    return written.id


def ready_journey(app: Casework, staff: Staff, pseudonym: str | None = None) -> UUID:
    """Return a journey where every precondition for scheduling a session holds.

    Each precondition is dated `PREPARED_DAYS_AGO` days back, so sessions may be held since.
    """
    journey_id = open_journey(app, staff, pseudonym)
    prepared = datetime.now(UTC) - timedelta(days=PREPARED_DAYS_AGO)
    lead = staff[Role.CLINICAL_LEAD]
    for actor, role in (
        (staff[Role.FACILITATOR], CareRole.FACILITATOR),
        (staff.second_facilitator, CareRole.FACILITATOR),
        (staff[Role.INTEGRATION_THERAPIST], CareRole.INTEGRATION_THERAPIST),
    ):
        app.assign_care_team_member(
            lead,
            AssignCareTeamMember(
                journey_id=journey_id, practitioner_id=actor.practitioner_id, role=role
            ),
        )
    app.record_screening_decision(
        lead,
        RecordScreeningDecision(
            journey_id=journey_id,
            outcome=ScreeningOutcome.ELIGIBLE,
            criteria=ELIGIBLE_CRITERIA,
            valid_until=date.today() + timedelta(days=180),
            occurred_at=prepared,
        ),
    )
    intake = staff[Role.INTAKE_COORDINATOR]
    app.give_consent(
        intake, GiveConsent(journey_id=journey_id, kind=ConsentKind.TREATMENT, occurred_at=prepared)
    )
    app.give_consent(
        intake,
        GiveConsent(
            journey_id=journey_id,
            kind=ConsentKind.SUPPORTIVE_TOUCH,
            scope=["hand", "shoulder"],
            occurred_at=prepared,
        ),
    )
    app.record_preparation_session(
        staff[Role.FACILITATOR],
        RecordPreparationSession(
            journey_id=journey_id, duration_minutes=90, topics=["intentions"], occurred_at=prepared
        ),
    )
    app.record_safety_plan(
        staff[Role.FACILITATOR],
        RecordSafetyPlan(
            journey_id=journey_id,
            emergency_contact="Partner (on file)",
            transport_plan="Partner drives",
            occurred_at=prepared,
        ),
    )
    return journey_id


def schedule(app: Casework, staff: Staff, journey_id: UUID, start: datetime) -> UUID:
    """Schedule an eight-hour session from `start`; return its id.

    A session starting in the past is scheduled (in clinical time) an hour before it started.
    """
    scheduled_at = start - timedelta(hours=1) if start < datetime.now(UTC) else None
    written = app.schedule_session(
        staff[Role.FACILITATOR],
        ScheduleSession(
            journey_id=journey_id,
            planned_start=start,
            planned_end=start + timedelta(hours=8),
            occurred_at=scheduled_at,
        ),
    )
    assert written.created_id is not None
    return written.created_id


def initial_dose(given_at: datetime, mg: str = "120") -> dict[str, object]:
    """Return an initial dose given at `given_at`."""
    return {"kind": "initial", "amount_mg": Decimal(mg), "given_at": given_at}


def hold_session(app: Casework, staff: Staff, journey_id: UUID, start: datetime) -> UUID:
    """Schedule and hold an eight-hour session that started at `start`; return its id."""
    session_id = schedule(app, staff, journey_id, start)
    app.record_session_outcome(
        staff[Role.FACILITATOR],
        RecordSessionOutcome(
            journey_id=journey_id,
            session_id=session_id,
            started_at=start,
            ended_at=start + timedelta(hours=8),
            facilitator_ids=[staff.id(Role.FACILITATOR)],
            doses=[initial_dose(start + timedelta(minutes=10))],
        ),
    )
    return session_id
