from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from uuid import UUID

import pytest

from casework.application import Casework
from casework.errors import Forbidden, InvalidInput, RuleViolation
from casework.journey import Journey
from casework.journey.commands import (
    AssignCareTeamMember,
    CloseJourney,
    GiveConsent,
    PauseJourney,
    RecordContact,
    RecordPreparationSession,
    RecordWithdrawal,
    ResumeJourney,
    StopJourney,
)
from casework.journey.values import CareRole, ConsentKind, ContactKind
from casework.roles import Role
from tests.support.journeys import open_journey, ready_journey, schedule
from tests.support.staff import Staff

IN_TWO_WEEKS = date.today() + timedelta(days=14)
NEXT_WEEK = datetime.now(UTC) + timedelta(days=7)


def pause(app: Casework, staff: Staff, journey_id: UUID) -> None:
    app.pause_journey(
        staff[Role.CLINICAL_LEAD],
        PauseJourney(
            journey_id=journey_id,
            reason="Acute stress at home",
            review_date=IN_TWO_WEEKS,
            conditions_to_resume=["Sleep restored", "Support contact available"],
        ),
    )


def test_a_pause_records_reason_review_date_and_conditions(app: Casework, staff: Staff) -> None:
    journey_id = ready_journey(app, staff)
    pause(app, staff, journey_id)
    state = app.get_journey(staff[Role.CLINICAL_LEAD], journey_id)
    assert (state["status"], state["phase"]) == ("paused", "paused")
    decision = state["decisions"][-1]
    assert decision["kind"] == "pause"
    assert decision["review_date"] == IN_TWO_WEEKS
    assert decision["conditions_to_resume"] == ["Sleep restored", "Support contact available"]
    assert decision["decided"]["actor_id"] == staff.id(Role.CLINICAL_LEAD)


def test_a_pause_review_date_cannot_be_in_the_past(app: Casework, staff: Staff) -> None:
    journey_id = ready_journey(app, staff)
    with pytest.raises(InvalidInput) as refused:
        app.pause_journey(
            staff[Role.CLINICAL_LEAD],
            PauseJourney(
                journey_id=journey_id,
                reason="x",
                review_date=date.today() - timedelta(days=2),
                conditions_to_resume=["y"],
            ),
        )
    assert "review_date" in refused.value.errors


def test_resuming_is_a_clinical_lead_decision_that_unblocks_sessions(
    app: Casework, staff: Staff
) -> None:
    journey_id = ready_journey(app, staff)
    pause(app, staff, journey_id)
    with pytest.raises(RuleViolation) as refused:
        pause(app, staff, journey_id)
    assert refused.value.reason == "journey_paused"
    with pytest.raises(Forbidden):
        app.resume_journey(
            staff[Role.FACILITATOR], ResumeJourney(journey_id=journey_id, rationale="Looks stable")
        )
    app.resume_journey(
        staff[Role.CLINICAL_LEAD], ResumeJourney(journey_id=journey_id, rationale="Conditions met")
    )
    schedule(app, staff, journey_id, NEXT_WEEK)
    with pytest.raises(RuleViolation) as not_paused:
        app.resume_journey(
            staff[Role.CLINICAL_LEAD], ResumeJourney(journey_id=journey_id, rationale="Again")
        )
    assert not_paused.value.reason == "journey_not_paused"


def test_a_clinical_stop_needs_a_clinical_lead(app: Casework, staff: Staff) -> None:
    journey_id = ready_journey(app, staff)
    with pytest.raises(Forbidden):
        app.stop_journey(
            staff[Role.INTEGRATION_THERAPIST],
            StopJourney(journey_id=journey_id, rationale="Contraindication"),
        )
    app.stop_journey(
        staff[Role.CLINICAL_LEAD], StopJourney(journey_id=journey_id, rationale="Contraindication")
    )
    assert app.get_journey(staff[Role.CLINICAL_LEAD], journey_id)["status"] == "stopped"


