"""The follow-up worklist and its per-therapist summary."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from api.read_models import projected
from api.resources.reads import reader, resolve_me, today
from api.schemas.reads import (
    FollowUpQuerySchema,
    FollowUpSummarySchema,
    FreshnessQuerySchema,
    WorklistPageSchema,
)
from projections import queries
from projections.pages import Page

blp = Blueprint("follow_ups", __name__, url_prefix="/follow-ups", description="Follow-up worklist")


@blp.route("")
class FollowUps(MethodView):
    @blp.arguments(FollowUpQuerySchema, location="query")
    @blp.response(200, WorklistPageSchema)
    def get(self, query: dict[str, Any]) -> Page:
        """List follow-ups most urgent first (filters: owner or `me`, status, due dates)."""
        actor = reader()
        with projected(("follow_ups", "caseload"), query.pop("min_position")) as connection:
            return queries.follow_up_worklist(
                connection,
                actor.clinic_id,
                today(actor),
                owner=resolve_me(query.pop("owner"), actor),
                **query,
            )


@blp.route("/summary")
class FollowUpSummary(MethodView):
    @blp.arguments(FreshnessQuerySchema, location="query")
    @blp.response(200, FollowUpSummarySchema(many=True))
    def get(self, query: dict[str, Any]) -> list[dict[str, Any]]:
        """Count, per therapist, the follow-ups due now, overdue, and opening within 7 days."""
        actor = reader()
        with projected(("follow_ups",), query["min_position"]) as connection:
            return queries.follow_up_summary(connection, actor.clinic_id, today(actor))
