"""The journey's events of history added to, never edited: corrections and addenda."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from casework.journey.events.base import JourneyEvent
from casework.journey.times import records_of
from casework.journey.values import Addendum, Correction, in_words
from casework.text_fields import TextFields

if TYPE_CHECKING:
    from casework.journey.aggregate import Journey


class CorrectionRecorded(JourneyEvent):
    TOPIC: ClassVar[str] = "casework.journey.aggregate:Journey.CorrectionRecorded"
    text_fields: ClassVar[TextFields] = TextFields(
        personal=("reason",),
        coded=("entry_type", "field"),
        corrected=("original_value", "new_value"),
    )
    corrected_version: int
    entry_type: str
    field: str
    original_value: Any
    new_value: Any
    reason: str

    def apply_to(self, journey: Journey) -> None:
        corrected = self.recorded()
        journey.corrections.append(
            Correction(
                self.corrected_version,
                self.entry_type,
                self.field,
                self.original_value,
                self.new_value,
                self.reason,
                corrected,
            )
        )
        for record, recorded in records_of(journey):
            if recorded.version == self.corrected_version:
                if self.field == "occurred_at":
                    recorded.occurred_at = self.new_value
                else:
                    attribute = getattr(type(journey), self.entry_type).correctable[self.field]
                    setattr(record, attribute, self.new_value)

    def summary(self) -> str:
        return f"Correction of entry {self.corrected_version}: {in_words(self.field)}"


class AddendumRecorded(JourneyEvent):
    TOPIC: ClassVar[str] = "casework.journey.aggregate:Journey.AddendumRecorded"
    text_fields: ClassVar[TextFields] = TextFields(personal=("text",))
    entry_version: int
    text: str

    def apply_to(self, journey: Journey) -> None:
        added = self.recorded()
        journey.addenda.append(Addendum(self.entry_version, self.text, added))

    def summary(self) -> str:
        return f"Addendum to entry {self.entry_version}"
