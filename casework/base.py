"""What every part of Casework shares: the store, the keys, and the plumbing of commands."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar, cast
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application, Repository
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import (
    JSONTranscoder,
    PersistenceError,
    RecordConflictError,
    Transcoding,
)
from eventsourcing.utils import EnvType

from casework.access_log import AccessQuery, AccessRecord, Purpose, default_purpose
from casework.chain import form_of_stored, link_over
from casework.checkpoint_sink import CheckpointSink
from casework.clinic import Clinic
from casework.clock import aware, clinical_time, local_date
from casework.commands import Command, Dated
from casework.errors import (
    AccessLogUnavailable,
    Conflict,
    InvalidInput,
    NotFound,
    RuleViolation,
    StaleVersion,
)
from casework.idempotent_request import PENDING, IdempotentRequest, recorded_with
from casework.journey import Journey
from casework.journey.commands import JourneyCommand
from casework.permissions import Read, acting_role
from casework.persistence import position_of
from casework.personal import reveal_payload, revealed_event, seal_payload
from casework.practitioner import Practitioner
from casework.refusals import Refusal
from casework.roles import Acting, Actor
from casework.signing import Signer, Verifier, new_signing_key
from casework.vault import KEY_BYTES, ClientErased, MemoryKeyStore, Vault

A = TypeVar("A", bound=Aggregate)


def replay(aggregate: Any, events: Iterable[Any]) -> Any:
    """Apply stored events in order: the library's projector without its per-event check.

    The library asserts each event against a runtime-checkable typing Protocol, which cost a
    tenth of every command (cProfile); every Casework event is an `Aggregate.Event`.
    """
    for event in events:
        aggregate = event.mutate(aggregate)
    return aggregate


class ReplayingRepository(Repository[UUID]):
    """Load aggregates by replaying their stored events with `replay` (no snapshots, no cache).

    A chained aggregate is told the link of its last stored event, taken over the stored form,
    so that the next event names it even when the stored events were upcast on the way in.
    """

    def get(self, aggregate_id: UUID, *, version: int | None = None, **_: Any) -> Any:
        records = self.event_store.recorder.select_events(aggregate_id, lte=version)
        if not records:
            raise AggregateNotFoundError(aggregate_id)
        mapper = self.event_store.mapper
        aggregate = replay(None, map(mapper.to_domain_event, records))
        aggregate.stored_head_link = link_over(form_of_stored(mapper, records[-1]))
        return aggregate


class DateAsISO(Transcoding):
    """Store calendar dates (due dates, review dates, valid-until) as ISO strings."""

    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


def _spoken(kind: type[Any]) -> str:
    """Return a class's name as words: AccessToken → access token."""
    return re.sub(r"(?<!^)(?=[A-Z])", " ", kind.__name__).lower()


@dataclass(frozen=True)
class Written:
    """What a write answers: the aggregate, its new stream version, and its log position.

    `created_id` names the session, preparation session or contact a journey write created.
    """

    id: UUID
    version: int
    position: int
    created_id: UUID | None = None


