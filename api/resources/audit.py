"""What auditors ask of the record as a whole: who read which client's record, and why."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from api.auth import current_actor
from api.read_models import projected
from api.schemas.reads import AccessLogPageSchema, AccessLogQuerySchema
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
            return queries.access_log_entries(connection, actor.clinic_id, **query)
