"""A journey of care, command by command: load it, call the aggregate, save it."""

from __future__ import annotations

from datetime import date, datetime
from functools import partial
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.application import AggregateNotFoundError

from casework.base import CaseworkBase, Written
from casework.client import Client, client_id_for
from casework.clock import aware, clinical_time, local_date
from casework.errors import Forbidden, InvalidInput, RuleViolation
from casework.journey import Journey
from casework.journey.corrections import PERSONAL_FIELDS
from casework.journey.values import (
    CareRole,
    ConsentKind,
    ContactKind,
    OutreachChannel,
    OutreachOutcome,
    ScreeningOutcome,
)
from casework.roles import Actor, Role

CO_SIGNER_ROLES = {Role.CLINICAL_LEAD, Role.FACILITATOR, Role.INTEGRATION_THERAPIST}


class JourneyCommands(CaseworkBase):
    """One method per journey command, from intake to closure, corrections and addenda."""

    # -- intake and care team --------------------------------------------------------------

    def record_intake(
        self,
        actor: Actor,
        client_pseudonym: str,
        referral_source: str,
        primary_need: str,
        existing_support: str | None = None,
        occurred_at: datetime | None = None,
    ) -> Written:
        """Open a journey for a client, registering the client's pseudonym if it is new."""
        acting = self._acting(actor, "record_intake", occurred_at)
        pseudonym = client_pseudonym.strip()
        client_id = client_id_for(actor.clinic_id, pseudonym)
        try:
            client: Client = self.repository.get(client_id)
        except AggregateNotFoundError:
            client = Client(*acting, clinic_id=actor.clinic_id, pseudonym=pseudonym, id=client_id)
        journey = Journey(
            *acting,
            clinic_id=actor.clinic_id,
            client_id=client.id,
            client_pseudonym=client.pseudonym,
            referral_source=referral_source,
            primary_need=self._private(client.id, primary_need),
            existing_support=self._private(client.id, existing_support),
        )
        client.start_journey(*acting, journey_id=journey.id)
        return self._save(client, journey)  # the journey last: its version and position answer

    def assign_care_team_member(
        self,
        actor: Actor,
        journey_id: UUID,
        practitioner_id: UUID,
        role: CareRole,
        occurred_at: datetime | None = None,
        expected_version: int | None = None,
    ) -> Written:
        """Put a practitioner of the clinic on the journey's care team in one of their roles."""
        journey, acting = self._load(
            actor, "assign_care_team_member", journey_id, occurred_at, expected_version
        )
        member = self._practitioner(actor.clinic_id, practitioner_id, field="practitioner_id")
        if not member.holds(Role(role.value)):
            raise RuleViolation(
                "practitioner_lacks_role",
                f"The practitioner does not hold the role {role.value}.",
            )
        journey.assign_care_team_member(acting, practitioner_id, role)
        return self._save(journey)

    def unassign_care_team_member(
        self,
        actor: Actor,
        journey_id: UUID,
        practitioner_id: UUID,
        reason: str | None = None,
        occurred_at: datetime | None = None,
        expected_version: int | None = None,
    ) -> Written:
        """Take a practitioner off the journey's care team (recorded, never deleted)."""
        journey, acting = self._load(
            actor,
            "unassign_care_team_member",
            journey_id,
            occurred_at,
            expected_version,
        )
        journey.unassign_care_team_member(acting, practitioner_id, reason)
        return self._save(journey)

    # -- eligibility -----------------------------------------------------------------------

    def record_screening_decision(
        self,
        actor: Actor,
        journey_id: UUID,
        outcome: ScreeningOutcome,
        criteria: list[dict[str, Any]],
        rationale: str | None = None,
        conditions: list[str] | None = None,
        co_signer_id: UUID | None = None,
        valid_until: date | None = None,
        occurred_at: datetime | None = None,
        expected_version: int | None = None,
    ) -> Written:
        """Record a screening decision by a clinical lead, optionally co-signed."""
        journey, acting = self._load(
            actor,
            "record_screening_decision",
            journey_id,
            occurred_at,
            expected_version,
        )
        if co_signer_id is not None:
            co_signer = self._practitioner(actor.clinic_id, co_signer_id, field="co_signer_id")
            if not any(co_signer.holds(role) for role in CO_SIGNER_ROLES):
                raise InvalidInput.field("co_signer_id", "The co-signer must hold a clinical role.")
        journey.record_screening_decision(
            acting,
            outcome,
            criteria,
            rationale,
            conditions or [],
            co_signer_id,
            valid_until,
            decided_on=self._local_date(journey, acting.occurred_at),
        )
        return self._save(journey)

    def give_consent(
        self,
        actor: Actor,
        journey_id: UUID,
        kind: ConsentKind,
        scope: list[str] | None = None,
        notes: str | None = None,
        occurred_at: datetime | None = None,
        expected_version: int | None = None,
    ) -> Written:
        """Record a consent the client gave."""
        journey, acting = self._load(
            actor, "give_consent", journey_id, occurred_at, expected_version
        )
        journey.give_consent(acting, kind, scope or [], self._private(journey.client_id, notes))
        return self._save(journey)

    def withdraw_consent(
        self,
        actor: Actor,
        journey_id: UUID,
        kind: ConsentKind,
        reason: str | None = None,
        occurred_at: datetime | None = None,
        expected_version: int | None = None,
    ) -> Written:
        """Record that the client withdrew a consent."""
        journey, acting = self._load(
            actor, "withdraw_consent", journey_id, occurred_at, expected_version
        )
        journey.withdraw_consent(acting, kind, reason)
        return self._save(journey)

    def record_preparation_session(
        self,
        actor: Actor,
        journey_id: UUID,
        duration_minutes: int,
        topics: list[str] | None = None,
        notes: str | None = None,
        occurred_at: datetime | None = None,
        expected_version: int | None = None,
    ) -> Written:
        """Record a preparation session that was held."""
        journey, acting = self._load(
            actor,
            "record_preparation_session",
            journey_id,
            occurred_at,
            expected_version,
        )
        preparation_id = uuid4()
        journey.record_preparation_session(
            acting,
            preparation_id,
            duration_minutes,
            topics or [],
            self._private(journey.client_id, notes),
        )
        return self._save(journey, created_id=preparation_id)

    def record_safety_plan(
        self,
        actor: Actor,
        journey_id: UUID,
        emergency_contact: str,
        transport_plan: str | None = None,
        overnight_plan: str | None = None,
        notes: str | None = None,
        occurred_at: datetime | None = None,
        expected_version: int | None = None,
    ) -> Written:
        """Record (or replace) the journey's safety plan."""
        journey, acting = self._load(
            actor, "record_safety_plan", journey_id, occurred_at, expected_version
        )
        private = partial(self._private, journey.client_id)
        journey.record_safety_plan(
            acting,
            private(emergency_contact),
            private(transport_plan),
            private(overnight_plan),
            private(notes),
        )
        return self._save(journey)

    # -- sessions --------------------------------------------------------------------------

    def schedule_session(
        self,
        actor: Actor,
        journey_id: UUID,
        planned_start: datetime,
        planned_end: datetime,
        facilitator_ids: list[UUID] | None = None,
        location: str | None = None,
        occurred_at: datetime | None = None,
        expected_version: int | None = None,
    ) -> Written:
        """Schedule a medicine session, if every precondition in PRODUCT.md holds."""
        journey, acting = self._load(
            actor, "schedule_session", journey_id, occurred_at, expected_version
        )
        start, session_id = aware(planned_start, "planned_start"), uuid4()
        journey.schedule_session(
            acting,
            session_id,
            start,
            aware(planned_end, "planned_end"),
            facilitator_ids or [],
            location,
            planned_day=self._local_date(journey, start),
        )
        return self._save(journey, created_id=session_id)

    def reschedule_session(
        self,
        actor: Actor,
        journey_id: UUID,
        session_id: UUID,
        planned_start: datetime,
        planned_end: datetime,
        reason: str,
        occurred_at: datetime | None = None,
        expected_version: int | None = None,
    ) -> Written:
        """Move a scheduled session to another time."""
        journey, acting = self._load(
            actor, "reschedule_session", journey_id, occurred_at, expected_version
        )
        start = aware(planned_start, "planned_start")
        journey.reschedule_session(
            acting,
            session_id,
            start,
            aware(planned_end, "planned_end"),
            reason,
            planned_day=self._local_date(journey, start),
        )
        return self._save(journey)

    def cancel_session(
        self,
        actor: Actor,
        journey_id: UUID,
        session_id: UUID,
        reason: str,
        occurred_at: datetime | None = None,
        expected_version: int | None = None,
    ) -> Written:
        """Cancel a scheduled session."""
        journey, acting = self._load(
            actor, "cancel_session", journey_id, occurred_at, expected_version
        )
        journey.cancel_session(acting, session_id, reason)
        return self._save(journey)

    def record_session_outcome(
        self,
        actor: Actor,
        journey_id: UUID,
        session_id: UUID,
        started_at: datetime,
        ended_at: datetime,
        facilitator_ids: list[UUID],
        doses: list[dict[str, Any]],
        supportive_touch_used: bool = False,
        touch_areas: list[str] | None = None,
        adverse_event: dict[str, Any] | None = None,
        notes: str | None = None,
        expected_version: int | None = None,
    ) -> Written:
        """Record a held session; follow-ups are owed from its actual date in the clinic's zone."""
        journey, acting = self._load(
            actor, "record_session_outcome", journey_id, started_at, expected_version, "started_at"
        )
        started = acting.occurred_at
        clinic = self._clinic(journey.clinic_id)
        journey.record_session_outcome(
            acting,
            session_id,
            started,
            clinical_time(ended_at, "ended_at"),
            facilitator_ids,
            [{**dose, "given_at": self._dose_time(dose)} for dose in doses],
            supportive_touch_used,
            touch_areas or [],
            self._private_adverse_event(journey.client_id, adverse_event),
            self._private(journey.client_id, notes),
            min_facilitators=clinic.min_facilitators,
            session_day=local_date(started, clinic.time_zone),
            follow_up_schedule=clinic.follow_up_schedule,
        )
        return self._save(journey)

    # -- after a session -------------------------------------------------------------------

    def record_contact(
        self,
        actor: Actor,
        journey_id: UUID,
        kind: ContactKind,
        follow_up_id: UUID | None = None,
        duration_minutes: int | None = None,
        notes: str | None = None,
        occurred_at: datetime | None = None,
        expected_version: int | None = None,
    ) -> Written:
        """Record an integration contact, against a follow-up or ad hoc."""
        journey, acting = self._load(
            actor, "record_contact", journey_id, occurred_at, expected_version
        )
        contact_id = uuid4()
        journey.record_contact(
            acting,
            contact_id,
            kind,
            follow_up_id,
            duration_minutes,
            self._private(journey.client_id, notes),
            contact_day=self._local_date(journey, acting.occurred_at),
        )
        return self._save(journey, created_id=contact_id)

    def record_outreach(
        self,
        actor: Actor,
        journey_id: UUID,
        follow_up_id: UUID,
        channel: OutreachChannel,
        outcome: OutreachOutcome,
        notes: str | None = None,
        occurred_at: datetime | None = None,
        expected_version: int | None = None,
    ) -> Written:
        """Record an attempt to reach the client about an open follow-up."""
        journey, acting = self._load(
            actor, "record_outreach", journey_id, occurred_at, expected_version
        )
        journey.record_outreach(
            acting, follow_up_id, channel, outcome, self._private(journey.client_id, notes)
        )
        return self._save(journey)

    # -- decisions -------------------------------------------------------------------------

    def pause_journey(
        self,
        actor: Actor,
        journey_id: UUID,
        reason: str,
        review_date: date,
        conditions_to_resume: list[str],
        occurred_at: datetime | None = None,
        expected_version: int | None = None,
    ) -> Written:
        """Pause sessions, with a reason, a review date and conditions to resume."""
        journey, acting = self._load(
            actor, "pause_journey", journey_id, occurred_at, expected_version
        )
        journey.pause_journey(
            acting,
            reason,
            review_date,
            conditions_to_resume,
            decided_on=self._local_date(journey, acting.occurred_at),
        )
        return self._save(journey)

    def resume_journey(
        self,
        actor: Actor,
        journey_id: UUID,
        rationale: str,
        occurred_at: datetime | None = None,
        expected_version: int | None = None,
    ) -> Written:
        """Resume a paused journey."""
        journey, acting = self._load(
            actor, "resume_journey", journey_id, occurred_at, expected_version
        )
        journey.resume_journey(acting, rationale)
        return self._save(journey)

    def stop_journey(
        self,
        actor: Actor,
        journey_id: UUID,
        rationale: str,
        occurred_at: datetime | None = None,
        expected_version: int | None = None,
    ) -> Written:
        """Stop sessions for clinical reasons."""
        journey, acting = self._load(
            actor, "stop_journey", journey_id, occurred_at, expected_version
        )
        journey.stop_journey(acting, rationale)
        return self._save(journey)

    def record_withdrawal(
        self,
        actor: Actor,
        journey_id: UUID,
        reason: str | None = None,
        occurred_at: datetime | None = None,
        expected_version: int | None = None,
    ) -> Written:
        """Record the client's withdrawal."""
        journey, acting = self._load(
            actor, "record_withdrawal", journey_id, occurred_at, expected_version
        )
        journey.record_withdrawal(acting, reason)
        return self._save(journey)

    def close_journey(
        self,
        actor: Actor,
        journey_id: UUID,
        reason: str,
        occurred_at: datetime | None = None,
        expected_version: int | None = None,
    ) -> Written:
        """Close the journey for good."""
        journey, acting = self._load(
            actor, "close_journey", journey_id, occurred_at, expected_version
        )
        journey.close_journey(acting, reason)
        return self._save(journey)

    # -- corrections and addenda -----------------------------------------------------------

    def record_correction(
        self,
        actor: Actor,
        journey_id: UUID,
        field: str,
        new_value: Any,
        reason: str,
        corrects_version: int | None = None,
        corrects_position: int | None = None,
        occurred_at: datetime | None = None,
        expected_version: int | None = None,
    ) -> Written:
        """Correct a field of an earlier entry, named by its version or its log position.

        Only a clinical lead, or the practitioner who recorded the entry, may correct it.
        """
        journey, acting = self._load(
            actor, "record_correction", journey_id, occurred_at, expected_version
        )
        entry = self._entry(journey, corrects_version, corrects_position)
        if (
            acting.actor_role != Role.CLINICAL_LEAD.value
            and entry.actor_id != actor.practitioner_id
        ):
            raise Forbidden("Only a clinical lead or whoever recorded the entry may correct it.")
        if field in PERSONAL_FIELDS and isinstance(new_value, str):
            new_value = self._private(journey.client_id, new_value)
        journey.record_correction(acting, entry, field, new_value, reason)
        return self._save(journey)

    def record_addendum(
        self,
        actor: Actor,
        journey_id: UUID,
        entry_version: int,
        text: str,
        occurred_at: datetime | None = None,
        expected_version: int | None = None,
    ) -> Written:
        """Add text to an earlier entry of the journey."""
        journey, acting = self._load(
            actor, "record_addendum", journey_id, occurred_at, expected_version
        )
        journey.record_addendum(acting, entry_version, self._private(journey.client_id, text))
        return self._save(journey)

    def _entry(self, journey: Journey, version: int | None, position: int | None) -> Any:
        """Return the stored event a correction names, by journey version or by log position."""
        if (version is None) == (position is None):
            raise InvalidInput.field(
                "corrects_version", "Name the entry by version or by position."
            )
        if position is not None:
            found = self.recorder.select_notifications(start=position, limit=1)
            if not found or found[0].id != position or found[0].originator_id != journey.id:
                raise InvalidInput.field("corrects_position", "No entry of this journey there.")
            return self.mapper.to_domain_event(found[0])
        assert version is not None
        if not 1 <= version <= journey.version:
            raise InvalidInput.field(
                "corrects_version", f"Entries run from 1 to {journey.version}."
            )
        return next(iter(self.events.get(journey.id, gt=version - 1, lte=version)))
