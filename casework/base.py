"""What every part of Casework shares: the store, the keys, and the plumbing of commands."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from typing import Any, TypeVar, overload
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application, Repository
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import JSONTranscoder, RecordConflictError, Transcoding
from eventsourcing.utils import EnvType

from casework.access_log import AccessRecord, Purpose, default_purpose
from casework.clinic import Clinic
from casework.clock import aware, clinical_time, local_date
from casework.errors import Conflict, InvalidInput, NotFound, RuleViolation
from casework.journey import Journey
from casework.permissions import acting_role
from casework.practitioner import Practitioner
from casework.roles import Acting, Actor
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
    """The library's repository, replaying with `replay` unless told otherwise."""

    def get(self, aggregate_id: UUID, **options: Any) -> Any:
        options.setdefault("projector_func", replay)
        return super().get(aggregate_id, **options)


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


class CaseworkBase(Application[UUID]):
    """The event store, the seal key and the vault, and the steps every command takes."""

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
        self._clinics: dict[UUID, Clinic] = {}

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
        try:
            return self.vault.seal(client_id, text)
        except ClientErased:
            raise RuleViolation(
                "client_erased", "The client's personal data was erased; nothing new can be added."
            ) from None

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

    def _clinic(self, clinic_id: UUID) -> Clinic:
        """Return a clinic, read from the store once per process.

        A clinic is written once (`Clinic.Registered`) and never changes, so the copy kept here
        cannot go stale; it saves a store read on every dated command.
        """
        clinic = self._clinics.get(clinic_id)
        if clinic is None:
            clinic = self._clinics[clinic_id] = self._get(Clinic, clinic_id)
        return clinic

    def _local_date(self, journey: Journey, moment: datetime) -> date:
        return local_date(moment, self._clinic(journey.clinic_id).time_zone)

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
