"""The journey's events: what each records, how it changes the journey, and what it declares.

Each event class applies itself (`apply_to`, which only assigns: it runs again on every replay),
says its timeline sentence (`summary`) and, where it applies, its decision kind and the fields a
correction may change. The classes were once nested in `Journey`; each keeps the topic its events
are stored under (`TOPIC`, which the eventsourcing library reads), and `Journey` names them all.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any, ClassVar
from uuid import UUID

from eventsourcing.domain import Aggregate

from casework.chain import ChainedAggregate
from casework.journey.values import (
    Addendum,
    CareTeamMember,
    Consent,
    Contact,
    Correction,
    Decision,
    FollowUp,
    PreparationSession,
    Recorded,
    SafetyPlan,
    ScreeningDecision,
    Session,
    SessionStatus,
    Status,
    in_words,
)

if TYPE_CHECKING:
    from casework.journey.aggregate import Journey


class JourneyEvent(ChainedAggregate.Event):
    """A journey event: who recorded it, in which role, when it happened, in which clinic.

    Each event applies itself (`apply_to`) and says what it records (`summary`): both live
    beside its fields, once.
    """

    actor_id: UUID
    actor_role: str
    occurred_at: datetime
    clinic_id: UUID
    decision_kind: ClassVar[str | None] = None
    """The kind of decision it records, for the decision register (None: not a decision)."""
    correctable: ClassVar[dict[str, str]] = {}
    """{a field a correction may change: the attribute of the record it made that shows it}."""
    clinical_time_fixed: ClassVar[bool] = False
    """Other dates were counted from its clinical time: a new entry corrects that, not this."""

    def apply(self, aggregate: Any) -> None:
        self.apply_to(aggregate)

    def apply_to(self, journey: Journey) -> None:
        """Change the journey as this event says: assign only, never check (it replays)."""

    def summary(self) -> str:
        """Return the sentence the timeline shows for this entry; every event says its own."""
        raise NotImplementedError(type(self).__qualname__)

    def recorded(self) -> Recorded:
        """Return who recorded this event and when; it is the journey's next version."""
        return Recorded(
            self.actor_id,
            self.actor_role,
            self.occurred_at,
            self.timestamp,
            version=self.originator_version,
        )


class IntakeRecorded(JourneyEvent, Aggregate.Created):
    TOPIC: ClassVar[str] = "casework.journey.aggregate:Journey.IntakeRecorded"
    correctable: ClassVar[dict[str, str]] = {
        "referral_source": "referral_source",
        "primary_need": "primary_need",
        "existing_support": "existing_support",
    }
    clinical_time_fixed: ClassVar[bool] = True
    client_id: UUID
    client_pseudonym: str
    referral_source: str
    primary_need: str
    existing_support: str | None

    def summary(self) -> str:
        return "Intake recorded"  # the referral is personal text: it is in the details


class CareTeamMemberAssigned(JourneyEvent):
    TOPIC: ClassVar[str] = "casework.journey.aggregate:Journey.CareTeamMemberAssigned"
    practitioner_id: UUID
    role: str

    def apply_to(self, journey: Journey) -> None:
        assigned = self.recorded()
        journey.care_team.append(CareTeamMember(self.practitioner_id, self.role, assigned))

    def summary(self) -> str:
        return f"Care team: {in_words(self.role)} assigned"


class CareTeamMemberUnassigned(JourneyEvent):
    TOPIC: ClassVar[str] = "casework.journey.aggregate:Journey.CareTeamMemberUnassigned"
    practitioner_id: UUID
    reason: str | None

    def apply_to(self, journey: Journey) -> None:
        journey.care_team = [
            m for m in journey.care_team if m.practitioner_id != self.practitioner_id
        ]

    def summary(self) -> str:
        return "Care team: member unassigned"


