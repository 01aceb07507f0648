"""The care team: who holds which role on a journey."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any
from uuid import UUID

from flask.views import MethodView

from api.auth import current_actor
from api.resources.blueprint import Blueprint
from api.resources.writes import Created, created
from api.schemas.common import WrittenSchema
from api.schemas.journeys import AssignCareTeamMemberSchema, UnassignCareTeamMemberSchema
from api.services import casework
from casework.journey import commands as do

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
    @blp.doc(operationId="assign_care_team_member")
    def post(self, command: do.AssignCareTeamMember, journey_id: UUID) -> Created:
        """Put a practitioner on the care team in one of their roles.

        Clinical lead or intake coordinator. The practitioner must hold that role (409
        `practitioner_lacks_role`) and not be on the team in it already (409
        `already_on_care_team`).
        """
        return created(casework().assign_care_team_member(current_actor(), command))


@blp.route("/<uuid:practitioner_id>")
class CareTeamMember(MethodView):
    @blp.arguments(UnassignCareTeamMemberSchema, location="json", required=False)
    @blp.response(200, WrittenSchema)
    @blp.doc(operationId="unassign_care_team_member")
    def delete(
        self, command: do.UnassignCareTeamMember, journey_id: UUID, practitioner_id: UUID
    ) -> dict[str, Any]:
        """Take a practitioner off the care team (recorded as an event, not a deletion).

        Clinical lead or intake coordinator. The body, an optional `reason`, may be left out.
        """
        return asdict(casework().unassign_care_team_member(current_actor(), command))
