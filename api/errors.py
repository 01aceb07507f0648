"""One table maps the domain's errors to HTTP; every error answers the same JSON envelope."""

from __future__ import annotations

import time
from collections.abc import Callable
from http import HTTPStatus
from typing import Any, NoReturn

import flask_smorest
from eventsourcing.persistence import InterfaceError, OperationalError
from flask import Flask, Response, current_app, jsonify
from flask_smorest import Api
from sqlalchemy.exc import InterfaceError as SQLInterfaceError
from sqlalchemy.exc import OperationalError as SQLOperationalError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from casework.errors import (
    CaseworkError,
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    RuleViolation,
)
from projections.pages import InvalidCursor

STATUS_BY_ERROR: dict[type[CaseworkError], HTTPStatus] = {
    NotFound: HTTPStatus.NOT_FOUND,
    Forbidden: HTTPStatus.FORBIDDEN,
    InvalidInput: HTTPStatus.UNPROCESSABLE_ENTITY,
    RuleViolation: HTTPStatus.CONFLICT,
    Conflict: HTTPStatus.CONFLICT,
}

RETRY_AFTER_SECONDS = 5

abort: Callable[..., NoReturn] = flask_smorest.abort
"""Answer an HTTP error in the envelope below (flask-smorest's abort, typed as never returning)."""


def error_response(status: HTTPStatus, message: str, **extra: Any) -> Response:
    """Return flask-smorest's error envelope, `{code, status, message, ...}`."""
    payload = {"code": status.value, "status": status.phrase, "message": message, **extra}
    response = jsonify(payload)
    response.status_code = status.value
    return response


def refuse_parameter(location: str, name: str, reason: str) -> NoReturn:
    """Answer 422 for a bad path or header parameter, in webargs' `errors.<location>` shape."""
    abort(422, message="Some fields are invalid.", errors={location: {name: [reason]}})


def handle_casework_error(error: CaseworkError) -> Response:
    """Answer a domain error with its status, reason code and field errors."""
    status = next(s for kind, s in STATUS_BY_ERROR.items() if isinstance(error, kind))
    extra: dict[str, Any] = {}
    if isinstance(error, RuleViolation | Conflict):
        extra["reason"] = error.reason
    if isinstance(error, RuleViolation) and error.details:
        extra["details"] = error.details
    if isinstance(error, InvalidInput):
        extra["errors"] = {"json": error.errors}
    return error_response(status, error.message, **extra)


def handle_store_unavailable(_: Exception) -> Response:
    """Answer 503 when the store cannot be reached; nothing was written.

    Reaching it took this request many seconds (the library retries), so for the next
    RETRY_AFTER_SECONDS every request of this process is answered 503 at once instead.
    """
    current_app.extensions["store_unavailable_until"] = time.monotonic() + RETRY_AFTER_SECONDS
    return store_unavailable()


def refuse_while_store_unavailable() -> Response | None:
    """Answer 503 at once while the store was unreachable a moment ago."""
    until = current_app.extensions.get("store_unavailable_until", 0.0)
    return store_unavailable() if time.monotonic() < until else None


def store_unavailable() -> Response:
    response = error_response(
        HTTPStatus.SERVICE_UNAVAILABLE, "The record store is unavailable; retry shortly."
    )
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def handle_body_too_large(_: RequestEntityTooLarge) -> Response:
    """Answer 413 with the limit, before the body is read."""
    limit = current_app.config["MAX_CONTENT_LENGTH"] // 1024
    return error_response(
        HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"The body is larger than {limit} KiB."
    )


class CaseworkApi(Api):  # type: ignore[misc]
    """flask-smorest's Api, whose error envelope always carries a human-readable message."""

    def handle_http_exception(self, error: HTTPException) -> tuple[dict[str, Any], int, Any]:
        payload, code, headers = super().handle_http_exception(error)
        if "message" not in payload:
            invalid = code == HTTPStatus.UNPROCESSABLE_ENTITY
            payload["message"] = "Some fields are invalid." if invalid else error.description
        return payload, code, headers


def handle_invalid_cursor(error: InvalidCursor) -> Response:
    """Answer 422 for a page cursor this API did not give out."""
    return error_response(
        HTTPStatus.UNPROCESSABLE_ENTITY,
        "Some fields are invalid.",
        errors={"query": {"after": [str(error)]}},
    )


def init_app(app: Flask) -> None:
    """Register the handlers (HTTP errors themselves are handled by flask-smorest's Api)."""
    app.register_error_handler(CaseworkError, handle_casework_error)
    for unavailable in (OperationalError, InterfaceError, SQLOperationalError, SQLInterfaceError):
        app.register_error_handler(unavailable, handle_store_unavailable)
    app.before_request(refuse_while_store_unavailable)
    app.register_error_handler(RequestEntityTooLarge, handle_body_too_large)
    app.register_error_handler(InvalidCursor, handle_invalid_cursor)