class ScreeningDecisionRecorded(JourneyEvent):
    TOPIC: ClassVar[str] = "casework.journey.aggregate:Journey.ScreeningDecisionRecorded"
    decision_kind: ClassVar[str] = "screening"
    correctable: ClassVar[dict[str, str]] = {
        "rationale": "rationale",
        "valid_until": "valid_until",
    }
    outcome: str
    criteria: list[dict[str, Any]]
    rationale: str | None
    conditions: list[str]
    co_signer_id: UUID | None
    valid_until: date | None

    def apply_to(self, journey: Journey) -> None:
        decided = self.recorded()
        journey.screening_decisions.append(
            ScreeningDecision(
                self.outcome,
                [dict(c) for c in self.criteria],
                self.rationale,
                list(self.conditions),
                self.co_signer_id,
                self.valid_until,
                decided,
            )
        )

    def summary(self) -> str:
        return f"Screening: {in_words(self.outcome)}" + (
            f", valid until {self.valid_until}" if self.valid_until else ""
        )


class ConsentGiven(JourneyEvent):
    TOPIC: ClassVar[str] = "casework.journey.aggregate:Journey.ConsentGiven"
    correctable: ClassVar[dict[str, str]] = {"notes": "notes"}
    kind: str
    scope: list[str]
    notes: str | None

    def apply_to(self, journey: Journey) -> None:
        given = self.recorded()
        journey.consents.append(Consent(self.kind, list(self.scope), self.notes, given))

    def summary(self) -> str:
        return f"Consent given: {in_words(self.kind)}"


class ConsentWithdrawn(JourneyEvent):
    TOPIC: ClassVar[str] = "casework.journey.aggregate:Journey.ConsentWithdrawn"
    kind: str
    reason: str | None

    def apply_to(self, journey: Journey) -> None:
        for consent in journey.consents:
            if consent.kind == self.kind and consent.active:
                consent.withdrawn = self.recorded()
                consent.withdrawal_reason = self.reason

    def summary(self) -> str:
        return f"Consent withdrawn: {in_words(self.kind)}"


class PreparationSessionRecorded(JourneyEvent):
    TOPIC: ClassVar[str] = "casework.journey.aggregate:Journey.PreparationSessionRecorded"
    correctable: ClassVar[dict[str, str]] = {
        "duration_minutes": "duration_minutes",
        "notes": "notes",
    }
    preparation_id: UUID
    duration_minutes: int
    topics: list[str]
    notes: str | None

    def apply_to(self, journey: Journey) -> None:
        held = self.recorded()
        journey.preparation_sessions.append(
            PreparationSession(
                self.preparation_id, self.duration_minutes, list(self.topics), self.notes, held
            )
        )

    def summary(self) -> str:
        return f"Preparation session ({self.duration_minutes} min)"


class SafetyPlanRecorded(JourneyEvent):
    TOPIC: ClassVar[str] = "casework.journey.aggregate:Journey.SafetyPlanRecorded"
    correctable: ClassVar[dict[str, str]] = {
        "emergency_contact": "emergency_contact",
        "transport_plan": "transport_plan",
        "overnight_plan": "overnight_plan",
        "notes": "notes",
    }
    emergency_contact: str
    transport_plan: str | None
    overnight_plan: str | None
    notes: str | None

    def apply_to(self, journey: Journey) -> None:
        recorded = self.recorded()
        journey.safety_plans.append(
            SafetyPlan(
                self.emergency_contact,
                self.transport_plan,
                self.overnight_plan,
                self.notes,
                recorded,
            )
        )

    def summary(self) -> str:
        return "Safety plan recorded"


class SessionScheduled(JourneyEvent):
    TOPIC: ClassVar[str] = "casework.journey.aggregate:Journey.SessionScheduled"
    session_id: UUID
    planned_start: datetime
    planned_end: datetime
    facilitator_ids: list[UUID]
    location: str | None

    def apply_to(self, journey: Journey) -> None:
        scheduled = self.recorded()
        journey.sessions[self.session_id] = Session(
            self.session_id,
            SessionStatus.SCHEDULED.value,
            self.planned_start,
            self.planned_end,
            list(self.facilitator_ids),
            self.location,
            scheduled,
        )

    def summary(self) -> str:
        return f"Session scheduled for {self.planned_start:%Y-%m-%d %H:%M} UTC"


class SessionRescheduled(JourneyEvent):
    TOPIC: ClassVar[str] = "casework.journey.aggregate:Journey.SessionRescheduled"
    session_id: UUID
    planned_start: datetime
    planned_end: datetime
    reason: str

    def apply_to(self, journey: Journey) -> None:
        session = journey.sessions[self.session_id]
        session.planned_start = self.planned_start
        session.planned_end = self.planned_end
        session.reschedule_count += 1

    def summary(self) -> str:
        return f"Session moved to {self.planned_start:%Y-%m-%d %H:%M} UTC"


