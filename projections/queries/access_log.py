"""The access log: who read which client's record, and every list that showed clients."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from sqlalchemy import (
    Connection,
    Select,
    Table,
    select,
)

from projections.pages import Page
from projections.queries.filters import newest_first, on_local_days
from projections.tables import (
    access_log,
    access_queries,
    access_query_journeys,
    sign_ins,
)


def access_log_entries(
    connection: Connection,
    clinic_id: UUID,
    zone: ZoneInfo,
    *,
    client: UUID | None = None,
    practitioner: UUID | None = None,
    accessed_from: date | None = None,
    accessed_to: date | None = None,
    after: str | None = None,
    limit: int = 50,
) -> Page:
    """Return who read which client's record, newest first; dates are the clinic's, inclusive."""
    query = _accesses(access_log, clinic_id, zone, practitioner, accessed_from, accessed_to)
    if client is not None:
        query = query.where(access_log.c.client_id == client)
    return newest_first(connection, query, access_log, after, limit)


def access_queries_entries(
    connection: Connection,
    clinic_id: UUID,
    zone: ZoneInfo,
    *,
    journey: UUID | None = None,
    practitioner: UUID | None = None,
    accessed_from: date | None = None,
    accessed_to: date | None = None,
    after: str | None = None,
    limit: int = 50,
) -> Page:
    """Return every list that showed clients, newest first; dates are the clinic's, inclusive."""
    query = _accesses(access_queries, clinic_id, zone, practitioner, accessed_from, accessed_to)
    if journey is not None:
        showed = select(access_query_journeys.c.position).where(
            access_query_journeys.c.journey_id == journey
        )
        query = query.where(access_queries.c.position.in_(showed))
    return newest_first(connection, query, access_queries, after, limit)


def _accesses(
    table: Table,
    clinic_id: UUID,
    zone: ZoneInfo,
    practitioner: UUID | None,
    accessed_from: date | None,
    accessed_to: date | None,
) -> Select[Any]:
    """Select a clinic's rows of an access table, by practitioner and clinic-local days."""
    query = select(table).where(
        table.c.clinic_id == clinic_id,
        *on_local_days(table.c.accessed_at, zone, accessed_from, accessed_to),
    )
    if practitioner is not None:
        query = query.where(table.c.practitioner_id == practitioner)
    return query


def sign_in_history(
    connection: Connection,
    clinic_id: UUID,
    zone: ZoneInfo,
    *,
    practitioner: UUID | None = None,
    happened_from: date | None = None,
    happened_to: date | None = None,
    after: str | None = None,
    limit: int = 50,
) -> Page:
    """Return browser sign-ins, failures, sign-outs and invitations, newest first."""
    query = select(sign_ins).where(
        sign_ins.c.clinic_id == clinic_id,
        *on_local_days(sign_ins.c.at, zone, happened_from, happened_to),
    )
    if practitioner is not None:
        query = query.where(sign_ins.c.practitioner_id == practitioner)
    return newest_first(connection, query, sign_ins, after, limit)
