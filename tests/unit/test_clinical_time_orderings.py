"""Generated orderings of a journey's clinical times: accepted when consistent, else refused with
a documented reason code, and never stored as a contradiction."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from casework.application import Casework
from casework.errors import RuleViolation
from casework.journey import Journey
from casework.journey.commands import (
    AssignCareTeamMember,
    GiveConsent,
    RecordContact,
    RecordIntake,
    RecordPreparationSession,
    RecordSafetyPlan,
    RecordScreeningDecision,
    RecordSessionOutcome,
    ScheduleSession,
)
from casework.journey.times import records_of
from casework.journey.values import CareRole, ConsentKind, ContactKind, ScreeningOutcome
from casework.roles import Role
from tests.support.journeys import ELIGIBLE_CRITERIA, initial_dose
from tests.support.staff import register_staff

TIME_REASONS = {
    "intake_too_far_back",
    "occurred_before_intake",
    "session_before_intake",
    "session_before_prerequisites",
    "session_held_before_scheduled",
    "session_too_short",
    "session_too_long",
    "valid_until_out_of_range",
    "screening_not_valid_on_session_day",
    "screening_expired",
    "contact_before_session",
}
"""The time rules' reason codes (README, "Times"): every refusal here must be one of them."""

MISSING = {
    "screening_missing",
    "treatment_consent_missing",
    "preparation_missing",
    "safety_plan_missing",
}

ZONE = "Europe/Amsterdam"
HOURS = st.integers(min_value=0, max_value=24 * 120)
"""A clinical time as hours before now (now is the latest any clinical time may be)."""


def local_day(moment: datetime) -> date:
    return moment.astimezone(ZoneInfo(ZONE)).date()


@st.composite
def journeys(draw: st.DrawFn) -> dict[str, Any]:
    """Draw when each fact of a one-session journey happened: in any order, or half the time in
    the order care takes (so that consistent journeys are drawn often)."""
    times = {
        "intake": draw(st.one_of(HOURS, st.integers(24 * 700, 24 * 760))),
        "screening": draw(HOURS),
        "valid_days": draw(st.integers(min_value=-5, max_value=400)),
        "consent": draw(HOURS),
        "preparation": draw(HOURS),
        "safety_plan": draw(HOURS),
        "scheduled": draw(HOURS),
        "start": draw(st.integers(min_value=25, max_value=24 * 120)),  # it has ended by now
        "minutes": draw(st.sampled_from([0.001, 5, 14, 15, 60, 480, 1440, 1441])),
        "contact": draw(HOURS),
    }
    if draw(st.booleans()):
        facts = ["intake", "screening", "consent", "preparation", "safety_plan", "scheduled"]
        earliest_first = sorted((times[f] for f in facts), reverse=True)
        times.update(zip(facts, earliest_first, strict=True))
        times["start"] = draw(st.integers(min_value=25, max_value=max(25, times["scheduled"])))
    return times


def attempt(command: Any, *args: Any, **kwargs: Any) -> str | None:
    """Run a command; return None if accepted, the reason code if refused."""
    try:
        command(*args, **kwargs)
    except RuleViolation as refused:
        return refused.reason
    return None