class SessionCancelled(JourneyEvent):
    TOPIC: ClassVar[str] = "casework.journey.aggregate:Journey.SessionCancelled"
    session_id: UUID
    reason: str

    def apply_to(self, journey: Journey) -> None:
        session = journey.sessions[self.session_id]
        session.status = SessionStatus.CANCELLED.value
        session.cancellation_reason = self.reason
        session.cancelled = self.recorded()

    def summary(self) -> str:
        return "Session cancelled"


class SessionOutcomeRecorded(JourneyEvent):
    TOPIC: ClassVar[str] = "casework.journey.aggregate:Journey.SessionOutcomeRecorded"
    correctable: ClassVar[dict[str, str]] = {"notes": "notes"}
    clinical_time_fixed: ClassVar[bool] = True
    session_id: UUID
    started_at: datetime
    ended_at: datetime
    facilitator_ids: list[UUID]
    doses: list[dict[str, Any]]
    supportive_touch_used: bool
    touch_areas: list[str]
    adverse_event: dict[str, Any] | None
    notes: str | None
    follow_ups: list[dict[str, Any]]

    def apply_to(self, journey: Journey) -> None:
        session = journey.sessions[self.session_id]
        session.status = SessionStatus.HELD.value
        session.started_at = self.started_at
        session.ended_at = self.ended_at
        session.facilitator_ids = list(self.facilitator_ids)
        session.doses = [dict(d) for d in self.doses]
        session.supportive_touch_used = self.supportive_touch_used
        session.touch_areas = list(self.touch_areas)
        session.adverse_event = dict(self.adverse_event) if self.adverse_event else None
        session.notes = self.notes
        session.outcome = self.recorded()
        for planned in self.follow_ups:
            follow_up = FollowUp(session_id=self.session_id, **planned)
            journey.follow_ups[follow_up.follow_up_id] = follow_up

    def summary(self) -> str:
        return f"Session held, {len(self.follow_ups)} follow-ups owed" + (
            f"; adverse event ({self.adverse_event['severity']})" if self.adverse_event else ""
        )


class ContactRecorded(JourneyEvent):
    TOPIC: ClassVar[str] = "casework.journey.aggregate:Journey.ContactRecorded"
    correctable: ClassVar[dict[str, str]] = {
        "duration_minutes": "duration_minutes",
        "notes": "notes",
    }
    clinical_time_fixed: ClassVar[bool] = True
    contact_id: UUID
    kind: str
    follow_up_id: UUID | None
    duration_minutes: int | None
    notes: str | None
    contact_day: date

    def apply_to(self, journey: Journey) -> None:
        contacted = self.recorded()
        journey.contacts.append(
            Contact(
                self.contact_id,
                self.kind,
                self.follow_up_id,
                self.duration_minutes,
                self.notes,
                contacted,
            )
        )
        if self.follow_up_id is not None:
            journey.follow_ups[self.follow_up_id].done_on = self.contact_day
            journey.follow_ups[self.follow_up_id].contact_id = self.contact_id

    def summary(self) -> str:
        return f"Contact: {in_words(self.kind)}" + (
            " against a follow-up" if self.follow_up_id else ""
        )


class OutreachRecorded(JourneyEvent):
    TOPIC: ClassVar[str] = "casework.journey.aggregate:Journey.OutreachRecorded"
    follow_up_id: UUID
    channel: str
    outcome: str
    notes: str | None

    def apply_to(self, journey: Journey) -> None:
        journey.follow_ups[self.follow_up_id].outreach_attempts += 1

    def summary(self) -> str:
        return f"Outreach by {in_words(self.channel)}: {in_words(self.outcome)}"


class JourneyPaused(JourneyEvent):
    TOPIC: ClassVar[str] = "casework.journey.aggregate:Journey.JourneyPaused"
    decision_kind: ClassVar[str] = "pause"
    correctable: ClassVar[dict[str, str]] = {"reason": "reason", "review_date": "review_date"}
    reason: str
    review_date: date
    conditions_to_resume: list[str]

    def apply_to(self, journey: Journey) -> None:
        decided = self.recorded()
        journey.status = Status.PAUSED
        journey.decisions.append(
            Decision(
                self.decision_kind,
                self.reason,
                decided,
                self.review_date,
                list(self.conditions_to_resume),
            )
        )

    def summary(self) -> str:
        return f"Paused until review on {self.review_date}"


