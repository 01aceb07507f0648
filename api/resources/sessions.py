"""Medicine sessions: scheduled, rescheduled, cancelled, held."""

from __future__ import annotations

from uuid import UUID

from flask.views import MethodView

from api.auth import current_actor
from api.resources.blueprint import Blueprint
from api.resources.writes import Created, created
from api.schemas.common import WrittenSchema
from api.schemas.journeys import (
    CancelSessionSchema,
    RecordSessionOutcomeSchema,
    RescheduleSessionSchema,
    ScheduleSessionSchema,
)
from api.services import casework
from casework.journey import commands as do

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
    @blp.doc(operationId="schedule_session")
    def post(self, command: do.ScheduleSession, journey_id: UUID) -> Created:
        """Schedule a session; refused (409) with every missing precondition named.

        Facilitator, clinical lead or intake coordinator. The refusal lists in `details.blockers`
        every precondition missing: an eligible, unexpired screening, treatment consent, a
        preparation session, a safety plan, a facilitator on the care team. Refused too while the
        journey is paused, stopped, withdrawn or closed.
        """
        return created(casework().schedule_session(current_actor(), command))


@blp.route("/<uuid:session_id>/rescheduling")
class SessionRescheduling(MethodView):
    @blp.arguments(RescheduleSessionSchema)
    @blp.response(201, WrittenSchema)
    @blp.doc(operationId="reschedule_session")
    def post(self, command: do.RescheduleSession, journey_id: UUID, session_id: UUID) -> Created:
        """Move a scheduled session to another time, with a reason.

        Facilitator, clinical lead or intake coordinator. Only a scheduled session moves (409
        `session_held`, `session_cancelled`); the new times pass the checks scheduling does.
        """
        return created(casework().reschedule_session(current_actor(), command))


@blp.route("/<uuid:session_id>/cancellation")
class SessionCancellation(MethodView):
    @blp.arguments(CancelSessionSchema)
    @blp.response(201, WrittenSchema)
    @blp.doc(operationId="cancel_session")
    def post(self, command: do.CancelSession, journey_id: UUID, session_id: UUID) -> Created:
        """Cancel a scheduled session, with a reason.

        Facilitator, clinical lead or intake coordinator. Only a scheduled session is cancelled (409
        `session_held`, `session_cancelled`).
        """
        return created(casework().cancel_session(current_actor(), command))


@blp.route("/<uuid:session_id>/outcome")
class SessionOutcome(MethodView):
    @blp.arguments(RecordSessionOutcomeSchema)
    @blp.response(201, WrittenSchema)
    @blp.doc(operationId="record_session_outcome")
    def post(self, command: do.RecordSessionOutcome, journey_id: UUID, session_id: UUID) -> Created:
        """Record a held session: facilitators, times, doses, touch, adverse event.

        Facilitator or clinical lead. The screening in force when it started must be eligible and
        valid that day, its facilitators on the care team and enough of them
        (`too_few_facilitators`), and touch within an active touch consent's scope. The follow-ups
        it owes are dated from the day it was held, in the clinic's time zone.
        """
        return created(casework().record_session_outcome(current_actor(), command))
