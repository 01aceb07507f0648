"""The journey's events of the intake and the care team."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar
from uuid import UUID

from eventsourcing.domain import Aggregate

from casework.journey.events.base import JourneyEvent
from casework.journey.values import CareTeamMember, in_words
from casework.text_fields import TextFields

if TYPE_CHECKING:
    from casework.journey.aggregate import Journey


class IntakeRecorded(JourneyEvent, Aggregate.Created):
    TOPIC: ClassVar[str] = "casework.journey.aggregate:Journey.IntakeRecorded"
    text_fields: ClassVar[TextFields] = TextFields(
        personal=("referral_source", "primary_need", "existing_support"),
        coded=("client_pseudonym",),
    )
    correctable: ClassVar[dict[str, str]] = {
        "referral_source": "referral_source",
        "primary_need": "primary_need",
        "existing_support": "existing_support",
    }
    clinical_time_fixed: ClassVar[bool] = True
    client_id: UUID
    client_pseudonym: str
    referral_source: str
    primary_need: str
    existing_support: str | None

    def summary(self) -> str:
        return "Intake recorded"  # the referral is personal text: it is in the details


class CareTeamMemberAssigned(JourneyEvent):
    TOPIC: ClassVar[str] = "casework.journey.aggregate:Journey.CareTeamMemberAssigned"
    text_fields: ClassVar[TextFields] = TextFields(coded=("role",))
    practitioner_id: UUID
    role: str

    def apply_to(self, journey: Journey) -> None:
        assigned = self.recorded()
        journey.care_team.append(CareTeamMember(self.practitioner_id, self.role, assigned))

    def summary(self) -> str:
        return f"Care team: {in_words(self.role)} assigned"


class CareTeamMemberUnassigned(JourneyEvent):
    TOPIC: ClassVar[str] = "casework.journey.aggregate:Journey.CareTeamMemberUnassigned"
    text_fields: ClassVar[TextFields] = TextFields(personal=("reason",))
    practitioner_id: UUID
    reason: str | None

    def apply_to(self, journey: Journey) -> None:
        journey.care_team = [
            m for m in journey.care_team if m.practitioner_id != self.practitioner_id
        ]

    def summary(self) -> str:
        return "Care team: member unassigned"
