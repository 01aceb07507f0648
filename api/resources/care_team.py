"""The care team: who holds which role on a journey."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask.views import MethodView
from flask_smorest import Blueprint

from api.resources.writes import change_journey
from api.schemas.common import WrittenSchema
from api.schemas.journeys import AssignCareTeamMemberSchema, UnassignCareTeamMemberSchema
from api.services import casework

blp = Blueprint(
    "care_team",
    __name__,
    url_prefix="/journeys/<uuid:journey_id>/care-team",
    description="Care team",
)


@blp.route("")
class CareTeam(MethodView):
    @blp.arguments(AssignCareTeamMemberSchema)
    @blp.response(201, WrittenSchema)
    def post(self, data: dict[str, Any], journey_id: UUID) -> dict[str, Any]:
        """Put a practitioner on the care team in one of their roles."""
        return change_journey(casework().assign_care_team_member, journey_id, **data)


@blp.route("/<uuid:practitioner_id>")
class CareTeamMember(MethodView):
    @blp.arguments(UnassignCareTeamMemberSchema, location="json", required=False)
    @blp.response(200, WrittenSchema)
    def delete(
        self, data: dict[str, Any], journey_id: UUID, practitioner_id: UUID
    ) -> dict[str, Any]:
        """Take a practitioner off the care team (recorded as an event, not a deletion)."""
        return change_journey(
            casework().unassign_care_team_member,
            journey_id,
            practitioner_id=practitioner_id,
            **data,
        )
