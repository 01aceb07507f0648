"""After a session: integration contacts and outreach on follow-ups."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask.views import MethodView
from flask_smorest import Blueprint

from api.resources.writes import change_journey
from api.schemas.common import WrittenSchema
from api.schemas.journeys import RecordContactSchema, RecordOutreachSchema
from api.services import casework

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
    def post(self, data: dict[str, Any], journey_id: UUID) -> dict[str, Any]:
        """Record an integration contact, against a follow-up (completing it) or ad hoc."""
        return change_journey(casework().record_contact, journey_id, **data)


@blp.route("/follow-ups/<uuid:follow_up_id>/outreach")
class FollowUpOutreach(MethodView):
    @blp.arguments(RecordOutreachSchema)
    @blp.response(201, WrittenSchema)
    def post(self, data: dict[str, Any], journey_id: UUID, follow_up_id: UUID) -> dict[str, Any]:
        """Record an attempt to reach the client about an open follow-up."""
        return change_journey(
            casework().record_outreach, journey_id, follow_up_id=follow_up_id, **data
        )
