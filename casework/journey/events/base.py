"""What every journey event is: who recorded it, when, in which clinic; and what it declares."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar
from uuid import UUID

from casework.chain import ChainedAggregate
from casework.journey.values import Recorded
from casework.text_fields import TextFields

if TYPE_CHECKING:
    from casework.journey.aggregate import Journey


class JourneyEvent(ChainedAggregate.Event):
    """A journey event: who recorded it, in which role, when it happened, in which clinic.

    Each event applies itself (`apply_to`) and says what it records (`summary`): both live
    beside its fields, once.
    """

    actor_id: UUID
    actor_role: str
    occurred_at: datetime
    clinic_id: UUID
    text_fields: ClassVar[TextFields] = TextFields(coded=("actor_role",))
    """Its text, by path: personal (sealed under the client's key) or coded (casework.personal)."""
    decision_kind: ClassVar[str | None] = None
    """The kind of decision it records, for the decision register (None: not a decision)."""
    correctable: ClassVar[dict[str, str]] = {}
    """{a field a correction may change: the attribute of the record it made that shows it}."""
    changes_follow_ups: ClassVar[bool] = False
    """It plans, completes, counts, moves or cancels follow-ups (the follow-ups read model's)."""
    clinical_time_fixed: ClassVar[bool] = False
    """Other dates were counted from its clinical time: a new entry corrects that, not this."""

    def apply(self, aggregate: Any) -> None:
        self.apply_to(aggregate)

    def apply_to(self, journey: Journey) -> None:
        """Change the journey as this event says: assign only, never check (it replays)."""

    def summary(self) -> str:
        """Return the sentence the timeline shows for this entry; every event says its own."""
        raise NotImplementedError(type(self).__qualname__)

    def recorded(self) -> Recorded:
        """Return who recorded this event and when; it is the journey's next version."""
        return Recorded(
            self.actor_id,
            self.actor_role,
            self.occurred_at,
            self.timestamp,
            version=self.originator_version,
        )
