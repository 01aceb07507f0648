"""What every read view shares: who may read, and `me` resolved to the caller."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import UUID

from sqlalchemy import Connection

from api.auth import current_actor
from casework.permissions import acting_role
from casework.roles import Actor
from projections.queries import clinic_today


def reader() -> Actor:
    """Return the caller, if they may read clinical records (clinical roles and auditors)."""
    actor = current_actor()
    acting_role(actor, "read_journey")
    return actor


def resolve_me(value: UUID | str | None, actor: Actor) -> UUID | None:
    """Return the practitioner a filter names, `me` being the caller."""
    if value == "me":
        return actor.practitioner_id
    return value if isinstance(value, UUID) else None


def today(connection: Connection, actor: Actor) -> date:
    """Return today's date in the caller's clinic."""
    return clinic_today(connection, actor.clinic_id, datetime.now(UTC))
