"""One table maps the domain's errors to HTTP; every error answers a problem (`api.problems`)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from http import HTTPStatus
from typing import Any, NoReturn

import flask_smorest
from eventsourcing.persistence import InterfaceError, OperationalError
from flask import Flask, Response, current_app, request
from flask_smorest import Api
from sqlalchemy import Engine, text
from sqlalchemy.exc import InterfaceError as SQLInterfaceError
from sqlalchemy.exc import OperationalError as SQLOperationalError
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException, MethodNotAllowed, RequestEntityTooLarge

from api.problems import ProblemSchema, problem
from casework.errors import (
    AccessLogUnavailable,
    CaseworkError,
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    RuleViolation,
    StaleVersion,
)
from projections.pages import InvalidCursor

STATUS_BY_ERROR: dict[type[CaseworkError], HTTPStatus] = {
    NotFound: HTTPStatus.NOT_FOUND,
    Forbidden: HTTPStatus.FORBIDDEN,
    InvalidInput: HTTPStatus.UNPROCESSABLE_ENTITY,
    RuleViolation: HTTPStatus.CONFLICT,
    StaleVersion: HTTPStatus.PRECONDITION_FAILED,  # before Conflict, of which it is a kind
    Conflict: HTTPStatus.CONFLICT,
}

RETRY_AFTER_SECONDS = 1
PROBE_INTERVAL_SECONDS = 0.5
"""How often a process that found its store away looks again."""

abort: Callable[..., NoReturn] = flask_smorest.abort
"""Answer an HTTP error as a problem: `abort(status, message=..., errors=..., reason=...,
headers=...)` (flask-smorest's abort, typed as never returning; see `CaseworkApi`)."""


def refuse_parameter(location: str, name: str, reason: str) -> NoReturn:
    """Answer 422 for a bad path or header parameter, in webargs' `errors.<location>` shape."""
    abort(422, message="Some fields are invalid.", errors={location: {name: [reason]}})


def handle_casework_error(error: CaseworkError) -> Response:
    """Answer a domain error with its status, reason code and field errors."""
    if isinstance(error, AccessLogUnavailable):  # deliberate: never a read left unlogged
        if isinstance(error.__cause__, OperationalError | InterfaceError):
            handle_store_unavailable(error.__cause__)  # a PostgreSQL store may be away
        return store_unavailable(error.message, error.reason)
    status = next(s for kind, s in STATUS_BY_ERROR.items() if isinstance(error, kind))
    extra: dict[str, Any] = {}
    if isinstance(error, RuleViolation | Conflict):
        extra["reason"] = error.reason
    if isinstance(error, RuleViolation) and error.details:
        extra["details"] = error.details
    if isinstance(error, InvalidInput):
        extra["errors"] = {"json": error.errors}
    if isinstance(error, StaleVersion):
        extra["details"] = {"current_version": error.current_version}
    return problem(status, error.message, **extra)


def handle_store_unavailable(_: Exception) -> Response:
    """Answer 503 when the store cannot be reached or written; nothing was written.

    A PostgreSQL store is then taken as away until a probe reaches it again (see
    `refuse_while_store_unavailable`). A SQLite store is never taken as away: its errors (a
    full disk, a read-only file) come at once, and reads may still be served.
    """
    models = current_app.extensions["read_models"]
    if not models.embedded:
        outage: StoreOutage = current_app.extensions["store_outage"]
        outage.begin(models.engine)
    return store_unavailable()


class StoreOutage:
    """Whether this process last found its PostgreSQL store away, and when it last looked.

    While the store is away, reaching it takes a request many seconds (the library retries
    each call), so requests are answered 503 at once instead; but the store is probed again
    (one quick `SELECT 1`, by one request at a time) every PROBE_INTERVAL_SECONDS, and the
    first probe that answers ends the refusal: it lasts no longer than the outage does.
    """

    def __init__(self) -> None:
        self.away = False
        self.probed_at = 0.0
        self._probing = threading.Lock()

    def begin(self, engine: Engine) -> None:
        """Take the store as away, unless it answers a probe now (a lock timeout, say)."""
        self.away, self.probed_at = not store_answers(engine), time.monotonic()

    def refuses(self, engine: Engine) -> bool:
        """Return True while the store is away; probe it when a probe is due."""
        if not self.away:
            return False
        if time.monotonic() - self.probed_at < PROBE_INTERVAL_SECONDS:
            return True
        if not self._probing.acquire(blocking=False):
            return True  # another request is probing: refuse this one at once
        try:
            self.probed_at = time.monotonic()
            self.away = not store_answers(engine)
        finally:
            self._probing.release()
        return self.away


def store_answers(engine: Engine) -> bool:
    """Return whether the database answers a `SELECT 1` (within its connect timeout)."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError:
        return False
    return True


UNGUARDED_ENDPOINTS = {"health.Liveness", "health.Readiness", "metrics"}
"""Answered even while the store is away: they say so themselves."""


class StoreAway(Exception):
    """Raised before a request's view while the store is known to be away: answered 503."""


def refuse_while_store_unavailable() -> None:
    """Answer 503 at once while the store is away (probing it again when a probe is due).

    Raised, not returned, so that whoever answers the request (the API, or a page) says it.
    """
    if request.endpoint in UNGUARDED_ENDPOINTS:
        return
    outage: StoreOutage = current_app.extensions["store_outage"]
    if outage.refuses(current_app.extensions["read_models"].engine):
        raise StoreAway()


def handle_store_away(_: StoreAway) -> Response:
    """Answer a request refused while the store is away."""
    return store_unavailable()


def store_unavailable(
    message: str = "The record store is unavailable; retry shortly.",
    reason: str = "store_unavailable",
) -> Response:
    """Return 503 with Retry-After and the reason."""
    response = problem(HTTPStatus.SERVICE_UNAVAILABLE, message, reason=reason)
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def handle_body_too_large(_: RequestEntityTooLarge) -> Response:
    """Answer 413 with the limit, before the body is read."""
    limit = current_app.config["MAX_CONTENT_LENGTH"] // 1024
    return problem(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"The body is larger than {limit} KiB.")


class CaseworkApi(Api):  # type: ignore[misc]
    """flask-smorest's Api, whose HTTP errors (aborts, 404, 405, webargs' 422) are problems."""

    ERROR_SCHEMA = ProblemSchema
    DEFAULT_ERROR_RESPONSE_NAME = None
    """No `default` answer: every status an operation may answer is documented (api.contract)."""

    def handle_http_exception(self, error: HTTPException) -> Response:
        data = getattr(error, "data", None) or {}
        status = HTTPStatus(error.code or 500)
        if status == HTTPStatus.BAD_REQUEST and "json" in (data.get("messages") or {}):
            return problem(status, "The body is not valid JSON.")  # webargs could not parse it
        invalid = status == HTTPStatus.UNPROCESSABLE_ENTITY
        detail = data.get("message") or (
            "Some fields are invalid." if invalid else str(error.description)
        )
        response = problem(
            status,
            detail,
            reason=data.get("reason"),
            errors=data.get("errors") or data.get("messages"),
        )
        response.headers.update(data.get("headers") or {})
        if isinstance(error, MethodNotAllowed) and error.valid_methods:
            response.headers["Allow"] = ", ".join(sorted(error.valid_methods))
        return response


def handle_invalid_cursor(error: InvalidCursor) -> Response:
    """Answer 422 for a page cursor this API did not give out."""
    return problem(
        HTTPStatus.UNPROCESSABLE_ENTITY,
        "Some fields are invalid.",
        errors={"query": {"after": [str(error)]}},
    )


def init_app(app: Flask) -> None:
    """Register the handlers (HTTP errors themselves are handled by flask-smorest's Api)."""
    app.extensions["store_outage"] = StoreOutage()
    app.register_error_handler(CaseworkError, handle_casework_error)
    for unavailable in (OperationalError, InterfaceError, SQLOperationalError, SQLInterfaceError):
        app.register_error_handler(unavailable, handle_store_unavailable)
    app.register_error_handler(StoreAway, handle_store_away)
    app.before_request(refuse_while_store_unavailable)
    app.register_error_handler(RequestEntityTooLarge, handle_body_too_large)
    app.register_error_handler(InvalidCursor, handle_invalid_cursor)
