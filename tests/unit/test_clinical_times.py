"""Clinical times cannot contradict the record (PRODUCT.md invariant 10): one test per rule."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest

from casework.application import Casework
from casework.errors import RuleViolation
from casework.journey.commands import (
    AssignCareTeamMember,
    GiveConsent,
    PauseJourney,
    RecordContact,
    RecordCorrection,
    RecordIntake,
    RecordOutreach,
    RecordPreparationSession,
    RecordSafetyPlan,
    RecordScreeningDecision,
    RecordSessionOutcome,
    ResumeJourney,
    ScheduleSession,
    WithdrawConsent,
)
from casework.journey.values import CareRole, ConsentKind, ContactKind, ScreeningOutcome
from casework.roles import Role
from tests.support.journeys import (
    ELIGIBLE_CRITERIA,
    hold_session,
    initial_dose,
    open_journey,
    ready_journey,
    schedule,
)
from tests.support.staff import Staff

NOW = datetime.now(UTC).replace(microsecond=0)


def days_ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


def refused(reason: str) -> Any:
    return pytest.raises(RuleViolation, check=lambda e: e.reason == reason)


def hold(
    app: Casework, staff: Staff, journey_id: UUID, session_id: UUID, start: datetime, **kw: Any
) -> None:
    app.record_session_outcome(
        staff[Role.FACILITATOR],
        RecordSessionOutcome(
            journey_id=journey_id,
            session_id=session_id,
            started_at=start,
            ended_at=kw.pop("ended_at", start + timedelta(hours=8)),
            facilitator_ids=[staff.id(Role.FACILITATOR)],
            doses=[initial_dose(start)],
            **kw,
        ),
    )


def decide(app: Casework, staff: Staff, journey_id: UUID, **kw: Any) -> Any:
    return app.record_screening_decision(
        staff[Role.CLINICAL_LEAD],
        RecordScreeningDecision(
            journey_id=journey_id,
            outcome=kw.pop("outcome", ScreeningOutcome.ELIGIBLE),
            criteria=ELIGIBLE_CRITERIA,
            **kw,
        ),
    )


def test_an_intake_dated_more_than_two_years_back_is_refused(app: Casework, staff: Staff) -> None:
    for when in (datetime(1900, 1, 1, tzinfo=UTC), days_ago(731)):
        with refused("intake_too_far_back"):
            app.record_intake(
                staff[Role.INTAKE_COORDINATOR],
                RecordIntake(
                    client_pseudonym="CW-1900",
                    referral_source="GP",
                    primary_need="x",
                    occurred_at=when,
                ),
            )
    app.record_intake(
        staff[Role.INTAKE_COORDINATOR],
        RecordIntake(
            client_pseudonym="CW-OK",
            referral_source="GP",
            primary_need="x",
            occurred_at=days_ago(729),
        ),
    )


def test_an_entry_dated_before_the_intake_is_refused(app: Casework, staff: Staff) -> None:
    journey_id = open_journey(app, staff)  # 60 days ago
    with refused("occurred_before_intake"):
        app.record_preparation_session(
            staff[Role.FACILITATOR],
            RecordPreparationSession(
                journey_id=journey_id, duration_minutes=45, occurred_at=days_ago(61)
            ),
        )


def test_a_session_cannot_be_planned_before_the_intake(app: Casework, staff: Staff) -> None:
    journey_id = ready_journey(app, staff)
    start = datetime(1990, 5, 1, 9, tzinfo=UTC)
    with refused("session_before_intake"):
        app.schedule_session(
            staff[Role.FACILITATOR],
            ScheduleSession(
                journey_id=journey_id, planned_start=start, planned_end=start + timedelta(hours=8)
            ),
        )


def test_a_session_cannot_start_before_its_prerequisites(app: Casework, staff: Staff) -> None:
    journey_id = ready_journey(app, staff)  # everything in place 30 days ago
    with refused("session_before_prerequisites") as error:
        schedule(app, staff, journey_id, days_ago(40))
    assert error.value.details["prerequisites"] == [
        "screening",
        "treatment_consent",
        "preparation",
        "safety_plan",
    ]


def test_a_session_held_before_its_prerequisites_were_in_place_is_refused(
    app: Casework, staff: Staff
) -> None:
    """The issue's case: prerequisites recorded today, a session held 20 days ago."""
    journey_id = open_journey(app, staff)
    lead, facilitator = staff[Role.CLINICAL_LEAD], staff[Role.FACILITATOR]
    app.assign_care_team_member(
        lead,
        AssignCareTeamMember(
            journey_id=journey_id,
            practitioner_id=staff.id(Role.FACILITATOR),
            role=CareRole.FACILITATOR,
        ),
    )
    decide(app, staff, journey_id, valid_until=date.today() + timedelta(days=90))
    app.give_consent(
        staff[Role.INTAKE_COORDINATOR],
        GiveConsent(journey_id=journey_id, kind=ConsentKind.TREATMENT),
    )
    app.record_preparation_session(
        facilitator, RecordPreparationSession(journey_id=journey_id, duration_minutes=90)
    )
    app.record_safety_plan(
        facilitator,
        RecordSafetyPlan(journey_id=journey_id, emergency_contact="On file", transport_plan="Taxi"),
    )
    next_week = NOW + timedelta(days=7)
    session_id = app.schedule_session(
        facilitator,
        ScheduleSession(
            journey_id=journey_id,
            planned_start=next_week,
            planned_end=next_week + timedelta(hours=8),
            occurred_at=days_ago(25),
        ),
    ).created_id
    assert session_id is not None
    with refused("session_before_prerequisites"):
        hold(app, staff, journey_id, session_id, days_ago(20))
    assert app.get_journey(lead, journey_id)["follow_ups"] == []


