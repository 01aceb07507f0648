"""The checkpoint ledger as the store holds it, and the log read in batches: what sealing and
checking share."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, cast
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import Notification, StoredEvent
from eventsourcing.utils import get_topic

from casework.checkpoints import (
    Checkpoint,
    CheckpointRecorded,
    Heads,
    ledger_id,
)
from casework.clinic import Clinic

READ_BATCH = 1000
"""How many stored events one read of the log or of a stream takes."""
CLINIC_REGISTERED = get_topic(Clinic.Registered)


def clinic_of(form: dict[str, Any]) -> str | None:
    """Return the clinic whose history a stored event belongs to (None: the operator's alone).

    Raises TypeError when the stored state is not a mapping, or names a clinic that is no id:
    the event cannot be read.
    """
    state = form["state"]
    if not isinstance(state, dict):
        raise TypeError("the stored state is not a mapping")
    clinic = state.get("clinic_id")
    if clinic is not None:
        if not isinstance(clinic, UUID):
            raise TypeError("the stored clinic is not an id")
        return str(clinic)
    if form["topic"] == CLINIC_REGISTERED:
        return str(UUID(str(form["originator_id"])))
    return None


@dataclass(frozen=True)
class Newest:
    """A scope's newest checkpoint in the ledger, with the ledger version it was recorded at."""

    version: int
    checkpoint: Checkpoint
    heads: Heads


def newest_recorded(app: Application[UUID], scope: str) -> Newest | None:
    """Return the newest checkpoint the ledger holds for `scope` (None: not sealed yet)."""
    rows = app.recorder.select_events(ledger_id(scope), desc=True, limit=1)
    if not rows:
        return None
    recorded = cast(CheckpointRecorded, app.mapper.to_domain_event(rows[0]))
    return Newest(rows[0].originator_version, recorded.checkpoint, recorded.heads)


def checkpoint_of(newest: Newest | None) -> Checkpoint | None:
    return None if newest is None else newest.checkpoint


def version_of(newest: Newest | None) -> int:
    return 0 if newest is None else newest.version


def stream_of(row: StoredEvent) -> UUID:
    """Return the id of the stream a stored event belongs to."""
    return cast(UUID, row.originator_id)


def read_log(app: Application[UUID]) -> Iterator[Notification]:
    """Yield the whole log in order, READ_BATCH events at a time."""
    start = 1
    while True:
        batch = app.recorder.select_notifications(start, READ_BATCH)
        yield from batch
        if len(batch) < READ_BATCH:
            return
        start = batch[-1].id + 1
