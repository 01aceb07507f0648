"""What every operation answers and reads besides its own body, added to the OpenAPI document.

The views declare their body, query and success answer; the rest follows from facts of the
operation, decided here once: a secured operation may answer 401 and 403, one with an id in its
path 404, a write 409 (with the refusals of what it changes, `casework.refusals`), 413 and 415,
a journey write reads If-Match and may answer 412, a POST reads Idempotency-Key, and every
operation may answer 422 (an unknown query parameter, a bad header) and 503 (the store away).
Tests send each declared header and status's cause to every operation the document lists, so a
declaration here that the API does not keep fails a test.
"""

from __future__ import annotations

from typing import Any

from apispec import APISpec, BasePlugin

from api.conditional import IF_MATCH_PATTERN
from api.links import link_operations
from api.problems import (
    MEDIA_TYPE,
    ProblemSchema,
    StaleVersionSchema,
    UnavailableSchema,
    refusal_schema,
)
from casework.access_log import Purpose
from casework.refusals import ANY_WRITE, CLIENT, JOURNEY, STAFF, Refusal

WRITES = ("post", "put", "patch", "delete")

REFUSALS_BY_TAG: dict[str, tuple[str, frozenset[Refusal]]] = {
    "practitioners": ("StaffRefusal", STAFF),
    "clients": ("ClientRefusal", CLIENT),
    "clinics": ("WriteRefusal", ANY_WRITE),
}
"""The refusals a write may give, by the blueprint (tag) it belongs to; any other: a journey's."""
JOURNEY_REFUSALS = ("JourneyRefusal", JOURNEY)

READS_PURPOSE = frozenset(
    {
        "get_journey",
        "list_timeline",
        "export_journey",
        "list_caseload",
        "get_client",
        "list_follow_ups",
        "list_decisions",
        "list_corrections",
        "list_clients",
        "list_pause_reviews",
        "export_follow_up_adherence",
        "export_access_log",
        "export_corrections",
    }
)
"""Operations that record the reader's Casework-Purpose with the access they log."""

FINDS_BY_QUERY = frozenset({"check_integrity", "get_latest_checkpoint"})
"""Operations without an id in their path that may answer 404 all the same."""

UNGUARDED = frozenset({"check_liveness", "check_readiness"})
"""Answered even while the store is away (`api.errors.UNGUARDED_ENDPOINTS`)."""

RETRY_AFTER = {
    "description": "Seconds to wait before trying again.",
    "schema": {"type": "integer", "minimum": 1},
}

REPLAYED = {
    "description": "`true` when this answer was replayed for a repeated key.",
    "schema": {"type": "string", "enum": ["true"]},
}
PROJECTION_POSITION = {
    "description": "The log position the read models had reached.",
    "schema": {"type": "integer"},
}

MAX_KEY_LENGTH = 200
KEY_PATTERN = "^[!-~]([ -~]*[!-~])?$"
"""An Idempotency-Key (`api.idempotency`): printable ASCII, spaces inside only (HTTP trims a
header value's ends)."""

HEADERS: dict[str, dict[str, Any]] = {
    "If-Match": {
        "in": "header",
        "name": "If-Match",
        "required": False,
        "description": "The journey version the change is based on (`3`), or the ETag a read"
        ' gave (`"3.9f86d081884c7d65"`): answered 412 `version_mismatch` if the journey has'
        " moved on since. `*` names no version in particular.",
        "schema": {"type": "string", "pattern": IF_MATCH_PATTERN},
    },
    "Idempotency-Key": {
        "in": "header",
        "name": "Idempotency-Key",
        "required": False,
        "description": "A key of the client's choosing (1 to 200 printable ASCII characters): a"
        " request sent again with the same key and body is answered as the first time, from"
        " the record, with `Idempotent-Replayed: true`; with another body, 409"
        " `idempotency_key_reused`.",
        "schema": {
            "type": "string",
            "minLength": 1,
            "maxLength": MAX_KEY_LENGTH,
            "pattern": KEY_PATTERN,
        },
    },
    "Casework-Purpose": {
        "in": "header",
        "name": "Casework-Purpose",
        "required": False,
        "description": "Why the record is read; kept with the access this read logs.",
        "schema": {"type": "string", "enum": [purpose.value for purpose in Purpose]},
    },
}


