"""What every projection is: a name, the tables it owns, and one handler per event it reads."""

from __future__ import annotations

import re
from dataclasses import asdict, is_dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, ClassVar
from uuid import UUID

from sqlalchemy import Connection, Table
from sqlalchemy.dialects.postgresql import Insert as PostgresqlInsert
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import Insert as SqliteInsert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

BASE_EVENT_FIELDS = {
    "originator_id",
    "originator_version",
    "timestamp",
    "originator_topic",
    "previous_link",  # the hash chain: bookkeeping, shown by the export and checked on demand
}
RECORDED_FIELDS = {"actor_id", "actor_role", "occurred_at"}


def upsertable_insert(connection: Connection, table: Table) -> PostgresqlInsert | SqliteInsert:
    """Return an INSERT on `table` that can say what to do on conflict, in the store's dialect."""
    if connection.dialect.name == "postgresql":
        return postgresql_insert(table)
    return sqlite_insert(table)


def handler_name(event: object) -> str:
    """Return the handler named after an event: ScreeningDecisionRecorded → its snake_case."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", type(event).__name__).lower()


def plain(value: Any) -> Any:
    """Return `value` as JSON-ready plain values (UUIDs, dates and decimals as strings)."""
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if isinstance(value, UUID | Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if is_dataclass(value) and not isinstance(value, type):
        return plain(asdict(value))
    return value


def event_details(event: object) -> dict[str, Any]:
    """Return an event's own fields (not the library's nor who/when) as plain values."""
    fields = vars(event)
    return {k: plain(v) for k, v in fields.items() if k not in BASE_EVENT_FIELDS | RECORDED_FIELDS}


class Projection:
    """A read model: `process` calls the handler named after the event, if it has one."""

    name: ClassVar[str]
    tables: ClassVar[tuple[Table, ...]]

    def process(self, connection: Connection, event: object, position: int) -> None:
        """Apply one event, within the caller's transaction."""
        handler = getattr(self, handler_name(event), None)
        if handler is not None:
            handler(connection, event, position)

    def flush(self, connection: Connection) -> None:
        """Write what the batch's events left buffered, before its transaction commits.

        A projection that buffers keeps its rows in `connection.info[self.name]`: one buffer per
        connection, so runners in several threads never share one.
        """

    def discard(self, connection: Connection) -> None:
        """Drop whatever a failed batch left buffered on this (pooled, reused) connection."""
        connection.info.pop(self.name, None)
