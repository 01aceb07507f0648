"""Liveness: is the service up, and can it reach its store?"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields
from sqlalchemy import select

from api.read_models import read_models
from api.services import casework
from projections import PROJECTIONS
from projections.tables import projection_positions

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
    def get(self) -> list[dict[str, Any]]:
        """Show each projection's position, lag (events and seconds) and heartbeat."""
        app, now = casework(), datetime.now(UTC)
        newest = app.recorder.max_notification_id() or 0
        with read_models().engine.connect() as connection:
            rows = {row.name: row for row in connection.execute(select(projection_positions))}
        report = []
        for projection in PROJECTIONS:
            row = rows.get(projection.name)
            position = row.position if row else 0
            pending = app.recorder.select_notifications(start=position + 1, limit=1)
            oldest = app.mapper.to_domain_event(pending[0]).timestamp if pending else now
            report.append(
                {
                    "name": projection.name,
                    "position": position,
                    "lag_events": newest - position,
                    "lag_seconds": (now - oldest).total_seconds(),
                    "heartbeat_at": row.heartbeat_at if row else None,
                    "heartbeat_age_seconds": (now - row.heartbeat_at).total_seconds()
                    if row
                    else None,
                }
            )
        return report