def test_withdrawal_takes_effect_at_once_and_cancels_a_scheduled_session(
    app: Casework, staff: Staff
) -> None:
    journey_id = ready_journey(app, staff)
    schedule(app, staff, journey_id, NEXT_WEEK)
    app.record_withdrawal(
        staff[Role.INTAKE_COORDINATOR],
        RecordWithdrawal(journey_id=journey_id, reason="Wants to stop"),
    )
    state = app.get_journey(staff[Role.INTAKE_COORDINATOR], journey_id)
    assert state["status"] == "withdrawn"
    assert state["sessions"][0]["status"] == "cancelled"
    assert state["decisions"][-1]["kind"] == "withdrawal"
    with pytest.raises(RuleViolation) as refused:
        app.stop_journey(
            staff[Role.CLINICAL_LEAD], StopJourney(journey_id=journey_id, rationale="Too late")
        )
    assert refused.value.reason == "client_withdrew"


CARE_STEPS: dict[str, Callable[[Casework, Staff, UUID], object]] = {
    "care_team": lambda app, s, j: app.assign_care_team_member(
        s[Role.CLINICAL_LEAD],
        AssignCareTeamMember(
            journey_id=j, practitioner_id=s.id(Role.CLINICAL_LEAD), role=CareRole.CLINICAL_LEAD
        ),
    ),
    "consent": lambda app, s, j: app.give_consent(
        s[Role.INTAKE_COORDINATOR], GiveConsent(journey_id=j, kind=ConsentKind.RECORDING)
    ),
    "preparation": lambda app, s, j: app.record_preparation_session(
        s[Role.FACILITATOR], RecordPreparationSession(journey_id=j, duration_minutes=60)
    ),
    "contact": lambda app, s, j: app.record_contact(
        s[Role.INTEGRATION_THERAPIST], RecordContact(journey_id=j, kind=ContactKind.OTHER)
    ),
    "pause": lambda app, s, j: pause(app, s, j),
    "withdrawal": lambda app, s, j: app.record_withdrawal(
        s[Role.INTAKE_COORDINATOR], RecordWithdrawal(journey_id=j, reason=None)
    ),
    "closure": lambda app, s, j: app.close_journey(
        s[Role.CLINICAL_LEAD], CloseJourney(journey_id=j, reason="Again")
    ),
}


@pytest.mark.parametrize("step", sorted(CARE_STEPS))
def test_a_closed_journey_accepts_no_further_care_steps(
    app: Casework, staff: Staff, step: str
) -> None:
    journey_id = ready_journey(app, staff)
    app.close_journey(
        staff[Role.CLINICAL_LEAD], CloseJourney(journey_id=journey_id, reason="Completed")
    )
    with pytest.raises(RuleViolation) as refused:
        CARE_STEPS[step](app, staff, journey_id)
    assert refused.value.reason == "journey_closed"


def test_every_event_carries_actor_role_clinical_time_and_server_time(
    app: Casework, staff: Staff
) -> None:
    before = datetime.now(UTC)
    journey_id = open_journey(app, staff)
    back_dated = datetime.now(UTC) - timedelta(days=3)
    app.record_preparation_session(
        staff[Role.FACILITATOR],
        RecordPreparationSession(
            journey_id=journey_id, duration_minutes=45, occurred_at=back_dated
        ),
    )
    event = list(app.events.get(journey_id))[-1]
    assert isinstance(event, Journey.PreparationSessionRecorded)
    assert (event.actor_id, event.actor_role) == (staff.id(Role.FACILITATOR), "facilitator")
    assert event.occurred_at == back_dated
    assert event.timestamp >= before  # recorded_at: the server's clock, never the client's


def test_a_clinical_time_must_be_aware(app: Casework, staff: Staff) -> None:
    journey_id = open_journey(app, staff)
    with pytest.raises(InvalidInput) as refused:
        app.record_preparation_session(
            staff[Role.FACILITATOR],
            RecordPreparationSession(
                journey_id=journey_id,
                duration_minutes=45,
                occurred_at=datetime.now(UTC).replace(tzinfo=None),
            ),
        )
    assert "occurred_at" in refused.value.errors


def test_a_clinical_time_in_the_future_contradicts_the_record(app: Casework, staff: Staff) -> None:
    journey_id = open_journey(app, staff)
    head = app.recorder.max_notification_id()
    with pytest.raises(RuleViolation) as refused:
        app.record_preparation_session(
            staff[Role.FACILITATOR],
            RecordPreparationSession(
                journey_id=journey_id,
                duration_minutes=45,
                occurred_at=datetime.now(UTC) + timedelta(hours=1),
            ),
        )
    assert (refused.value.reason, refused.value.details) == (
        "occurred_in_future",
        {"field": "occurred_at"},
    )
    assert app.recorder.max_notification_id() == head
