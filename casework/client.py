"""The client: known by a clinic-unique pseudonym; identifying details live elsewhere."""

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

    class JourneyStarted(Event):
        journey_id: UUID

    @event(JourneyStarted)
    def start_journey(
        self, actor_id: UUID, actor_role: str, occurred_at: datetime, journey_id: UUID
    ) -> None:
        """Remember that a new journey began for this client."""
        self.journey_ids.append(journey_id)
