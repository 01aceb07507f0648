"""What every read view shares: who may read, and `me` resolved to the caller."""

from __future__ import annotations

from datetime import date, datetime
from http import HTTPStatus
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from flask import g, request
from sqlalchemy import Connection

from api.auth import current_actor
from api.errors import abort, refuse_parameter
from api.services import casework
from casework.access_log import Purpose
from casework.permissions import Read, acting_role
from casework.roles import Actor
from projections import queries
from projections.pages import Page


def reader() -> Actor:
    """Return the caller, if they may read clinical records (clinical roles and auditors)."""
    actor = current_actor()
    acting_role(actor, Read.JOURNEY)
    return actor


def resolve_me(value: UUID | str | None, actor: Actor) -> UUID | None:
    """Return the practitioner a filter names, `me` being the caller."""
    if value == "me":
        return actor.practitioner_id
    return value if isinstance(value, UUID) else None


PURPOSE_HEADER = "Casework-Purpose"


def purpose_of_use() -> Purpose | None:
    """Return the purpose the reader names in the Casework-Purpose header, if any.

    A page for people names it in `g.purpose` instead: the reader picked it on the page (web).
    """
    picked: Purpose | None = g.get("purpose")
    if picked is not None:
        return picked
    value = request.headers.get(PURPOSE_HEADER)
    if value is None:
        return None
    if value not in {purpose.value for purpose in Purpose}:
        allowed = ", ".join(purpose.value for purpose in Purpose)
        refuse_parameter("headers", PURPOSE_HEADER, f"Must be one of: {allowed}.")
    return Purpose(value)


def logged_query(actor: Actor, endpoint: str, filters: dict[str, Any], page: Page) -> Page:
    """Record that the actor listed these clients (one query record), then return the page.

    A list whose query record cannot be written is not answered (the store error is a 503).
    """
    journeys = [item["journey_id"] for item in page.items]
    casework().record_query(actor, endpoint, filters, journeys, purpose_of_use())
    return page


def clinic_zone(actor: Actor) -> ZoneInfo:
    """Return the time zone of the caller's clinic, as it is set now."""
    return ZoneInfo(casework().get_clinic(actor.clinic_id).time_zone)


def today(actor: Actor) -> date:
    """Return today's date in the caller's clinic."""
    return datetime.now(clinic_zone(actor)).date()


def clients_of(connection: Connection, journey_ids: set[UUID]) -> dict[UUID, UUID]:
    """Return {journey id: client id} for every journey a read shows, for the access log.

    Answers 503 if the caseload read model lacks one of them (it may trail the model the
    read came from): a read the access log could not name is never answered.
    """
    clients = queries.client_ids(connection, journey_ids)
    if clients.keys() != journey_ids:
        abort(
            HTTPStatus.SERVICE_UNAVAILABLE,
            message="The caseload read model lacks journeys of this read; retry shortly.",
            reason="read_models_behind",
            headers={"Retry-After": "1"},
        )
    return clients
