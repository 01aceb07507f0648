from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from uuid import UUID

import pytest

from casework.application import Casework
from casework.errors import Forbidden, InvalidInput, RuleViolation
from casework.journey import Journey
from casework.journey.commands import (
    CloseJourney,
    RecordAddendum,
    RecordContact,
    RecordCorrection,
    RecordPreparationSession,
)
from casework.journey.values import ContactKind
from casework.roles import Role
from tests.support.journeys import ready_journey, schedule
from tests.support.staff import Staff

NEXT_WEEK = datetime.now(UTC) + timedelta(days=7)


def screening_version(app: Casework, staff: Staff, journey_id: UUID) -> int:
    state = app.get_journey(staff[Role.CLINICAL_LEAD], journey_id)
    return int(state["screening_decisions"][-1]["decided"]["version"])


def test_a_correction_changes_the_current_value_and_keeps_the_original(
    app: Casework, staff: Staff
) -> None:
    journey_id = ready_journey(app, staff)
    version = screening_version(app, staff, journey_id)
    original = app.get_journey(staff[Role.CLINICAL_LEAD], journey_id)["screening_decisions"][-1]
    yesterday = date.today() - timedelta(days=1)
    app.record_correction(
        staff[Role.CLINICAL_LEAD],
        RecordCorrection(
            journey_id=journey_id,
            field="valid_until",
            new_value=yesterday.isoformat(),
            reason="Typed the wrong year",
            corrects_version=version,
        ),
    )
    state = app.get_journey(staff[Role.CLINICAL_LEAD], journey_id)
    assert state["screening_decisions"][-1]["valid_until"] == yesterday
    (correction,) = state["corrections"]
    assert (correction["original_value"], correction["new_value"]) == (
        original["valid_until"],
        yesterday,
    )
    assert correction["reason"] == "Typed the wrong year"
    (stored,) = app.events.get(journey_id, gt=version - 1, lte=version)
    assert isinstance(stored, Journey.ScreeningDecisionRecorded)
    assert stored.valid_until == original["valid_until"]  # history is never edited
    with pytest.raises(RuleViolation) as refused:
        schedule(app, staff, journey_id, NEXT_WEEK)
    assert refused.value.reason == "screening_expired"


def test_a_closed_journey_takes_corrections_and_addenda_but_no_care_steps(
    app: Casework, staff: Staff
) -> None:
    journey_id = ready_journey(app, staff)
    closed = app.close_journey(
        staff[Role.CLINICAL_LEAD], CloseJourney(journey_id=journey_id, reason="Moved abroad")
    )
    app.record_correction(
        staff[Role.CLINICAL_LEAD],
        RecordCorrection(
            journey_id=journey_id,
            field="reason",
            new_value="Moved abroad for work",
            reason="Clearer",
            corrects_position=closed.position,
        ),
    )
    app.record_addendum(
        staff[Role.INTEGRATION_THERAPIST],
        RecordAddendum(journey_id=journey_id, entry_version=closed.version, text="Sent a letter"),
    )
    state = app.get_journey(staff[Role.AUDITOR], journey_id)
    assert state["decisions"][-1]["reason"] == "Moved abroad for work"
    assert state["addenda"][0]["text"] == "Sent a letter"
    assert state["addenda"][0]["entry_version"] == closed.version
    with pytest.raises(RuleViolation) as refused:
        app.record_contact(
            staff[Role.INTEGRATION_THERAPIST],
            RecordContact(journey_id=journey_id, kind=ContactKind.OTHER),
        )
    assert refused.value.reason == "journey_closed"


@pytest.mark.parametrize(
    ("field", "new_value", "refused_field"),
    [
        ("outcome", "ineligible", "field"),  # a decision's outcome is decided anew, not corrected
        ("rationale", "  ", "new_value"),
        ("valid_until", "next spring", "new_value"),
    ],
)
def test_a_correction_must_name_a_correctable_field_and_a_fitting_value(
    app: Casework, staff: Staff, field: str, new_value: str, refused_field: str
) -> None:
    journey_id = ready_journey(app, staff)
    version = screening_version(app, staff, journey_id)
    with pytest.raises(InvalidInput) as refused:
        app.record_correction(
            staff[Role.CLINICAL_LEAD],
            RecordCorrection(
                journey_id=journey_id,
                field=field,
                new_value=new_value,
                reason="Why",
                corrects_version=version,
            ),
        )
    assert refused_field in refused.value.errors


def test_a_clinical_time_corrected_into_the_future_is_refused(app: Casework, staff: Staff) -> None:
    journey_id = ready_journey(app, staff)
    version = screening_version(app, staff, journey_id)
    future = (datetime.now(UTC) + timedelta(days=2)).isoformat()
    with pytest.raises(RuleViolation) as refused:
        app.record_correction(
            staff[Role.CLINICAL_LEAD],
            RecordCorrection(
                journey_id=journey_id,
                field="occurred_at",
                new_value=future,
                reason="Why",
                corrects_version=version,
            ),
        )
    assert (refused.value.reason, refused.value.details) == (
        "occurred_in_future",
        {"field": "new_value"},
    )


def test_only_a_clinical_lead_or_the_author_corrects_an_entry(app: Casework, staff: Staff) -> None:
    journey_id = ready_journey(app, staff)
    prepared = app.record_preparation_session(
        staff[Role.FACILITATOR],
        RecordPreparationSession(journey_id=journey_id, duration_minutes=90),
    )
    with pytest.raises(Forbidden):
        app.record_correction(
            staff[Role.INTEGRATION_THERAPIST],
            RecordCorrection(
                journey_id=journey_id,
                field="duration_minutes",
                new_value=60,
                reason="Shorter",
                corrects_version=prepared.version,
            ),
        )
    app.record_correction(
        staff[Role.FACILITATOR],
        RecordCorrection(
            journey_id=journey_id,
            field="duration_minutes",
            new_value=60,
            reason="It ended early",
            corrects_version=prepared.version,
        ),
    )
    state = app.get_journey(staff[Role.FACILITATOR], journey_id)
    assert state["preparation_sessions"][-1]["duration_minutes"] == 60


def test_a_correction_names_an_entry_of_this_journey(app: Casework, staff: Staff) -> None:
    journey_id = ready_journey(app, staff)
    other = ready_journey(app, staff, "CW-OTHER")
    elsewhere = app.record_preparation_session(
        staff[Role.FACILITATOR], RecordPreparationSession(journey_id=other, duration_minutes=30)
    )
    with pytest.raises(InvalidInput) as refused:
        app.record_correction(
            staff[Role.CLINICAL_LEAD],
            RecordCorrection(
                journey_id=journey_id,
                field="notes",
                new_value="x",
                reason="y",
                corrects_position=elsewhere.position,
            ),
        )
    assert "corrects_position" in refused.value.errors
    with pytest.raises(InvalidInput):
        app.record_addendum(
            staff[Role.CLINICAL_LEAD],
            RecordAddendum(journey_id=journey_id, entry_version=999, text="No such entry"),
        )
