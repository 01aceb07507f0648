"""Entity tags: what a journey read's ETag holds, and `If-None-Match` answered 304 (RFC 9110 §13).

A journey's ETag is `"<version>.<digest>"`: its version, which `If-Match` compares (a write's
precondition is the journey's version, see `api.resources.writes`), and a digest of the state the
read shows, which changes too when the journey does not (the day it is judged on, a care-team
member's lost role, an erased client). Compression appends its coding (`"3.9f…:gzip"`, RFC 9110
§8.8.3.3: each coding is a representation of its own); both preconditions accept every coding.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from flask import Flask, Response, request

CODINGS = ("gzip", "br", "zstd", "deflate")
"""Content codings a compressed answer's ETag may end in (`:gzip`), as flask-compress appends."""

ETAG_HEADER = {
    "ETag": {
        "description": "The journey's version and a digest of this state, e.g. "
        '`"3.9f86d081884c7d65"` (`:gzip` appended when compressed). Send it back in '
        "`If-None-Match` to be answered 304 while nothing shown changed, or in `If-Match` to "
        "write only over this version.",
        "schema": {"type": "string"},
    }
}
NOT_MODIFIED = "Not Modified: `If-None-Match` names this ETag (or `*`); no body, the ETag is sent."
IF_NONE_MATCH = {
    "in": "header",
    "name": "If-None-Match",
    "description": "ETags you hold (weak comparison, any content coding, or `*`): answered 304.",
    "schema": {"type": "string"},
}

IF_MATCH = re.compile(
    '\\*|(W/)?"?([1-9][0-9]{0,17})(\\.[0-9a-f]{1,64})?(:(?:' + "|".join(CODINGS) + '))?"?'
)
"""An `If-Match` a write reads: a version from 1, bare (`3`) or as an ETag a read gave; or `*`,
any version of a journey that exists (RFC 9110 §13.1.1), the same as sending none."""
IF_MATCH_PATTERN = f"^({IF_MATCH.pattern})$"
"""The same, as the OpenAPI document states it (ECMA-262 reads it alike)."""


def state_tag(version: int, state: Any) -> str:
    """Return the ETag of a state read: its version and a digest of everything it shows."""
    shown = json.dumps(state, sort_keys=True, default=str, separators=(",", ":"))
    return f'"{version}.{hashlib.sha256(shown.encode()).hexdigest()[:16]}"'


def uncoded(opaque_tag: str) -> str:
    """Return an entity tag's opaque part without the content coding compression added."""
    base, _, coding = opaque_tag.rpartition(":")
    return base if base and coding in CODINGS else opaque_tag


def not_modified(response: Response) -> Response:
    """Answer 304 to a GET or HEAD whose `If-None-Match` lists the answer's ETag or is `*`.

    Compared weakly (RFC 9110 §13.1.2), and regardless of content coding: a client holding the
    identity answer and one holding the gzip answer hold the same representation data. Runs after
    compression, so the 304 carries the ETag the 200 would have carried. werkzeug drops the body
    and the content headers of a 304 as it sends it.
    """
    if request.method not in ("GET", "HEAD") or response.status_code != 200:
        return response
    etag, _ = response.get_etag()
    wanted = request.if_none_match
    if etag is None or not wanted:
        return response
    held = {uncoded(tag) for tag in wanted.as_set(include_weak=True)}
    if wanted.star_tag or uncoded(etag) in held:
        response.status_code = 304
    return response


def init_app(app: Flask) -> None:
    """Answer 304 where the client holds the answer (registered before compression: runs after)."""
    app.after_request(not_modified)