class JourneyResumed(JourneyEvent):
    TOPIC: ClassVar[str] = "casework.journey.aggregate:Journey.JourneyResumed"
    decision_kind: ClassVar[str] = "resumption"
    correctable: ClassVar[dict[str, str]] = {"rationale": "reason"}
    rationale: str

    def apply_to(self, journey: Journey) -> None:
        journey.status = Status.ACTIVE
        decided = self.recorded()
        journey.decisions.append(Decision(self.decision_kind, self.rationale, decided))

    def summary(self) -> str:
        return "Resumed"


class JourneyStopped(JourneyEvent):
    TOPIC: ClassVar[str] = "casework.journey.aggregate:Journey.JourneyStopped"
    decision_kind: ClassVar[str] = "stop"
    correctable: ClassVar[dict[str, str]] = {"rationale": "reason"}
    rationale: str

    def apply_to(self, journey: Journey) -> None:
        journey.status = Status.STOPPED
        decided = self.recorded()
        journey.decisions.append(Decision(self.decision_kind, self.rationale, decided))
        journey._cancel_scheduled_sessions("Journey stopped.", decided)

    def summary(self) -> str:
        return "Stopped (clinical decision)"


class ClientWithdrew(JourneyEvent):
    TOPIC: ClassVar[str] = "casework.journey.aggregate:Journey.ClientWithdrew"
    decision_kind: ClassVar[str] = "withdrawal"
    correctable: ClassVar[dict[str, str]] = {"reason": "reason"}
    reason: str | None

    def apply_to(self, journey: Journey) -> None:
        journey.status = Status.WITHDRAWN
        decided = self.recorded()
        journey.decisions.append(Decision(self.decision_kind, self.reason, decided))
        journey._cancel_scheduled_sessions("Client withdrew.", decided)

    def summary(self) -> str:
        return "Client withdrew"


class JourneyClosed(JourneyEvent):
    TOPIC: ClassVar[str] = "casework.journey.aggregate:Journey.JourneyClosed"
    decision_kind: ClassVar[str] = "closure"
    correctable: ClassVar[dict[str, str]] = {"reason": "reason"}
    reason: str

    def apply_to(self, journey: Journey) -> None:
        journey.status = Status.CLOSED
        decided = self.recorded()
        journey.decisions.append(Decision(self.decision_kind, self.reason, decided))
        journey._cancel_scheduled_sessions("Journey closed.", decided)
        for follow_up in journey.follow_ups.values():
            if follow_up.done_on is None:
                follow_up.cancelled = True

    def summary(self) -> str:
        return "Closed"


class CorrectionRecorded(JourneyEvent):
    TOPIC: ClassVar[str] = "casework.journey.aggregate:Journey.CorrectionRecorded"
    corrected_version: int
    entry_type: str
    field: str
    original_value: Any
    new_value: Any
    reason: str

    def apply_to(self, journey: Journey) -> None:
        corrected = self.recorded()
        journey.corrections.append(
            Correction(
                self.corrected_version,
                self.entry_type,
                self.field,
                self.original_value,
                self.new_value,
                self.reason,
                corrected,
            )
        )
        for record, recorded in journey._records():
            if recorded.version == self.corrected_version:
                if self.field == "occurred_at":
                    recorded.occurred_at = self.new_value
                else:
                    attribute = getattr(type(journey), self.entry_type).correctable[self.field]
                    setattr(record, attribute, self.new_value)

    def summary(self) -> str:
        return f"Correction of entry {self.corrected_version}: {in_words(self.field)}"


class AddendumRecorded(JourneyEvent):
    TOPIC: ClassVar[str] = "casework.journey.aggregate:Journey.AddendumRecorded"
    entry_version: int
    text: str

    def apply_to(self, journey: Journey) -> None:
        added = self.recorded()
        journey.addenda.append(Addendum(self.entry_version, self.text, added))

    def summary(self) -> str:
        return f"Addendum to entry {self.entry_version}"
