"""The decision register: every decision across the clinic, for auditors and clinical leads."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from api.read_models import projected
from api.resources.reads import reader
from api.schemas.reads import DecisionPageSchema, DecisionQuerySchema
from projections import queries
from projections.pages import Page

blp = Blueprint("register", __name__, url_prefix="/decisions", description="Decision register")


@blp.route("")
class Decisions(MethodView):
    @blp.arguments(DecisionQuerySchema, location="query")
    @blp.response(200, DecisionPageSchema)
    def get(self, query: dict[str, Any]) -> Page:
        """List decisions, newest first (filters: kind, local date range, decider, journey)."""
        actor = reader()
        with projected(("decisions",), query.pop("min_position")) as connection:
            return queries.decision_register(connection, actor.clinic_id, **query)
