"""The decision register: every decision across the clinic, for auditors and clinical leads.

The view's body is a plain function of the actor and the query, so the pages for people read
the register as the API does: the same role check, query, access-log records and vault.
"""

from __future__ import annotations

from typing import Any

from flask import Response, g, request
from flask.views import MethodView

from api.csv_export import csv_response, wants_csv
from api.errors import refuse_parameter
from api.exports import CSV_FILE
from api.read_models import projected
from api.resources.blueprint import Blueprint
from api.resources.reads import clients_of, clinic_zone, purpose_of_use, reader
from api.schemas.reads import DecisionPageSchema, DecisionQuerySchema
from api.services import casework
from casework.permissions import Read, acting_role
from casework.roles import Actor
from projections import queries
from projections.decisions import revealed_decisions
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
    "decider_name",
    "decider_role",
    "co_signer_id",
    "co_signer_name",
    "valid_until",
    "review_date",
    "rationale",
    "criteria",
    "conditions",
]


@blp.route("")
class Decisions(MethodView):
    @blp.arguments(DecisionQuerySchema, location="query")
    @blp.response(200, DecisionPageSchema)
    @blp.alt_response(
        200,
        schema=CSV_FILE,
        content_type="text/csv",
        description="A page of decisions; or, as CSV, every match in one file.",
        success=True,
    )
    @blp.doc(operationId="list_decisions")
    def get(self, query: dict[str, Any]) -> Page | Response:
        """List decisions, newest first (filters: kind, local date range, decider, journey).

        Every clinical role and the auditor; each journey on a page is logged as read.
        With `format=csv` or `Accept: text/csv`: every matching decision as one CSV file, no
        pages; each journey in it is logged as read (endpoint `decisions_export`).
        """
        # Before the parameters of a CSV export are refused: who may not read hears 403 first.
        actor = reader()
        min_position = query.pop("min_position")
        if query.pop("format") != "csv" and not wants_csv():
            return list_decisions(actor, query, min_position=min_position)
        for page_parameter in ("after", "limit"):
            if page_parameter in request.args:
                refuse_parameter("query", page_parameter, "A CSV export has no pages.")
            query.pop(page_parameter)
        return export_decisions(actor, query, min_position=min_position)


def list_decisions(actor: Actor, query: dict[str, Any], *, min_position: int | None = None) -> Page:
    """Return a page of the clinic's decisions, named; each journey on it is logged as read."""
    acting_role(actor, Read.JOURNEY)
    with projected(("decisions", "caseload"), min_position) as connection:
        page = queries.decision_register(connection, actor.clinic_id, clinic_zone(actor), **query)
        clients = clients_of(connection, {row["journey_id"] for row in page.items})
        page = queries.named_page(connection, actor.clinic_id, page)
    # Rationales, criteria and conditions are a client's text: each journey shown is read.
    casework().record_accesses(actor, clients, "decisions", purpose_of_use())
    return Page(revealed_decisions(casework().vault.reader(), clients, page.items), page.next)


def export_decisions(
    actor: Actor, query: dict[str, Any], *, min_position: int | None = None
) -> Response:
    """Return every matching decision as a CSV file; each journey in it is logged as read."""
    acting_role(actor, Read.JOURNEY)
    purpose = purpose_of_use()
    with projected(("decisions", "caseload"), min_position) as connection:
        # Only as far as both projections got: every journey exported has its client id.
        reached = g.projection_position
        rows = queries.decision_register_rows(
            connection, actor.clinic_id, clinic_zone(actor), up_to=reached, **query
        )
        clients = clients_of(connection, {row["journey_id"] for row in rows})
        rows = queries.named(connection, actor.clinic_id, rows)
    casework().record_accesses(actor, clients, "decisions_export", purpose)
    rows = revealed_decisions(casework().vault.reader(), clients, rows)
    return csv_response(rows, CSV_COLUMNS, "decisions.csv")