class ContractPlugin(BasePlugin):
    """An apispec plugin completing every operation with the answers and headers above."""

    def init_spec(self, spec: APISpec) -> None:
        self.spec = spec
        self.operations: list[tuple[str, dict[str, Any]]] = []
        responses: dict[str, dict[str, Any]] = {
            "Unauthorized": {
                **answer("No valid bearer token."),
                "headers": {
                    "WWW-Authenticate": {
                        "description": '`Bearer realm="casework"`.',
                        "schema": {"type": "string"},
                    }
                },
            },
            "Forbidden": answer("The caller's roles do not allow this."),
            "NotFound": answer("No such record in the caller's clinic."),
            "StaleVersion": {
                "description": "If-Match named an older version; `details.current_version` gives"
                " the current one (read the journey again for its ETag).",
                "content": {MEDIA_TYPE: {"schema": StaleVersionSchema}},
            },
            "Malformed": answer("The body is not valid JSON."),
            "TooLarge": answer("The body is larger than the limit."),
            "NotJson": answer("The body is not declared as application/json."),
            "Invalid": answer("Some fields are invalid: `errors` names each, by location."),
            "Unavailable": {
                "description": "Not now: retry after Retry-After seconds.",
                "content": {MEDIA_TYPE: {"schema": UnavailableSchema}},
                "headers": {"Retry-After": RETRY_AFTER},
            },
        }
        for name, refusals in [*REFUSALS_BY_TAG.values(), JOURNEY_REFUSALS]:
            responses[name] = {
                "description": "Refused: a rule of the record; `reason` says which.",
                "content": {MEDIA_TYPE: {"schema": refusal_schema(name, refusals)}},
            }
        for name, response in responses.items():
            spec.components.response(name, response)

    def operation_helper(
        self, path: str | None = None, operations: dict[str, Any] | None = None, **_: Any
    ) -> None:
        for method, operation in (operations or {}).items():
            if method in ("get", "head", *WRITES):
                complete(path or "", method, operation)
                self.link(path or "", operation)

    def link(self, path: str, operation: dict[str, Any]) -> None:
        """Link this operation with every one documented before it, both ways (`api.links`)."""
        new = (path, operation)
        for known in self.operations:
            link_operations(known, new)
            link_operations(new, known)
        self.operations.append(new)


def complete(path: str, method: str, operation: dict[str, Any]) -> None:
    """Add to one operation the answers and headers its facts imply."""
    responses = {str(status): answer for status, answer in operation.get("responses", {}).items()}
    operation["responses"] = responses
    parameters: list[dict[str, Any]] = operation.setdefault("parameters", [])
    name = operation.get("operationId", "")
    if operation.get("security") != []:
        responses["401"] = "Unauthorized"
        responses["403"] = "Forbidden"
    if "{" in path or name in FINDS_BY_QUERY:
        responses["404"] = "NotFound"
    responses["422"] = "Invalid"
    if name not in UNGUARDED:
        responses.setdefault("503", "Unavailable")
    if name in READS_PURPOSE:
        parameters.append(HEADERS["Casework-Purpose"])
    if method in WRITES:
        tag = (operation.get("tags") or [""])[0]
        responses["409"] = REFUSALS_BY_TAG.get(tag, JOURNEY_REFUSALS)[0]
        responses["400"] = "Malformed"
        responses["413"] = "TooLarge"
        responses["415"] = "NotJson"
    if method in WRITES and path.startswith("/journeys/{journey_id}/"):
        parameters.append(HEADERS["If-Match"])
        responses["412"] = "StaleVersion"
    if method == "post":
        parameters.append(HEADERS["Idempotency-Key"])
        on_success(responses, "Idempotent-Replayed", REPLAYED)
    if any(p.get("name") == "min_position" for p in parameters):
        on_success(responses, "Casework-Projection-Position", PROJECTION_POSITION)


def answer(description: str) -> dict[str, Any]:
    """Return a documented answer whose body is a plain problem."""
    return {"description": description, "content": {MEDIA_TYPE: {"schema": ProblemSchema}}}


def on_success(responses: dict[str, Any], name: str, header: dict[str, Any]) -> None:
    """Document `header` on every success answer of an operation."""
    for status, response in responses.items():
        if status.startswith("2") and isinstance(response, dict):
            response.setdefault("headers", {})[name] = header
