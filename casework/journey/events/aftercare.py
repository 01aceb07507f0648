"""The journey's events of after a session: integration contacts and outreach."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, ClassVar
from uuid import UUID

from casework.journey.events.base import JourneyEvent
from casework.journey.values import Contact, in_words
from casework.text_fields import TextFields

if TYPE_CHECKING:
    from casework.journey.aggregate import Journey


class ContactRecorded(JourneyEvent):
    TOPIC: ClassVar[str] = "casework.journey.aggregate:Journey.ContactRecorded"
    changes_follow_ups: ClassVar[bool] = True
    text_fields: ClassVar[TextFields] = TextFields(personal=("notes",), coded=("kind",))
    correctable: ClassVar[dict[str, str]] = {
        "duration_minutes": "duration_minutes",
        "notes": "notes",
    }
    clinical_time_fixed: ClassVar[bool] = True
    contact_id: UUID
    kind: str
    follow_up_id: UUID | None
    duration_minutes: int | None
    notes: str | None
    contact_day: date

    def apply_to(self, journey: Journey) -> None:
        contacted = self.recorded()
        journey.contacts.append(
            Contact(
                self.contact_id,
                self.kind,
                self.follow_up_id,
                self.duration_minutes,
                self.notes,
                contacted,
            )
        )
        if self.follow_up_id is not None:
            journey.follow_ups[self.follow_up_id].done_on = self.contact_day
            journey.follow_ups[self.follow_up_id].contact_id = self.contact_id

    def summary(self) -> str:
        return f"Contact: {in_words(self.kind)}" + (
            " against a follow-up" if self.follow_up_id else ""
        )


class OutreachRecorded(JourneyEvent):
    TOPIC: ClassVar[str] = "casework.journey.aggregate:Journey.OutreachRecorded"
    changes_follow_ups: ClassVar[bool] = True
    text_fields: ClassVar[TextFields] = TextFields(
        personal=("notes",), coded=("channel", "outcome")
    )
    follow_up_id: UUID
    channel: str
    outcome: str
    notes: str | None

    def apply_to(self, journey: Journey) -> None:
        journey.follow_ups[self.follow_up_id].outreach_attempts += 1

    def summary(self) -> str:
        return f"Outreach by {in_words(self.channel)}: {in_words(self.outcome)}"


class FollowUpsReassigned(JourneyEvent):
    """Open follow-ups handed from one practitioner to another: at a care-team change, or one
    follow-up by hand, with a reason."""

    TOPIC: ClassVar[str] = "casework.journey.aggregate:Journey.FollowUpsReassigned"
    changes_follow_ups: ClassVar[bool] = True
    text_fields: ClassVar[TextFields] = TextFields(personal=("reason",), coded=("owner_role",))
    follow_up_ids: list[UUID]
    owner_role: str
    from_id: UUID | None
    to_id: UUID
    reason: str | None

    def apply_to(self, journey: Journey) -> None:
        for follow_up_id in self.follow_up_ids:
            journey.follow_ups[follow_up_id].owner_id = self.to_id

    def summary(self) -> str:
        count = len(self.follow_up_ids)
        plural = "follow-up" if count == 1 else "follow-ups"
        return f"{count} open {plural} handed over ({in_words(self.owner_role)})"
