"""Where a journey stands: what keeps a session from being scheduled or changed, and its phase."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING
from uuid import UUID

from casework.errors import NotFound, RuleViolation
from casework.journey.times import check_session_start, latest_screening
from casework.journey.values import (
    ELIGIBLE_OUTCOMES,
    CareRole,
    ConsentKind,
    Phase,
    Session,
    SessionStatus,
    Status,
)
from casework.refusals import Refusal

if TYPE_CHECKING:
    from casework.journey.aggregate import Journey

STATUS_REFUSALS = {
    Status.PAUSED: (
        Refusal.JOURNEY_PAUSED,
        "The journey is paused: no sessions until it is resumed.",
    ),
    Status.STOPPED: (
        Refusal.JOURNEY_STOPPED,
        "The journey was stopped: no further sessions.",
    ),
    Status.WITHDRAWN: (Refusal.CLIENT_WITHDREW, "The client withdrew: no further sessions."),
}
"""Why a journey in each of these statuses holds no sessions: the reason code and the words."""

SESSION_STATUS_REFUSALS = {
    SessionStatus.HELD: Refusal.SESSION_HELD,
    SessionStatus.CANCELLED: Refusal.SESSION_CANCELLED,
}
"""Why a session that is no longer scheduled cannot be changed."""


def session_blockers(journey: Journey, on: date, at: datetime | None = None) -> list[Refusal]:
    """Return the reason codes that keep a session on `on` (starting `at`) from being scheduled.

    The screening that counts is the one in force at `at`: the latest by clinical time.
    """
    if journey.status is Status.CLOSED:
        return [Refusal.JOURNEY_CLOSED]
    blockers: list[Refusal] = []
    if journey.status in STATUS_REFUSALS:
        blockers.append(STATUS_REFUSALS[journey.status][0])
    # None in force yet, but some decided later: check_session_start names that.
    decisions = journey.screening_decisions
    latest = latest_screening(decisions, at) or latest_screening(decisions)
    if latest is None:
        blockers.append(Refusal.SCREENING_MISSING)
    elif latest.outcome not in ELIGIBLE_OUTCOMES:
        blockers.append(Refusal.SCREENING_NOT_ELIGIBLE)
    elif latest.valid_until is None or latest.valid_until < on:
        blockers.append(Refusal.SCREENING_EXPIRED)
    if not journey.preparation_sessions:
        blockers.append(Refusal.PREPARATION_MISSING)
    if journey.active_consent(ConsentKind.TREATMENT) is None:
        blockers.append(Refusal.TREATMENT_CONSENT_MISSING)
    if journey.safety_plan is None:
        blockers.append(Refusal.SAFETY_PLAN_MISSING)
    if not any(m.role == CareRole.FACILITATOR.value for m in journey.care_team):
        blockers.append(Refusal.NO_FACILITATOR_ON_CARE_TEAM)
    return blockers


def phase_on(journey: Journey, today: date) -> Phase:
    """Return where the journey stands in PRODUCT.md's state machine on `today`."""
    if journey.status is Status.CLOSED:
        return Phase.CLOSED
    if journey.status is Status.PAUSED:
        return Phase.PAUSED
    statuses = {session.status for session in journey.sessions.values()}
    if SessionStatus.SCHEDULED.value in statuses:
        return Phase.IN_SESSIONS
    if SessionStatus.HELD.value in statuses:
        return Phase.INTEGRATION
    if not journey.screening_decisions:
        return Phase.INTAKE
    latest = latest_screening(journey.screening_decisions)
    if latest is None or latest.outcome not in ELIGIBLE_OUTCOMES:
        return Phase.SCREENING
    return Phase.PREPARATION if session_blockers(journey, today) else Phase.READY


def check_can_schedule(journey: Journey, on: date, at: datetime) -> None:
    """Refuse a session on `on` starting `at` while anything blocks it, naming every blocker."""
    blockers = session_blockers(journey, on, at)
    if blockers:
        raise RuleViolation(
            blockers[0],
            "A session cannot be scheduled yet: " + ", ".join(blockers) + ".",
            {"blockers": blockers},
        )
    check_session_start(journey, at)


def check_facilitators_on_team(journey: Journey, facilitator_ids: list[UUID]) -> None:
    """Refuse a session naming a facilitator who is not one on the care team."""
    for practitioner_id in facilitator_ids:
        if journey.care_team_member(practitioner_id, CareRole.FACILITATOR) is None:
            raise RuleViolation(
                Refusal.FACILITATOR_NOT_ON_CARE_TEAM,
                "Every practitioner in facilitator_ids must be a facilitator on the care team.",
            )


def scheduled_session(journey: Journey, session_id: UUID) -> Session:
    """Return a session of the journey that is still scheduled; refuse one held or cancelled."""
    session = journey.sessions.get(session_id)
    if session is None:
        raise NotFound("No such session on this journey.")
    if session.status != SessionStatus.SCHEDULED.value:
        refusal = SESSION_STATUS_REFUSALS[SessionStatus(session.status)]
        raise RuleViolation(refusal, f"The session is already {session.status}.")
    return session
