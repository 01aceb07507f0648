"""Corrections and addenda: history is never edited, only added to."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask.views import MethodView
from flask_smorest import Blueprint

from api.resources.writes import change_journey
from api.schemas.common import WrittenSchema
from api.schemas.journeys import RecordAddendumSchema, RecordCorrectionSchema
from api.services import casework

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
    def post(self, data: dict[str, Any], journey_id: UUID) -> dict[str, Any]:
        """Correct one field of an earlier entry, with a reason; the original stays visible."""
        return change_journey(casework().record_correction, journey_id, **data)


@blp.route("/addenda")
class Addenda(MethodView):
    @blp.arguments(RecordAddendumSchema)
    @blp.response(201, WrittenSchema)
    def post(self, data: dict[str, Any], journey_id: UUID) -> dict[str, Any]:
        """Add text to an earlier entry, which itself stays as it was."""
        return change_journey(casework().record_addendum, journey_id, **data)
