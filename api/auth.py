"""Bearer-token authentication: every request but the public ones names a practitioner."""

from __future__ import annotations

import hmac
from http import HTTPStatus

from flask import Flask, Response, current_app, g, request

from api.problems import problem
from api.services import casework
from api.token_uses import note_use
from casework.errors import Forbidden
from casework.roles import Actor

PUBLIC_ENDPOINTS = {
    "health.Health",
    "health.Liveness",
    "health.Readiness",
    "health.ProjectionHealth",
    "health.CheckpointHealth",
    "calendar.FollowUpFeed",  # opened by the secret in its URL, not by a bearer token
    "metrics",
    "api-docs.openapi_json",
    "api-docs.openapi_swagger_ui",
    "swagger_ui.static",
    "static",
}


BROWSER_BLUEPRINTS = {"web"}
"""Pages for people, who sign in with a password and a code: web.guard authenticates them."""


def bearer_token() -> str | None:
    """Return the bearer token the request carries, if any."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def unauthorised(message: str) -> Response:
    """Return a 401 that tells the client how to authenticate."""
    response = problem(HTTPStatus.UNAUTHORIZED, message)
    response.headers["WWW-Authenticate"] = 'Bearer realm="casework"'
    return response


def authenticate() -> Response | None:
    """Resolve the bearer token to the practitioner (or the operator) it was issued to.

    Unknown URLs (no endpoint) fall through to a plain 404.
    """
    g.actor, g.is_operator = None, False
    if request.endpoint is None or request.endpoint in PUBLIC_ENDPOINTS:
        return None
    if request.blueprint in BROWSER_BLUEPRINTS:
        return None
    token = bearer_token()
    if token is None:
        return unauthorised("Send 'Authorization: Bearer <token>'.")
    operator_token = current_app.config["OPERATOR_TOKEN"]
    if operator_token and hmac.compare_digest(token.encode(), str(operator_token).encode()):
        g.is_operator = True
        return None
    g.actor = casework().authenticate(token)
    if g.actor is None:
        return unauthorised("The token is unknown, revoked, or its practitioner deactivated.")
    note_use(token)
    return None


def current_actor() -> Actor:
    """Return the practitioner the request acts for (the operator acts for none)."""
    if g.actor is None:
        raise Forbidden("This needs a practitioner's token.")
    actor: Actor = g.actor
    return actor


def require_operator() -> None:
    """Refuse anyone but the operator (who holds CASEWORK_OPERATOR_TOKEN)."""
    if not g.is_operator:
        raise Forbidden("Only the service operator may do this.")


def init_app(app: Flask) -> None:
    """Authenticate every request before its view runs."""
    app.before_request(authenticate)
