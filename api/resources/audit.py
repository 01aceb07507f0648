"""What auditors ask of the record as a whole: is it intact, and who read which record, why."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from api.auth import current_actor
from api.read_models import projected
from api.resources.reads import clients_of, clinic_zone, purpose_of_use
from api.schemas.audit import (
    CorrectionPageSchema,
    CorrectionQuerySchema,
    IntegrityQuerySchema,
    IntegrityReportSchema,
)
from api.schemas.reads import AccessLogPageSchema, AccessLogQuerySchema
from api.services import casework
from casework.integrity import IntegrityReport
from casework.permissions import acting_role
from projections import queries
from projections.pages import Page

blp = Blueprint("audit", __name__, url_prefix="/audit", description="Audit")


@blp.route("/access-log")
class AccessLog(MethodView):
    @blp.arguments(AccessLogQuerySchema, location="query")
    @blp.response(200, AccessLogPageSchema)
    def get(self, query: dict[str, Any]) -> Page:
        """List reads of client records, newest first (filters: client, practitioner, dates)."""
        actor = current_actor()
        acting_role(actor, "read_access_log")
        with projected(("access_log",), query.pop("min_position")) as connection:
            return queries.access_log_entries(
                connection, actor.clinic_id, clinic_zone(actor), **query
            )


@blp.route("/integrity")
class Integrity(MethodView):
    @blp.arguments(IntegrityQuerySchema, location="query")
    @blp.response(200, IntegrityReportSchema)
    def get(self, query: dict[str, Any]) -> IntegrityReport:
        """Check the stored history against its hash chain and seals; name the first break."""
        return casework().check_integrity(current_actor(), query["journey_id"])


@blp.route("/corrections")
class Corrections(MethodView):
    @blp.arguments(CorrectionQuerySchema, location="query")
    @blp.response(200, CorrectionPageSchema)
    def get(self, query: dict[str, Any]) -> Page:
        """List every correction, newest first: original and new value, who, when and why.

        The values can be a client's notes, so each journey listed is logged as read.
        """
        actor = current_actor()
        acting_role(actor, "read_access_log")
        with projected(("timeline", "caseload"), query.pop("min_position")) as connection:
            page = queries.corrections(connection, actor.clinic_id, clinic_zone(actor), **query)
            clients = clients_of(connection, {row["journey_id"] for row in page.items})
        casework().record_accesses(actor, clients, "corrections", purpose_of_use())
        return Page(casework().vault.reveal_all(page.items), page.next)
