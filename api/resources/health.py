"""Liveness: is the service up, and can it reach its store?"""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from api.services import casework

blp = Blueprint("health", __name__, url_prefix="/health", description="Service health")


class HealthSchema(Schema):
    status = fields.String()
    log_position = fields.Integer(
        allow_none=True, metadata={"description": "The newest position in the event log."}
    )


@blp.route("")
class Health(MethodView):
    @blp.response(200, HealthSchema)
    def get(self) -> dict[str, Any]:
        """Report that the API is up and its event store answers."""
        return {"status": "ok", "log_position": casework().recorder.max_notification_id()}
