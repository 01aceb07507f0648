"""Decisions about the journey as a whole: pause, resumption, stop, withdrawal, closure."""

from __future__ import annotations

from uuid import UUID

from flask.views import MethodView

from api.auth import current_actor
from api.resources.blueprint import Blueprint
from api.resources.writes import Created, created
from api.schemas.common import WrittenSchema
from api.schemas.journeys import (
    CloseJourneySchema,
    PauseJourneySchema,
    RecordWithdrawalSchema,
    ResumeJourneySchema,
    StopJourneySchema,
)
from api.services import casework
from casework.journey import commands as do

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
    @blp.doc(operationId="pause_journey")
    def post(self, command: do.PauseJourney, journey_id: UUID) -> Created:
        """Pause sessions (not follow-ups), with a reason, review date and conditions.

        Clinical lead, facilitator or integration therapist. While paused, scheduling is refused
        (409 `journey_paused`); follow-ups stay owed. `review_date` is not before the day of the
        decision.
        """
        return created(casework().pause_journey(current_actor(), command))


@blp.route("/resumption")
class Resumption(MethodView):
    @blp.arguments(ResumeJourneySchema)
    @blp.response(201, WrittenSchema)
    @blp.doc(operationId="resume_journey")
    def post(self, command: do.ResumeJourney, journey_id: UUID) -> Created:
        """Resume a paused journey (clinical lead).

        Clinical lead only. A journey that is not paused is 409 `journey_not_paused`; the resumption
        comes after the pause began (409 `resumption_before_pause`).
        """
        return created(casework().resume_journey(current_actor(), command))


@blp.route("/stop")
class Stop(MethodView):
    @blp.arguments(StopJourneySchema)
    @blp.response(201, WrittenSchema)
    @blp.doc(operationId="stop_journey")
    def post(self, command: do.StopJourney, journey_id: UUID) -> Created:
        """Stop sessions for clinical reasons (clinical lead); follow-ups continue.

        Clinical lead only. Scheduled sessions are cancelled and no more can be scheduled (409
        `journey_stopped`).
        """
        return created(casework().stop_journey(current_actor(), command))


@blp.route("/withdrawal")
class Withdrawal(MethodView):
    @blp.arguments(RecordWithdrawalSchema)
    @blp.response(201, WrittenSchema)
    @blp.doc(operationId="record_withdrawal")
    def post(self, command: do.RecordWithdrawal, journey_id: UUID) -> Created:
        """Record the client's withdrawal: immediate, no approval needed.

        Any clinical role. Scheduled sessions are cancelled and no more can be scheduled (409
        `client_withdrew`); follow-ups stay owed.
        """
        return created(casework().record_withdrawal(current_actor(), command))


@blp.route("/closure")
class Closure(MethodView):
    @blp.arguments(CloseJourneySchema)
    @blp.response(201, WrittenSchema)
    @blp.doc(operationId="close_journey")
    def post(self, command: do.CloseJourney, journey_id: UUID) -> Created:
        """Close the journey for good; open follow-ups are cancelled.

        Clinical lead only. Scheduled sessions are cancelled too; afterwards only corrections and
        addenda are accepted (409 `journey_closed`).
        """
        return created(casework().close_journey(current_actor(), command))
