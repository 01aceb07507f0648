"""After a session: integration contacts and outreach on follow-ups."""

from __future__ import annotations

from uuid import UUID

from flask.views import MethodView

from api.auth import current_actor
from api.resources.blueprint import Blueprint
from api.resources.writes import Created, created
from api.schemas.common import WrittenSchema
from api.schemas.journeys import RecordContactSchema, RecordOutreachSchema
from api.services import casework
from casework.journey import commands as do

blp = Blueprint(
    "aftercare",
    __name__,
    url_prefix="/journeys/<uuid:journey_id>",
    description="Integration contacts and outreach",
)


@blp.route("/contacts")
class Contacts(MethodView):
    @blp.arguments(RecordContactSchema)
    @blp.response(201, WrittenSchema)
    @blp.doc(operationId="record_contact")
    def post(self, command: do.RecordContact, journey_id: UUID) -> Created:
        """Record an integration contact, against a follow-up (completing it) or ad hoc.

        Integration therapist, facilitator or clinical lead. Against a follow-up, it completes it:
        done early, on time or late, judged on the clinic's date. A follow-up already done or
        cancelled is 409 (`follow_up_already_done`, `follow_up_cancelled`).
        """
        return created(casework().record_contact(current_actor(), command))


@blp.route("/follow-ups/<uuid:follow_up_id>/outreach")
class FollowUpOutreach(MethodView):
    @blp.arguments(RecordOutreachSchema)
    @blp.response(201, WrittenSchema)
    @blp.doc(operationId="record_outreach")
    def post(self, command: do.RecordOutreach, journey_id: UUID, follow_up_id: UUID) -> Created:
        """Record an attempt to reach the client about an open follow-up.

        Integration therapist, facilitator, clinical lead or intake coordinator. The follow-up stays
        open; one already done or cancelled is 409 (`follow_up_already_done`,
        `follow_up_cancelled`).
        """
        return created(casework().record_outreach(current_actor(), command))
