"""`Idempotency-Key` on every POST: a retry gets the first answer and writes nothing again.

The first request with a key reserves it (a row with no answer yet); a 2xx answer is kept
with it. Any other answer frees the key, since a refused request wrote nothing: the client
may correct the request and send it again under the same key. Keys are scoped to the caller
(a SHA-256 of the bearer token), so two callers never see each other's answers.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from http import HTTPStatus

from flask import Flask, Response, g, request
from sqlalchemy import ColumnElement, Engine, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from api.errors import error_response, refuse_parameter
from api.read_models import read_models
from projections.tables import idempotency_keys

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 200


def init_app(app: Flask) -> None:
    """Answer repeated POSTs from the first answer, and keep each first 2xx answer."""
    app.before_request(replay_or_reserve)
    app.after_request(keep_or_free)
    app.teardown_request(free_if_unanswered)


def replay_or_reserve() -> Response | None:
    """Replay the answer a key already has, or reserve the key for this request."""
    key = request.headers.get(HEADER)
    if request.method != "POST" or key is None:
        return None
    if not 1 <= len(key) <= MAX_KEY_LENGTH or not key.isprintable():
        refuse_parameter("headers", HEADER, f"Must be 1 to {MAX_KEY_LENGTH} printable characters.")
    caller = hashlib.sha256(request.headers.get("Authorization", "").encode()).hexdigest()
    fingerprint = hashlib.sha256(
        b"\n".join([request.path.encode(), request.query_string, request.get_data()])
    ).hexdigest()
    engine = read_models().engine
    if _reserve(engine, caller, key, fingerprint):
        g.idempotency = (caller, key)
        return None
    with engine.connect() as connection:
        first = connection.execute(select(idempotency_keys).where(_row(caller, key))).one_or_none()
    if first is None:  # freed between our insert and this read: the client may simply retry
        return _in_progress()
    if first.request_hash != fingerprint:
        refuse_parameter("headers", HEADER, "This key was used for a different request.")
    if first.status_code is None:
        return _in_progress()
    replay = Response(first.response, status=first.status_code, content_type=first.content_type)
    if first.location:
        replay.headers["Location"] = first.location
    replay.headers["Idempotent-Replayed"] = "true"
    return replay


def keep_or_free(response: Response) -> Response:
    """Keep a 2xx answer with its key; free the key after any other answer."""
    reserved = g.pop("idempotency", None)
    if reserved is None:
        return response
    with read_models().engine.begin() as connection:
        if 200 <= response.status_code < 300:
            connection.execute(
                update(idempotency_keys)
                .where(_row(*reserved))
                .values(
                    status_code=response.status_code,
                    response=response.get_data(),
                    content_type=response.content_type,
                    location=response.headers.get("Location"),
                )
            )
        else:
            connection.execute(delete(idempotency_keys).where(_row(*reserved)))
    return response


def free_if_unanswered(error: BaseException | None) -> None:
    """Free a key whose request ended without an answer (an exception no handler took)."""
    reserved = g.pop("idempotency", None)
    if reserved is not None:
        with read_models().engine.begin() as connection:
            connection.execute(delete(idempotency_keys).where(_row(*reserved)))


def _row(caller: str, key: str) -> ColumnElement[bool]:
    return (idempotency_keys.c.caller == caller) & (idempotency_keys.c.key == key)


def _reserve(engine: Engine, caller: str, key: str, fingerprint: str) -> bool:
    """Insert the key with no answer yet; return False if it was there already."""
    try:
        with engine.begin() as connection:
            connection.execute(
                insert(idempotency_keys).values(
                    caller=caller,
                    key=key,
                    request_hash=fingerprint,
                    created_at=datetime.now(UTC),
                )
            )
    except IntegrityError:
        return False
    return True


def _in_progress() -> Response:
    response = error_response(
        HTTPStatus.CONFLICT,
        "A request with this Idempotency-Key is still being answered; retry shortly.",
        reason="idempotency_key_in_progress",
    )
    response.headers["Retry-After"] = "1"
    return response
