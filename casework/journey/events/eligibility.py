"""The journey's events of eligibility: screening, consents, preparation and the safety plan."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar
from uuid import UUID

from casework.journey.events.base import JourneyEvent
from casework.journey.values import (
    Consent,
    PreparationSession,
    SafetyPlan,
    ScreeningDecision,
    in_words,
)
from casework.text_fields import TextFields

if TYPE_CHECKING:
    from casework.journey.aggregate import Journey


class ScreeningDecisionRecorded(JourneyEvent):
    TOPIC: ClassVar[str] = "casework.journey.aggregate:Journey.ScreeningDecisionRecorded"
    text_fields: ClassVar[TextFields] = TextFields(
        personal=("criteria[].category", "criteria[].note", "rationale", "conditions[]"),
        coded=("outcome", "criteria[].result"),
    )
    decision_kind: ClassVar[str] = "screening"
    correctable: ClassVar[dict[str, str]] = {
        "rationale": "rationale",
        "valid_until": "valid_until",
    }
    outcome: str
    criteria: list[dict[str, Any]]
    rationale: str | None
    conditions: list[str]
    co_signer_id: UUID | None
    valid_until: date | None

    def apply_to(self, journey: Journey) -> None:
        decided = self.recorded()
        journey.screening_decisions.append(
            ScreeningDecision(
                self.outcome,
                [dict(c) for c in self.criteria],
                self.rationale,
                list(self.conditions),
                self.co_signer_id,
                self.valid_until,
                decided,
            )
        )

    def summary(self) -> str:
        return f"Screening: {in_words(self.outcome)}" + (
            f", valid until {self.valid_until}" if self.valid_until else ""
        )


class ConsentGiven(JourneyEvent):
    TOPIC: ClassVar[str] = "casework.journey.aggregate:Journey.ConsentGiven"
    text_fields: ClassVar[TextFields] = TextFields(personal=("scope[]", "notes"), coded=("kind",))
    correctable: ClassVar[dict[str, str]] = {"notes": "notes"}
    kind: str
    scope: list[str]
    notes: str | None

    def apply_to(self, journey: Journey) -> None:
        given = self.recorded()
        journey.consents.append(Consent(self.kind, list(self.scope), self.notes, given))

    def summary(self) -> str:
        return f"Consent given: {in_words(self.kind)}"


class ConsentWithdrawn(JourneyEvent):
    TOPIC: ClassVar[str] = "casework.journey.aggregate:Journey.ConsentWithdrawn"
    text_fields: ClassVar[TextFields] = TextFields(personal=("reason",), coded=("kind",))
    kind: str
    reason: str | None

    def apply_to(self, journey: Journey) -> None:
        for consent in journey.consents:
            if consent.kind == self.kind and consent.active:
                consent.withdrawn = self.recorded()
                consent.withdrawal_reason = self.reason

    def summary(self) -> str:
        return f"Consent withdrawn: {in_words(self.kind)}"


class PreparationSessionRecorded(JourneyEvent):
    TOPIC: ClassVar[str] = "casework.journey.aggregate:Journey.PreparationSessionRecorded"
    text_fields: ClassVar[TextFields] = TextFields(personal=("topics[]", "notes"))
    correctable: ClassVar[dict[str, str]] = {
        "duration_minutes": "duration_minutes",
        "notes": "notes",
    }
    preparation_id: UUID
    duration_minutes: int
    topics: list[str]
    notes: str | None

    def apply_to(self, journey: Journey) -> None:
        held = self.recorded()
        journey.preparation_sessions.append(
            PreparationSession(
                self.preparation_id, self.duration_minutes, list(self.topics), self.notes, held
            )
        )

    def summary(self) -> str:
        return f"Preparation session ({self.duration_minutes} min)"


class SafetyPlanRecorded(JourneyEvent):
    TOPIC: ClassVar[str] = "casework.journey.aggregate:Journey.SafetyPlanRecorded"
    text_fields: ClassVar[TextFields] = TextFields(
        personal=("emergency_contact", "transport_plan", "overnight_plan", "notes")
    )
    correctable: ClassVar[dict[str, str]] = {
        "emergency_contact": "emergency_contact",
        "transport_plan": "transport_plan",
        "overnight_plan": "overnight_plan",
        "notes": "notes",
    }
    emergency_contact: str
    transport_plan: str | None
    overnight_plan: str | None
    notes: str | None

    def apply_to(self, journey: Journey) -> None:
        recorded = self.recorded()
        journey.safety_plans.append(
            SafetyPlan(
                self.emergency_contact,
                self.transport_plan,
                self.overnight_plan,
                self.notes,
                recorded,
            )
        )

    def summary(self) -> str:
        return "Safety plan recorded"
