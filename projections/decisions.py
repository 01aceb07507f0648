"""The decision register: every screening, pause, resumption, stop, withdrawal and closure."""

from __future__ import annotations

from typing import Any, ClassVar
from uuid import UUID

from sqlalchemy import Connection, insert, update

from casework.journey import Journey
from casework.personal import reveal_payload
from casework.vault import VaultReader
from projections.base import OTHER_RECORDS, Projection, handles, plain
from projections.tables import decisions

CORRECTED_COLUMNS = {
    "rationale": "rationale",
    "reason": "rationale",
    "valid_until": "valid_until",
    "review_date": "review_date",
    "occurred_at": "decided_at",
}
"""A corrected field of a decision entry → the register's column that shows it."""


def _decision(event: Any, position: int, **fields: Any) -> dict[str, Any]:
    return {
        "position": position,
        "clinic_id": event.clinic_id,
        "journey_id": event.originator_id,
        "version": event.originator_version,
        "kind": event.decision_kind,
        "decided_at": event.occurred_at,
        "recorded_at": event.timestamp,
        "decider_id": event.actor_id,
        "decider_role": event.actor_role,
        "outcome": None,
        "criteria": [],
        "rationale": None,
        "conditions": [],
        "co_signer_id": None,
        "valid_until": None,
        "review_date": None,
        **fields,
    }


class DecisionsProjection(Projection):
    """Who decided what about a journey, in which role, when, on which criteria, and why."""

    name: ClassVar[str] = "decisions"
    tables = (decisions,)
    ignores = OTHER_RECORDS
    reads_journey_events_declaring = "decision_kind"

    def _record(self, connection: Connection, row: dict[str, Any]) -> None:
        connection.execute(insert(decisions).values(**row))

    @handles(Journey.ScreeningDecisionRecorded)
    def screening_decision_recorded(
        self, connection: Connection, event: Any, position: int
    ) -> None:
        self._record(
            connection,
            _decision(
                event,
                position,
                outcome=event.outcome,
                criteria=plain(event.criteria),
                rationale=event.rationale,
                conditions=list(event.conditions),
                co_signer_id=event.co_signer_id,
                valid_until=event.valid_until,
            ),
        )

    @handles(Journey.JourneyPaused)
    def journey_paused(self, connection: Connection, event: Any, position: int) -> None:
        self._record(
            connection,
            _decision(
                event,
                position,
                rationale=event.reason,
                conditions=list(event.conditions_to_resume),
                review_date=event.review_date,
            ),
        )

    @handles(Journey.JourneyResumed)
    def journey_resumed(self, connection: Connection, event: Any, position: int) -> None:
        self._record(connection, _decision(event, position, rationale=event.rationale))

    @handles(Journey.JourneyStopped)
    def journey_stopped(self, connection: Connection, event: Any, position: int) -> None:
        self._record(connection, _decision(event, position, rationale=event.rationale))

    @handles(Journey.ClientWithdrew)
    def client_withdrew(self, connection: Connection, event: Any, position: int) -> None:
        self._record(connection, _decision(event, position, rationale=event.reason))

    @handles(Journey.JourneyClosed)
    def journey_closed(self, connection: Connection, event: Any, position: int) -> None:
        self._record(connection, _decision(event, position, rationale=event.reason))

    @handles(Journey.CorrectionRecorded)
    def correction_recorded(self, connection: Connection, event: Any, position: int) -> None:
        """Show the corrected value; the timeline keeps the original beside it."""
        column = CORRECTED_COLUMNS.get(event.field)
        if column is not None and event.entry_type in DECISION_ENTRIES:
            connection.execute(
                update(decisions)
                .where(
                    decisions.c.journey_id == event.originator_id,
                    decisions.c.version == event.corrected_version,
                )
                .values({column: event.new_value})
            )


REVEALED_COLUMNS: dict[str, tuple[type[Any], dict[str, str]]] = {
    event.decision_kind: (event, columns)
    for event, columns in (
        (
            Journey.ScreeningDecisionRecorded,
            {"rationale": "rationale", "criteria": "criteria", "conditions": "conditions"},
        ),
        (Journey.JourneyPaused, {"rationale": "reason", "conditions": "conditions_to_resume"}),
        (Journey.JourneyResumed, {"rationale": "rationale"}),
        (Journey.JourneyStopped, {"rationale": "rationale"}),
        (Journey.ClientWithdrew, {"rationale": "reason"}),
        (Journey.JourneyClosed, {"rationale": "reason"}),
    )
}
"""A decision's kind (its event's `decision_kind`) → that event and {register column: its field}.

A corrected rationale is sealed as the field it corrects, so the same declaration reveals it.
"""

DECISION_ENTRIES = frozenset(event.__name__ for event, _ in REVEALED_COLUMNS.values())
"""The entries a correction of which changes the register: the decision events, by name (as a
correction names the entry type it corrects)."""


def revealed_decisions(
    reader: VaultReader, clients: dict[UUID, UUID], rows: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Return register rows with the personal text their decisions' events declare revealed."""
    revealed = []
    for row in rows:
        event_class, columns = REVEALED_COLUMNS[row["kind"]]
        data = {field: row[column] for column, field in columns.items() if column in row}
        opened = reveal_payload(
            reader,
            row["clinic_id"],
            clients.get(row["journey_id"], UUID(int=0)),  # no client yet: no key, unreadable
            event_class,
            data,
        )
        revealed.append({**row, **{column: opened[field] for column, field in columns.items()}})
    return revealed
