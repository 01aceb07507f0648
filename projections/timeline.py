"""The timeline: one row per journey event, with a sentence a person can read."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, ClassVar
from uuid import UUID

from sqlalchemy import Connection, insert, select, update

from casework.journey import Journey
from casework.journey.values import in_words
from casework.personal import JOURNEY_EVENTS, reveal_payload
from casework.vault import VaultReader
from projections.base import OTHER_RECORDS, Projection, event_details, plain
from projections.tables import timeline

LATE_ENTRY_AFTER = timedelta(hours=24)
"""An entry recorded more than this long after it happened is shown as a late entry."""


class TimelineProjection(Projection):
    """Every journey event as an entry: who, in which role, when it happened and was recorded."""

    name: ClassVar[str] = "timeline"
    tables = (timeline,)
    reads_all = (Journey.Event,)  # each by its own summary
    ignores = OTHER_RECORDS

    def process(self, connection: Connection, event: object, position: int) -> None:
        if not isinstance(event, Journey.Event):
            return
        if isinstance(event, Journey.CorrectionRecorded | Journey.AddendumRecorded):
            self._annotate(connection, event, position)
        kind = type(event).__name__
        recorded_at = event.timestamp
        rows = connection.info.setdefault(self.name, [])  # see Projection.flush
        rows.append(
            {
                "position": position,
                "clinic_id": event.clinic_id,
                "journey_id": event.originator_id,
                "version": event.originator_version,
                "event_type": kind,
                "occurred_at": event.occurred_at,
                "recorded_at": recorded_at,
                "actor_id": event.actor_id,
                "actor_role": event.actor_role,
                "summary": f"{event.summary()} — by {in_words(event.actor_role)}",
                "details": event_details(event),
                "late_entry": recorded_at - event.occurred_at > LATE_ENTRY_AFTER,
            }
        )

    def _annotate(self, connection: Connection, event: Any, position: int) -> None:
        """Put a correction or addendum beside the entry it names, which keeps its original."""
        self.flush(connection)  # the entry may still wait in this batch's buffer
        correction = isinstance(event, Journey.CorrectionRecorded)
        version = event.corrected_version if correction else event.entry_version
        entry = (timeline.c.journey_id == event.originator_id) & (timeline.c.version == version)
        details = connection.scalar(select(timeline.c.details).where(entry))
        if details is None:
            return
        key = "corrections" if correction else "addenda"
        note = {
            "position": position,
            "by": event.actor_role,
            "at": plain(event.timestamp),
            **event_details(event),
        }
        details = {**details, key: [*details.get(key, []), note]}
        connection.execute(update(timeline).where(entry).values(details=details))

    def flush(self, connection: Connection) -> None:
        """Insert the batch's entries in one statement (a round trip per event is the cost)."""
        rows = connection.info.pop(self.name, [])
        if rows:
            connection.execute(insert(timeline), rows)


def revealed_entries(
    reader: VaultReader, clients: dict[UUID, UUID], rows: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Return timeline rows with the personal text their event types declare revealed.

    `clients` maps each row's journey to its client. A row's details are its event's fields;
    a correction or addendum beside it is revealed as the event it is.
    """
    return [_revealed_entry(reader, row, clients.get(row["journey_id"], NO_CLIENT)) for row in rows]


def _revealed_entry(reader: VaultReader, row: dict[str, Any], client_id: UUID) -> dict[str, Any]:
    def reveal(event_class: type[Any] | None, data: Any) -> Any:
        if event_class is None or not isinstance(data, dict):
            return data
        return reveal_payload(reader, row["clinic_id"], client_id, event_class, data)

    details = reveal(JOURNEY_EVENTS.get(row["event_type"]), row["details"])
    for key, event_class in ANNOTATIONS.items():
        if isinstance(details, dict) and isinstance(details.get(key), list):
            details = {**details, key: [reveal(event_class, note) for note in details[key]]}
    return {**row, "details": details}


ANNOTATIONS: dict[str, Any] = {
    "corrections": Journey.CorrectionRecorded,
    "addenda": Journey.AddendumRecorded,
}
"""Where a timeline entry keeps the corrections and addenda beside it, and their event class."""

NO_CLIENT = UUID(int=0)
"""The client of a journey the caseload has not read yet: it has no key, so text is unreadable."""
