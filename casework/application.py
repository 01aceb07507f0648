"""The application service: one method per command — load, call the aggregate, save."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from typing import Any, TypeVar, overload
from uuid import UUID, uuid4

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import JSONTranscoder, RecordConflictError, Transcoding
from eventsourcing.utils import EnvType

from casework.access_log import AccessRecord, Purpose, default_purpose
from casework.access_token import AccessToken, new_token_secret, token_id_for
from casework.client import Client, client_id_for
from casework.clinic import (
    DEFAULT_FOLLOW_UP_SCHEDULE,
    Clinic,
    validate_follow_up_schedule,
    validate_time_zone,
)
from casework.clock import aware, clinical_time, local_date, utc_now
from casework.errors import Conflict, Forbidden, InvalidInput, NotFound, RuleViolation
from casework.export import exported_events
from casework.integrity import IntegrityReport, check_store, check_stream, seal_log
from casework.journey import Journey
from casework.journey.corrections import PERSONAL_FIELDS
from casework.journey.state import describe_journey
from casework.journey.values import (
    CareRole,
    ConsentKind,
    ContactKind,
    OutreachChannel,
    OutreachOutcome,
    ScreeningOutcome,
)
from casework.permissions import acting_role
from casework.practitioner import Practitioner
from casework.roles import OPERATOR, Acting, Actor, Role
from casework.vault import KEY_BYTES, MemoryKeyStore, Vault

A = TypeVar("A", bound=Aggregate)

CO_SIGNER_ROLES = {Role.CLINICAL_LEAD, Role.FACILITATOR, Role.INTEGRATION_THERAPIST}


class DateAsISO(Transcoding):
    """Store calendar dates (due dates, review dates, valid-until) as ISO strings."""

    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


@dataclass(frozen=True)
class Written:
    """What a write answers: the aggregate, its new stream version, and its log position.

    `created_id` names the session, preparation session or contact a journey write created.
    """

    id: UUID
    version: int
    position: int
    created_id: UUID | None = None


class Casework(Application[UUID]):
    """Every command and single-record read of Casework; knows nothing of HTTP or SQL."""

    name = "Casework"

    def __init__(
        self,
        env: EnvType | None = None,
        *,
        seal_key: bytes | None = None,
        vault: Vault | None = None,
    ) -> None:
        """Open the store; `seal_key` signs seals, `vault` seals personal data.

        Without them (tests, in-memory use) both are random and last as long as this object:
        the API always passes the keys from the environment.
        """
        super().__init__(env)
        self.seal_key = seal_key or os.urandom(KEY_BYTES)
        self.vault = vault or Vault(os.urandom(KEY_BYTES), MemoryKeyStore())

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())

    # -- clinics, staff and tokens ---------------------------------------------------------

    def register_clinic(
        self,
        name: str,
        time_zone: str,
        admin_display_name: str,
        follow_up_schedule: list[dict[str, Any]] | None = None,
        min_facilitators: int = 1,
        retention_years: int = 10,
        clinic_id: UUID | None = None,
        admin_id: UUID | None = None,
    ) -> tuple[Written, UUID]:
        """Register a clinic and its first admin (the operator acts); return it and the admin id."""
        acting = Acting(actor_id=None, actor_role=OPERATOR, occurred_at=utc_now())  # type: ignore[arg-type]
        clinic = Clinic(
            *acting,
            name=name,
            time_zone=validate_time_zone(time_zone),
            follow_up_schedule=validate_follow_up_schedule(
                DEFAULT_FOLLOW_UP_SCHEDULE if follow_up_schedule is None else follow_up_schedule
            ),
            min_facilitators=min_facilitators,
            retention_years=retention_years,
            id=clinic_id or uuid4(),
        )
        admin = Practitioner(
            *acting,
            clinic_id=clinic.id,
            display_name=admin_display_name,
            roles=[Role.ADMIN.value],
            credentials=[],
            modalities=[],
            id=admin_id or uuid4(),
        )
        return self._save(admin, clinic), admin.id  # the clinic last: it answers

    def register_practitioner(
        self,
        actor: Actor,
        display_name: str,
        roles: list[Role],
        credentials: list[dict[str, Any]],
        modalities: list[str],
        practitioner_id: UUID | None = None,
    ) -> Written:
        """Register a staff member of the actor's clinic."""
        acting = self._acting(actor, "register_practitioner", None)
        practitioner = Practitioner(
            *acting,
            clinic_id=actor.clinic_id,
            display_name=display_name,
            roles=sorted({role.value for role in roles}),
            credentials=credentials,
            modalities=modalities,
            id=practitioner_id or uuid4(),
        )
        return self._save(practitioner)

    def grant_role(self, actor: Actor, practitioner_id: UUID, role: Role) -> Written:
        """Give a practitioner of the actor's clinic another role."""
        acting = self._acting(actor, "grant_role", None)
        practitioner = self._practitioner(actor.clinic_id, practitioner_id)
        practitioner.grant_role(*acting, role=role)
        return self._save(practitioner)

    def revoke_role(self, actor: Actor, practitioner_id: UUID, role: Role) -> Written:
        """Take a role away from a practitioner of the actor's clinic."""
        acting = self._acting(actor, "revoke_role", None)
        practitioner = self._practitioner(actor.clinic_id, practitioner_id)
        if practitioner_id == actor.practitioner_id and role is Role.ADMIN:
            raise RuleViolation(
                "cannot_revoke_own_admin",
                "An admin cannot revoke their own admin role.",
            )
        practitioner.revoke_role(*acting, role=role)
        return self._save(practitioner)

    def get_practitioner(self, actor: Actor, practitioner_id: UUID) -> Practitioner:
        """Return a practitioner of the actor's clinic."""
        self._acting(actor, "read_practitioner", None)
        return self._practitioner(actor.clinic_id, practitioner_id)

    def get_clinic(self, clinic_id: UUID) -> Clinic:
        """Return a clinic."""
        return self._get(Clinic, clinic_id)

    def issue_token(self, practitioner_id: UUID, label: str) -> tuple[str, UUID]:
        """Issue a bearer token (operator only: the CLI); return it, shown once, and its id."""
        practitioner = self._get(Practitioner, practitioner_id)
        secret = new_token_secret()
        token = AccessToken(
            practitioner_id=practitioner.id,
            clinic_id=practitioner.clinic_id,
            label=label,
            id=token_id_for(secret),
        )
        self._save(token)
        return secret, token.id

    def revoke_token(self, token_id: UUID, reason: str) -> None:
        """Revoke a bearer token by its id (operator only: the CLI)."""
        token = self._get(AccessToken, token_id)
        token.revoke(reason)
        self._save(token)

    def authenticate(self, secret: str) -> Actor | None:
        """Return the actor a bearer token stands for, or None if it is unknown or revoked."""
        try:
            token = self._get(AccessToken, token_id_for(secret))
        except NotFound:
            return None
        if token.revoked_at is not None:
            return None
        practitioner = self._get(Practitioner, token.practitioner_id)
        return practitioner.as_actor()

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
        clinic = self._get(Clinic, journey.clinic_id)
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

    # -- reads -----------------------------------------------------------------------------

    def record_access(
        self, actor: Actor, journey_id: UUID, endpoint: str, purpose: Purpose | None = None
    ) -> Journey:
        """Log that the actor read a client's record, where and why; return the journey read."""
        acting_role(actor, "read_journey")
        journey = self._journey(actor, journey_id)
        self.record_accesses(actor, {journey_id: journey.client_id}, endpoint, purpose)
        return journey

    def record_accesses(
        self,
        actor: Actor,
        journeys: dict[UUID, UUID],
        endpoint: str,
        purpose: Purpose | None = None,
    ) -> None:
        """Log that the actor read the records of these journeys ({journey id: client id}).

        One access record per journey, saved together: all of them are logged, or none.
        """
        role = acting_role(actor, "read_journey")
        records = [
            AccessRecord(
                clinic_id=actor.clinic_id,
                practitioner_id=actor.practitioner_id,
                role=role.value,
                journey_id=journey_id,
                client_id=client_id,
                endpoint=endpoint,
                purpose=(purpose or default_purpose(role)).value,
            )
            for journey_id, client_id in journeys.items()
        ]
        if records:
            self._save(*records)

    def get_journey(
        self,
        actor: Actor,
        journey_id: UUID,
        version: int | None = None,
        as_of: datetime | None = None,
        purpose: Purpose | None = None,
    ) -> dict[str, Any]:
        """Return a journey's state now, at a version, or as recorded at a moment (`as_of`).

        Follow-up states are judged on the clinic's date today, or on the date of `as_of`.
        """
        journey = self.record_access(actor, journey_id, "journey", purpose)
        moment = utc_now() if as_of is None else aware(as_of, "as_of")
        if as_of is not None:
            recorded = [
                event.originator_version
                for event in self.events.get(journey_id)
                if isinstance(event, Journey.Event) and event.timestamp <= moment
            ]
            if not recorded:
                raise NotFound("The journey had not been recorded yet at that moment.")
            version = recorded[-1]
        if version is not None:
            if not 1 <= version <= journey.version:
                raise NotFound(f"The journey has versions 1 to {journey.version}.")
            journey = self.repository.get(journey_id, version=version)
        state = describe_journey(journey, today=self._local_date(journey, moment))
        revealed: dict[str, Any] = self.vault.reveal_all(state)
        return revealed

    # -- clients: identifying details and erasure ------------------------------------------

    def record_client_details(
        self, actor: Actor, client_id: UUID, details: dict[str, str | None]
    ) -> Written:
        """Record (or replace) a client's identifying details, each sealed under its key."""
        acting = self._acting(actor, "record_client_details", None)
        client = self._client(actor, client_id)
        sealed = {name: self._private(client.id, value) for name, value in details.items()}
        client.record_details(*acting, details=sealed)
        return self._save(client)

    def get_client(
        self, actor: Actor, client_id: UUID, purpose: Purpose | None = None
    ) -> dict[str, Any]:
        """Return a client's pseudonym, journeys and details (logged as a read of each journey)."""
        acting_role(actor, "read_journey")
        client = self._client(actor, client_id)
        journeys = dict.fromkeys(client.journey_ids, client.id)
        self.record_accesses(actor, journeys, "client_details", purpose)
        described = {
            "id": client.id,
            "pseudonym": client.pseudonym,
            "journey_ids": list(client.journey_ids),
            "details": dict(client.details),
            "erased_at": client.erased_at,
            "erasure": dict(client.erasure) or None,
        }
        revealed: dict[str, Any] = self.vault.reveal_all(described)
        return revealed

    def erase_client(
        self, actor: Actor, client_id: UUID, reason: str, retention_override: str | None = None
    ) -> Written:
        """Destroy the client's key: every sealed value of the client reads as erased from now.

        Refused while the clinic's retention period, counted from the client's last journey
        closure, runs (or while a journey is open), unless `retention_override` says why.
        """
        acting = self._acting(actor, "erase_client", None)
        client = self._client(actor, client_id)
        if client.erased_at is not None:
            self.vault.destroy(client.id)  # finish an erasure whose key outlived its event
            raise RuleViolation("client_already_erased", "The client was erased already.")
        ends_on = self._retention_ends_on(client)
        today = local_date(acting.occurred_at, self._get(Clinic, client.clinic_id).time_zone)
        if (ends_on is None or today < ends_on) and not (retention_override or "").strip():
            until = "until every journey is closed" if ends_on is None else f"until {ends_on}"
            raise RuleViolation(
                "retention_period_running",
                f"The clinic must keep this record {until}; give retention_override to erase now.",
                {"retention_ends_on": None if ends_on is None else ends_on.isoformat()},
            )
        client.erase(
            *acting,
            reason=reason,
            retention_ends_on=None if ends_on is None else ends_on.isoformat(),
            retention_override=retention_override,
        )
        written = self._save(client)
        self.vault.destroy(client.id)
        return written

    def _retention_ends_on(self, client: Client) -> date | None:
        """Return the day the retention period ends: None while a journey is still open."""
        clinic = self._get(Clinic, client.clinic_id)
        closed_on: list[date] = []
        for journey_id in client.journey_ids:
            journey = self._get(Journey, journey_id)
            closures = [each.decided for each in journey.decisions if each.kind == "closure"]
            if not closures:
                return None
            closed_on.append(local_date(closures[-1].occurred_at, clinic.time_zone))
        last = max(closed_on)
        try:
            return last.replace(year=last.year + clinic.retention_years)
        except ValueError:  # 29 February, and the year it ends in is not a leap year
            return last.replace(year=last.year + clinic.retention_years, day=28)

    def _client(self, actor: Actor, client_id: UUID) -> Client:
        client = self._get(Client, client_id)
        if client.clinic_id != actor.clinic_id:
            raise NotFound("No such client.")  # never reveal another clinic's records
        return client

    # -- integrity -------------------------------------------------------------------------

    def seal_log(self) -> int:
        """Seal every event written so far; return how many events the new seals cover."""
        return seal_log(self, self.seal_key)

    def check_integrity(
        self, actor: Actor | None, journey_id: UUID | None = None
    ) -> IntegrityReport:
        """Check the whole store, or one journey's stream, against its chain and seals.

        `actor` None is the operator (the command line); over HTTP an auditor or admin asks.
        """
        if actor is not None:
            acting_role(actor, "read_integrity")
        if journey_id is None:
            return check_store(self, self.seal_key)
        if actor is not None:
            self._journey(actor, journey_id)
        return check_stream(self, self.seal_key, journey_id)

    def export_journey(
        self, actor: Actor, journey_id: UUID, purpose: Purpose | None = None
    ) -> dict[str, Any]:
        """Return a journey's complete record: state, every event, corrections, integrity proof.

        The export is logged as a read of the record, like every other.
        """
        journey = self.record_access(actor, journey_id, "export", purpose)
        state = describe_journey(journey, today=self._local_date(journey, utc_now()))
        record = {
            "journey": state,
            "events": exported_events(self.events.get(journey_id)),
            "integrity": check_stream(self, self.seal_key, journey_id),
        }
        revealed: dict[str, Any] = self.vault.reveal_all(record)
        return revealed

    # -- plumbing shared by the commands ---------------------------------------------------

    def _acting(
        self, actor: Actor, command: str, occurred_at: datetime | None, field: str = "occurred_at"
    ) -> Acting:
        role = acting_role(actor, command)  # the role first: a forbidden caller learns nothing more
        return Acting(actor.practitioner_id, role.value, clinical_time(occurred_at, field))

    def _load(
        self,
        actor: Actor,
        command: str,
        journey_id: UUID,
        occurred_at: datetime | None,
        expected_version: int | None,
        time_field: str = "occurred_at",
    ) -> tuple[Journey, Acting]:
        acting = self._acting(actor, command, occurred_at, time_field)
        journey = self._journey(actor, journey_id)
        if expected_version is not None and expected_version != journey.version:
            raise Conflict(
                "version_mismatch",
                f"The journey is at version {journey.version}, not {expected_version}.",
            )
        return journey, acting

    def _journey(self, actor: Actor, journey_id: UUID) -> Journey:
        journey = self._get(Journey, journey_id)
        if journey.clinic_id != actor.clinic_id:
            raise NotFound("No such journey.")  # never reveal another clinic's records
        return journey

    def _practitioner(
        self, clinic_id: UUID, practitioner_id: UUID, field: str | None = None
    ) -> Practitioner:
        try:
            practitioner = self._get(Practitioner, practitioner_id)
            if practitioner.clinic_id != clinic_id:
                raise NotFound("No such practitioner.")
        except NotFound:
            if field is None:
                raise
            raise InvalidInput.field(field, "No such practitioner in this clinic.") from None
        return practitioner

    def _get(self, kind: type[A], aggregate_id: UUID) -> A:
        try:
            aggregate: object = self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            raise NotFound(f"No such {kind.__name__.lower()}.") from None
        if not isinstance(aggregate, kind):
            raise NotFound(f"No such {kind.__name__.lower()}.")
        return aggregate

    @overload
    def _private(self, client_id: UUID, text: str) -> str: ...
    @overload
    def _private(self, client_id: UUID, text: str | None) -> str | None: ...
    def _private(self, client_id: UUID, text: str | None) -> str | None:
        """Seal free text under the client's key; blank text stays as it is, for the rules."""
        if text is None or not text.strip():
            return text
        if self.vault.is_erased(client_id):
            raise RuleViolation(
                "client_erased", "The client's personal data was erased; nothing new can be added."
            )
        return self.vault.seal(client_id, text)

    def _private_adverse_event(
        self, client_id: UUID, adverse_event: dict[str, Any] | None
    ) -> dict[str, Any] | None:
        if adverse_event is None:
            return None
        private = partial(self._private, client_id)
        return {
            **adverse_event,
            "description": private(adverse_event.get("description")),
            "action_taken": private(adverse_event.get("action_taken")),
        }

    def _local_date(self, journey: Journey, moment: datetime) -> date:
        return local_date(moment, self._get(Clinic, journey.clinic_id).time_zone)

    @staticmethod
    def _dose_time(dose: dict[str, Any]) -> datetime | None:
        given_at = dose.get("given_at")
        return None if given_at is None else aware(given_at, "given_at")

    def _save(self, *aggregates: Aggregate, created_id: UUID | None = None) -> Written:
        try:
            recordings = self.save(*aggregates)
        except RecordConflictError:
            raise Conflict(
                "concurrent_write",
                "Another write changed this record first; reload and retry.",
            ) from None
        last = aggregates[-1]
        return Written(last.id, last.version, recordings[-1].notification.id, created_id)
