"""`Idempotency-Key` on every POST: a retry gets the first answer and writes nothing again.

The key travels with the command: the request is saved as an `IdempotentRequest`, under an id
derived from the caller and the key, in the same transaction as the command's events
(`casework.idempotent_request`). So the log alone says whether a keyed request was done, and
what it answered; whatever fails in between (the store, the process, the network), there is
never a key reserved without its command, nor a command stored without its key. A refused
request saves nothing, so its key stays free for the corrected request. Two requests racing
with one key both run; the store lets one of them commit, and the other is answered from it.
Keys are scoped to the caller (a SHA-256 of the bearer token), so two callers never see each
other's answers.

The request is kept as an HMAC-SHA256 of its path, query and body, under a key derived from
CASEWORK_MASTER_KEY (HKDF, context `REQUEST_HASH_CONTEXT`): whoever holds a copy of the log
cannot confirm a guessed body (a client's text, after its erasure) without the master key.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from contextlib import suppress
from contextvars import Token
from dataclasses import asdict
from typing import Any

from eventsourcing.persistence import PersistenceError
from flask import Flask, Response, current_app, g, jsonify, request

from api.auth import bearer_token
from api.config import PREFIX
from api.contract import KEY_PATTERN, MAX_KEY_LENGTH
from api.errors import refuse_parameter
from api.resources.writes import location_of
from api.services import casework
from casework.application import Written
from casework.errors import RuleViolation
from casework.idempotent_request import (
    PENDING,
    IdempotentRequest,
    PendingRequest,
    request_id_for,
)
from casework.refusals import Refusal
from casework.vault import derived_key, key_from_text

HEADER = "Idempotency-Key"
REQUEST_HASH_CONTEXT = "casework/idempotency/request-hash/v1"
"""The HKDF context that derives the request-hash key from the master key: for this use only."""


def init_app(app: Flask) -> None:
    """Answer repeated POSTs from the log, and send each keyed command with its key."""
    master = key_from_text(app.config["MASTER_KEY"] or "", PREFIX + "MASTER_KEY")
    app.extensions["idempotency_hash_key"] = derived_key(master, REQUEST_HASH_CONTEXT)
    app.before_request(replay_or_expect)
    app.after_request(answer_a_lost_race)
    app.teardown_request(forget_pending)


def replay_or_expect() -> Response | None:
    """Replay the answer a keyed request already has, or let the command save its key."""
    key = request.headers.get(HEADER)
    if request.method != "POST" or key is None:
        return None
    if len(key) > MAX_KEY_LENGTH or not re.fullmatch(KEY_PATTERN, key):
        refuse_parameter(
            "headers", HEADER, f"Must be 1 to {MAX_KEY_LENGTH} printable ASCII characters."
        )
    # The token, not how the header spells it: `bearer X` and `Bearer  X` are one caller.
    caller = hashlib.sha256((bearer_token() or "").encode()).hexdigest()
    fingerprint = hmac.new(
        current_app.extensions["idempotency_hash_key"],
        b"\n".join([request.path.encode(), request.query_string, request.get_data()]),
        hashlib.sha256,
    ).hexdigest()
    request_id = request_id_for(caller, key)
    done = casework().answered_request(request_id)
    if done is not None:
        if not hmac.compare_digest(done[0].request_hash, fingerprint):
            raise RuleViolation(
                Refusal.IDEMPOTENCY_KEY_REUSED,
                "This Idempotency-Key was used for a different request.",
                {"field": HEADER},
            )
        return replay(*done)
    pending = PendingRequest(request_id, fingerprint)
    g.idempotency = (pending, PENDING.set(pending))
    return None


def answer_a_lost_race(response: Response) -> Response:
    """Answer a refused keyed request from the log when a request with its key was stored.

    Two requests with one key can both start before either is stored; the store takes one
    (the other's save conflicts, or its command finds the first one's work done).
    """
    pending = _forget()
    if pending is None or 200 <= response.status_code < 300:
        return response
    with suppress(PersistenceError):  # the store is gone: the refusal stands
        done = casework().answered_request(pending.id)
        if done is not None and hmac.compare_digest(done[0].request_hash, pending.request_hash):
            return replay(*done)
    return response


def forget_pending(_: BaseException | None) -> None:
    """Forget the keyed request when its request ended without an answer."""
    _forget()


def replay(done: IdempotentRequest, written: Written) -> Response:
    """Return the answer a stored keyed request gave (or would have given, had it answered)."""
    view = current_app.view_functions[request.endpoint or ""]
    method = getattr(getattr(view, "view_class", None), request.method.lower(), view)
    status = getattr(method, "_apidoc", {}).get("success_status_codes", [200])[0]
    body: dict[str, Any] = asdict(written)
    if request.endpoint == "clinics.Clinics":  # the clinic and its first admin, saved together
        body = {"id": written.id, "version": written.version, "position": written.position}
        body["admin_id"] = done.written[0]
    response = jsonify(body)
    response.status_code = int(status)
    location = location_of(written)
    if response.status_code == 201 and location is not None:
        response.headers["Location"] = location
    response.headers["Idempotent-Replayed"] = "true"
    return response


def _forget() -> PendingRequest | None:
    expected: tuple[PendingRequest, Token[PendingRequest | None]] | None
    expected = g.pop("idempotency", None)
    if expected is None:
        return None
    pending, token = expected
    with suppress(ValueError):  # already reset in this context
        PENDING.reset(token)
    return pending
