"""What the questions share: a clinic's local days as UTC bounds, and pages newest first."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    Table,
)

from projections.pages import Page, decode_cursor, page_of


def on_local_days(
    column: Any, zone: ZoneInfo, first: date | None, last: date | None
) -> list[ColumnElement[bool]]:
    """Return the conditions that `column` (a UTC time) falls on `first`..`last` in `zone`."""
    conditions = []
    if first is not None:
        conditions.append(column >= datetime.combine(first, time(), zone))
    if last is not None:
        conditions.append(column < datetime.combine(last + timedelta(days=1), time(), zone))
    return conditions


def newest_first(
    connection: Connection, query: Select[Any], table: Table, after: str | None, limit: int
) -> Page:
    """Return a page of `query`'s rows by descending log position, after the cursor."""
    if after is not None:
        (position,) = decode_cursor(after, int)
        query = query.where(table.c.position < position)
    query = query.order_by(table.c.position.desc()).limit(limit + 1)
    rows = [dict(row) for row in connection.execute(query).mappings()]
    return page_of(rows, limit, ["position"])
