"""Liveness: is the service up, and can it reach its store?"""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from api.read_models import read_models
from api.services import casework
from projections.status import projection_status

blp = Blueprint("health", __name__, url_prefix="/health", description="Service health")


class HealthSchema(Schema):
    status = fields.String()
    log_position = fields.Integer(
        allow_none=True, metadata={"description": "The newest position in the event log."}
    )


@blp.route("")
class Health(MethodView):
    @blp.response(200, HealthSchema)
    @blp.doc(security=[])  # public: for load balancers
    def get(self) -> dict[str, Any]:
        """Report that the API is up and its event store answers."""
        return {"status": "ok", "log_position": casework().recorder.max_notification_id()}


class ProjectionHealthSchema(Schema):
    name = fields.String()
    position = fields.Integer(metadata={"description": "The last log position it processed."})
    lag_events = fields.Integer(metadata={"description": "Events recorded but not yet processed."})
    lag_seconds = fields.Float(
        metadata={"description": "Age of the oldest unprocessed event (0 when caught up)."}
    )
    heartbeat_at = fields.DateTime(
        allow_none=True, metadata={"description": "When its runner last checked in."}
    )
    heartbeat_age_seconds = fields.Float(allow_none=True)


@blp.route("/projections")
class ProjectionHealth(MethodView):
    @blp.response(200, ProjectionHealthSchema(many=True))
    @blp.doc(security=[])  # public: for monitoring
    def get(self) -> list[dict[str, Any]]:
        """Show each projection's position, lag (events and seconds) and heartbeat."""
        return projection_status(read_models().engine, casework())
