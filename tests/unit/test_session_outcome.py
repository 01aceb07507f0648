from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest

from casework.application import Casework
from casework.errors import InvalidInput, RuleViolation
from casework.journey import Journey
from casework.journey.commands import PauseJourney, RecordSessionOutcome, WithdrawConsent
from casework.journey.values import ConsentKind
from casework.roles import Role
from casework.vault import ENVELOPE_PREFIX
from tests.support.journeys import hold_session, initial_dose, ready_journey, schedule
from tests.support.personal import revealed
from tests.support.staff import Staff, register_staff

THREE_DAYS_AGO = (datetime.now(UTC) - timedelta(days=3)).replace(hour=9, minute=0, microsecond=0)


def hold(app: Casework, staff: Staff, journey_id: UUID, **overrides: Any) -> UUID:
    """Schedule a session three days ago and record it as held, with `overrides`."""
    session_id = schedule(app, staff, journey_id, THREE_DAYS_AGO)
    outcome: dict[str, Any] = {
        "started_at": THREE_DAYS_AGO,
        "ended_at": THREE_DAYS_AGO + timedelta(hours=8),
        "facilitator_ids": [staff.id(Role.FACILITATOR)],
        "doses": [initial_dose(THREE_DAYS_AGO + timedelta(minutes=5))],
        **overrides,
    }
    app.record_session_outcome(
        staff[Role.FACILITATOR],
        RecordSessionOutcome(journey_id=journey_id, session_id=session_id, **outcome),
    )
    return session_id


def test_a_held_session_records_facilitators_doses_touch_and_adverse_event(
    app: Casework, staff: Staff
) -> None:
    journey_id = ready_journey(app, staff)
    supplemental_at = THREE_DAYS_AGO + timedelta(hours=2)
    hold(
        app,
        staff,
        journey_id,
        doses=[
            initial_dose(THREE_DAYS_AGO + timedelta(minutes=5)),
            {"kind": "supplemental", "amount_mg": Decimal("60"), "given_at": supplemental_at},
        ],
        supportive_touch_used=True,
        touch_areas=["Hand"],
        adverse_event={"severity": "mild", "description": "Nausea", "action_taken": "Rest"},
    )
    event = list(app.events.get(journey_id))[-1]
    assert isinstance(event, Journey.SessionOutcomeRecorded)
    assert [dose["kind"] for dose in event.doses] == ["initial", "supplemental"]
    assert event.touch_areas[0].startswith(ENVELOPE_PREFIX)  # encrypted at rest
    assert event.adverse_event["description"].startswith(ENVELOPE_PREFIX)
    assert revealed(app, event)["touch_areas"] == ["Hand"]
    assert revealed(app, event)["adverse_event"] == {
        "severity": "mild",
        "description": "Nausea",
        "action_taken": "Rest",
    }
    state = app.get_journey(staff[Role.FACILITATOR], journey_id)
    assert state["sessions"][0]["status"] == "held"
    assert state["phase"] == "integration"


def test_a_withheld_supplemental_dose_needs_a_reason(app: Casework, staff: Staff) -> None:
    journey_id = ready_journey(app, staff)
    withheld = {"kind": "supplemental_withheld", "reason": " "}
    with pytest.raises(InvalidInput) as refused:
        hold(app, staff, journey_id, doses=[initial_dose(THREE_DAYS_AGO), withheld])
    assert "doses.1.reason" in refused.value.errors


@pytest.mark.parametrize(
    ("doses", "field"),
    [
        ([], "doses"),
        ([initial_dose(THREE_DAYS_AGO - timedelta(minutes=1))], "doses.0.given_at"),
        ([initial_dose(THREE_DAYS_AGO, mg="0")], "doses.0.amount_mg"),
        ([initial_dose(THREE_DAYS_AGO), initial_dose(THREE_DAYS_AGO)], "doses"),
    ],
    ids=["no-initial-dose", "dose-before-start", "zero-amount", "two-initial-doses"],
)
def test_doses_must_be_complete_and_within_the_session(
    app: Casework, staff: Staff, doses: list[dict[str, Any]], field: str
) -> None:
    journey_id = ready_journey(app, staff)
    with pytest.raises(InvalidInput) as refused:
        hold(app, staff, journey_id, doses=doses)
    assert field in refused.value.errors


def test_a_session_ending_before_it_starts_is_refused(app: Casework, staff: Staff) -> None:
    journey_id = ready_journey(app, staff)
    with pytest.raises(InvalidInput) as refused:
        hold(app, staff, journey_id, ended_at=THREE_DAYS_AGO - timedelta(hours=1))
    assert "ended_at" in refused.value.errors