class CaseworkBase(Application[UUID]):
    """The event store, the seal key and the vault, and the steps every command takes."""

    def __init__(
        self,
        env: EnvType | None = None,
        *,
        signer: Signer | None = None,
        verifier: Verifier | None = None,
        sink: CheckpointSink | None = None,
        vault: Vault | None = None,
    ) -> None:
        """Open the store; `vault` seals personal data; checkpoints are signed by `signer`,
        checked by `verifier`, and also kept in `sink`.

        Without a signer and verifier (tests, in-memory use) a random key pair serves, for as
        long as this object lives; the API passes the public keys from the environment and no
        signer: only the sealer (`casework integrity seal`) holds the signing key.
        """
        super().__init__(env)
        if signer is None and verifier is None:
            signer = Signer(new_signing_key()[0])
        self.signer = signer
        self.verifier = verifier or cast(Signer, signer).verifier()
        self.sink = sink
        self.vault = vault or Vault(os.urandom(KEY_BYTES), MemoryKeyStore())

    def construct_repository(self) -> Repository[UUID]:
        return ReplayingRepository(event_store=self.events, snapshot_store=self.snapshots)

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())

    # -- the read-access log ---------------------------------------------------------------

    def record_access(
        self, actor: Actor, journey_id: UUID, endpoint: str, purpose: Purpose | None = None
    ) -> Journey:
        """Log that the actor read a client's record, where and why; return the journey read."""
        acting_role(actor, Read.JOURNEY)
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
        role = acting_role(actor, Read.JOURNEY)
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
            self._logged(*records)

    def record_query(
        self,
        actor: Actor,
        endpoint: str,
        filters: dict[str, object],
        journey_ids: Iterable[UUID],
        purpose: Purpose | None = None,
    ) -> None:
        """Log that the actor listed clients: which list, how filtered, and whom it returned.

        Filters are coded values and ids (statuses, dates, practitioner ids): `name=value` each,
        those not given left out.
        """
        role = acting_role(actor, Read.JOURNEY)
        self._logged(
            AccessQuery(
                clinic_id=actor.clinic_id,
                practitioner_id=actor.practitioner_id,
                role=role.value,
                endpoint=endpoint,
                filters=[f"{name}={value}" for name, value in filters.items() if value is not None],
                purpose=(purpose or default_purpose(role)).value,
                journey_ids=list(journey_ids),
            )
        )

    def _logged(self, *records: Aggregate) -> None:
        """Save access records; raise AccessLogUnavailable when the store refuses them."""
        try:
            self._save(*records)
        except PersistenceError as error:
            raise AccessLogUnavailable() from error

    # -- plumbing shared by the commands ---------------------------------------------------

    def _acting(self, actor: Actor, command: Command) -> Acting:
        """Return who acts, in which role, and when (the command's clinical time, checked)."""
        role = acting_role(actor, command)  # the role first: a forbidden caller learns nothing more
        occurred_at = command.occurred_at if isinstance(command, Dated) else None
        return Acting(actor.practitioner_id, role.value, clinical_time(occurred_at, "occurred_at"))

    def _load(self, actor: Actor, command: JourneyCommand) -> tuple[Journey, Acting]:
        """Return the journey a command is for, over the version it expects, and who acts."""
        role = acting_role(actor, command)
        when = clinical_time(command.clinical_time, command.time_field)
        journey = self._journey(actor, command.journey_id)
        expected = command.expected_version
        if expected is not None and expected != journey.version:
            raise StaleVersion(journey.version, expected)
        return journey, Acting(actor.practitioner_id, role.value, when)

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
            raise NotFound(f"No such {_spoken(kind)}.") from None
        if not isinstance(aggregate, kind):
            raise NotFound(f"No such {_spoken(kind)}.")
        return aggregate

    def _sealed(
        self, clinic_id: UUID, client_id: UUID, event_class: type[Any], **values: Any
    ) -> dict[str, Any]:
        """Return some fields of an event with each declared personal text sealed for the client.

        Raises RuleViolation `client_erased` once the client's key is destroyed.
        """

        def seal(label: str, text: str) -> str:
            return self.vault.seal(clinic_id, client_id, label, text)

        try:
            return seal_payload(event_class, values, seal)
        except ClientErased:
            raise RuleViolation(
                Refusal.CLIENT_ERASED,
                "The client's personal data was erased; nothing new can be added.",
            ) from None

    def _sealed_in(self, journey: Journey, event_class: type[Any], **values: Any) -> dict[str, Any]:
        """Return some fields of a journey event with each declared personal text sealed."""
        return self._sealed(journey.clinic_id, journey.client_id, event_class, **values)

    def _agreed_scope(self, journey: Journey, scope: list[str]) -> list[str]:
        """Return a supportive-touch consent's scope in clear, for the rule that compares it."""
        revealed = reveal_payload(
            self.vault.reader(),
            journey.clinic_id,
            journey.client_id,
            Journey.ConsentGiven,
            {"scope": scope},
        )
        return [str(area) for area in revealed["scope"]]

    def _revealed(self, journey: Journey, version: int | None = None) -> Journey:
        """Return the journey (up to `version`) replayed from its events with their text revealed.

        For reading only: never saved. Each event's declared personal fields are opened under
        its clinic, client and field; erased text reads ERASED, misplaced text UNREADABLE.
        """
        reader = self.vault.reader()
        events = self.events.get(journey.id, lte=version)
        revealed: Journey = replay(
            None,
            (revealed_event(reader, journey.clinic_id, journey.client_id, e) for e in events),
        )
        return revealed

    def _clinic(self, clinic_id: UUID) -> Clinic:
        """Return a clinic as the store holds it now.

        Read through, never kept: an admin may change its settings in any process, and every
        process must use the new ones at once (a clinic's stream is a few events long).
        """
        return self._get(Clinic, clinic_id)

    def _local_date(self, journey: Journey, moment: datetime) -> date:
        return local_date(moment, self._clinic(journey.clinic_id).time_zone)

    @staticmethod
    def _dose_time(dose: dict[str, Any]) -> datetime | None:
        given_at = dose.get("given_at")
        return None if given_at is None else aware(given_at, "given_at")

    def _save(self, *aggregates: Aggregate, created_id: UUID | None = None) -> Written:
        # A keyed request is saved with the first save of its command, in one transaction.
        pending = PENDING.get()
        keyed = pending is not None and not pending.saved
        request: tuple[Aggregate, ...] = ()
        if pending is not None and keyed:
            request = (recorded_with(pending, aggregates, created_id),)
        try:
            recordings = self.save(*request, *aggregates)
        except RecordConflictError:
            raise Conflict(
                Refusal.CONCURRENT_WRITE,
                "Another write changed this record first; reload and retry.",
            ) from None
        if pending is not None:
            pending.saved = True
        last = aggregates[-1]
        return Written(last.id, last.version, recordings[-1].notification.id, created_id)

    def answered_request(self, request_id: UUID) -> tuple[IdempotentRequest, Written] | None:
        """Return a keyed request that was done, and what it answered; None if it was not."""
        try:
            found: object = self.repository.get(request_id)
        except AggregateNotFoundError:
            return None
        request = found
        if not isinstance(request, IdempotentRequest):
            return None
        position = position_of(self.recorder, request.answer_id, request.answer_version)
        if position is None:  # cannot be: the request and its answer were saved together
            raise RuntimeError("A keyed request's answer is missing from the log.")
        answer = Written(request.answer_id, request.answer_version, position, request.created_id)
        return request, answer
