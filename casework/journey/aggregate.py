"""The journey: one course of care for one client, from intake to closure.

Public methods check every rule first and raise; the `@event` methods they call only assign,
because those run again on every replay.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from casework.chain import ChainedAggregate
from casework.errors import InvalidInput, NotFound, RuleViolation
from casework.journey.corrections import CORRECTABLE, correctable_fields, corrected_value
from casework.journey.followups import plan_follow_ups
from casework.journey.rules import (
    adverse_event_values,
    check_doses,
    check_screening_input,
    check_session_times,
    check_touch,
    criteria_values,
    dose_values,
)
from casework.journey.values import (
    ELIGIBLE_OUTCOMES,
    Addendum,
    CareRole,
    CareTeamMember,
    Consent,
    ConsentKind,
    Contact,
    ContactKind,
    Correction,
    Decision,
    FollowUp,
    OutreachChannel,
    OutreachOutcome,
    Phase,
    PreparationSession,
    Recorded,
    SafetyPlan,
    ScreeningDecision,
    ScreeningOutcome,
    Session,
    SessionStatus,
    Status,
)
from casework.roles import Acting

_REFUSALS_BY_STATUS = {
    Status.PAUSED: (
        "journey_paused",
        "The journey is paused: no sessions until it is resumed.",
    ),
    Status.STOPPED: (
        "journey_stopped",
        "The journey was stopped: no further sessions.",
    ),
    Status.WITHDRAWN: ("client_withdrew", "The client withdrew: no further sessions."),
}


class Journey(ChainedAggregate):
    """One client's course of care, as a state machine that enforces PRODUCT.md's invariants."""

    class Event(ChainedAggregate.Event):
        actor_id: UUID
        actor_role: str
        occurred_at: datetime
        clinic_id: UUID

    def trigger_event(self, event_class: Any, **kwargs: Any) -> None:
        """Stamp every journey event with its clinic, so that each event names its tenant."""
        super().trigger_event(event_class, clinic_id=self.clinic_id, **kwargs)

    # -- intake ----------------------------------------------------------------------------

    class IntakeRecorded(Event, Aggregate.Created):
        client_id: UUID
        client_pseudonym: str
        referral_source: str
        primary_need: str
        existing_support: str | None

    @event(IntakeRecorded)
    def __init__(
        self,
        actor_id: UUID,
        actor_role: str,
        occurred_at: datetime,
        clinic_id: UUID,
        client_id: UUID,
        client_pseudonym: str,
        referral_source: str,
        primary_need: str,
        existing_support: str | None,
        timestamp: datetime | None = None,
    ) -> None:
        self.clinic_id = clinic_id
        self.client_id = client_id
        self.client_pseudonym = client_pseudonym
        self.referral_source = referral_source
        self.primary_need = primary_need
        self.existing_support = existing_support
        assert timestamp is not None  # the library always sets it before the event is applied
        self.intake = Recorded(actor_id, actor_role, occurred_at, timestamp, version=1)
        self.status = Status.ACTIVE
        self.care_team: list[CareTeamMember] = []
        self.screening_decisions: list[ScreeningDecision] = []
        self.consents: list[Consent] = []
        self.preparation_sessions: list[PreparationSession] = []
        self.safety_plan: SafetyPlan | None = None
        self.sessions: dict[UUID, Session] = {}
        self.follow_ups: dict[UUID, FollowUp] = {}
        self.contacts: list[Contact] = []
        self.decisions: list[Decision] = []
        self.corrections: list[Correction] = []
        self.addenda: list[Addendum] = []

    # -- care team -------------------------------------------------------------------------

    class CareTeamMemberAssigned(Event):
        practitioner_id: UUID
        role: str

    def assign_care_team_member(
        self, acting: Acting, practitioner_id: UUID, role: CareRole
    ) -> None:
        """Put a practitioner on the care team in one role (they must hold that role)."""
        self._check_open(acting)
        if self.care_team_member(practitioner_id, role) is not None:
            raise RuleViolation(
                "already_on_care_team", "The practitioner already has this role here."
            )
        self._assign_care_team_member(*acting, practitioner_id=practitioner_id, role=role.value)

    @event(CareTeamMemberAssigned)
    def _assign_care_team_member(
        self,
        actor_id: UUID,
        actor_role: str,
        occurred_at: datetime,
        practitioner_id: UUID,
        role: str,
        timestamp: datetime | None = None,
    ) -> None:
        assigned = self._recorded(actor_id, actor_role, occurred_at, timestamp)
        self.care_team.append(CareTeamMember(practitioner_id, role, assigned))

    class CareTeamMemberUnassigned(Event):
        practitioner_id: UUID
        reason: str | None

    def unassign_care_team_member(
        self, acting: Acting, practitioner_id: UUID, reason: str | None
    ) -> None:
        """Take a practitioner off the care team (every role they held on it)."""
        self._check_open(acting)
        if not any(m.practitioner_id == practitioner_id for m in self.care_team):
            raise NotFound("The practitioner is not on this journey's care team.")
        self._unassign_care_team_member(*acting, practitioner_id=practitioner_id, reason=reason)

    @event(CareTeamMemberUnassigned)
    def _unassign_care_team_member(
        self,
        actor_id: UUID,
        actor_role: str,
        occurred_at: datetime,
        practitioner_id: UUID,
        reason: str | None,
    ) -> None:
        self.care_team = [m for m in self.care_team if m.practitioner_id != practitioner_id]

    def care_team_member(self, practitioner_id: UUID, role: CareRole) -> CareTeamMember | None:
        """Return the care-team membership of `practitioner_id` in `role`, if there is one."""
        for member in self.care_team:
            if member.practitioner_id == practitioner_id and member.role == role.value:
                return member
        return None

    # -- screening -------------------------------------------------------------------------

    class ScreeningDecisionRecorded(Event):
        outcome: str
        criteria: list[dict[str, Any]]
        rationale: str | None
        conditions: list[str]
        co_signer_id: UUID | None
        valid_until: date | None

    def record_screening_decision(
        self,
        acting: Acting,
        outcome: ScreeningOutcome,
        criteria: list[dict[str, Any]],
        rationale: str | None,
        conditions: list[str],
        co_signer_id: UUID | None,
        valid_until: date | None,
        decided_on: date,
    ) -> None:
        """Record who decided eligibility, on which criteria, why, and until when it holds."""
        self._check_open(acting)
        self._check_not_ended()
        check_screening_input(outcome, criteria, rationale, conditions, valid_until, decided_on)
        if co_signer_id == acting.actor_id:
            raise InvalidInput.field("co_signer_id", "The co-signer must not be the decider.")
        self._record_screening_decision(
            *acting,
            outcome=outcome.value,
            criteria=criteria_values(criteria),
            rationale=rationale,
            conditions=list(conditions),
            co_signer_id=co_signer_id,
            valid_until=valid_until,
        )

    @event(ScreeningDecisionRecorded)
    def _record_screening_decision(
        self,
        actor_id: UUID,
        actor_role: str,
        occurred_at: datetime,
        outcome: str,
        criteria: list[dict[str, Any]],
        rationale: str | None,
        conditions: list[str],
        co_signer_id: UUID | None,
        valid_until: date | None,
        timestamp: datetime | None = None,
    ) -> None:
        decided = self._recorded(actor_id, actor_role, occurred_at, timestamp)
        self.screening_decisions.append(
            ScreeningDecision(
                outcome,
                [dict(c) for c in criteria],
                rationale,
                list(conditions),
                co_signer_id,
                valid_until,
                decided,
            )
        )

    # -- consents, preparation, safety plan ------------------------------------------------

    class ConsentGiven(Event):
        kind: str
        scope: list[str]
        notes: str | None

    def give_consent(
        self, acting: Acting, kind: ConsentKind, scope: list[str], notes: str | None
    ) -> None:
        """Record a consent; supportive touch needs the scope the client agreed to."""
        self._check_open(acting)
        if self.active_consent(kind) is not None:
            raise RuleViolation("consent_already_active", "This consent is already given.")
        if kind is ConsentKind.SUPPORTIVE_TOUCH and not scope:
            raise InvalidInput.field("scope", "Name the agreed scope of supportive touch.")
        self._give_consent(*acting, kind=kind.value, scope=list(scope), notes=notes)

    @event(ConsentGiven)
    def _give_consent(
        self,
        actor_id: UUID,
        actor_role: str,
        occurred_at: datetime,
        kind: str,
        scope: list[str],
        notes: str | None,
        timestamp: datetime | None = None,
    ) -> None:
        given = self._recorded(actor_id, actor_role, occurred_at, timestamp)
        self.consents.append(Consent(kind, list(scope), notes, given))

    class ConsentWithdrawn(Event):
        kind: str
        reason: str | None

    def withdraw_consent(self, acting: Acting, kind: ConsentKind, reason: str | None) -> None:
        """Record that the client withdrew a consent; it takes effect at once."""
        self._check_open(acting)
        if self.active_consent(kind) is None:
            raise RuleViolation("consent_not_active", "There is no active consent of this kind.")
        self._withdraw_consent(*acting, kind=kind.value, reason=reason)

    @event(ConsentWithdrawn)
    def _withdraw_consent(
        self,
        actor_id: UUID,
        actor_role: str,
        occurred_at: datetime,
        kind: str,
        reason: str | None,
        timestamp: datetime | None = None,
    ) -> None:
        for consent in self.consents:
            if consent.kind == kind and consent.active:
                consent.withdrawn = self._recorded(actor_id, actor_role, occurred_at, timestamp)
                consent.withdrawal_reason = reason

    def active_consent(self, kind: ConsentKind) -> Consent | None:
        """Return the consent of `kind` that is given and not withdrawn, if any."""
        for consent in self.consents:
            if consent.kind == kind.value and consent.active:
                return consent
        return None

    class PreparationSessionRecorded(Event):
        preparation_id: UUID
        duration_minutes: int
        topics: list[str]
        notes: str | None

    def record_preparation_session(
        self,
        acting: Acting,
        preparation_id: UUID,
        duration_minutes: int,
        topics: list[str],
        notes: str | None,
    ) -> None:
        """Record a preparation session that was held."""
        self._check_open(acting)
        self._record_preparation_session(
            *acting,
            preparation_id=preparation_id,
            duration_minutes=duration_minutes,
            topics=list(topics),
            notes=notes,
        )

    @event(PreparationSessionRecorded)
    def _record_preparation_session(
        self,
        actor_id: UUID,
        actor_role: str,
        occurred_at: datetime,
        preparation_id: UUID,
        duration_minutes: int,
        topics: list[str],
        notes: str | None,
        timestamp: datetime | None = None,
    ) -> None:
        held = self._recorded(actor_id, actor_role, occurred_at, timestamp)
        self.preparation_sessions.append(
            PreparationSession(preparation_id, duration_minutes, list(topics), notes, held)
        )

    class SafetyPlanRecorded(Event):
        emergency_contact: str
        transport_plan: str | None
        overnight_plan: str | None
        notes: str | None

    def record_safety_plan(
        self,
        acting: Acting,
        emergency_contact: str,
        transport_plan: str | None,
        overnight_plan: str | None,
        notes: str | None,
    ) -> None:
        """Record (or replace) the safety plan: an emergency contact, and transport or overnight."""
        self._check_open(acting)
        if not (transport_plan or "").strip() and not (overnight_plan or "").strip():
            raise InvalidInput.field(
                "transport_plan", "Give a transport plan or an overnight plan."
            )
        self._record_safety_plan(
            *acting,
            emergency_contact=emergency_contact,
            transport_plan=transport_plan,
            overnight_plan=overnight_plan,
            notes=notes,
        )

    @event(SafetyPlanRecorded)
    def _record_safety_plan(
        self,
        actor_id: UUID,
        actor_role: str,
        occurred_at: datetime,
        emergency_contact: str,
        transport_plan: str | None,
        overnight_plan: str | None,
        notes: str | None,
        timestamp: datetime | None = None,
    ) -> None:
        recorded = self._recorded(actor_id, actor_role, occurred_at, timestamp)
        self.safety_plan = SafetyPlan(
            emergency_contact, transport_plan, overnight_plan, notes, recorded
        )

    # -- sessions --------------------------------------------------------------------------

    def session_blockers(self, on: date) -> list[str]:
        """Return the reason codes that keep a session on `on` from being scheduled."""
        blockers: list[str] = []
        if self.status is Status.CLOSED:
            return ["journey_closed"]
        if self.status in _REFUSALS_BY_STATUS:
            blockers.append(_REFUSALS_BY_STATUS[self.status][0])
        latest = self.screening_decisions[-1] if self.screening_decisions else None
        if latest is None:
            blockers.append("screening_missing")
        elif latest.outcome not in ELIGIBLE_OUTCOMES:
            blockers.append("screening_not_eligible")
        elif latest.valid_until is None or latest.valid_until < on:
            blockers.append("screening_expired")
        if not self.preparation_sessions:
            blockers.append("preparation_missing")
        if self.active_consent(ConsentKind.TREATMENT) is None:
            blockers.append("treatment_consent_missing")
        if self.safety_plan is None:
            blockers.append("safety_plan_missing")
        if not any(m.role == CareRole.FACILITATOR.value for m in self.care_team):
            blockers.append("no_facilitator_on_care_team")
        return blockers

    def _check_can_schedule(self, on: date) -> None:
        blockers = self.session_blockers(on)
        if blockers:
            raise RuleViolation(
                blockers[0],
                "A session cannot be scheduled yet: " + ", ".join(blockers) + ".",
                {"blockers": blockers},
            )

    def _check_facilitators(self, facilitator_ids: list[UUID], field: str) -> None:
        for practitioner_id in facilitator_ids:
            if self.care_team_member(practitioner_id, CareRole.FACILITATOR) is None:
                raise RuleViolation(
                    "facilitator_not_on_care_team",
                    f"Every practitioner in {field} must be a facilitator on the care team.",
                )

    def _scheduled_session(self, session_id: UUID) -> Session:
        session = self.sessions.get(session_id)
        if session is None:
            raise NotFound("No such session on this journey.")
        if session.status != SessionStatus.SCHEDULED.value:
            raise RuleViolation(
                f"session_{session.status}", f"The session is already {session.status}."
            )
        return session

    class SessionScheduled(Event):
        session_id: UUID
        planned_start: datetime
        planned_end: datetime
        facilitator_ids: list[UUID]
        location: str | None

    def schedule_session(
        self,
        acting: Acting,
        session_id: UUID,
        planned_start: datetime,
        planned_end: datetime,
        facilitator_ids: list[UUID],
        location: str | None,
        planned_day: date,
    ) -> None:
        """Schedule a medicine session; `planned_day` is its date in the clinic's time zone."""
        self._check_open(acting)
        check_session_times(planned_start, planned_end, ("planned_start", "planned_end"))
        if any(s.status == SessionStatus.SCHEDULED.value for s in self.sessions.values()):
            raise RuleViolation(
                "session_already_scheduled",
                "Another session is scheduled and not yet held.",
            )
        self._check_can_schedule(planned_day)
        self._check_facilitators(facilitator_ids, "facilitator_ids")
        self._schedule_session(
            *acting,
            session_id=session_id,
            planned_start=planned_start,
            planned_end=planned_end,
            facilitator_ids=list(facilitator_ids),
            location=location,
        )

    @event(SessionScheduled)
    def _schedule_session(
        self,
        actor_id: UUID,
        actor_role: str,
        occurred_at: datetime,
        session_id: UUID,
        planned_start: datetime,
        planned_end: datetime,
        facilitator_ids: list[UUID],
        location: str | None,
        timestamp: datetime | None = None,
    ) -> None:
        scheduled = self._recorded(actor_id, actor_role, occurred_at, timestamp)
        self.sessions[session_id] = Session(
            session_id,
            SessionStatus.SCHEDULED.value,
            planned_start,
            planned_end,
            list(facilitator_ids),
            location,
            scheduled,
        )

    class SessionRescheduled(Event):
        session_id: UUID
        planned_start: datetime
        planned_end: datetime
        reason: str

    def reschedule_session(
        self,
        acting: Acting,
        session_id: UUID,
        planned_start: datetime,
        planned_end: datetime,
        reason: str,
        planned_day: date,
    ) -> None:
        """Move a scheduled session; every scheduling rule is checked again for the new date."""
        self._check_open(acting)
        self._scheduled_session(session_id)
        check_session_times(planned_start, planned_end, ("planned_start", "planned_end"))
        self._check_can_schedule(planned_day)
        self._reschedule_session(
            *acting,
            session_id=session_id,
            planned_start=planned_start,
            planned_end=planned_end,
            reason=reason,
        )

    @event(SessionRescheduled)
    def _reschedule_session(
        self,
        actor_id: UUID,
        actor_role: str,
        occurred_at: datetime,
        session_id: UUID,
        planned_start: datetime,
        planned_end: datetime,
        reason: str,
    ) -> None:
        session = self.sessions[session_id]
        session.planned_start = planned_start
        session.planned_end = planned_end
        session.reschedule_count += 1

    class SessionCancelled(Event):
        session_id: UUID
        reason: str

    def cancel_session(self, acting: Acting, session_id: UUID, reason: str) -> None:
        """Cancel a scheduled session, with a reason."""
        self._check_open(acting)
        self._scheduled_session(session_id)
        self._cancel_session(*acting, session_id=session_id, reason=reason)

    @event(SessionCancelled)
    def _cancel_session(
        self,
        actor_id: UUID,
        actor_role: str,
        occurred_at: datetime,
        session_id: UUID,
        reason: str,
        timestamp: datetime | None = None,
    ) -> None:
        session = self.sessions[session_id]
        session.status = SessionStatus.CANCELLED.value
        session.cancellation_reason = reason
        session.cancelled = self._recorded(actor_id, actor_role, occurred_at, timestamp)

    class SessionOutcomeRecorded(Event):
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

    def record_session_outcome(
        self,
        acting: Acting,
        session_id: UUID,
        started_at: datetime,
        ended_at: datetime,
        facilitator_ids: list[UUID],
        doses: list[dict[str, Any]],
        supportive_touch_used: bool,
        touch_areas: list[str],
        adverse_event: dict[str, Any] | None,
        notes: str | None,
        min_facilitators: int,
        session_day: date,
        follow_up_schedule: list[dict[str, Any]],
    ) -> None:
        """Record a held session and schedule the follow-ups it owes from `session_day` (D0)."""
        self._check_open(acting)
        self._scheduled_session(session_id)
        self._check_sessions_allowed()
        if self.active_consent(ConsentKind.TREATMENT) is None:
            raise RuleViolation(
                "treatment_consent_missing",
                "Treatment consent is not active: the session cannot be held.",
            )
        check_session_times(started_at, ended_at, ("started_at", "ended_at"))
        if len(set(facilitator_ids)) < min_facilitators:
            raise RuleViolation(
                "too_few_facilitators",
                f"The clinic's protocol needs {min_facilitators} facilitator(s) per session.",
            )
        self._check_facilitators(facilitator_ids, "facilitator_ids")
        check_doses(doses, started_at, ended_at)
        touch_consent = self.active_consent(ConsentKind.SUPPORTIVE_TOUCH)
        check_touch(
            supportive_touch_used,
            touch_areas,
            touch_consent.scope if touch_consent else None,
        )
        owners = {m.role: m.practitioner_id for m in self.care_team}
        self._record_session_outcome(
            *acting,
            session_id=session_id,
            started_at=started_at,
            ended_at=ended_at,
            facilitator_ids=list(facilitator_ids),
            doses=dose_values(doses),
            supportive_touch_used=supportive_touch_used,
            touch_areas=list(touch_areas),
            adverse_event=adverse_event_values(adverse_event),
            notes=notes,
            follow_ups=plan_follow_ups(session_id, session_day, follow_up_schedule, owners),
        )

    @event(SessionOutcomeRecorded)
    def _record_session_outcome(
        self,
        actor_id: UUID,
        actor_role: str,
        occurred_at: datetime,
        session_id: UUID,
        started_at: datetime,
        ended_at: datetime,
        facilitator_ids: list[UUID],
        doses: list[dict[str, Any]],
        supportive_touch_used: bool,
        touch_areas: list[str],
        adverse_event: dict[str, Any] | None,
        notes: str | None,
        follow_ups: list[dict[str, Any]],
        timestamp: datetime | None = None,
    ) -> None:
        session = self.sessions[session_id]
        session.status = SessionStatus.HELD.value
        session.started_at = started_at
        session.ended_at = ended_at
        session.facilitator_ids = list(facilitator_ids)
        session.doses = [dict(d) for d in doses]
        session.supportive_touch_used = supportive_touch_used
        session.touch_areas = list(touch_areas)
        session.adverse_event = dict(adverse_event) if adverse_event else None
        session.notes = notes
        session.outcome = self._recorded(actor_id, actor_role, occurred_at, timestamp)
        for planned in follow_ups:
            follow_up = FollowUp(session_id=session_id, **planned)
            self.follow_ups[follow_up.follow_up_id] = follow_up

    # -- after a session: contacts and outreach --------------------------------------------

    def _open_follow_up(self, follow_up_id: UUID) -> FollowUp:
        follow_up = self.follow_ups.get(follow_up_id)
        if follow_up is None:
            raise NotFound("No such follow-up on this journey.")
        if follow_up.done_on is not None:
            raise RuleViolation("follow_up_already_done", "A contact is already recorded for it.")
        if follow_up.cancelled:
            raise RuleViolation("follow_up_cancelled", "The follow-up was cancelled at closure.")
        return follow_up

    class ContactRecorded(Event):
        contact_id: UUID
        kind: str
        follow_up_id: UUID | None
        duration_minutes: int | None
        notes: str | None
        contact_day: date

    def record_contact(
        self,
        acting: Acting,
        contact_id: UUID,
        kind: ContactKind,
        follow_up_id: UUID | None,
        duration_minutes: int | None,
        notes: str | None,
        contact_day: date,
    ) -> None:
        """Record an integration contact, against a follow-up (which it completes) or ad hoc."""
        self._check_open(acting)
        if follow_up_id is not None:
            self._open_follow_up(follow_up_id)
        self._record_contact(
            *acting,
            contact_id=contact_id,
            kind=kind.value,
            follow_up_id=follow_up_id,
            duration_minutes=duration_minutes,
            notes=notes,
            contact_day=contact_day,
        )

    @event(ContactRecorded)
    def _record_contact(
        self,
        actor_id: UUID,
        actor_role: str,
        occurred_at: datetime,
        contact_id: UUID,
        kind: str,
        follow_up_id: UUID | None,
        duration_minutes: int | None,
        notes: str | None,
        contact_day: date,
        timestamp: datetime | None = None,
    ) -> None:
        contacted = self._recorded(actor_id, actor_role, occurred_at, timestamp)
        self.contacts.append(
            Contact(contact_id, kind, follow_up_id, duration_minutes, notes, contacted)
        )
        if follow_up_id is not None:
            self.follow_ups[follow_up_id].done_on = contact_day
            self.follow_ups[follow_up_id].contact_id = contact_id

    class OutreachRecorded(Event):
        follow_up_id: UUID
        channel: str
        outcome: str
        notes: str | None

    def record_outreach(
        self,
        acting: Acting,
        follow_up_id: UUID,
        channel: OutreachChannel,
        outcome: OutreachOutcome,
        notes: str | None,
    ) -> None:
        """Record an attempt to reach the client about a follow-up that is still open."""
        self._check_open(acting)
        self._open_follow_up(follow_up_id)
        self._record_outreach(
            *acting,
            follow_up_id=follow_up_id,
            channel=channel.value,
            outcome=outcome.value,
            notes=notes,
        )

    @event(OutreachRecorded)
    def _record_outreach(
        self,
        actor_id: UUID,
        actor_role: str,
        occurred_at: datetime,
        follow_up_id: UUID,
        channel: str,
        outcome: str,
        notes: str | None,
    ) -> None:
        self.follow_ups[follow_up_id].outreach_attempts += 1

    # -- decisions: pause, resumption, stop, withdrawal, closure ---------------------------

    class JourneyPaused(Event):
        reason: str
        review_date: date
        conditions_to_resume: list[str]

    def pause_journey(
        self,
        acting: Acting,
        reason: str,
        review_date: date,
        conditions_to_resume: list[str],
        decided_on: date,
    ) -> None:
        """Pause sessions (not care) until a resumption decision; follow-ups stay due."""
        self._check_open(acting)
        self._check_sessions_allowed()
        if review_date < decided_on:
            raise InvalidInput.field("review_date", "Must not be before the day of the decision.")
        self._pause_journey(
            *acting,
            reason=reason,
            review_date=review_date,
            conditions_to_resume=list(conditions_to_resume),
        )

    @event(JourneyPaused)
    def _pause_journey(
        self,
        actor_id: UUID,
        actor_role: str,
        occurred_at: datetime,
        reason: str,
        review_date: date,
        conditions_to_resume: list[str],
        timestamp: datetime | None = None,
    ) -> None:
        decided = self._recorded(actor_id, actor_role, occurred_at, timestamp)
        self.status = Status.PAUSED
        self.decisions.append(
            Decision("pause", reason, decided, review_date, list(conditions_to_resume))
        )

    class JourneyResumed(Event):
        rationale: str

    def resume_journey(self, acting: Acting, rationale: str) -> None:
        """Lift a pause: its own decision, with a rationale."""
        self._check_open(acting)
        if self.status is not Status.PAUSED:
            raise RuleViolation("journey_not_paused", "The journey is not paused.")
        self._resume_journey(*acting, rationale=rationale)

    @event(JourneyResumed)
    def _resume_journey(
        self,
        actor_id: UUID,
        actor_role: str,
        occurred_at: datetime,
        rationale: str,
        timestamp: datetime | None = None,
    ) -> None:
        self.status = Status.ACTIVE
        decided = self._recorded(actor_id, actor_role, occurred_at, timestamp)
        self.decisions.append(Decision("resumption", rationale, decided))

    class JourneyStopped(Event):
        rationale: str

    def stop_journey(self, acting: Acting, rationale: str) -> None:
        """Stop sessions for clinical reasons; follow-ups already owed continue."""
        self._check_open(acting)
        self._check_not_ended()
        self._stop_journey(*acting, rationale=rationale)

    @event(JourneyStopped)
    def _stop_journey(
        self,
        actor_id: UUID,
        actor_role: str,
        occurred_at: datetime,
        rationale: str,
        timestamp: datetime | None = None,
    ) -> None:
        self.status = Status.STOPPED
        decided = self._recorded(actor_id, actor_role, occurred_at, timestamp)
        self.decisions.append(Decision("stop", rationale, decided))
        self._cancel_scheduled_sessions("Journey stopped.", decided)

    class ClientWithdrew(Event):
        reason: str | None

    def record_withdrawal(self, acting: Acting, reason: str | None) -> None:
        """Record the client's withdrawal: immediate, needs no approval; follow-ups continue."""
        self._check_open(acting)
        self._check_not_ended()
        self._record_withdrawal(*acting, reason=reason)

    @event(ClientWithdrew)
    def _record_withdrawal(
        self,
        actor_id: UUID,
        actor_role: str,
        occurred_at: datetime,
        reason: str | None,
        timestamp: datetime | None = None,
    ) -> None:
        self.status = Status.WITHDRAWN
        decided = self._recorded(actor_id, actor_role, occurred_at, timestamp)
        self.decisions.append(Decision("withdrawal", reason, decided))
        self._cancel_scheduled_sessions("Client withdrew.", decided)

    class JourneyClosed(Event):
        reason: str

    def close_journey(self, acting: Acting, reason: str) -> None:
        """Close the journey: final; cancels the follow-ups still open and any scheduled session."""
        self._check_open(acting)
        self._close_journey(*acting, reason=reason)

    @event(JourneyClosed)
    def _close_journey(
        self,
        actor_id: UUID,
        actor_role: str,
        occurred_at: datetime,
        reason: str,
        timestamp: datetime | None = None,
    ) -> None:
        self.status = Status.CLOSED
        decided = self._recorded(actor_id, actor_role, occurred_at, timestamp)
        self.decisions.append(Decision("closure", reason, decided))
        self._cancel_scheduled_sessions("Journey closed.", decided)
        for follow_up in self.follow_ups.values():
            if follow_up.done_on is None:
                follow_up.cancelled = True

    def _cancel_scheduled_sessions(self, reason: str, decided: Recorded) -> None:
        for session in self.sessions.values():
            if session.status == SessionStatus.SCHEDULED.value:
                session.status = SessionStatus.CANCELLED.value
                session.cancellation_reason = reason
                session.cancelled = decided

    # -- corrections and addenda: history is never edited, only added to -------------------

    class CorrectionRecorded(Event):
        corrected_version: int
        entry_type: str
        field: str
        original_value: Any
        new_value: Any
        reason: str

    def record_correction(
        self, acting: Acting, entry: Any, field: str, new_value: Any, reason: str
    ) -> None:
        """Correct one field of an earlier entry (allowed after closure); the original remains."""
        self._check_after_intake(acting)
        entry_type = type(entry).__name__
        if field not in correctable_fields(entry_type):
            fields = ", ".join(correctable_fields(entry_type)) or "none"
            raise InvalidInput.field("field", f"Correctable fields of a {entry_type}: {fields}.")
        original = self._current_value(entry, field)
        value = corrected_value(field, original, new_value)
        if value == original:
            raise InvalidInput.field("new_value", "Same as the value recorded now.")
        if field == "occurred_at" and value < self.intake.occurred_at:
            raise InvalidInput.field("new_value", "Must not be before the intake.")
        self._record_correction(
            *acting,
            corrected_version=entry.originator_version,
            entry_type=entry_type,
            field=field,
            original_value=original,
            new_value=value,
            reason=reason,
        )

    def _current_value(self, entry: Any, field: str) -> Any:
        for correction in reversed(self.corrections):
            if (
                correction.corrected_version == entry.originator_version
                and correction.field == field
            ):
                return correction.new_value
        return getattr(entry, field)

    @event(CorrectionRecorded)
    def _record_correction(
        self,
        actor_id: UUID,
        actor_role: str,
        occurred_at: datetime,
        corrected_version: int,
        entry_type: str,
        field: str,
        original_value: Any,
        new_value: Any,
        reason: str,
        timestamp: datetime | None = None,
    ) -> None:
        corrected = self._recorded(actor_id, actor_role, occurred_at, timestamp)
        self.corrections.append(
            Correction(
                corrected_version, entry_type, field, original_value, new_value, reason, corrected
            )
        )
        for record, recorded in self._records():
            if recorded.version == corrected_version:
                if field == "occurred_at":
                    recorded.occurred_at = new_value
                else:
                    setattr(record, CORRECTABLE[entry_type][field], new_value)

    class AddendumRecorded(Event):
        entry_version: int
        text: str

    def record_addendum(self, acting: Acting, entry_version: int, text: str) -> None:
        """Add text to an earlier entry (allowed after closure); the entry stays as it was."""
        self._check_after_intake(acting)
        if not 1 <= entry_version <= self.version:
            raise InvalidInput.field(
                "entry_version", f"The journey has entries 1 to {self.version}."
            )
        self._record_addendum(*acting, entry_version=entry_version, text=text)

    @event(AddendumRecorded)
    def _record_addendum(
        self,
        actor_id: UUID,
        actor_role: str,
        occurred_at: datetime,
        entry_version: int,
        text: str,
        timestamp: datetime | None = None,
    ) -> None:
        added = self._recorded(actor_id, actor_role, occurred_at, timestamp)
        self.addenda.append(Addendum(entry_version, text, added))

    def _records(self) -> Iterator[tuple[Any, Recorded]]:
        """Yield every record of the state with the who-and-when of the entry that made it."""
        yield self, self.intake
        yield from ((m, m.assigned) for m in self.care_team)
        yield from ((d, d.decided) for d in self.screening_decisions)
        yield from ((c, c.given) for c in self.consents)
        yield from ((p, p.held) for p in self.preparation_sessions)
        if self.safety_plan is not None:
            yield self.safety_plan, self.safety_plan.recorded
        yield from ((s, s.outcome) for s in self.sessions.values() if s.outcome is not None)
        yield from ((c, c.contacted) for c in self.contacts)
        yield from ((d, d.decided) for d in self.decisions)

    # -- state checks shared by the commands -----------------------------------------------

    def _recorded(
        self, actor_id: UUID, actor_role: str, occurred_at: datetime, timestamp: datetime | None
    ) -> Recorded:
        """Return who and when of the event being applied (it becomes the next version)."""
        assert timestamp is not None  # the library always sets it before the event is applied
        return Recorded(actor_id, actor_role, occurred_at, timestamp, version=self.version + 1)

    def _check_open(self, acting: Acting) -> None:
        if self.status is Status.CLOSED:
            raise RuleViolation(
                "journey_closed",
                "The journey is closed: only corrections and addenda are accepted.",
            )
        self._check_after_intake(acting)

    def _check_after_intake(self, acting: Acting) -> None:
        if acting.occurred_at < self.intake.occurred_at:
            raise InvalidInput.field("occurred_at", "Must not be before the intake.")

    def _check_not_ended(self) -> None:
        if self.status in (Status.STOPPED, Status.WITHDRAWN):
            raise RuleViolation(*_REFUSALS_BY_STATUS[self.status])

    def _check_sessions_allowed(self) -> None:
        if self.status in _REFUSALS_BY_STATUS:
            raise RuleViolation(*_REFUSALS_BY_STATUS[self.status])

    def phase_on(self, today: date) -> Phase:
        """Return where the journey stands in PRODUCT.md's state machine on `today`."""
        if self.status is Status.CLOSED:
            return Phase.CLOSED
        if self.status is Status.PAUSED:
            return Phase.PAUSED
        statuses = {session.status for session in self.sessions.values()}
        if SessionStatus.SCHEDULED.value in statuses:
            return Phase.IN_SESSIONS
        if SessionStatus.HELD.value in statuses:
            return Phase.INTEGRATION
        if not self.screening_decisions:
            return Phase.INTAKE
        if self.screening_decisions[-1].outcome not in ELIGIBLE_OUTCOMES:
            return Phase.SCREENING
        return Phase.PREPARATION if self.session_blockers(today) else Phase.READY