def test_a_session_cannot_be_held_before_it_was_scheduled(app: Casework, staff: Staff) -> None:
    journey_id = ready_journey(app, staff)
    session_id = schedule(app, staff, journey_id, NOW + timedelta(days=7))  # scheduled now
    with refused("session_held_before_scheduled"):
        hold(app, staff, journey_id, session_id, days_ago(20))


def test_a_session_shorter_than_fifteen_minutes_is_refused(app: Casework, staff: Staff) -> None:
    journey_id = ready_journey(app, staff)
    start = days_ago(3)
    session_id = schedule(app, staff, journey_id, start)
    with refused("session_too_short"):
        hold(app, staff, journey_id, session_id, start, ended_at=start + timedelta(microseconds=11))
    hold(app, staff, journey_id, session_id, start, ended_at=start + timedelta(minutes=15))


def test_a_session_longer_than_a_day_is_refused(app: Casework, staff: Staff) -> None:
    journey_id = ready_journey(app, staff)
    start = NOW + timedelta(days=7)
    with refused("session_too_long"):
        app.schedule_session(
            staff[Role.FACILITATOR],
            ScheduleSession(
                journey_id=journey_id,
                planned_start=start,
                planned_end=start + timedelta(hours=24, minutes=1),
            ),
        )


@pytest.mark.parametrize("valid_until", [date(9999, 12, 31), date.today() - timedelta(days=1)])
def test_valid_until_lies_between_the_decision_day_and_a_year_after_it(
    app: Casework, staff: Staff, valid_until: date
) -> None:
    journey_id = open_journey(app, staff)
    with refused("valid_until_out_of_range"):
        decide(app, staff, journey_id, valid_until=valid_until, occurred_at=days_ago(0.01))


def test_a_valid_until_corrected_to_before_its_decision_is_refused(
    app: Casework, staff: Staff
) -> None:
    journey_id = open_journey(app, staff)
    decided = decide(
        app, staff, journey_id, valid_until=date.today() + timedelta(days=90), occurred_at=NOW
    )
    lead = staff[Role.CLINICAL_LEAD]
    with refused("valid_until_out_of_range"):
        app.record_correction(
            lead,
            RecordCorrection(
                journey_id=journey_id,
                field="valid_until",
                new_value=str(date.today() - timedelta(days=5)),
                reason="Typo",
                corrects_version=decided.version,
            ),
        )
    with refused("valid_until_out_of_range"):
        app.record_correction(
            lead,
            RecordCorrection(
                journey_id=journey_id,
                field="valid_until",
                new_value="9999-12-31",
                reason="Typo",
                corrects_version=decided.version,
            ),
        )


