"""The follow-up worklist and its per-therapist summary."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask.views import MethodView

from api.csv_export import csv_response
from api.exports import CSV_FILE
from api.read_models import projected
from api.resources.blueprint import Blueprint
from api.resources.reads import logged_query, purpose_of_use, reader, resolve_me, today
from api.schemas.reads import (
    AdherenceQuerySchema,
    FollowUpQuerySchema,
    FollowUpSummarySchema,
    FreshnessQuerySchema,
    WorklistPageSchema,
)
from api.services import casework
from projections import queries
from projections.pages import Page

blp = Blueprint("follow_ups", __name__, url_prefix="/follow-ups", description="Follow-up worklist")


@blp.route("")
class FollowUps(MethodView):
    @blp.arguments(FollowUpQuerySchema, location="query")
    @blp.response(200, WorklistPageSchema)
    @blp.doc(operationId="list_follow_ups")
    def get(self, query: dict[str, Any]) -> Page:
        """List follow-ups most urgent first (filters: owner or `me`, status, due dates).

        Every clinical role and the auditor. Statuses are judged on today's date in the clinic's
        time zone; the list is recorded in the access log as one query (`worklist`).
        """
        actor = reader()
        query["owner"] = resolve_me(query["owner"], actor)
        with projected(("follow_ups", "caseload"), query.pop("min_position")) as connection:
            page = queries.follow_up_worklist(connection, actor.clinic_id, today(actor), **query)
            page = queries.named_page(connection, actor.clinic_id, page)
        return logged_query(actor, "worklist", query, page)


@blp.route("/summary")
class FollowUpSummary(MethodView):
    @blp.arguments(FreshnessQuerySchema, location="query")
    @blp.response(200, FollowUpSummarySchema(many=True))
    @blp.doc(operationId="summarize_follow_ups")
    def get(self, query: dict[str, Any]) -> list[dict[str, Any]]:
        """Count, per therapist, the follow-ups due now, overdue, and opening within 7 days.

        Every clinical role and the auditor. Counts only, naming no client, so nothing is logged as
        read.
        """
        actor = reader()
        with projected(("follow_ups",), query["min_position"]) as connection:
            summary = queries.follow_up_summary(connection, actor.clinic_id, today(actor))
            return queries.named(connection, actor.clinic_id, summary)


ADHERENCE_COLUMNS = [
    "owner_id",
    "owner_name",
    "owed",
    "done_early",
    "done_on_time",
    "done_late",
    "overdue",
    "open",
    "cancelled",
]


@blp.route("/adherence")
class FollowUpAdherence(MethodView):
    @blp.arguments(AdherenceQuerySchema, location="query")
    @blp.response(200, CSV_FILE, content_type="text/csv", description="One row per owner.")
    @blp.doc(operationId="export_follow_up_adherence")
    def get(self, query: dict[str, Any]) -> Response:
        """Export follow-up adherence per therapist for a period, as CSV (for an ethics board).

        Every clinical role and the auditor. One row per owner, by name, for the follow-ups due
        from `due_from` to `due_to`: owed (cancelled ones aside), done early, on time, late,
        overdue, still open, cancelled, judged on today's date in the clinic's time zone. Recorded
        in the access log as one query, with the journeys it counted.
        """
        actor = reader()
        query["owner"] = resolve_me(query["owner"], actor)
        with projected(("follow_ups", "staff"), query.pop("min_position")) as connection:
            rows, journeys = queries.follow_up_adherence(
                connection, actor.clinic_id, today(actor), **query
            )
        casework().record_query(actor, "adherence_export", query, journeys, purpose_of_use())
        return csv_response(rows, ADHERENCE_COLUMNS, "follow-up-adherence.csv")
