"""Decisions about the journey as a whole: pause, resumption, stop, withdrawal, closure."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask.views import MethodView
from flask_smorest import Blueprint

from api.resources.writes import change_journey
from api.schemas.common import WrittenSchema
from api.schemas.journeys import (
    CloseJourneySchema,
    PauseJourneySchema,
    RecordWithdrawalSchema,
    ResumeJourneySchema,
    StopJourneySchema,
)
from api.services import casework

blp = Blueprint(
    "decisions",
    __name__,
    url_prefix="/journeys/<uuid:journey_id>",
    description="Pause, resumption, stop, withdrawal and closure",
)


@blp.route("/pause")
class Pause(MethodView):
    @blp.arguments(PauseJourneySchema)
    @blp.response(201, WrittenSchema)
    def post(self, data: dict[str, Any], journey_id: UUID) -> dict[str, Any]:
        """Pause sessions (not follow-ups), with a reason, review date and conditions."""
        return change_journey(casework().pause_journey, journey_id, **data)


@blp.route("/resumption")
class Resumption(MethodView):
    @blp.arguments(ResumeJourneySchema)
    @blp.response(201, WrittenSchema)
    def post(self, data: dict[str, Any], journey_id: UUID) -> dict[str, Any]:
        """Resume a paused journey (clinical lead)."""
        return change_journey(casework().resume_journey, journey_id, **data)


@blp.route("/stop")
class Stop(MethodView):
    @blp.arguments(StopJourneySchema)
    @blp.response(201, WrittenSchema)
    def post(self, data: dict[str, Any], journey_id: UUID) -> dict[str, Any]:
        """Stop sessions for clinical reasons (clinical lead); follow-ups continue."""
        return change_journey(casework().stop_journey, journey_id, **data)


@blp.route("/withdrawal")
class Withdrawal(MethodView):
    @blp.arguments(RecordWithdrawalSchema)
    @blp.response(201, WrittenSchema)
    def post(self, data: dict[str, Any], journey_id: UUID) -> dict[str, Any]:
        """Record the client's withdrawal: immediate, no approval needed."""
        return change_journey(casework().record_withdrawal, journey_id, **data)


@blp.route("/closure")
class Closure(MethodView):
    @blp.arguments(CloseJourneySchema)
    @blp.response(201, WrittenSchema)
    def post(self, data: dict[str, Any], journey_id: UUID) -> dict[str, Any]:
        """Close the journey for good; open follow-ups are cancelled."""
        return change_journey(casework().close_journey, journey_id, **data)
