from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from uuid import UUID

import pytest

from casework.application import Casework
from casework.errors import NotFound, RuleViolation
from casework.journey import Journey
from casework.journey.commands import (
    CancelSession,
    CloseJourney,
    PauseJourney,
    RecordIntake,
    RecordScreeningDecision,
    RecordWithdrawal,
    RescheduleSession,
    ScheduleSession,
    StopJourney,
    UnassignCareTeamMember,
    WithdrawConsent,
)
from casework.journey.values import ConsentKind, ScreeningOutcome
from casework.roles import Role
from tests.support.journeys import ELIGIBLE_CRITERIA, ready_journey, schedule
from tests.support.staff import Staff

NEXT_WEEK = datetime.now(UTC).replace(microsecond=0) + timedelta(days=7)

Breaker = Callable[[Casework, Staff, UUID], object]


BREAKERS: dict[str, Breaker] = {
    "screening_not_eligible": lambda app, staff, j: app.record_screening_decision(
        staff[Role.CLINICAL_LEAD],
        RecordScreeningDecision(
            journey_id=j,
            outcome=ScreeningOutcome.DEFERRED,
            criteria=ELIGIBLE_CRITERIA,
            rationale="x",
        ),
    ),
    "screening_expired": lambda app, staff, j: app.record_screening_decision(
        staff[Role.CLINICAL_LEAD],
        RecordScreeningDecision(
            journey_id=j,
            outcome=ScreeningOutcome.ELIGIBLE,
            criteria=ELIGIBLE_CRITERIA,
            valid_until=date.today() + timedelta(days=3),
        ),
    ),
    "treatment_consent_missing": lambda app, staff, j: app.withdraw_consent(
        staff[Role.INTAKE_COORDINATOR],
        WithdrawConsent(journey_id=j, kind=ConsentKind.TREATMENT, reason="Changed their mind"),
    ),
    "no_facilitator_on_care_team": lambda app, staff, j: [
        app.unassign_care_team_member(
            staff[Role.CLINICAL_LEAD],
            UnassignCareTeamMember(journey_id=j, practitioner_id=staff.id(Role.FACILITATOR)),
        ),
        app.unassign_care_team_member(
            staff[Role.CLINICAL_LEAD],
            UnassignCareTeamMember(
                journey_id=j, practitioner_id=staff.second_facilitator.practitioner_id
            ),
        ),
    ],
    "journey_paused": lambda app, staff, j: app.pause_journey(
        staff[Role.CLINICAL_LEAD],
        PauseJourney(
            journey_id=j,
            reason="Crisis",
            review_date=date.today() + timedelta(days=14),
            conditions_to_resume=["Stable"],
        ),
    ),
    "journey_stopped": lambda app, staff, j: app.stop_journey(
        staff[Role.CLINICAL_LEAD], StopJourney(journey_id=j, rationale="Contraindication found")
    ),
    "client_withdrew": lambda app, staff, j: app.record_withdrawal(
        staff[Role.INTAKE_COORDINATOR], RecordWithdrawal(journey_id=j, reason=None)
    ),
    "journey_closed": lambda app, staff, j: app.close_journey(
        staff[Role.CLINICAL_LEAD], CloseJourney(journey_id=j, reason="Client moved away")
    ),
}


def test_a_session_is_scheduled_when_every_precondition_holds(app: Casework, staff: Staff) -> None:
    journey_id = ready_journey(app, staff)
    assert app.get_journey(staff[Role.CLINICAL_LEAD], journey_id)["phase"] == "ready"
    session_id = schedule(app, staff, journey_id, NEXT_WEEK)
    event = list(app.events.get(journey_id))[-1]
    assert isinstance(event, Journey.SessionScheduled)
    assert event.session_id == session_id
    assert event.planned_start == NEXT_WEEK
    state = app.get_journey(staff[Role.FACILITATOR], journey_id)
    assert state["phase"] == "in_sessions"
    assert state["sessions"][0]["status"] == "scheduled"


