from __future__ import annotations

from datetime import date, timedelta

import pytest

from casework.application import Casework
from casework.errors import Forbidden, InvalidInput, RuleViolation
from casework.journey import Journey
from casework.journey.commands import RecordScreeningDecision
from casework.journey.values import ScreeningOutcome
from casework.roles import Role
from casework.vault import ENVELOPE_PREFIX
from tests.support.journeys import ELIGIBLE_CRITERIA, open_journey
from tests.support.personal import revealed
from tests.support.staff import Staff

LATER = date.today() + timedelta(days=90)


def decide(app: Casework, staff: Staff, outcome: ScreeningOutcome, **fields: object) -> None:
    journey_id = open_journey(app, staff)
    app.record_screening_decision(
        staff[Role.CLINICAL_LEAD],
        RecordScreeningDecision(
            journey_id=journey_id, outcome=outcome, criteria=ELIGIBLE_CRITERIA, **fields
        ),
    )


def test_screening_decision_records_criteria_decider_co_signer_and_validity(
    app: Casework, staff: Staff
) -> None:
    journey_id = open_journey(app, staff)
    app.record_screening_decision(
        staff[Role.CLINICAL_LEAD],
        RecordScreeningDecision(
            journey_id=journey_id,
            outcome=ScreeningOutcome.ELIGIBLE_WITH_CONDITIONS,
            criteria=ELIGIBLE_CRITERIA,
            rationale="Blood pressure borderline",
            conditions=["BP check on the day"],
            co_signer_id=staff.id(Role.FACILITATOR),
            valid_until=LATER,
        ),
    )
    event = list(app.events.get(journey_id))[-1]
    assert isinstance(event, Journey.ScreeningDecisionRecorded)
    assert event.outcome == "eligible_with_conditions"
    assert event.criteria[0]["category"].startswith(ENVELOPE_PREFIX)  # encrypted at rest
    assert revealed(app, event)["criteria"] == [
        {"category": "cardiovascular", "result": "met", "note": None}
    ]
    assert revealed(app, event)["conditions"] == ["BP check on the day"]
    assert event.rationale.startswith(ENVELOPE_PREFIX)
    assert event.actor_id == staff.id(Role.CLINICAL_LEAD)
    assert event.actor_role == "clinical_lead"
    assert event.co_signer_id == staff.id(Role.FACILITATOR)
    assert event.valid_until == LATER
    assert app.get_journey(staff[Role.CLINICAL_LEAD], journey_id)["phase"] == "preparation"


@pytest.mark.parametrize("outcome", [ScreeningOutcome.DEFERRED, ScreeningOutcome.INELIGIBLE])
def test_a_screening_decision_other_than_eligible_needs_a_rationale(
    app: Casework, staff: Staff, outcome: ScreeningOutcome
) -> None:
    with pytest.raises(InvalidInput) as refused:
        decide(app, staff, outcome)
    assert "rationale" in refused.value.errors


def test_eligible_with_conditions_needs_the_conditions(app: Casework, staff: Staff) -> None:
    with pytest.raises(InvalidInput) as refused:
        decide(
            app, staff, ScreeningOutcome.ELIGIBLE_WITH_CONDITIONS, rationale="x", valid_until=LATER
        )
    assert "conditions" in refused.value.errors


def test_an_eligible_decision_needs_a_valid_until_date_not_in_the_past(
    app: Casework, staff: Staff
) -> None:
    with pytest.raises(InvalidInput) as refused:
        decide(app, staff, ScreeningOutcome.ELIGIBLE)
    assert "valid_until" in refused.value.errors
    with pytest.raises(RuleViolation) as contradicted:
        decide(app, staff, ScreeningOutcome.ELIGIBLE, valid_until=date.today() - timedelta(days=2))
    assert contradicted.value.reason == "valid_until_out_of_range"


def test_a_deferred_decision_puts_the_journey_in_screening(app: Casework, staff: Staff) -> None:
    journey_id = open_journey(app, staff)
    app.record_screening_decision(
        staff[Role.CLINICAL_LEAD],
        RecordScreeningDecision(
            journey_id=journey_id,
            outcome=ScreeningOutcome.DEFERRED,
            criteria=ELIGIBLE_CRITERIA,
            rationale="Re-screen after medication change",
        ),
    )
    assert app.get_journey(staff[Role.CLINICAL_LEAD], journey_id)["phase"] == "screening"


@pytest.mark.parametrize("role", [r for r in Role if r is not Role.CLINICAL_LEAD])
def test_only_a_clinical_lead_records_a_screening_decision(
    app: Casework, staff: Staff, role: Role
) -> None:
    journey_id = open_journey(app, staff)
    with pytest.raises(Forbidden):
        app.record_screening_decision(
            staff[role],
            RecordScreeningDecision(
                journey_id=journey_id,
                outcome=ScreeningOutcome.ELIGIBLE,
                criteria=ELIGIBLE_CRITERIA,
                valid_until=LATER,
            ),
        )


def test_the_co_signer_must_be_a_clinician_other_than_the_decider(
    app: Casework, staff: Staff
) -> None:
    for co_signer in (staff.id(Role.CLINICAL_LEAD), staff.id(Role.AUDITOR)):
        with pytest.raises(InvalidInput) as refused:
            decide(app, staff, ScreeningOutcome.ELIGIBLE, valid_until=LATER, co_signer_id=co_signer)
        assert "co_signer_id" in refused.value.errors
