"""The client: known by a clinic-unique pseudonym, with identifying details sealed by the vault."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from casework.chain import ChainedAggregate


def client_id_for(clinic_id: UUID, pseudonym: str) -> UUID:
    """Return the one id a pseudonym has in a clinic (case-insensitive), which keeps it unique."""
    return uuid5(clinic_id, pseudonym.strip().casefold())


class Client(ChainedAggregate):
    """A person in care; one client may have several journeys over the years."""

    class Event(ChainedAggregate.Event):
        actor_id: UUID
        actor_role: str
        occurred_at: datetime

    class Registered(Event, Aggregate.Created):
        clinic_id: UUID
        pseudonym: str

    @event(Registered)
    def __init__(
        self,
        actor_id: UUID,
        actor_role: str,
        occurred_at: datetime,
        clinic_id: UUID,
        pseudonym: str,
        id: UUID,
    ) -> None:
        self.clinic_id = clinic_id
        self.pseudonym = pseudonym
        self.journey_ids: list[UUID] = []
        self.details: dict[str, str | None] = {}
        self.erased_at: datetime | None = None
        self.erasure: dict[str, str | None] = {}

    class JourneyStarted(Event):
        journey_id: UUID

    @event(JourneyStarted)
    def start_journey(
        self, actor_id: UUID, actor_role: str, occurred_at: datetime, journey_id: UUID
    ) -> None:
        """Remember that a new journey began for this client."""
        self.journey_ids.append(journey_id)

    class DetailsRecorded(Event):
        details: dict[str, str | None]

    @event(DetailsRecorded)
    def record_details(
        self,
        actor_id: UUID,
        actor_role: str,
        occurred_at: datetime,
        details: dict[str, str | None],
    ) -> None:
        """Record (or replace) the identifying details; the application sealed every value."""
        self.details = dict(details)

    class Erased(Event):
        reason: str
        retention_ends_on: str | None
        retention_override: str | None

    @event(Erased)
    def erase(
        self,
        actor_id: UUID,
        actor_role: str,
        occurred_at: datetime,
        reason: str,
        retention_ends_on: str | None,
        retention_override: str | None,
    ) -> None:
        """Note that the client's key was destroyed: every sealed value now reads as erased."""
        self.erased_at = occurred_at
        self.erasure = {
            "reason": reason,
            "retention_ends_on": retention_ends_on,
            "retention_override": retention_override,
        }
