"""What a check of the history found: its breaks, each named by a problem, and what it covered."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from casework.clock import utc_now

MAX_BREAKS = 100


EVENT_PROBLEMS = {"altered", "missing", "added", "out_of_order", "reordered", "unreadable"}
"""Breaks that name events; the rest name checkpoints."""


@dataclass(frozen=True)
class Break:
    """One place where the stored history does not match what was written and checkpointed."""

    problem: str
    detail: str
    position: int | None = None
    aggregate_id: UUID | None = None
    version: int | None = None


@dataclass
class IntegrityReport:
    """The outcome of a check of one history: how much was checked, and every break found."""

    scope: str
    last_position: int = 0
    """The log position of the history's newest event."""
    events_checked: int = 0
    checkpoints_checked: int = 0
    sealed_through: int = 0
    unsealed_events: int = 0
    oldest_unsealed_at: datetime | None = None
    breaks: list[Break] = field(default_factory=list)
    proof: dict[str, Any] | None = None
    """For one stream: the newest checkpoint that names its head, and the proof that it does."""

    @property
    def intact(self) -> bool:
        return not self.breaks

    @property
    def first_break(self) -> Break | None:
        return self.breaks[0] if self.breaks else None

    @property
    def oldest_unsealed_age_seconds(self) -> float | None:
        if self.oldest_unsealed_at is None:
            return None
        return max((utc_now() - self.oldest_unsealed_at).total_seconds(), 0.0)

    def add(self, found: Break) -> None:
        """Note a break once (the first hundred are kept; the first is what a reader needs)."""
        where = (found.aggregate_id, found.version)
        if found.aggregate_id and any((b.aggregate_id, b.version) == where for b in self.breaks):
            return
        if len(self.breaks) < MAX_BREAKS:
            self.breaks.append(found)
            self.breaks.sort(key=lambda each: math.inf if each.position is None else each.position)

    def note_event(self, position: int, recorded_at: object) -> None:
        self.events_checked += 1
        self.last_position = position
        if position > self.sealed_through:
            self.unsealed_events += 1
            if self.oldest_unsealed_at is None and isinstance(recorded_at, datetime):
                self.oldest_unsealed_at = recorded_at
