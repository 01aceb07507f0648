"""Medicine sessions: scheduled, rescheduled, cancelled, held."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask.views import MethodView
from flask_smorest import Blueprint

from api.resources.writes import change_journey
from api.schemas.common import WrittenSchema
from api.schemas.journeys import (
    CancelSessionSchema,
    RecordSessionOutcomeSchema,
    RescheduleSessionSchema,
    ScheduleSessionSchema,
)
from api.services import casework

blp = Blueprint(
    "sessions",
    __name__,
    url_prefix="/journeys/<uuid:journey_id>/sessions",
    description="Medicine sessions",
)


@blp.route("")
class Sessions(MethodView):
    @blp.arguments(ScheduleSessionSchema)
    @blp.response(201, WrittenSchema)
    def post(self, data: dict[str, Any], journey_id: UUID) -> dict[str, Any]:
        """Schedule a session; refused (409) with every missing precondition named."""
        return change_journey(casework().schedule_session, journey_id, **data)


@blp.route("/<uuid:session_id>/rescheduling")
class SessionRescheduling(MethodView):
    @blp.arguments(RescheduleSessionSchema)
    @blp.response(201, WrittenSchema)
    def post(self, data: dict[str, Any], journey_id: UUID, session_id: UUID) -> dict[str, Any]:
        """Move a scheduled session to another time, with a reason."""
        return change_journey(
            casework().reschedule_session, journey_id, session_id=session_id, **data
        )


@blp.route("/<uuid:session_id>/cancellation")
class SessionCancellation(MethodView):
    @blp.arguments(CancelSessionSchema)
    @blp.response(201, WrittenSchema)
    def post(self, data: dict[str, Any], journey_id: UUID, session_id: UUID) -> dict[str, Any]:
        """Cancel a scheduled session, with a reason."""
        return change_journey(casework().cancel_session, journey_id, session_id=session_id, **data)


@blp.route("/<uuid:session_id>/outcome")
class SessionOutcome(MethodView):
    @blp.arguments(RecordSessionOutcomeSchema)
    @blp.response(201, WrittenSchema)
    def post(self, data: dict[str, Any], journey_id: UUID, session_id: UUID) -> dict[str, Any]:
        """Record a held session: facilitators, times, doses, touch, adverse event."""
        return change_journey(
            casework().record_session_outcome, journey_id, session_id=session_id, **data
        )
