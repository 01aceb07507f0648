"""Clinical times cannot contradict the record (PRODUCT.md invariant 10): an intake, an entry, a
session, a contact, a withdrawal or a resumption dated before what it depends on is refused; one
test per rule."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

from casework.application import Casework
from casework.journey.commands import (
    AssignCareTeamMember,
    GiveConsent,
    PauseJourney,
    RecordContact,
    RecordIntake,
    RecordOutreach,
    RecordPreparationSession,
    RecordSafetyPlan,
    ResumeJourney,
    ScheduleSession,
    WithdrawConsent,
)
from casework.journey.values import CareRole, ConsentKind, ContactKind
from casework.roles import Role
from tests.support.clinical_times import NOW, days_ago, decide, hold, refused
from tests.support.journeys import hold_session, open_journey, ready_journey, schedule
from tests.support.staff import Staff


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