def test_supportive_touch_needs_active_touch_consent(app: Casework, staff: Staff) -> None:
    journey_id = ready_journey(app, staff)
    app.withdraw_consent(
        staff[Role.FACILITATOR],
        WithdrawConsent(journey_id=journey_id, kind=ConsentKind.SUPPORTIVE_TOUCH),
    )
    with pytest.raises(RuleViolation) as refused:
        hold(app, staff, journey_id, supportive_touch_used=True, touch_areas=["hand"])
    assert refused.value.reason == "touch_consent_missing"


def test_supportive_touch_must_stay_within_the_agreed_scope(app: Casework, staff: Staff) -> None:
    journey_id = ready_journey(app, staff)
    with pytest.raises(RuleViolation) as refused:
        hold(app, staff, journey_id, supportive_touch_used=True, touch_areas=["hand", "back"])
    assert refused.value.reason == "touch_outside_agreed_scope"
    assert refused.value.details == {"touch_areas_outside_scope": [1]}


def test_a_research_protocol_needs_two_facilitators(app: Casework) -> None:
    staff = register_staff(app, min_facilitators=2)
    journey_id = ready_journey(app, staff)
    with pytest.raises(RuleViolation) as refused:
        hold(app, staff, journey_id)
    assert refused.value.reason == "too_few_facilitators"
    both = [staff.id(Role.FACILITATOR), staff.second_facilitator.practitioner_id]
    session_id = app.get_journey(staff[Role.FACILITATOR], journey_id)["sessions"][0]["session_id"]
    app.record_session_outcome(
        staff[Role.FACILITATOR],
        RecordSessionOutcome(
            journey_id=journey_id,
            session_id=session_id,
            started_at=THREE_DAYS_AGO,
            ended_at=THREE_DAYS_AGO + timedelta(hours=8),
            facilitator_ids=both,
            doses=[initial_dose(THREE_DAYS_AGO)],
        ),
    )
    assert app.get_journey(staff[Role.FACILITATOR], journey_id)["sessions"][0]["status"] == "held"


def test_a_session_cannot_be_held_while_paused(app: Casework, staff: Staff) -> None:
    journey_id = ready_journey(app, staff)
    session_id = schedule(app, staff, journey_id, THREE_DAYS_AGO)
    app.pause_journey(
        staff[Role.CLINICAL_LEAD],
        PauseJourney(
            journey_id=journey_id,
            reason="Crisis",
            review_date=date.today() + timedelta(days=7),
            conditions_to_resume=["Stable"],
        ),
    )
    with pytest.raises(RuleViolation) as refused:
        app.record_session_outcome(
            staff[Role.FACILITATOR],
            RecordSessionOutcome(
                journey_id=journey_id,
                session_id=session_id,
                started_at=THREE_DAYS_AGO,
                ended_at=THREE_DAYS_AGO + timedelta(hours=8),
                facilitator_ids=[staff.id(Role.FACILITATOR)],
                doses=[initial_dose(THREE_DAYS_AGO)],
            ),
        )
    assert refused.value.reason == "journey_paused"


@pytest.mark.parametrize(
    ("time_zone", "utc_hour", "day_shift"),
    [("Pacific/Auckland", 11, 1), ("America/Los_Angeles", 5, -1), ("Europe/Amsterdam", 12, 0)],
)
def test_follow_ups_are_counted_from_the_session_day_in_the_clinic_time_zone(
    app: Casework, time_zone: str, utc_hour: int, day_shift: int
) -> None:
    staff = register_staff(app, time_zone=time_zone)
    journey_id = ready_journey(app, staff)
    started = (datetime.now(UTC) - timedelta(days=20)).replace(hour=utc_hour, minute=30)
    hold_session(app, staff, journey_id, started)
    d0 = started.date() + timedelta(days=day_shift)
    follow_ups = app.get_journey(staff[Role.INTEGRATION_THERAPIST], journey_id)["follow_ups"]
    assert [(f["due_on"] - d0).days for f in follow_ups] == [1, 2, 7, 8, 15]
    assert [(f["window_start"] - d0).days for f in follow_ups] == [1, 1, 6, 5, 12]
    assert [(f["window_end"] - d0).days for f in follow_ups] == [2, 3, 8, 12, 22]
    assert {f["owner_id"] for f in follow_ups} == {staff.id(Role.INTEGRATION_THERAPIST)}


def test_a_clinic_schedule_of_its_own_is_used(app: Casework) -> None:
    schedule_rules = [
        {
            "kind": "phone_check_in",
            "label": "Next-day call",
            "due_day": 1,
            "window_start_day": 1,
            "window_end_day": 1,
            "owner_role": "integration_therapist",
        },
    ]
    staff = register_staff(app, follow_up_schedule=schedule_rules)
    journey_id = ready_journey(app, staff)
    hold_session(app, staff, journey_id, THREE_DAYS_AGO)
    follow_ups = app.get_journey(staff[Role.INTEGRATION_THERAPIST], journey_id)["follow_ups"]
    assert [(f["label"], f["status"]) for f in follow_ups] == [
        ("Session 1 · next-day call", "overdue")
    ]
