"""Finding a client by pseudonym."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import Connection, select, tuple_

from projections.pages import InvalidCursor, Page, decode_cursor, page_of
from projections.tables import clients


def clients_by_pseudonym(
    connection: Connection,
    clinic_id: UUID,
    key_prefix: str,
    *,
    after: str | None = None,
    limit: int = 50,
) -> Page:
    """Return the clinic's clients whose folded pseudonym starts with `key_prefix`, by pseudonym."""
    query = select(clients).where(clients.c.clinic_id == clinic_id)
    if key_prefix:  # LIKE with every wildcard escaped: no character of a pseudonym is a pattern
        query = query.where(clients.c.pseudonym_key.startswith(key_prefix, autoescape=True))
    key = tuple_(clients.c.pseudonym_key, clients.c.client_id)
    if after is not None:
        (last,) = decode_cursor(after, UUID)
        shown = connection.execute(
            select(clients.c.pseudonym_key).where(
                clients.c.client_id == last, clients.c.clinic_id == clinic_id
            )
        ).scalar_one_or_none()
        if shown is None:
            raise InvalidCursor("Not a cursor this API gave out.")
        query = query.where(key > tuple_(shown, last))
    rows: list[dict[str, Any]] = [
        dict(row)
        for row in connection.execute(query.order_by(*key.clauses).limit(limit + 1)).mappings()
    ]
    return page_of(rows, limit, ["client_id"])
