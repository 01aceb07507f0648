"""The journey's decisions about its course: pause, resumption, stop, withdrawal, closure."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, ClassVar

from casework.journey.events.base import JourneyEvent
from casework.journey.values import Decision, Recorded, SessionStatus, Status
from casework.text_fields import TextFields

if TYPE_CHECKING:
    from casework.journey.aggregate import Journey


class JourneyPaused(JourneyEvent):
    TOPIC: ClassVar[str] = "casework.journey.aggregate:Journey.JourneyPaused"
    text_fields: ClassVar[TextFields] = TextFields(personal=("reason", "conditions_to_resume[]"))
    decision_kind: ClassVar[str] = "pause"
    correctable: ClassVar[dict[str, str]] = {"reason": "reason", "review_date": "review_date"}
    reason: str
    review_date: date
    conditions_to_resume: list[str]

    def apply_to(self, journey: Journey) -> None:
        decided = self.recorded()
        journey.status = Status.PAUSED
        journey.decisions.append(
            Decision(
                self.decision_kind,
                self.reason,
                decided,
                self.review_date,
                list(self.conditions_to_resume),
            )
        )

    def summary(self) -> str:
        return f"Paused until review on {self.review_date}"


class JourneyResumed(JourneyEvent):
    TOPIC: ClassVar[str] = "casework.journey.aggregate:Journey.JourneyResumed"
    text_fields: ClassVar[TextFields] = TextFields(personal=("rationale",))
    decision_kind: ClassVar[str] = "resumption"
    correctable: ClassVar[dict[str, str]] = {"rationale": "reason"}
    rationale: str

    def apply_to(self, journey: Journey) -> None:
        journey.status = Status.ACTIVE
        decided = self.recorded()
        journey.decisions.append(Decision(self.decision_kind, self.rationale, decided))

    def summary(self) -> str:
        return "Resumed"


class JourneyStopped(JourneyEvent):
    TOPIC: ClassVar[str] = "casework.journey.aggregate:Journey.JourneyStopped"
    text_fields: ClassVar[TextFields] = TextFields(personal=("rationale",))
    decision_kind: ClassVar[str] = "stop"
    correctable: ClassVar[dict[str, str]] = {"rationale": "reason"}
    rationale: str

    def apply_to(self, journey: Journey) -> None:
        journey.status = Status.STOPPED
        decided = self.recorded()
        journey.decisions.append(Decision(self.decision_kind, self.rationale, decided))
        cancel_scheduled_sessions(journey, "Journey stopped.", decided)

    def summary(self) -> str:
        return "Stopped (clinical decision)"


class ClientWithdrew(JourneyEvent):
    TOPIC: ClassVar[str] = "casework.journey.aggregate:Journey.ClientWithdrew"
    text_fields: ClassVar[TextFields] = TextFields(personal=("reason",))
    decision_kind: ClassVar[str] = "withdrawal"
    correctable: ClassVar[dict[str, str]] = {"reason": "reason"}
    reason: str | None

    def apply_to(self, journey: Journey) -> None:
        journey.status = Status.WITHDRAWN
        decided = self.recorded()
        journey.decisions.append(Decision(self.decision_kind, self.reason, decided))
        cancel_scheduled_sessions(journey, "Client withdrew.", decided)

    def summary(self) -> str:
        return "Client withdrew"


class JourneyClosed(JourneyEvent):
    TOPIC: ClassVar[str] = "casework.journey.aggregate:Journey.JourneyClosed"
    changes_follow_ups: ClassVar[bool] = True
    text_fields: ClassVar[TextFields] = TextFields(personal=("reason",))
    decision_kind: ClassVar[str] = "closure"
    correctable: ClassVar[dict[str, str]] = {"reason": "reason"}
    reason: str

    def apply_to(self, journey: Journey) -> None:
        journey.status = Status.CLOSED
        decided = self.recorded()
        journey.decisions.append(Decision(self.decision_kind, self.reason, decided))
        cancel_scheduled_sessions(journey, "Journey closed.", decided)
        for follow_up in journey.follow_ups.values():
            if follow_up.done_on is None:
                follow_up.cancelled = True

    def summary(self) -> str:
        return "Closed"


def cancel_scheduled_sessions(journey: Journey, reason: str, decided: Recorded) -> None:
    """Cancel every session still scheduled: the journey ended or closed (`decided`)."""
    for session in journey.sessions.values():
        if session.status == SessionStatus.SCHEDULED.value:
            session.status = SessionStatus.CANCELLED.value
            session.cancellation_reason = reason
            session.cancelled = decided