@pytest.mark.parametrize("reason", sorted(BREAKERS))
def test_a_session_cannot_be_scheduled_when_a_precondition_fails(
    app: Casework, staff: Staff, reason: str
) -> None:
    journey_id = ready_journey(app, staff)
    BREAKERS[reason](app, staff, journey_id)
    version = app.repository.get(journey_id).version
    with pytest.raises(RuleViolation) as refused:
        schedule(app, staff, journey_id, NEXT_WEEK)
    assert refused.value.reason == reason
    assert app.repository.get(journey_id).version == version


def test_a_fresh_journey_names_every_missing_precondition(app: Casework, staff: Staff) -> None:
    journey_id = app.record_intake(
        staff[Role.INTAKE_COORDINATOR],
        RecordIntake(client_pseudonym="CW-9", referral_source="GP", primary_need="Need"),
    ).id
    with pytest.raises(RuleViolation) as refused:
        schedule(app, staff, journey_id, NEXT_WEEK)
    assert refused.value.details["blockers"] == [
        "screening_missing",
        "preparation_missing",
        "treatment_consent_missing",
        "safety_plan_missing",
        "no_facilitator_on_care_team",
    ]


def test_only_one_session_is_scheduled_at_a_time(app: Casework, staff: Staff) -> None:
    journey_id = ready_journey(app, staff)
    schedule(app, staff, journey_id, NEXT_WEEK)
    with pytest.raises(RuleViolation) as refused:
        schedule(app, staff, journey_id, NEXT_WEEK + timedelta(days=28))
    assert refused.value.reason == "session_already_scheduled"


def test_named_facilitators_must_be_facilitators_on_the_care_team(
    app: Casework, staff: Staff
) -> None:
    journey_id = ready_journey(app, staff)
    with pytest.raises(RuleViolation) as refused:
        app.schedule_session(
            staff[Role.FACILITATOR],
            ScheduleSession(
                journey_id=journey_id,
                planned_start=NEXT_WEEK,
                planned_end=NEXT_WEEK + timedelta(hours=8),
                facilitator_ids=[staff.id(Role.INTEGRATION_THERAPIST)],
            ),
        )
    assert refused.value.reason == "facilitator_not_on_care_team"


def test_rescheduling_checks_the_rules_again_for_the_new_date(app: Casework, staff: Staff) -> None:
    journey_id = ready_journey(app, staff)
    session_id = schedule(app, staff, journey_id, NEXT_WEEK)
    app.reschedule_session(
        staff[Role.FACILITATOR],
        RescheduleSession(
            journey_id=journey_id,
            session_id=session_id,
            planned_start=NEXT_WEEK + timedelta(days=1),
            planned_end=NEXT_WEEK + timedelta(days=1, hours=8),
            reason="Facilitator ill",
        ),
    )
    session = app.get_journey(staff[Role.FACILITATOR], journey_id)["sessions"][0]
    assert session["planned_start"] == NEXT_WEEK + timedelta(days=1)
    assert session["reschedule_count"] == 1
    beyond_screening = NEXT_WEEK + timedelta(days=365)
    with pytest.raises(RuleViolation) as refused:
        app.reschedule_session(
            staff[Role.FACILITATOR],
            RescheduleSession(
                journey_id=journey_id,
                session_id=session_id,
                planned_start=beyond_screening,
                planned_end=beyond_screening + timedelta(hours=8),
                reason="Client travelling",
            ),
        )
    assert refused.value.reason == "screening_expired"


def test_a_cancelled_session_cannot_be_cancelled_or_held(app: Casework, staff: Staff) -> None:
    journey_id = ready_journey(app, staff)
    session_id = schedule(app, staff, journey_id, NEXT_WEEK)
    app.cancel_session(
        staff[Role.FACILITATOR],
        CancelSession(journey_id=journey_id, session_id=session_id, reason="Client unwell"),
    )
    assert app.get_journey(staff[Role.FACILITATOR], journey_id)["phase"] == "ready"
    with pytest.raises(RuleViolation) as refused:
        app.cancel_session(
            staff[Role.FACILITATOR],
            CancelSession(journey_id=journey_id, session_id=session_id, reason="Again"),
        )
    assert refused.value.reason == "session_cancelled"
    with pytest.raises(NotFound):
        app.cancel_session(
            staff[Role.FACILITATOR],
            CancelSession(journey_id=journey_id, session_id=journey_id, reason="No such session"),
        )
