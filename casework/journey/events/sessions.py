"""The journey's events of medicine sessions: scheduled, moved, cancelled, held."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar
from uuid import UUID

from casework.journey.events.base import JourneyEvent
from casework.journey.values import FollowUp, Session, SessionStatus
from casework.text_fields import TextFields

if TYPE_CHECKING:
    from casework.journey.aggregate import Journey


class SessionScheduled(JourneyEvent):
    TOPIC: ClassVar[str] = "casework.journey.aggregate:Journey.SessionScheduled"
    text_fields: ClassVar[TextFields] = TextFields(personal=("location",))
    session_id: UUID
    planned_start: datetime
    planned_end: datetime
    facilitator_ids: list[UUID]
    location: str | None

    def apply_to(self, journey: Journey) -> None:
        scheduled = self.recorded()
        journey.sessions[self.session_id] = Session(
            self.session_id,
            SessionStatus.SCHEDULED.value,
            self.planned_start,
            self.planned_end,
            list(self.facilitator_ids),
            self.location,
            scheduled,
        )

    def summary(self) -> str:
        return f"Session scheduled for {self.planned_start:%Y-%m-%d %H:%M} UTC"


class SessionRescheduled(JourneyEvent):
    TOPIC: ClassVar[str] = "casework.journey.aggregate:Journey.SessionRescheduled"
    text_fields: ClassVar[TextFields] = TextFields(personal=("reason",))
    session_id: UUID
    planned_start: datetime
    planned_end: datetime
    reason: str

    def apply_to(self, journey: Journey) -> None:
        session = journey.sessions[self.session_id]
        session.planned_start = self.planned_start
        session.planned_end = self.planned_end
        session.reschedule_count += 1

    def summary(self) -> str:
        return f"Session moved to {self.planned_start:%Y-%m-%d %H:%M} UTC"


class SessionCancelled(JourneyEvent):
    TOPIC: ClassVar[str] = "casework.journey.aggregate:Journey.SessionCancelled"
    text_fields: ClassVar[TextFields] = TextFields(personal=("reason",))
    session_id: UUID
    reason: str

    def apply_to(self, journey: Journey) -> None:
        session = journey.sessions[self.session_id]
        session.status = SessionStatus.CANCELLED.value
        session.cancellation_reason = self.reason
        session.cancelled = self.recorded()

    def summary(self) -> str:
        return "Session cancelled"


class SessionOutcomeRecorded(JourneyEvent):
    TOPIC: ClassVar[str] = "casework.journey.aggregate:Journey.SessionOutcomeRecorded"
    changes_follow_ups: ClassVar[bool] = True
    text_fields: ClassVar[TextFields] = TextFields(
        personal=(
            "doses[].reason",
            "touch_areas[]",
            "adverse_event.description",
            "adverse_event.action_taken",
            "notes",
        ),
        coded=(
            "doses[].kind",
            "adverse_event.severity",
            "follow_ups[].kind",
            "follow_ups[].label",  # the clinic's schedule, not the client's
            "follow_ups[].owner_role",
        ),
    )
    correctable: ClassVar[dict[str, str]] = {"notes": "notes"}
    clinical_time_fixed: ClassVar[bool] = True
    session_id: UUID
    started_at: datetime
    ended_at: datetime
    facilitator_ids: list[UUID]
    doses: list[dict[str, Any]]
    supportive_touch_used: bool
    touch_areas: list[str]
    adverse_event: dict[str, Any] | None
    notes: str | None
    follow_ups: list[dict[str, Any]]

    def apply_to(self, journey: Journey) -> None:
        session = journey.sessions[self.session_id]
        session.status = SessionStatus.HELD.value
        session.started_at = self.started_at
        session.ended_at = self.ended_at
        session.facilitator_ids = list(self.facilitator_ids)
        session.doses = [dict(d) for d in self.doses]
        session.supportive_touch_used = self.supportive_touch_used
        session.touch_areas = list(self.touch_areas)
        session.adverse_event = dict(self.adverse_event) if self.adverse_event else None
        session.notes = self.notes
        session.outcome = self.recorded()
        for planned in self.follow_ups:
            follow_up = FollowUp(session_id=self.session_id, **planned)
            journey.follow_ups[follow_up.follow_up_id] = follow_up

    def summary(self) -> str:
        return f"Session held, {len(self.follow_ups)} follow-ups owed" + (
            f"; adverse event ({self.adverse_event['severity']})" if self.adverse_event else ""
        )
