"""The journey: one course of care for one client, from intake to closure.

Public methods check every rule first and raise, then record an event; each event class
(casework.journey.events) applies itself and only assigns, because that runs again on every
replay. Intake, which creates the journey, is the library's `@event` on `__init__`.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import event

from casework.chain import ChainedAggregate
from casework.errors import InvalidInput, NotFound, RuleViolation
from casework.journey.corrections import check_corrected_times, correction_of
from casework.journey.events import aftercare, amendments, base, eligibility, intake
from casework.journey.events import decisions as decision_events
from casework.journey.events import sessions as session_events
from casework.journey.followups import plan_follow_ups
from casework.journey.handover import by_previous_owner, orphaned, successors
from casework.journey.readiness import (
    STATUS_REFUSALS,
    check_can_schedule,
    check_facilitators_on_team,
    scheduled_session,
)
from casework.journey.rules import (
    adverse_event_values,
    check_doses,
    check_screening_input,
    criteria_values,
    dose_values,
)
from casework.journey.times import (
    check_after_session,
    check_held_after_scheduled,
    check_resumption_after_pause,
    check_screening_on_session_day,
    check_session_length,
    check_session_start,
    check_valid_until,
    check_withdrawal_after_consent,
)
from casework.journey.values import (
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
    PreparationSession,
    Recorded,
    SafetyPlan,
    ScreeningDecision,
    ScreeningOutcome,
    Session,
    SessionStatus,
    Status,
)
from casework.refusals import Refusal
from casework.roles import Acting


class Journey(ChainedAggregate):
    """One client's course of care, as a state machine that enforces PRODUCT.md's invariants."""

    # Its events, declared in casework.journey.events (each applies itself and keeps its topic).
    Event = base.JourneyEvent
    IntakeRecorded = intake.IntakeRecorded
    CareTeamMemberAssigned = intake.CareTeamMemberAssigned
    CareTeamMemberUnassigned = intake.CareTeamMemberUnassigned
    ScreeningDecisionRecorded = eligibility.ScreeningDecisionRecorded
    ConsentGiven = eligibility.ConsentGiven
    ConsentWithdrawn = eligibility.ConsentWithdrawn
    PreparationSessionRecorded = eligibility.PreparationSessionRecorded
    SafetyPlanRecorded = eligibility.SafetyPlanRecorded
    SessionScheduled = session_events.SessionScheduled
    SessionRescheduled = session_events.SessionRescheduled
    SessionCancelled = session_events.SessionCancelled
    SessionOutcomeRecorded = session_events.SessionOutcomeRecorded
    ContactRecorded = aftercare.ContactRecorded
    OutreachRecorded = aftercare.OutreachRecorded
    FollowUpsReassigned = aftercare.FollowUpsReassigned
    JourneyPaused = decision_events.JourneyPaused
    JourneyResumed = decision_events.JourneyResumed
    JourneyStopped = decision_events.JourneyStopped
    ClientWithdrew = decision_events.ClientWithdrew
    JourneyClosed = decision_events.JourneyClosed
    CorrectionRecorded = amendments.CorrectionRecorded
    AddendumRecorded = amendments.AddendumRecorded

    def trigger_event(self, event_class: Any, **kwargs: Any) -> None:
        """Stamp every journey event with its clinic, so that each event names its tenant."""
        super().trigger_event(event_class, clinic_id=self.clinic_id, **kwargs)

    def _trigger(self, event_class: type[base.JourneyEvent], acting: Acting, **fields: Any) -> None:
        """Record an event of `event_class` by `acting`, holding `fields` (in the event's order)."""
        self.trigger_event(event_class, **acting._asdict(), **fields)

    # -- intake ----------------------------------------------------------------------------

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
        self.safety_plans: list[SafetyPlan] = []
        self.sessions: dict[UUID, Session] = {}
        self.follow_ups: dict[UUID, FollowUp] = {}
        self.contacts: list[Contact] = []
        self.decisions: list[Decision] = []
        self.corrections: list[Correction] = []
        self.addenda: list[Addendum] = []

    # -- care team -------------------------------------------------------------------------

    def assign_care_team_member(
        self, acting: Acting, practitioner_id: UUID, role: CareRole
    ) -> None:
        """Put a practitioner on the care team in one role (they must hold that role)."""
        self._check_open(acting)
        if self.care_team_member(practitioner_id, role) is not None:
            raise RuleViolation(
                Refusal.ALREADY_ON_CARE_TEAM, "The practitioner already has this role here."
            )
        self._trigger(
            self.CareTeamMemberAssigned, acting, practitioner_id=practitioner_id, role=role.value
        )
        # Open follow-ups of this role whose owner left the care team go to the newcomer.
        self._hand_over(acting, orphaned(self, role), practitioner_id, reason=None)

    def unassign_care_team_member(
        self, acting: Acting, practitioner_id: UUID, reason: str | None
    ) -> None:
        """Take a practitioner off the care team (every role they held on it)."""
        self._check_open(acting)
        if not any(m.practitioner_id == practitioner_id for m in self.care_team):
            raise NotFound("The practitioner is not on this journey's care team.")
        self._trigger(
            self.CareTeamMemberUnassigned, acting, practitioner_id=practitioner_id, reason=reason
        )
        # Their open follow-ups go to whoever still holds the owning role on the team, if anyone.
        for successor, theirs in successors(self, practitioner_id).items():
            self._hand_over(acting, theirs, successor, reason=None)

    def reassign_follow_up(
        self, acting: Acting, follow_up_id: UUID, to_id: UUID, reason: str
    ) -> FollowUp:
        """Hand one open follow-up to another practitioner, for a reason; return it."""
        self._check_open(acting)
        follow_up = self._open_follow_up(follow_up_id)
        if follow_up.owner_id == to_id:
            raise InvalidInput.field("practitioner_id", "The follow-up is theirs already.")
        self._hand_over(acting, [follow_up], to_id, reason)
        return follow_up

    def _hand_over(
        self, acting: Acting, follow_ups: list[FollowUp], to_id: UUID, reason: str | None
    ) -> None:
        """Record, per previous owner, that these follow-ups are `to_id`'s from now on."""
        for from_id, handed in by_previous_owner(follow_ups, to_id).items():
            self._trigger(
                self.FollowUpsReassigned,
                acting,
                follow_up_ids=[f.follow_up_id for f in handed],
                owner_role=handed[0].owner_role,
                from_id=from_id,
                to_id=to_id,
                reason=reason,
            )

    def care_team_member(self, practitioner_id: UUID, role: CareRole) -> CareTeamMember | None:
        """Return the care-team membership of `practitioner_id` in `role`, if there is one."""
        for member in self.care_team:
            if member.practitioner_id == practitioner_id and member.role == role.value:
                return member
        return None

    # -- screening -------------------------------------------------------------------------

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
        check_valid_until(valid_until, decided_on)
        if co_signer_id == acting.actor_id:
            raise InvalidInput.field("co_signer_id", "The co-signer must not be the decider.")
        self._trigger(
            self.ScreeningDecisionRecorded,
            acting,
            outcome=outcome.value,
            criteria=criteria_values(criteria),
            rationale=rationale,
            conditions=list(conditions),
            co_signer_id=co_signer_id,
            valid_until=valid_until,
        )

    # -- consents, preparation, safety plan ------------------------------------------------

    def give_consent(
        self, acting: Acting, kind: ConsentKind, scope: list[str], notes: str | None
    ) -> None:
        """Record a consent; supportive touch needs the scope the client agreed to."""
        self._check_open(acting)
        if self.active_consent(kind) is not None:
            raise RuleViolation(Refusal.CONSENT_ALREADY_ACTIVE, "This consent is already given.")
        if kind is ConsentKind.SUPPORTIVE_TOUCH and not scope:
            raise InvalidInput.field("scope", "Name the agreed scope of supportive touch.")
        self._trigger(self.ConsentGiven, acting, kind=kind.value, scope=list(scope), notes=notes)

    def withdraw_consent(self, acting: Acting, kind: ConsentKind, reason: str | None) -> None:
        """Record that the client withdrew a consent; it takes effect at once."""
        self._check_open(acting)
        consent = self.active_consent(kind)
        if consent is None:
            raise RuleViolation(
                Refusal.CONSENT_NOT_ACTIVE, "There is no active consent of this kind."
            )
        check_withdrawal_after_consent(consent, acting.occurred_at)
        self._trigger(self.ConsentWithdrawn, acting, kind=kind.value, reason=reason)

    def active_consent(self, kind: ConsentKind) -> Consent | None:
        """Return the consent of `kind` that is given and not withdrawn, if any."""
        for consent in self.consents:
            if consent.kind == kind.value and consent.active:
                return consent
        return None

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
        self._trigger(
            self.PreparationSessionRecorded,
            acting,
            preparation_id=preparation_id,
            duration_minutes=duration_minutes,
            topics=list(topics),
            notes=notes,
        )

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
        self._trigger(
            self.SafetyPlanRecorded,
            acting,
            emergency_contact=emergency_contact,
            transport_plan=transport_plan,
            overnight_plan=overnight_plan,
            notes=notes,
        )

    @property
    def safety_plan(self) -> SafetyPlan | None:
        """Return the safety plan in force: the latest by clinical time, then by recording."""
        return max(
            self.safety_plans,
            key=lambda p: (p.recorded.occurred_at, p.recorded.version),
            default=None,
        )

    # -- sessions --------------------------------------------------------------------------

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
        check_session_length(planned_start, planned_end, ("planned_start", "planned_end"))
        if any(s.status == SessionStatus.SCHEDULED.value for s in self.sessions.values()):
            raise RuleViolation(
                Refusal.SESSION_ALREADY_SCHEDULED,
                "Another session is scheduled and not yet held.",
            )
        check_can_schedule(self, planned_day, planned_start)
        check_facilitators_on_team(self, facilitator_ids)
        self._trigger(
            self.SessionScheduled,
            acting,
            session_id=session_id,
            planned_start=planned_start,
            planned_end=planned_end,
            facilitator_ids=list(facilitator_ids),
            location=location,
        )

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
        scheduled_session(self, session_id)
        check_session_length(planned_start, planned_end, ("planned_start", "planned_end"))
        check_can_schedule(self, planned_day, planned_start)
        self._trigger(
            self.SessionRescheduled,
            acting,
            session_id=session_id,
            planned_start=planned_start,
            planned_end=planned_end,
            reason=reason,
        )

    def cancel_session(self, acting: Acting, session_id: UUID, reason: str) -> None:
        """Cancel a scheduled session, with a reason."""
        self._check_open(acting)
        scheduled_session(self, session_id)
        self._trigger(self.SessionCancelled, acting, session_id=session_id, reason=reason)

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
        """Record a held session and schedule the follow-ups it owes from `session_day` (D0).

        Its clinical time is `started_at`, checked against every fact the session relied on.
        """
        self._check_open(acting, before_intake=Refusal.SESSION_BEFORE_INTAKE)
        session = scheduled_session(self, session_id)
        self._check_sessions_allowed()
        if self.active_consent(ConsentKind.TREATMENT) is None:
            raise RuleViolation(
                Refusal.TREATMENT_CONSENT_MISSING,
                "Treatment consent is not active: the session cannot be held.",
            )
        check_session_length(started_at, ended_at, ("started_at", "ended_at"))
        check_held_after_scheduled(session, started_at)
        check_session_start(self, started_at)
        check_screening_on_session_day(self, started_at, session_day)
        if len(set(facilitator_ids)) < min_facilitators:
            raise RuleViolation(
                Refusal.TOO_FEW_FACILITATORS,
                f"The clinic's protocol needs {min_facilitators} facilitator(s) per session.",
            )
        check_facilitators_on_team(self, facilitator_ids)
        check_doses(doses, started_at, ended_at)
        # Touch against the agreed scope is checked by the application: both are sealed here.
        owners = {m.role: m.practitioner_id for m in self.care_team}
        self._trigger(
            self.SessionOutcomeRecorded,
            acting,
            session_id=session_id,
            started_at=started_at,
            ended_at=ended_at,
            facilitator_ids=list(facilitator_ids),
            doses=dose_values(doses),
            supportive_touch_used=supportive_touch_used,
            touch_areas=list(touch_areas),
            adverse_event=adverse_event_values(adverse_event),
            notes=notes,
            follow_ups=plan_follow_ups(
                session_id, self._held_sessions() + 1, session_day, follow_up_schedule, owners
            ),
        )

    def _held_sessions(self) -> int:
        return sum(1 for s in self.sessions.values() if s.status == SessionStatus.HELD.value)

    # -- after a session: contacts and outreach --------------------------------------------

    def _open_follow_up(self, follow_up_id: UUID) -> FollowUp:
        follow_up = self.follow_ups.get(follow_up_id)
        if follow_up is None:
            raise NotFound("No such follow-up on this journey.")
        if follow_up.done_on is not None:
            raise RuleViolation(
                Refusal.FOLLOW_UP_ALREADY_DONE, "A contact is already recorded for it."
            )
        if follow_up.cancelled:
            raise RuleViolation(
                Refusal.FOLLOW_UP_CANCELLED, "The follow-up was cancelled at closure."
            )
        return follow_up

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
            follow_up = self._open_follow_up(follow_up_id)
            check_after_session(self.sessions[follow_up.session_id], acting.occurred_at)
        self._trigger(
            self.ContactRecorded,
            acting,
            contact_id=contact_id,
            kind=kind.value,
            follow_up_id=follow_up_id,
            duration_minutes=duration_minutes,
            notes=notes,
            contact_day=contact_day,
        )

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
        follow_up = self._open_follow_up(follow_up_id)
        check_after_session(self.sessions[follow_up.session_id], acting.occurred_at)
        self._trigger(
            self.OutreachRecorded,
            acting,
            follow_up_id=follow_up_id,
            channel=channel.value,
            outcome=outcome.value,
            notes=notes,
        )

    # -- decisions: pause, resumption, stop, withdrawal, closure ---------------------------

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
        self._trigger(
            self.JourneyPaused,
            acting,
            reason=reason,
            review_date=review_date,
            conditions_to_resume=list(conditions_to_resume),
        )

    def resume_journey(self, acting: Acting, rationale: str) -> None:
        """Lift a pause: its own decision, with a rationale."""
        self._check_open(acting)
        if self.status is not Status.PAUSED:
            raise RuleViolation(Refusal.JOURNEY_NOT_PAUSED, "The journey is not paused.")
        pause = next(
            d for d in reversed(self.decisions) if d.kind == self.JourneyPaused.decision_kind
        )
        check_resumption_after_pause(pause.decided, acting.occurred_at)
        self._trigger(self.JourneyResumed, acting, rationale=rationale)

    def stop_journey(self, acting: Acting, rationale: str) -> None:
        """Stop sessions for clinical reasons; follow-ups already owed continue."""
        self._check_open(acting)
        self._check_not_ended()
        self._trigger(self.JourneyStopped, acting, rationale=rationale)

    def record_withdrawal(self, acting: Acting, reason: str | None) -> None:
        """Record the client's withdrawal: immediate, needs no approval; follow-ups continue."""
        self._check_open(acting)
        self._check_not_ended()
        self._trigger(self.ClientWithdrew, acting, reason=reason)

    def close_journey(self, acting: Acting, reason: str) -> None:
        """Close the journey: final; cancels the follow-ups still open and any scheduled session."""
        self._check_open(acting)
        self._trigger(self.JourneyClosed, acting, reason=reason)

    # -- corrections and addenda: history is never edited, only added to -------------------

    def record_correction(
        self, acting: Acting, entry: Any, field: str, new_value: Any, reason: str, time_zone: str
    ) -> None:
        """Correct one field of an earlier entry (allowed after closure); the original remains.

        A corrected time or date passes the same checks as the original entry (dates judged in
        the clinic's `time_zone`): casework.journey.corrections says how.
        """
        self._check_after_intake(acting)
        correction = correction_of(self, entry, field, new_value, reason)
        if isinstance(correction["new_value"], date):  # a datetime is a date too
            check_corrected_times(self, acting, correction, time_zone)
        self._trigger(self.CorrectionRecorded, acting, **correction)

    def record_addendum(self, acting: Acting, entry_version: int, text: str) -> None:
        """Add text to an earlier entry (allowed after closure); the entry stays as it was."""
        self._check_after_intake(acting)
        if not 1 <= entry_version <= self.version:
            raise InvalidInput.field(
                "entry_version", f"The journey has entries 1 to {self.version}."
            )
        self._trigger(self.AddendumRecorded, acting, entry_version=entry_version, text=text)

    # -- state checks shared by the commands -----------------------------------------------

    def _check_open(
        self, acting: Acting, before_intake: Refusal = Refusal.OCCURRED_BEFORE_INTAKE
    ) -> None:
        if self.status is Status.CLOSED:
            raise RuleViolation(
                Refusal.JOURNEY_CLOSED,
                "The journey is closed: only corrections and addenda are accepted.",
            )
        self._check_after_intake(acting, before_intake)

    def _check_after_intake(
        self, acting: Acting, reason: Refusal = Refusal.OCCURRED_BEFORE_INTAKE
    ) -> None:
        if acting.occurred_at < self.intake.occurred_at:
            raise RuleViolation(reason, "Nothing in a journey happens before its intake.")

    def _check_not_ended(self) -> None:
        if self.status in (Status.STOPPED, Status.WITHDRAWN):
            raise RuleViolation(*STATUS_REFUSALS[self.status])

    def _check_sessions_allowed(self) -> None:
        if self.status in STATUS_REFUSALS:
            raise RuleViolation(*STATUS_REFUSALS[self.status])
