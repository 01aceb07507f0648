"""Corrections and addenda: history is never edited, only added to."""

from __future__ import annotations

from uuid import UUID

from flask.views import MethodView

from api.auth import current_actor
from api.resources.blueprint import Blueprint
from api.resources.writes import Created, created
from api.schemas.common import WrittenSchema
from api.schemas.journeys import RecordAddendumSchema, RecordCorrectionSchema
from api.services import casework
from casework.journey import commands as do

blp = Blueprint(
    "amendments",
    __name__,
    url_prefix="/journeys/<uuid:journey_id>",
    description="Corrections and addenda",
)


@blp.route("/corrections")
class Corrections(MethodView):
    @blp.arguments(RecordCorrectionSchema)
    @blp.response(201, WrittenSchema)
    @blp.doc(operationId="record_correction")
    def post(self, command: do.RecordCorrection, journey_id: UUID) -> Created:
        """Correct one field of an earlier entry, with a reason; the original stays visible.

        A clinical lead, or the practitioner who recorded the entry. Name the entry by
        `corrects_version` or `corrects_position`; a field that cannot be corrected is a 422 naming
        those that can, and a corrected time passes the checks the original did (409 with the
        contradiction it would add). Accepted after closure.
        """
        return created(casework().record_correction(current_actor(), command))


@blp.route("/addenda")
class Addenda(MethodView):
    @blp.arguments(RecordAddendumSchema)
    @blp.response(201, WrittenSchema)
    @blp.doc(operationId="record_addendum")
    def post(self, command: do.RecordAddendum, journey_id: UUID) -> Created:
        """Add text to an earlier entry, which itself stays as it was.

        Any clinical role; accepted after closure. `entry_version` names an entry of the journey
        (422 otherwise).
        """
        return created(casework().record_addendum(current_actor(), command))