def test_holding_a_session_rechecks_the_screening_on_the_session_day(
    app: Casework, staff: Staff
) -> None:
    journey_id = ready_journey(app, staff)  # eligible from 30 days ago
    session_id = schedule(app, staff, journey_id, days_ago(5))  # scheduled 5 days ago - 1 h
    # A deferral decided a week ago, entered late: it was in force when the session started.
    decide(
        app,
        staff,
        journey_id,
        outcome=ScreeningOutcome.DEFERRED,
        rationale="New medication",
        occurred_at=days_ago(7),
    )
    with refused("screening_not_valid_on_session_day"):
        hold(app, staff, journey_id, session_id, days_ago(5))


def test_a_session_held_after_its_screening_expired_is_refused(app: Casework, staff: Staff) -> None:
    journey_id = ready_journey(app, staff)
    decide(
        app,
        staff,
        journey_id,
        valid_until=date.today() - timedelta(days=4),
        occurred_at=days_ago(20),
    )
    planned = days_ago(6)
    session_id = schedule(app, staff, journey_id, planned)
    with refused("screening_not_valid_on_session_day"):
        hold(app, staff, journey_id, session_id, days_ago(2))  # held later than planned


def test_the_latest_screening_is_the_latest_by_clinical_time(app: Casework, staff: Staff) -> None:
    journey_id = ready_journey(app, staff)  # eligible, decided 30 days ago
    lead = staff[Role.CLINICAL_LEAD]
    old = {"outcome": ScreeningOutcome.DEFERRED, "rationale": "Waiting for ECG"}
    decide(app, staff, journey_id, **old, occurred_at=days_ago(45))  # entered late
    state = app.get_journey(lead, journey_id)
    assert (state["phase"], state["session_readiness"]["ready"]) == ("ready", True)
    schedule(app, staff, journey_id, NOW + timedelta(days=3))
    decide(app, staff, journey_id, **old, occurred_at=days_ago(1))
    state = app.get_journey(lead, journey_id)
    assert state["session_readiness"]["blockers"][0] == "screening_not_eligible"


def test_screenings_at_the_same_clinical_time_are_ordered_as_recorded(
    app: Casework, staff: Staff
) -> None:
    journey_id = ready_journey(app, staff)
    at = days_ago(2)
    decide(app, staff, journey_id, valid_until=date.today() + timedelta(days=9), occurred_at=at)
    decide(
        app,
        staff,
        journey_id,
        outcome=ScreeningOutcome.INELIGIBLE,
        rationale="Cardiac",
        occurred_at=at,
    )
    assert app.get_journey(staff[Role.CLINICAL_LEAD], journey_id)["phase"] == "screening"


def held(app: Casework, staff: Staff, days: float) -> tuple[UUID, list[dict[str, Any]]]:
    journey_id = ready_journey(app, staff)
    hold_session(app, staff, journey_id, days_ago(days))
    return journey_id, app.get_journey(staff[Role.CLINICAL_LEAD], journey_id)["follow_ups"]


def test_a_contact_dated_before_its_session_is_refused(app: Casework, staff: Staff) -> None:
    journey_id, follow_ups = held(app, staff, 3)
    therapist = staff[Role.INTEGRATION_THERAPIST]
    with refused("contact_before_session"):
        app.record_contact(
            therapist,
            RecordContact(
                journey_id=journey_id,
                kind=ContactKind.PHONE_CHECK_IN,
                follow_up_id=follow_ups[0]["follow_up_id"],
                occurred_at=days_ago(4),
            ),
        )
    with refused("contact_before_session"):
        app.record_outreach(
            therapist,
            RecordOutreach(
                journey_id=journey_id,
                follow_up_id=follow_ups[0]["follow_up_id"],
                channel="phone",
                outcome="no_answer",
                occurred_at=days_ago(3),
            ),
        )
    # Not against a follow-up, a contact depends on the intake only.
    app.record_contact(
        therapist,
        RecordContact(
            journey_id=journey_id, kind=ContactKind.SAFETY_CHECK, occurred_at=days_ago(4)
        ),
    )


