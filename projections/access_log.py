"""The read-access log, for auditors: one row per read of a client's record, and one per list
that showed clients (with the journeys it returned)."""

from __future__ import annotations

from typing import Any, ClassVar

from sqlalchemy import Connection, insert

from casework.access_log import AccessQuery, AccessRecord
from casework.access_token import AccessToken
from casework.calendar_feed import CalendarFeed
from casework.client import Client
from casework.clinic import Clinic
from casework.idempotent_request import IdempotentRequest
from casework.journey import Journey
from casework.practitioner import Practitioner
from casework.sign_in import Invitation, SignInAccount
from projections.base import Projection, handles
from projections.tables import access_log, access_queries, access_query_journeys


class AccessLogProjection(Projection):
    """Every logged read: who, in which role, which client, which endpoint, why, when."""

    name: ClassVar[str] = "access_log"
    tables = (access_log, access_queries, access_query_journeys)
    ignores = (
        SignInAccount.Event,
        Invitation.Event,
        CalendarFeed.Event,
        AccessToken.Event,
        Client.Event,
        Clinic.Event,
        IdempotentRequest.Event,
        Journey.Event,
        Practitioner.Event,
    )

    @handles(AccessRecord.Recorded)
    def access_recorded(self, connection: Connection, event: Any, position: int) -> None:
        connection.execute(
            insert(access_log).values(
                position=position,
                clinic_id=event.clinic_id,
                practitioner_id=event.practitioner_id,
                role=event.role,
                journey_id=event.journey_id,
                client_id=event.client_id,
                endpoint=event.endpoint,
                purpose=event.purpose,
                accessed_at=event.timestamp,
            )
        )

    @handles(AccessQuery.Recorded)
    def access_query_recorded(self, connection: Connection, event: Any, position: int) -> None:
        journeys = list(dict.fromkeys(event.journey_ids))
        connection.execute(
            insert(access_queries).values(
                position=position,
                clinic_id=event.clinic_id,
                practitioner_id=event.practitioner_id,
                role=event.role,
                endpoint=event.endpoint,
                filters=list(event.filters),
                purpose=event.purpose,
                journey_ids=[str(journey) for journey in journeys],
                accessed_at=event.timestamp,
            )
        )
        if journeys:
            connection.execute(
                insert(access_query_journeys),
                [{"position": position, "journey_id": journey} for journey in journeys],
            )
