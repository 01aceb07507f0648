"""After a session: integration contacts and outreach on follow-ups."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any
from uuid import UUID

from flask.views import MethodView

from api.auth import current_actor
from api.resources.blueprint import Blueprint
from api.resources.writes import Created, created
from api.schemas.common import WrittenSchema
from api.schemas.journeys import ReassignFollowUpSchema, RecordContactSchema, RecordOutreachSchema
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


@blp.route("/follow-ups/<uuid:follow_up_id>/reassignment")
class FollowUpReassignment(MethodView):
    @blp.arguments(ReassignFollowUpSchema)
    @blp.response(200, WrittenSchema)
    @blp.doc(operationId="reassign_follow_up")
    def post(
        self, command: do.ReassignFollowUp, journey_id: UUID, follow_up_id: UUID
    ) -> dict[str, Any]:
        """Hand one open follow-up to another practitioner, with a reason.

        Clinical lead. The new owner must hold the follow-up's owning role (409
        `practitioner_lacks_role`) and still work here (409 `practitioner_deactivated`); a
        follow-up done or cancelled is 409. Taking someone off the care team, or putting a new
        member on it in the owning role, hands the open follow-ups over by itself.
        """
        return asdict(casework().reassign_follow_up(current_actor(), command))
