"""A journey of care, command by command: load it, call the aggregate, save it."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

from eventsourcing.application import AggregateNotFoundError

from casework.base import Written
from casework.client import Client, client_id_for, pseudonym_as_written
from casework.clock import aware, clinical_time, local_date, utc_now
from casework.errors import Conflict, Forbidden, InvalidInput, RuleViolation
from casework.journey import Journey
from casework.journey import commands as do
from casework.journey.rules import check_touch
from casework.journey.times import check_intake_time
from casework.journey.values import ConsentKind, Status
from casework.practitioner import Practitioner
from casework.refusals import Refusal
from casework.role_checks import RoleChecks
from casework.roles import Actor, Role

CO_SIGNER_ROLES = {Role.CLINICAL_LEAD, Role.FACILITATOR, Role.INTEGRATION_THERAPIST}


class JourneyService(RoleChecks):
    """One method per journey command (`casework.journey.commands`), intake to closure."""

    # -- intake and care team --------------------------------------------------------------

    def record_intake(self, actor: Actor, command: do.RecordIntake) -> Written:
        """Open a journey for a client, registering the client's pseudonym if it is new."""
        acting = self._acting(actor, command)
        check_intake_time(acting.occurred_at, utc_now())
        pseudonym = pseudonym_as_written(command.client_pseudonym)
        client_id = client_id_for(actor.clinic_id, pseudonym)
        try:
            client: Client = self.repository.get(client_id)
        except AggregateNotFoundError:
            client = Client(*acting, clinic_id=actor.clinic_id, pseudonym=pseudonym, id=client_id)
        else:
            self._check_no_open_journey(client)
        journey = Journey(
            *acting,
            clinic_id=actor.clinic_id,
            client_id=client.id,
            client_pseudonym=client.pseudonym,
            **self._sealed(
                actor.clinic_id,
                client.id,
                Journey.IntakeRecorded,
                referral_source=command.referral_source,
                primary_need=command.primary_need,
                existing_support=command.existing_support,
            ),
        )
        client.start_journey(*acting, journey_id=journey.id)
        try:
            return self._save(client, journey)  # the journey last: its version and position answer
        except Conflict:
            # Another intake for this client wrote the client's stream first: name its journey.
            self._check_no_open_journey(self._get(Client, client_id))
            raise

    @staticmethod
    def _check_can_take_on(practitioner: Practitioner) -> None:
        """Refuse to give a deactivated practitioner a place on a care team, or a follow-up."""
        if not practitioner.active:
            raise RuleViolation(
                Refusal.PRACTITIONER_DEACTIVATED,
                "The practitioner was deactivated: choose someone who still works here.",
            )

    def _check_no_open_journey(self, client: Client) -> None:
        """Refuse a second open journey for a client; the refusal names the open one."""
        for journey_id in reversed(client.journey_ids):
            if self._get(Journey, journey_id).status is not Status.CLOSED:
                raise RuleViolation(
                    Refusal.CLIENT_HAS_OPEN_JOURNEY,
                    "The client has an open journey; close it before a new intake.",
                    {"open_journey_id": str(journey_id)},
                )

    def assign_care_team_member(self, actor: Actor, command: do.AssignCareTeamMember) -> Written:
        """Put a practitioner of the clinic on the journey's care team in one of their roles."""
        journey, acting = self._load(actor, command)
        member = self._practitioner(actor.clinic_id, command.practitioner_id, "practitioner_id")
        self._check_can_take_on(member)
        if not member.holds(Role(command.role.value)):
            raise RuleViolation(
                Refusal.PRACTITIONER_LACKS_ROLE,
                f"The practitioner does not hold the role {command.role.value}.",
            )
        journey.assign_care_team_member(acting, command.practitioner_id, command.role)
        return self._save(journey)

    def unassign_care_team_member(
        self, actor: Actor, command: do.UnassignCareTeamMember
    ) -> Written:
        """Take a practitioner off the journey's care team (recorded, never deleted)."""
        journey, acting = self._load(actor, command)
        sealed = self._sealed_in(journey, Journey.CareTeamMemberUnassigned, reason=command.reason)
        journey.unassign_care_team_member(acting, command.practitioner_id, sealed["reason"])
        return self._save(journey)

    # -- eligibility -----------------------------------------------------------------------

    def record_screening_decision(
        self, actor: Actor, command: do.RecordScreeningDecision
    ) -> Written:
        """Record a screening decision by a clinical lead, optionally co-signed."""
        journey, acting = self._load(actor, command)
        if command.co_signer_id is not None:
            co_signer = self._practitioner(actor.clinic_id, command.co_signer_id, "co_signer_id")
            if not any(co_signer.holds(role) for role in CO_SIGNER_ROLES):
                raise InvalidInput.field("co_signer_id", "The co-signer must hold a clinical role.")
        sealed = self._sealed_in(
            journey,
            Journey.ScreeningDecisionRecorded,
            criteria=command.criteria,
            rationale=command.rationale,
            conditions=command.conditions,
        )
        journey.record_screening_decision(
            acting,
            command.outcome,
            sealed["criteria"],
            sealed["rationale"],
            sealed["conditions"],
            command.co_signer_id,
            command.valid_until,
            decided_on=self._local_date(journey, acting.occurred_at),
        )
        return self._save(journey)

    def give_consent(self, actor: Actor, command: do.GiveConsent) -> Written:
        """Record a consent the client gave."""
        journey, acting = self._load(actor, command)
        sealed = self._sealed_in(
            journey, Journey.ConsentGiven, scope=command.scope, notes=command.notes
        )
        journey.give_consent(acting, command.kind, sealed["scope"], sealed["notes"])
        return self._save(journey)

    def withdraw_consent(self, actor: Actor, command: do.WithdrawConsent) -> Written:
        """Record that the client withdrew a consent."""
        journey, acting = self._load(actor, command)
        sealed = self._sealed_in(journey, Journey.ConsentWithdrawn, reason=command.reason)
        journey.withdraw_consent(acting, command.kind, sealed["reason"])
        return self._save(journey)

    def record_preparation_session(
        self, actor: Actor, command: do.RecordPreparationSession
    ) -> Written:
        """Record a preparation session that was held."""
        journey, acting = self._load(actor, command)
        preparation_id = uuid4()
        sealed = self._sealed_in(
            journey,
            Journey.PreparationSessionRecorded,
            topics=command.topics,
            notes=command.notes,
        )
        journey.record_preparation_session(
            acting, preparation_id, command.duration_minutes, sealed["topics"], sealed["notes"]
        )
        return self._save(journey, created_id=preparation_id)

    def record_safety_plan(self, actor: Actor, command: do.RecordSafetyPlan) -> Written:
        """Record (or replace) the journey's safety plan."""
        journey, acting = self._load(actor, command)
        sealed = self._sealed_in(
            journey,
            Journey.SafetyPlanRecorded,
            emergency_contact=command.emergency_contact,
            transport_plan=command.transport_plan,
            overnight_plan=command.overnight_plan,
            notes=command.notes,
        )
        journey.record_safety_plan(
            acting,
            sealed["emergency_contact"],
            sealed["transport_plan"],
            sealed["overnight_plan"],
            sealed["notes"],
        )
        return self._save(journey)

    # -- sessions --------------------------------------------------------------------------

    def schedule_session(self, actor: Actor, command: do.ScheduleSession) -> Written:
        """Schedule a medicine session, if every precondition in PRODUCT.md holds."""
        journey, acting = self._load(actor, command)
        start, session_id = aware(command.planned_start, "planned_start"), uuid4()
        location = command.location
        journey.schedule_session(
            acting,
            session_id,
            start,
            aware(command.planned_end, "planned_end"),
            command.facilitator_ids,
            self._sealed_in(journey, Journey.SessionScheduled, location=location)["location"],
            planned_day=self._local_date(journey, start),
        )
        # Roles after the journey's own rules, which keep their precedence: nothing is saved yet.
        self._check_session_roles(journey, command.facilitator_ids)
        return self._save(journey, created_id=session_id)

    def reschedule_session(self, actor: Actor, command: do.RescheduleSession) -> Written:
        """Move a scheduled session to another time."""
        journey, acting = self._load(actor, command)
        start = aware(command.planned_start, "planned_start")
        journey.reschedule_session(
            acting,
            command.session_id,
            start,
            aware(command.planned_end, "planned_end"),
            self._sealed_in(journey, Journey.SessionRescheduled, reason=command.reason)["reason"],
            planned_day=self._local_date(journey, start),
        )
        self._check_session_roles(journey, journey.sessions[command.session_id].facilitator_ids)
        return self._save(journey)

    def cancel_session(self, actor: Actor, command: do.CancelSession) -> Written:
        """Cancel a scheduled session."""
        journey, acting = self._load(actor, command)
        sealed = self._sealed_in(journey, Journey.SessionCancelled, reason=command.reason)
        journey.cancel_session(acting, command.session_id, sealed["reason"])
        return self._save(journey)

    def record_session_outcome(self, actor: Actor, command: do.RecordSessionOutcome) -> Written:
        """Record a held session; follow-ups are owed from its actual date in the clinic's zone."""
        journey, acting = self._load(actor, command)
        started = acting.occurred_at
        clinic = self._clinic(journey.clinic_id)
        sealed = self._sealed_in(
            journey,
            Journey.SessionOutcomeRecorded,
            doses=[{**dose, "given_at": self._dose_time(dose)} for dose in command.doses],
            touch_areas=command.touch_areas,
            adverse_event=command.adverse_event,
            notes=command.notes,
        )
        # The agreed scope is sealed, so the application compares it in clear, not the journey.
        touch_consent = journey.active_consent(ConsentKind.SUPPORTIVE_TOUCH)
        check_touch(
            command.supportive_touch_used,
            command.touch_areas,
            None if touch_consent is None else self._agreed_scope(journey, touch_consent.scope),
        )
        journey.record_session_outcome(
            acting,
            command.session_id,
            started,
            clinical_time(command.ended_at, "ended_at"),
            command.facilitator_ids,
            sealed["doses"],
            command.supportive_touch_used,
            sealed["touch_areas"],
            sealed["adverse_event"],
            sealed["notes"],
            min_facilitators=clinic.min_facilitators,
            session_day=local_date(started, clinic.time_zone),
            follow_up_schedule=clinic.schedule_at(started),
        )
        self._check_facilitators_hold_role(journey, command.facilitator_ids)
        owners = {rule["owner_role"] for rule in clinic.schedule_at(started)}
        self._check_owners_hold_role(journey, owners)
        return self._save(journey)

    # -- after a session -------------------------------------------------------------------

    def record_contact(self, actor: Actor, command: do.RecordContact) -> Written:
        """Record an integration contact, against a follow-up or ad hoc."""
        journey, acting = self._load(actor, command)
        contact_id = uuid4()
        journey.record_contact(
            acting,
            contact_id,
            command.kind,
            command.follow_up_id,
            command.duration_minutes,
            self._sealed_in(journey, Journey.ContactRecorded, notes=command.notes)["notes"],
            contact_day=self._local_date(journey, acting.occurred_at),
        )
        return self._save(journey, created_id=contact_id)

    def record_outreach(self, actor: Actor, command: do.RecordOutreach) -> Written:
        """Record an attempt to reach the client about an open follow-up."""
        journey, acting = self._load(actor, command)
        sealed = self._sealed_in(journey, Journey.OutreachRecorded, notes=command.notes)
        journey.record_outreach(
            acting, command.follow_up_id, command.channel, command.outcome, sealed["notes"]
        )
        return self._save(journey)

    def reassign_follow_up(self, actor: Actor, command: do.ReassignFollowUp) -> Written:
        """Hand one open follow-up to a practitioner who holds its owning role, for a reason."""
        journey, acting = self._load(actor, command)
        to = self._practitioner(actor.clinic_id, command.practitioner_id, "practitioner_id")
        self._check_can_take_on(to)
        follow_up = journey.follow_ups.get(command.follow_up_id)
        if follow_up is not None and not to.holds(Role(follow_up.owner_role)):
            raise RuleViolation(
                Refusal.PRACTITIONER_LACKS_ROLE,
                f"The practitioner does not hold the role {follow_up.owner_role}.",
                {"field": "practitioner_id", "role": follow_up.owner_role},
            )
        sealed = self._sealed_in(journey, Journey.FollowUpsReassigned, reason=command.reason)
        journey.reassign_follow_up(acting, command.follow_up_id, to.id, sealed["reason"])
        return self._save(journey)

    # -- decisions -------------------------------------------------------------------------

    def pause_journey(self, actor: Actor, command: do.PauseJourney) -> Written:
        """Pause sessions, with a reason, a review date and conditions to resume."""
        journey, acting = self._load(actor, command)
        sealed = self._sealed_in(
            journey,
            Journey.JourneyPaused,
            reason=command.reason,
            conditions_to_resume=command.conditions_to_resume,
        )
        journey.pause_journey(
            acting,
            sealed["reason"],
            command.review_date,
            sealed["conditions_to_resume"],
            decided_on=self._local_date(journey, acting.occurred_at),
        )
        return self._save(journey)

    def resume_journey(self, actor: Actor, command: do.ResumeJourney) -> Written:
        """Resume a paused journey."""
        journey, acting = self._load(actor, command)
        sealed = self._sealed_in(journey, Journey.JourneyResumed, rationale=command.rationale)
        journey.resume_journey(acting, sealed["rationale"])
        return self._save(journey)

    def stop_journey(self, actor: Actor, command: do.StopJourney) -> Written:
        """Stop sessions for clinical reasons."""
        journey, acting = self._load(actor, command)
        sealed = self._sealed_in(journey, Journey.JourneyStopped, rationale=command.rationale)
        journey.stop_journey(acting, sealed["rationale"])
        return self._save(journey)

    def record_withdrawal(self, actor: Actor, command: do.RecordWithdrawal) -> Written:
        """Record the client's withdrawal."""
        journey, acting = self._load(actor, command)
        sealed = self._sealed_in(journey, Journey.ClientWithdrew, reason=command.reason)
        journey.record_withdrawal(acting, sealed["reason"])
        return self._save(journey)

    def close_journey(self, actor: Actor, command: do.CloseJourney) -> Written:
        """Close the journey for good."""
        journey, acting = self._load(actor, command)
        sealed = self._sealed_in(journey, Journey.JourneyClosed, reason=command.reason)
        journey.close_journey(acting, sealed["reason"])
        return self._save(journey)

    # -- corrections and addenda -----------------------------------------------------------

    def record_correction(self, actor: Actor, command: do.RecordCorrection) -> Written:
        """Correct a field of an earlier entry, named by its version or its log position.

        Only a clinical lead, or the practitioner who recorded the entry, may correct it.
        """
        journey, acting = self._load(actor, command)
        entry = self._entry(journey, command.corrects_version, command.corrects_position)
        if (
            acting.actor_role != Role.CLINICAL_LEAD.value
            and entry.actor_id != actor.practitioner_id
        ):
            raise Forbidden("Only a clinical lead or whoever recorded the entry may correct it.")
        # The new value is sealed as the field it corrects: revealing it follows that declaration.
        field = command.field
        corrected = self._sealed_in(journey, type(entry), **{field: command.new_value})[field]
        sealed = self._sealed_in(journey, Journey.CorrectionRecorded, reason=command.reason)
        zone = self._clinic(journey.clinic_id).time_zone
        journey.record_correction(acting, entry, field, corrected, sealed["reason"], zone)
        return self._save(journey)

    def record_addendum(self, actor: Actor, command: do.RecordAddendum) -> Written:
        """Add text to an earlier entry of the journey."""
        journey, acting = self._load(actor, command)
        sealed = self._sealed_in(journey, Journey.AddendumRecorded, text=command.text)
        journey.record_addendum(acting, command.entry_version, sealed["text"])
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
