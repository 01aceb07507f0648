"""Every step a journey can take, by name, for tests that generate journeys or walk the likely
path: a refused step records nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from uuid import UUID

from casework.application import Casework
from casework.errors import CaseworkError
from casework.journey.commands import (
    AssignCareTeamMember,
    CancelSession,
    CloseJourney,
    GiveConsent,
    PauseJourney,
    RecordAddendum,
    RecordContact,
    RecordCorrection,
    RecordOutreach,
    RecordPreparationSession,
    RecordSafetyPlan,
    RecordScreeningDecision,
    RecordSessionOutcome,
    RecordWithdrawal,
    ResumeJourney,
    ScheduleSession,
    StopJourney,
    UnassignCareTeamMember,
    WithdrawConsent,
)
from casework.journey.values import (
    CareRole,
    ConsentKind,
    ContactKind,
    OutreachChannel,
    OutreachOutcome,
    ScreeningOutcome,
)
from casework.roles import Role
from tests.support.journeys import ELIGIBLE_CRITERIA, initial_dose
from tests.support.staff import Staff

Step = Callable[[Casework, Staff, UUID], object]
SOON = date.today() + timedelta(days=60)
PAST = (datetime.now(UTC) - timedelta(days=9)).replace(microsecond=0)
BEFORE = PAST - timedelta(days=10)
"""When the steps date what a session held at PAST relies on: times cannot contradict the record."""


def _open_follow_up(app: Casework, staff: Staff, journey_id: UUID) -> UUID:
    state = app.get_journey(staff[Role.CLINICAL_LEAD], journey_id)
    open_ = [
        f["follow_up_id"]
        for f in state["follow_ups"]
        if f["status"] in ("due", "overdue", "upcoming")
    ]
    if not open_:
        raise CaseworkError("no open follow-up")
    return UUID(str(open_[0]))


def _latest(app: Casework, staff: Staff, journey_id: UUID, records: str) -> int:
    state = app.get_journey(staff[Role.CLINICAL_LEAD], journey_id)
    if not state[records]:
        raise CaseworkError("nothing to correct")
    recorded = state[records][-1]
    return int((recorded.get("decided") or {})["version"])


def _scheduled(app: Casework, staff: Staff, journey_id: UUID) -> UUID:
    state = app.get_journey(staff[Role.CLINICAL_LEAD], journey_id)
    planned = [s["session_id"] for s in state["sessions"] if s["status"] == "scheduled"]
    if not planned:
        raise CaseworkError("no scheduled session")
    return UUID(str(planned[0]))


STEPS: dict[str, Step] = {
    "assign_facilitator": lambda a, s, j: a.assign_care_team_member(
        s[Role.CLINICAL_LEAD],
        AssignCareTeamMember(
            journey_id=j, practitioner_id=s.id(Role.FACILITATOR), role=CareRole.FACILITATOR
        ),
    ),
    "assign_therapist": lambda a, s, j: a.assign_care_team_member(
        s[Role.CLINICAL_LEAD],
        AssignCareTeamMember(
            journey_id=j,
            practitioner_id=s.id(Role.INTEGRATION_THERAPIST),
            role=CareRole.INTEGRATION_THERAPIST,
        ),
    ),
    "unassign_facilitator": lambda a, s, j: a.unassign_care_team_member(
        s[Role.CLINICAL_LEAD],
        UnassignCareTeamMember(journey_id=j, practitioner_id=s.id(Role.FACILITATOR)),
    ),
    "eligible": lambda a, s, j: a.record_screening_decision(
        s[Role.CLINICAL_LEAD],
        RecordScreeningDecision(
            journey_id=j,
            outcome=ScreeningOutcome.ELIGIBLE,
            criteria=ELIGIBLE_CRITERIA,
            valid_until=SOON,
            occurred_at=BEFORE,
        ),
    ),
    "deferred": lambda a, s, j: a.record_screening_decision(
        s[Role.CLINICAL_LEAD],
        RecordScreeningDecision(
            journey_id=j,
            outcome=ScreeningOutcome.DEFERRED,
            criteria=ELIGIBLE_CRITERIA,
            rationale="Later",
            occurred_at=BEFORE,
        ),
    ),
    "consent": lambda a, s, j: a.give_consent(
        s[Role.INTAKE_COORDINATOR],
        GiveConsent(journey_id=j, kind=ConsentKind.TREATMENT, occurred_at=BEFORE),
    ),
    "withdraw_consent": lambda a, s, j: a.withdraw_consent(
        s[Role.INTAKE_COORDINATOR], WithdrawConsent(journey_id=j, kind=ConsentKind.TREATMENT)
    ),
    "preparation": lambda a, s, j: a.record_preparation_session(
        s[Role.FACILITATOR],
        RecordPreparationSession(journey_id=j, duration_minutes=60, occurred_at=BEFORE),
    ),
    "safety_plan": lambda a, s, j: a.record_safety_plan(
        s[Role.FACILITATOR],
        RecordSafetyPlan(
            journey_id=j, emergency_contact="Partner", transport_plan="Taxi", occurred_at=BEFORE
        ),
    ),
    "schedule": lambda a, s, j: a.schedule_session(
        s[Role.FACILITATOR],
        ScheduleSession(
            journey_id=j,
            planned_start=PAST,
            planned_end=PAST + timedelta(hours=8),
            occurred_at=BEFORE,
        ),
    ),
    "cancel": lambda a, s, j: a.cancel_session(
        s[Role.FACILITATOR],
        CancelSession(journey_id=j, session_id=_scheduled(a, s, j), reason="Unwell"),
    ),
    "hold": lambda a, s, j: a.record_session_outcome(
        s[Role.FACILITATOR],
        RecordSessionOutcome(
            journey_id=j,
            session_id=_scheduled(a, s, j),
            started_at=PAST,
            ended_at=PAST + timedelta(hours=8),
            facilitator_ids=[s.id(Role.FACILITATOR)],
            doses=[initial_dose(PAST)],
        ),
    ),
    "contact": lambda a, s, j: a.record_contact(
        s[Role.INTEGRATION_THERAPIST],
        RecordContact(
            journey_id=j, kind=ContactKind.PHONE_CHECK_IN, follow_up_id=_open_follow_up(a, s, j)
        ),
    ),
    "ad_hoc_contact": lambda a, s, j: a.record_contact(
        s[Role.INTEGRATION_THERAPIST], RecordContact(journey_id=j, kind=ContactKind.OTHER)
    ),
    "outreach": lambda a, s, j: a.record_outreach(
        s[Role.INTEGRATION_THERAPIST],
        RecordOutreach(
            journey_id=j,
            follow_up_id=_open_follow_up(a, s, j),
            channel=OutreachChannel.SMS,
            outcome=OutreachOutcome.NO_ANSWER,
        ),
    ),
    "pause": lambda a, s, j: a.pause_journey(
        s[Role.CLINICAL_LEAD],
        PauseJourney(
            journey_id=j, reason="Stress", review_date=SOON, conditions_to_resume=["Calm"]
        ),
    ),
    "resume": lambda a, s, j: a.resume_journey(
        s[Role.CLINICAL_LEAD], ResumeJourney(journey_id=j, rationale="Calm again")
    ),
    "stop": lambda a, s, j: a.stop_journey(
        s[Role.CLINICAL_LEAD], StopJourney(journey_id=j, rationale="Cardiac finding")
    ),
    "withdraw": lambda a, s, j: a.record_withdrawal(
        s[Role.INTAKE_COORDINATOR], RecordWithdrawal(journey_id=j, reason=None)
    ),
    "close": lambda a, s, j: a.close_journey(
        s[Role.CLINICAL_LEAD], CloseJourney(journey_id=j, reason="Done")
    ),
    "expire_screening": lambda a, s, j: a.record_correction(
        s[Role.CLINICAL_LEAD],
        RecordCorrection(
            journey_id=j,
            field="valid_until",
            new_value="2020-01-01",
            reason="Wrong year",
            corrects_version=_latest(a, s, j, "screening_decisions"),
        ),
    ),
    "correct_decision": lambda a, s, j: a.record_correction(
        s[Role.CLINICAL_LEAD],
        RecordCorrection(
            journey_id=j,
            field="reason",
            new_value="Corrected reason",
            reason="Clearer",
            corrects_version=_latest(a, s, j, "decisions"),
        ),
    ),
    "addendum": lambda a, s, j: a.record_addendum(
        s[Role.INTEGRATION_THERAPIST],
        RecordAddendum(journey_id=j, entry_version=1, text="Later note"),
    ),
}

LIKELY_PATH = [
    "assign_facilitator",
    "assign_therapist",
    "eligible",
    "consent",
    "preparation",
    "safety_plan",
    "schedule",
    "hold",
    "contact",
    "outreach",
]
