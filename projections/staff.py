"""The staff list: each practitioner as people read them, and their bearer tokens."""

from __future__ import annotations

from typing import Any, ClassVar

from sqlalchemy import Connection, insert, update

from casework.access_log import AccessQuery, AccessRecord
from casework.access_token import AccessToken
from casework.calendar_feed import CalendarFeed
from casework.client import Client
from casework.clinic import Clinic
from casework.idempotent_request import IdempotentRequest
from casework.journey import Journey
from casework.practitioner import Practitioner
from casework.sign_in import Invitation, SignInAccount
from projections.base import Projection, handles, plain
from projections.tables import access_tokens, practitioners


def sort_name(display_name: str) -> str:
    """Return the key a staff list is sorted by: the name without case."""
    return display_name.casefold()


class StaffProjection(Projection):
    """Who works at each clinic, in which roles, with which credentials, and their tokens."""

    name: ClassVar[str] = "staff"
    tables = (practitioners, access_tokens)
    ignores = (
        SignInAccount.Event,
        Invitation.Event,
        CalendarFeed.Event,
        AccessRecord.Event,
        AccessQuery.Event,
        Client.Event,
        Clinic.Event,
        IdempotentRequest.Event,
        Journey.Event,
    )

    @handles(Practitioner.Registered)
    def registered(self, connection: Connection, event: Any, position: int) -> None:
        connection.execute(
            insert(practitioners).values(
                practitioner_id=event.originator_id,
                clinic_id=event.clinic_id,
                display_name=event.display_name,
                sort_name=sort_name(event.display_name),
                roles=sorted(event.roles),
                active=True,
                credentials=plain(event.credentials),
                modalities=list(event.modalities),
                registered_at=event.timestamp,
            )
        )

    @handles(Practitioner.RoleGranted, Practitioner.RoleRevoked)
    def role_changed(self, connection: Connection, event: Any, position: int) -> None:
        row = connection.execute(
            practitioners.select().where(practitioners.c.practitioner_id == event.originator_id)
        ).one()
        roles = set(row.roles)
        if isinstance(event, Practitioner.RoleGranted):
            roles.add(event.role)
        else:
            roles.discard(event.role)
        self._change(connection, event, roles=sorted(roles))

    @handles(Practitioner.Renamed)
    def renamed(self, connection: Connection, event: Any, position: int) -> None:
        name = event.display_name
        self._change(connection, event, display_name=name, sort_name=sort_name(name))

    @handles(Practitioner.CredentialsRecorded)
    def credentials_recorded(self, connection: Connection, event: Any, position: int) -> None:
        credentials, modalities = plain(event.credentials), list(event.modalities)
        self._change(connection, event, credentials=credentials, modalities=modalities)

    @handles(Practitioner.Deactivated)
    def deactivated(self, connection: Connection, event: Any, position: int) -> None:
        self._change(connection, event, active=False, deactivated_at=event.timestamp)

    @handles(AccessToken.Issued)
    def token_issued(self, connection: Connection, event: Any, position: int) -> None:
        connection.execute(
            insert(access_tokens).values(
                token_id=event.originator_id,
                clinic_id=event.clinic_id,
                practitioner_id=event.practitioner_id,
                label=event.label,
                issued_at=event.timestamp,
            )
        )

    @handles(AccessToken.Revoked)
    def token_revoked(self, connection: Connection, event: Any, position: int) -> None:
        connection.execute(
            update(access_tokens)
            .where(access_tokens.c.token_id == event.originator_id)
            .values(revoked_at=event.timestamp)
        )

    @staticmethod
    def _change(connection: Connection, event: Any, **values: Any) -> None:
        connection.execute(
            update(practitioners)
            .where(practitioners.c.practitioner_id == event.originator_id)
            .values(**values)
        )
