"""Aggregates that belong to one clinic: every event they record names that clinic."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

from casework.chain import ChainedAggregate


class ClinicOwned(ChainedAggregate):
    """An aggregate of one clinic, whose every stored event carries `clinic_id`.

    So each stored event says by itself which clinic's history it belongs to: a clinic's
    checkpoints cover exactly its events, and a clinic's auditor verifies those alone.
    """

    if TYPE_CHECKING:
        clinic_id: UUID

    class Event(ChainedAggregate.Event):
        clinic_id: UUID

    def trigger_event(self, event_class: Any, **kwargs: Any) -> None:
        super().trigger_event(event_class, clinic_id=self.clinic_id, **kwargs)
