"""Health: liveness (the process answers), readiness (it can serve, or which check says why),
and the state of the projections and the seals."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from flask import Response
from flask.views import MethodView
from marshmallow import Schema, fields

from api.contract import RETRY_AFTER
from api.errors import RETRY_AFTER_SECONDS
from api.problems import MEDIA_TYPE, ProblemSchema, problem
from api.read_models import read_models
from api.readiness import readiness
from api.resources.blueprint import Blueprint
from api.services import casework
from casework.sealing import SealingStatus, sealing_status
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
    @blp.doc(security=[])  # public: kept for older monitors; load balancers use /health/ready
    @blp.doc(operationId="check_health")
    def get(self) -> dict[str, Any]:
        """Report that the API is up and its event store answers a read (not that it can serve).

        Public, kept for older monitors: 200 with the newest log position whenever the store answers
        a read. Load balancers should ask `/health/ready`, which also checks the access log, the
        projection workers and the seals.
        """
        return {"status": "ok", "log_position": casework().recorder.max_notification_id()}


class LivenessSchema(Schema):
    status = fields.String(metadata={"description": "Always `live`."})


@blp.route("/live")
class Liveness(MethodView):
    @blp.response(200, LivenessSchema)
    @blp.doc(security=[])  # public: for process supervisors
    @blp.doc(operationId="check_liveness")
    def get(self) -> dict[str, Any]:
        """Report that the process answers (it touches no store: restart it only if this fails).

        Public, for process supervisors: always 200 `live` while the process serves requests, even
        while the store is away.
        """
        return {"status": "live"}


class CheckSchema(Schema):
    name = fields.String(metadata={"description": "store, access_log, projections or seals"})
    ready = fields.Boolean()
    reason = fields.String(
        allow_none=True, metadata={"description": "Why it fails, as a code (null when ready)."}
    )


class ReadinessSchema(Schema):
    status = fields.String(metadata={"description": "`ready`."})
    checks = fields.List(fields.Nested(CheckSchema))


class NotReadySchema(ProblemSchema):
    """503 from the readiness check: a problem naming every check."""

    reason = fields.String(metadata={"description": "The first failing check's reason."})
    checks = fields.List(fields.Nested(CheckSchema), required=True)


@blp.route("/ready")
class Readiness(MethodView):
    @blp.response(200, ReadinessSchema)
    @blp.alt_response(
        503,
        schema=NotReadySchema,
        content_type=MEDIA_TYPE,
        headers={"Retry-After": RETRY_AFTER},
        description="Not ready: the reason is named.",
    )
    @blp.doc(security=[])  # public: for load balancers
    @blp.doc(operationId="check_readiness")
    def get(self) -> dict[str, Any] | Response:
        """Report whether this process can serve: store, access log, projections and seals.

        Public, for load balancers: 200 when a write and read commit, the access log is writable,
        the projection workers are alive and within their lag, and the seals are current; otherwise
        503 with `Retry-After`, every check listed and the first failing check's `reason`.
        """
        checks = [{"name": c.name, "ready": c.ready, "reason": c.reason} for c in readiness()]
        failing = [check for check in checks if not check["ready"]]
        if not failing:
            return {"status": "ready", "checks": checks}
        response = problem(
            HTTPStatus.SERVICE_UNAVAILABLE,
            "Not ready: " + ", ".join(str(check["name"]) for check in failing) + ".",
            reason=str(failing[0]["reason"]),
            checks=checks,
        )
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response


class ProjectionFailureSchema(Schema):
    position = fields.Integer(
        metadata={"description": "The log position of the event it failed on."}
    )
    error = fields.String(metadata={"description": "The error's class (never its message)."})
    failed_at = fields.DateTime()
    failures = fields.Integer(metadata={"description": "Failures in a row on that event."})
    retry_at = fields.DateTime(metadata={"description": "When its runner tries the event again."})


class ProjectionHealthSchema(Schema):
    name = fields.String()
    position = fields.Integer(metadata={"description": "The last log position it processed."})
    lag_events = fields.Integer(metadata={"description": "Events recorded but not yet processed."})
    lag_seconds = fields.Float(
        allow_none=True,
        metadata={
            "description": "Age of the oldest unprocessed event (0 when caught up; null when"
            " that event cannot be read)."
        },
    )
    heartbeat_at = fields.DateTime(
        allow_none=True, metadata={"description": "When its runner last checked in."}
    )
    heartbeat_age_seconds = fields.Float(allow_none=True)
    failure = fields.Nested(
        ProjectionFailureSchema,
        allow_none=True,
        metadata={"description": "Set while a handler fails on an event (null when healthy)."},
    )


@blp.route("/projections")
class ProjectionHealth(MethodView):
    @blp.response(200, ProjectionHealthSchema(many=True))
    @blp.doc(security=[])  # public: for monitoring
    @blp.doc(operationId="list_projection_positions")
    def get(self) -> list[dict[str, Any]]:
        """Show each projection's position, lag (events and seconds) and heartbeat.

        Public, for monitoring. A projection whose handler fails on an event shows that event's
        position and the error in `failure` until a retry gets past it; a stale heartbeat means its
        worker is not running.
        """
        return projection_status(read_models().engine, casework())


class CheckpointHealthSchema(Schema):
    sealed_through = fields.Integer(
        metadata={"description": "The last log position the newest checkpoint covers."}
    )
    unsealed_events = fields.Integer(metadata={"description": "Events no checkpoint covers yet."})
    oldest_unsealed_age_seconds = fields.Float(
        metadata={"description": "Age of the oldest event no checkpoint covers (0 if none)."}
    )


@blp.route("/checkpoints")
class CheckpointHealth(MethodView):
    @blp.response(200, CheckpointHealthSchema)
    @blp.doc(security=[])  # public: for monitoring
    @blp.doc(operationId="get_checkpoint_coverage")
    def get(self) -> SealingStatus:
        """Show how far the signed checkpoints reach and how old the oldest uncovered event is.

        Public, for monitoring: `unsealed_events` and `oldest_unsealed_age_seconds` grow while no
        sealer (`casework integrity seal`) signs checkpoints.
        """
        application = casework()
        return sealing_status(application, application.sink)