@settings(max_examples=150, deadline=None)
@given(journeys())
def test_a_journeys_clinical_times_are_accepted_when_consistent_or_refused_with_a_reason(
    times: dict[str, Any],
) -> None:
    now = datetime.now(UTC)

    def at(name: str) -> datetime:
        return now - timedelta(hours=times[name])

    app = Casework(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    staff = register_staff(app, ZONE)
    lead, facilitator = staff[Role.CLINICAL_LEAD], staff[Role.FACILITATOR]
    therapist, coordinator = staff[Role.INTEGRATION_THERAPIST], staff[Role.INTAKE_COORDINATOR]
    refusals: list[str] = []

    def run(command: Any, *args: Any, **kwargs: Any) -> bool:
        reason = attempt(command, *args, **kwargs)
        if reason is not None:
            refusals.append(reason)
        return reason is None

    if times["intake"] >= 24 * 730:
        with pytest.raises(RuleViolation, check=lambda e: e.reason == "intake_too_far_back"):
            app.record_intake(
                coordinator,
                RecordIntake(
                    client_pseudonym="CW-GEN",
                    referral_source="GP",
                    primary_need="x",
                    occurred_at=at("intake"),
                ),
            )
        return
    journey_id = app.record_intake(
        coordinator,
        RecordIntake(
            client_pseudonym="CW-GEN",
            referral_source="GP",
            primary_need="x",
            occurred_at=at("intake"),
        ),
    ).id
    first = now - timedelta(hours=times["intake"])
    app.assign_care_team_member(
        lead,
        AssignCareTeamMember(
            journey_id=journey_id,
            practitioner_id=facilitator.practitioner_id,
            role=CareRole.FACILITATOR,
        ),
    )
    decided = at("screening")
    valid_until = local_day(decided) + timedelta(days=times["valid_days"])
    run(
        app.record_screening_decision,
        lead,
        RecordScreeningDecision(
            journey_id=journey_id,
            outcome=ScreeningOutcome.ELIGIBLE,
            criteria=ELIGIBLE_CRITERIA,
            valid_until=valid_until,
            occurred_at=decided,
        ),
    )
    run(
        app.give_consent,
        coordinator,
        GiveConsent(journey_id=journey_id, kind=ConsentKind.TREATMENT, occurred_at=at("consent")),
    )
    run(
        app.record_preparation_session,
        facilitator,
        RecordPreparationSession(
            journey_id=journey_id, duration_minutes=90, occurred_at=at("preparation")
        ),
    )
    run(
        app.record_safety_plan,
        facilitator,
        RecordSafetyPlan(
            journey_id=journey_id,
            emergency_contact="On file",
            transport_plan="Taxi",
            occurred_at=at("safety_plan"),
        ),
    )
    start = at("start")
    end = start + timedelta(minutes=times["minutes"])
    scheduled = run(
        app.schedule_session,
        facilitator,
        ScheduleSession(
            journey_id=journey_id, planned_start=start, planned_end=end, occurred_at=at("scheduled")
        ),
    )
    journey: Journey = app.repository.get(journey_id)
    held = False
    if scheduled:
        (session_id,) = journey.sessions
        held = run(
            app.record_session_outcome,
            facilitator,
            RecordSessionOutcome(
                journey_id=journey_id,
                session_id=session_id,
                started_at=start,
                ended_at=end,
                facilitator_ids=[facilitator.practitioner_id],
                doses=[initial_dose(start)],
            ),
        )
    journey = app.repository.get(journey_id)
    if held:
        follow_up = min(journey.follow_ups.values(), key=lambda f: f.due_on)
        run(
            app.record_contact,
            therapist,
            RecordContact(
                journey_id=journey_id,
                kind=ContactKind.PHONE_CHECK_IN,
                follow_up_id=follow_up.follow_up_id,
                occurred_at=at("contact"),
            ),
        )
        journey = app.repository.get(journey_id)

    # 1. Every refusal names a time rule (time is all that can be wrong with these journeys);
    # once a prerequisite was refused, scheduling may also find it missing.
    assert not refusals or refusals[0] in TIME_REASONS, refusals
    assert set(refusals) <= TIME_REASONS | MISSING, refusals

    # 2. Nothing stored contradicts the record.
    assert all(recorded.occurred_at >= first for _, recorded in records_of(journey))
    for decision in journey.screening_decisions:
        decided_on = local_day(decision.decided.occurred_at)
        assert decision.valid_until is not None
        assert decided_on <= decision.valid_until <= decided_on + timedelta(days=365)
    for session in journey.sessions.values():
        begins = session.started_at or session.planned_start
        assert begins >= first
        assert all(d.decided.occurred_at <= begins for d in journey.screening_decisions)
        assert all(c.given.occurred_at <= begins for c in journey.consents)
        assert all(p.held.occurred_at <= begins for p in journey.preparation_sessions)
        assert all(p.recorded.occurred_at <= begins for p in journey.safety_plans)
        if session.started_at is not None and session.ended_at is not None:
            assert session.scheduled.occurred_at <= session.started_at
            length = session.ended_at - session.started_at
            assert timedelta(minutes=15) <= length <= timedelta(hours=24)
            (screening,) = journey.screening_decisions
            assert screening.valid_until is not None
            assert screening.valid_until >= local_day(session.started_at)
    for contact in journey.contacts:
        assert contact.follow_up_id is not None
        owed_by = journey.sessions[journey.follow_ups[contact.follow_up_id].session_id]
        assert owed_by.ended_at is not None
        assert contact.contacted.occurred_at >= owed_by.ended_at

    # 3. A consistent ordering is accepted in full.
    prerequisites = [at(name) for name in ("screening", "consent", "preparation", "safety_plan")]
    consistent = (
        all(moment >= first for moment in [*prerequisites, at("scheduled")])
        and 0 <= times["valid_days"] <= 365
        and max(prerequisites) <= start
        and at("scheduled") <= start
        and 15 <= times["minutes"] <= 24 * 60
        and valid_until >= local_day(start)
        and start >= first
    )
    event("consistent" if consistent else (refusals or ["accepted"])[0])
    if consistent:
        assert held, refusals
        assert (journey.contacts != []) == (at("contact") >= end), refusals
