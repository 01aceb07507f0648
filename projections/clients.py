"""The client index: each client's pseudonym (folded for search) and journeys, nothing more."""

from __future__ import annotations

from typing import Any, ClassVar

from sqlalchemy import Connection, insert, select, update

from casework.access_log import AccessQuery, AccessRecord
from casework.access_token import AccessToken
from casework.calendar_feed import CalendarFeed
from casework.client import Client, folded
from casework.clinic import Clinic
from casework.idempotent_request import IdempotentRequest
from casework.journey import Journey
from casework.practitioner import Practitioner
from casework.sign_in import Invitation, SignInAccount
from projections.base import Projection, handles
from projections.tables import clients


class ClientsProjection(Projection):
    """Who the clinic's clients are by pseudonym, for finding one; their journeys, newest last."""

    name: ClassVar[str] = "clients"
    tables = (clients,)
    ignores = (
        SignInAccount.Event,
        Invitation.Event,
        CalendarFeed.Event,
        AccessRecord.Event,
        AccessQuery.Event,
        AccessToken.Event,
        Clinic.Event,
        IdempotentRequest.Event,
        Journey.Event,
        Practitioner.Event,
        Client.DetailsRecorded,  # sealed details: never in a read model
        Client.Erased,  # the pseudonym is not personal data: it stays findable
    )

    @handles(Client.Registered)
    def registered(self, connection: Connection, event: Any, position: int) -> None:
        connection.execute(
            insert(clients).values(
                client_id=event.originator_id,
                clinic_id=event.clinic_id,
                pseudonym=event.pseudonym,
                pseudonym_key=folded(event.pseudonym),  # as recorded: never refused here
                journey_ids=[],
                registered_at=event.timestamp,
            )
        )

    @handles(Client.JourneyStarted)
    def journey_started(self, connection: Connection, event: Any, position: int) -> None:
        row = clients.c.client_id == event.originator_id
        journeys = connection.execute(select(clients.c.journey_ids).where(row)).scalar_one()
        connection.execute(
            update(clients).where(row).values(journey_ids=[*journeys, str(event.journey_id)])
        )
