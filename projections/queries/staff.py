"""The staff list and each practitioner's tokens."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import Connection, select, tuple_

from projections.pages import InvalidCursor, Page, decode_cursor, page_of
from projections.tables import access_tokens, practitioners, token_uses


def staff_list(
    connection: Connection,
    clinic_id: UUID,
    *,
    role: str | None = None,
    active: bool | None = None,
    after: str | None = None,
    limit: int = 50,
) -> Page:
    """Return a clinic's practitioners by name (case ignored), with roles and credentials."""
    query = select(practitioners).where(practitioners.c.clinic_id == clinic_id)
    if active is not None:
        query = query.where(practitioners.c.active == active)
    key = tuple_(practitioners.c.sort_name, practitioners.c.practitioner_id)
    if after is not None:
        # The cursor names the last practitioner shown (a name is no cursor: it may be any text).
        (last,) = decode_cursor(after, UUID)
        name = connection.execute(
            select(practitioners.c.sort_name).where(
                practitioners.c.practitioner_id == last, practitioners.c.clinic_id == clinic_id
            )
        ).scalar_one_or_none()
        if name is None:
            raise InvalidCursor("Not a cursor this API gave out.")
        query = query.where(key > tuple_(name, last))
    rows: list[dict[str, Any]] = []
    # The roles are a JSON list: filtered here, a page at a time, the same on both stores.
    for row in connection.execute(query.order_by(*key.clauses)).mappings():
        if role is None or role in row["roles"]:
            rows.append(dict(row))
            if len(rows) > limit:
                break
    return page_of(rows, limit, ["practitioner_id"])


def practitioner_tokens(connection: Connection, practitioner_id: UUID) -> list[dict[str, Any]]:
    """Return a practitioner's tokens, newest first: label, issued, revoked, last used."""
    query = (
        select(access_tokens, token_uses.c.last_used_at)
        .outerjoin(token_uses, token_uses.c.token_id == access_tokens.c.token_id)
        .where(access_tokens.c.practitioner_id == practitioner_id)
        .order_by(access_tokens.c.issued_at.desc(), access_tokens.c.token_id)
    )
    return [dict(row) for row in connection.execute(query).mappings()]


def practitioner_names(connection: Connection, clinic_id: UUID) -> dict[UUID, str]:
    """Return the display name of each of the clinic's practitioners, by id."""
    query = select(practitioners.c.practitioner_id, practitioners.c.display_name).where(
        practitioners.c.clinic_id == clinic_id
    )
    return {row.practitioner_id: row.display_name for row in connection.execute(query)}


PEOPLE = {
    "practitioner_id": "practitioner_name",
    "owner_id": "owner_name",
    "decider_id": "decider_name",
    "co_signer_id": "co_signer_name",
    "actor_id": "actor_name",
    "paused_by": "paused_by_name",
}
"""A row's practitioner id → the field that carries that practitioner's name beside it."""


def named(
    connection: Connection, clinic_id: UUID, rows: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Return rows with each practitioner's display name beside their id (None: not yet known
    to the staff read model), care teams included."""
    names = practitioner_names(connection, clinic_id)

    def name(row: dict[str, Any]) -> dict[str, Any]:
        beside: dict[str, Any] = {
            PEOPLE[key]: names.get(value) for key, value in row.items() if key in PEOPLE
        }
        if isinstance(row.get("care_team"), list):
            beside["care_team"] = [name(member) for member in row["care_team"]]
        return {**row, **beside}

    return [name(row) for row in rows]


def named_page(connection: Connection, clinic_id: UUID, page: Page) -> Page:
    """Return a page with names beside practitioner ids (`named`)."""
    return Page(named(connection, clinic_id, page.items), page.next)