def test_a_contact_before_the_window_opens_marks_the_follow_up_done_early(
    app: Casework, staff: Staff
) -> None:
    journey_id, follow_ups = held(app, staff, 2)
    last = follow_ups[-1]  # integration session 3: window D+12 … D+22
    app.record_contact(
        staff[Role.INTEGRATION_THERAPIST],
        RecordContact(
            journey_id=journey_id,
            kind=ContactKind.INTEGRATION_SESSION,
            follow_up_id=last["follow_up_id"],
        ),
    )
    after = app.get_journey(staff[Role.CLINICAL_LEAD], journey_id)["follow_ups"][-1]
    assert after["status"] == "done_early"
    assert (after["due_on"], after["window_start"]) == (last["due_on"], last["window_start"])


def test_a_consent_cannot_be_withdrawn_before_it_was_given(app: Casework, staff: Staff) -> None:
    journey_id = ready_journey(app, staff)
    with refused("withdrawal_before_consent"):
        app.withdraw_consent(
            staff[Role.INTAKE_COORDINATOR],
            WithdrawConsent(
                journey_id=journey_id, kind=ConsentKind.TREATMENT, occurred_at=days_ago(31)
            ),
        )


def test_a_journey_cannot_resume_before_it_was_paused(app: Casework, staff: Staff) -> None:
    journey_id = ready_journey(app, staff)
    lead = staff[Role.CLINICAL_LEAD]
    app.pause_journey(
        lead,
        PauseJourney(
            journey_id=journey_id,
            reason="Grief",
            review_date=date.today() + timedelta(days=7),
            conditions_to_resume=["Support"],
        ),
    )
    with refused("resumption_before_pause"):
        app.resume_journey(
            lead,
            ResumeJourney(
                journey_id=journey_id, rationale="Support in place", occurred_at=days_ago(1)
            ),
        )


def test_a_corrected_time_passes_the_same_checks_as_the_entry(app: Casework, staff: Staff) -> None:
    journey_id = ready_journey(app, staff)
    hold_session(app, staff, journey_id, days_ago(10))
    state = app.get_journey(staff[Role.CLINICAL_LEAD], journey_id)
    preparation = state["preparation_sessions"][0]["held"]["version"]
    screening = state["screening_decisions"][0]["decided"]["version"]
    lead = staff[Role.CLINICAL_LEAD]

    def correct(version: int, field: str, value: str) -> None:
        app.record_correction(
            lead,
            RecordCorrection(
                journey_id=journey_id,
                field=field,
                new_value=value,
                reason="Fix",
                corrects_version=version,
            ),
        )

    with refused("session_before_prerequisites"):
        correct(preparation, "occurred_at", days_ago(5).isoformat())
    with refused("occurred_before_intake"):
        correct(screening, "occurred_at", days_ago(61).isoformat())
    with refused("screening_not_valid_on_session_day"):
        correct(screening, "valid_until", str(date.today() - timedelta(days=11)))
    correct(preparation, "occurred_at", days_ago(20).isoformat())  # still before the session


def test_a_corrected_review_date_must_not_precede_its_pause(app: Casework, staff: Staff) -> None:
    journey_id = ready_journey(app, staff)
    lead = staff[Role.CLINICAL_LEAD]
    paused = app.pause_journey(
        lead,
        PauseJourney(
            journey_id=journey_id,
            reason="Grief",
            review_date=date.today() + timedelta(days=7),
            conditions_to_resume=["Support"],
        ),
    )
    with refused("review_date_before_decision"):
        app.record_correction(
            lead,
            RecordCorrection(
                journey_id=journey_id,
                field="review_date",
                new_value=str(date.today() - timedelta(days=3)),
                reason="Typo",
                corrects_version=paused.version,
            ),
        )


def test_a_correction_cannot_change_which_screening_is_in_force(
    app: Casework, staff: Staff
) -> None:
    journey_id = ready_journey(app, staff)  # eligible, decided 30 days ago
    deferred = decide(
        app,
        staff,
        journey_id,
        outcome=ScreeningOutcome.DEFERRED,
        rationale="Waiting for ECG",
        occurred_at=days_ago(40),
    )
    with refused("correction_changes_screening_in_force"):
        app.record_correction(
            staff[Role.CLINICAL_LEAD],
            RecordCorrection(
                journey_id=journey_id,
                field="occurred_at",
                new_value=days_ago(20).isoformat(),
                reason="Wrong date",
                corrects_version=deferred.version,
            ),
        )
