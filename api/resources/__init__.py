"""One blueprint per resource; `init_app` registers them all on the flask-smorest Api."""

from __future__ import annotations

from http import HTTPStatus

from flask import Flask, Response, request

from api.errors import CaseworkApi, error_response
from api.resources import (
    aftercare,
    amendments,
    audit,
    care_team,
    clients,
    clinics,
    decisions,
    eligibility,
    follow_ups,
    health,
    journeys,
    practitioners,
    register,
    sessions,
)

BLUEPRINTS = (
    health.blp,
    clinics.blp,
    practitioners.blp,
    journeys.blp,
    clients.blp,
    care_team.blp,
    eligibility.blp,
    sessions.blp,
    aftercare.blp,
    decisions.blp,
    amendments.blp,
    follow_ups.blp,
    register.blp,
    audit.blp,
)


def require_json_body() -> Response | None:
    """Refuse a write whose body is not declared as JSON (415), before anything is parsed."""
    has_body = request.method in ("POST", "PUT", "PATCH", "DELETE") and request.content_length
    if has_body and not request.is_json:
        return error_response(
            HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "Send the body as application/json."
        )
    return None


def init_app(app: Flask) -> None:
    """Register the blueprints and the bearer-token security scheme in the OpenAPI document."""
    api = CaseworkApi(app)
    api.spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    api.spec.options["security"] = [{"bearer": []}]
    app.before_request(require_json_body)
    for blueprint in BLUEPRINTS:
        api.register_blueprint(blueprint)
