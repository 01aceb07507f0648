"""The decision register: every decision across the clinic, for auditors and clinical leads."""

from __future__ import annotations

from typing import Any

from flask import Response, request
from flask.views import MethodView
from flask_smorest import Blueprint

from api.csv_export import csv_response, wants_csv
from api.errors import refuse_parameter
from api.read_models import projected
from api.resources.reads import purpose_of_use, reader
from api.schemas.reads import DecisionPageSchema, DecisionQuerySchema
from api.services import casework
from projections import queries
from projections.pages import Page

blp = Blueprint("register", __name__, url_prefix="/decisions", description="Decision register")

CSV_COLUMNS = [
    "position",
    "journey_id",
    "version",
    "kind",
    "outcome",
    "decided_at",
    "recorded_at",
    "decider_id",
    "decider_role",
    "co_signer_id",
    "valid_until",
    "review_date",
    "rationale",
    "criteria",
    "conditions",
]
JSON_OR_CSV = {
    "200": {
        "description": "A page of decisions, or every match as CSV.",
        "content": {
            "application/json": {"schema": DecisionPageSchema},
            "text/csv": {"schema": {"type": "string", "format": "binary"}},
        },
    }
}
"""The 200 answer in the OpenAPI document: flask-smorest documents one media type per code."""


@blp.route("")
class Decisions(MethodView):
    @blp.arguments(DecisionQuerySchema, location="query")
    @blp.response(200, DecisionPageSchema)
    @blp.doc(responses=JSON_OR_CSV)
    def get(self, query: dict[str, Any]) -> Page | Response:
        """List decisions, newest first (filters: kind, local date range, decider, journey).

        With `format=csv` or `Accept: text/csv`: every matching decision as one CSV file, no
        pages; each journey in it is logged as read (endpoint `decisions_export`).
        """
        actor = reader()
        min_position = query.pop("min_position")
        if query.pop("format") != "csv" and not wants_csv():
            with projected(("decisions",), min_position) as connection:
                return queries.decision_register(connection, actor.clinic_id, **query)
        for page_parameter in ("after", "limit"):
            if page_parameter in request.args:
                refuse_parameter("query", page_parameter, "A CSV export has no pages.")
            query.pop(page_parameter)
        with projected(("decisions", "caseload"), min_position) as connection:
            found = queries.decisions_matching(connection, actor.clinic_id, **query)
            rows = [dict(row) for row in connection.execute(found).mappings()]
            clients = queries.client_ids(connection, {row["journey_id"] for row in rows})
        casework().record_accesses(actor, clients, "decisions_export", purpose_of_use())
        return csv_response(rows, CSV_COLUMNS, "decisions.csv")
