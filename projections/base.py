"""What every projection is: a name, the tables it owns, and one handler per event class it reads.

Handlers are found by event class (`@handles(Journey.ConsentGiven)`), never by name; what a
projection does not read it says so (`ignores`), and tests/unit/test_projection_coverage.py
fails when an event class is neither handled nor ignored by every projection.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, is_dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, ClassVar, TypeVar
from uuid import UUID

from sqlalchemy import Connection, Table
from sqlalchemy.dialects.postgresql import Insert as PostgresqlInsert
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import Insert as SqliteInsert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from casework.access_log import AccessQuery, AccessRecord
from casework.access_token import AccessToken
from casework.calendar_feed import CalendarFeed
from casework.client import Client
from casework.clinic import Clinic
from casework.idempotent_request import IdempotentRequest
from casework.journey import Journey
from casework.practitioner import Practitioner
from casework.sign_in import Invitation, SignInAccount

OTHER_RECORDS: tuple[type, ...] = (
    AccessRecord.Event,
    AccessQuery.Event,
    AccessToken.Event,
    CalendarFeed.Event,
    Client.Event,
    Clinic.Event,
    IdempotentRequest.Event,
    Practitioner.Event,
    SignInAccount.Event,
    Invitation.Event,
)
"""The events of every record but the journey, for the projections that read journeys only."""

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


Handler = TypeVar("Handler", bound=Callable[..., None])


def handles(*event_classes: type) -> Callable[[Handler], Handler]:
    """Mark a projection method as the handler of these event classes."""

    def mark(method: Handler) -> Handler:
        method.handles = event_classes  # type: ignore[attr-defined]
        return method

    return mark


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
    """A read model: `process` calls the handler of the event's class, if it has one."""

    name: ClassVar[str]
    tables: ClassVar[tuple[Table, ...]]
    handlers: ClassVar[dict[type, Callable[..., None]]] = {}
    """Event class → the method marked `@handles` it (collected when the class is made)."""
    reads_all: ClassVar[tuple[type, ...]] = ()
    """Event base classes every one of whose events this projection reads (`process` says how)."""
    ignores: ClassVar[tuple[type, ...]] = ()
    """Event classes, or their bases, this projection reads nothing from: said, not forgotten."""
    reads_journey_events_declaring: ClassVar[str | None] = None
    """A journey-event declaration (`decision_kind`, `changes_follow_ups`): the journey events
    that do not make it are ignored by declaration; one that does must be handled (a test says)."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        marked = {
            event_class: method
            for method in vars(cls).values()
            for event_class in getattr(method, "handles", ())
        }
        cls.handlers = {**cls.handlers, **marked}

    @classmethod
    def decides_on(cls, event_class: type) -> bool:
        """Whether this projection handles, reads or ignores the events of `event_class`."""
        if event_class in cls.handlers or issubclass(event_class, cls.reads_all + cls.ignores):
            return True
        declaration = cls.reads_journey_events_declaring
        declared = declaration is not None and issubclass(event_class, Journey.Event)
        return declared and not getattr(event_class, str(declaration))

    def process(self, connection: Connection, event: object, position: int) -> None:
        """Apply one event, within the caller's transaction."""
        handler = self.handlers.get(type(event))
        if handler is not None:
            handler(self, connection, event, position)

    def flush(self, connection: Connection) -> None:
        """Write what the batch's events left buffered, before its transaction commits.

        A projection that buffers keeps its rows in `connection.info[self.name]`: one buffer per
        connection, so runners in several threads never share one.
        """

    def discard(self, connection: Connection) -> None:
        """Drop whatever a failed batch left buffered on this (pooled, reused) connection."""
        connection.info.pop(self.name, None)
