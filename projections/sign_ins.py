"""Sign-ins by browser, for the auditor: who signed in, failed, signed out, was invited, when.

Ids, times and reason codes only: never what anyone typed.
"""

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
from projections.tables import sign_ins

HAPPENED: dict[type[Any], str] = {
    SignInAccount.SignedIn: "signed_in",
    SignInAccount.SignInFailed: "sign_in_failed",
    SignInAccount.SignedOut: "signed_out",
    SignInAccount.Enrolled: "set_up",
    Invitation.Issued: "invited",
}
"""What each recorded event is called in the list."""


class SignInsProjection(Projection):
    """Every browser sign-in, failure, sign-out, set-up and invitation, in log order."""

    name: ClassVar[str] = "sign_ins"
    tables = (sign_ins,)
    ignores = (
        AccessQuery.Event,
        AccessRecord.Event,
        AccessToken.Event,
        CalendarFeed.Event,
        Client.Event,
        Clinic.Event,
        IdempotentRequest.Event,
        Journey.Event,
        Practitioner.Event,
        SignInAccount.Opened,  # the account exists: its invitation is what is listed
        Invitation.Used,  # listed as the account's set-up
    )

    @handles(*HAPPENED)
    def happened(self, connection: Connection, event: Any, position: int) -> None:
        connection.execute(
            insert(sign_ins).values(
                position=position,
                clinic_id=event.clinic_id,
                practitioner_id=event.practitioner_id,
                happened=HAPPENED[type(event)],
                reason=getattr(event, "reason", None),
                at=event.timestamp,
            )
        )
