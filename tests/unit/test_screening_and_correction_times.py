"""Clinical times cannot contradict the record (PRODUCT.md invariant 10): which screening is in
force on a day, how long it holds, and what a correction may change; one test per rule."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from casework.application import Casework
from casework.journey.commands import PauseJourney, RecordCorrection
from casework.journey.values import ScreeningOutcome
from casework.roles import Role
from tests.support.clinical_times import NOW, days_ago, decide, hold, refused
from tests.support.journeys import hold_session, open_journey, ready_journey, schedule
from tests.support.staff import Staff


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
