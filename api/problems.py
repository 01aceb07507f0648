"""Every error answers an RFC 9457 problem: `application/problem+json`.

The standard members (`type`, `title`, `status`, `detail`) come with the ones clients of this
API already read: `code` (the status again), `reason` (a `Refusal`, or a store/readiness code),
`errors` (field errors by location: `json`, `query`, `path`, `headers`) and `details` (facts of a
refusal: the schedule's blockers, the current version...).

A refusal's type is a tag URI naming its reason, `tag:casework,2026:refusal:journey_paused` (an
identifier, RFC 4151, not a page to fetch); any other problem is `about:blank`, titled with its
HTTP status phrase, as RFC 9457 §4.2.1 says.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from flask import Response, json
from marshmallow import INCLUDE, Schema, fields
from marshmallow.validate import OneOf

from casework.refusals import JOURNEY, Refusal

MEDIA_TYPE = "application/problem+json"
REFUSAL_TYPE = "tag:casework,2026:refusal:"


def problem(
    status: HTTPStatus,
    detail: str,
    *,
    reason: str | None = None,
    errors: dict[str, Any] | None = None,
    details: dict[str, Any] | None = None,
    **extensions: Any,
) -> Response:
    """Return the problem response for `status`, with its reason, field errors and facts."""
    refusal = next((each for each in Refusal if each.value == reason), None)
    body: dict[str, Any] = {
        "type": REFUSAL_TYPE + refusal.value if refusal else "about:blank",
        "title": refusal.in_words if refusal else status.phrase,
        "status": status.value,
        "detail": detail,
        "code": status.value,
    }
    optional = {"reason": reason, "errors": errors, "details": details, **extensions}
    body.update({name: value for name, value in optional.items() if value is not None})
    return Response(json.dumps(body), status=status.value, mimetype=MEDIA_TYPE)


class ProblemSchema(Schema):
    """An RFC 9457 problem, as every error of this API answers it."""

    class Meta:
        unknown = INCLUDE  # problem details may carry extension members (RFC 9457 §3.2)

    type = fields.String(
        required=True,
        metadata={
            "description": "The problem type: `about:blank`, or a refusal's tag URI.",
            "format": "uri-reference",
        },
    )
    title = fields.String(required=True, metadata={"description": "The problem type in words."})
    status = fields.Integer(required=True, metadata={"description": "The HTTP status code."})
    detail = fields.String(required=True, metadata={"description": "What went wrong, here."})
    code = fields.Integer(
        required=True, metadata={"description": "The HTTP status code (as `status`)."}
    )
    reason = fields.String(metadata={"description": "A stable reason code, where there is one."})
    errors = fields.Dict(
        keys=fields.String(),
        values=fields.Dict(),
        metadata={
            "description": "Invalid fields by location (`json`, `query`, `path`, `headers`):"
            " each field's reasons. In a body, a nested field's reasons sit under its parent."
        },
    )
    details: fields.Field[Any] = fields.Dict(
        metadata={"description": "Facts of the problem, where there are some."}
    )


class RefusalDetailsSchema(Schema):
    """The facts a refusal names, where it names some."""

    class Meta:
        unknown = INCLUDE

    blockers = fields.List(
        fields.String(validate=OneOf(sorted(JOURNEY))),
        metadata={"description": "Everything that keeps a session from being scheduled."},
    )
    prerequisites = fields.List(
        fields.String(), metadata={"description": "What was not yet in place at that time."}
    )
    open_journey_id = fields.UUID(metadata={"description": "The client's open journey."})
    retention_ends_on = fields.Date(
        allow_none=True, metadata={"description": "When the record may be erased (null: open)."}
    )
    practitioner_id = fields.UUID(metadata={"description": "The practitioner lacking a role."})
    role = fields.String(metadata={"description": "The role they lack."})
    field = fields.String(metadata={"description": "The field that names them."})
    lacking_role = fields.List(
        fields.UUID(), metadata={"description": "Facilitators who no longer hold the role."}
    )
    touch_areas_outside_scope = fields.List(
        fields.Integer(),
        metadata={
            "description": "Positions in `touch_areas` of the areas outside the agreed scope "
            "(positions, not names: the scope is the client's clinical content)."
        },
    )


def refusal_schema(name: str, refusals: frozenset[Refusal]) -> type[Schema]:
    """Return the problem schema of a 409 whose reason is one of `refusals`."""
    members: dict[str, Any] = {
        "reason": fields.String(
            required=True,
            validate=OneOf(sorted(refusals)),
            metadata={"description": "Why the command was refused."},
        ),
        "details": fields.Nested(RefusalDetailsSchema),
        "Meta": type("Meta", (), {"unknown": INCLUDE}),
    }
    return type(name, (ProblemSchema,), members)


class StaleVersionDetailsSchema(Schema):
    current_version = fields.Integer(
        required=True, metadata={"description": "The journey's version now."}
    )


class StaleVersionSchema(ProblemSchema):
    """412: `If-Match` named a version that is no longer the journey's."""

    reason = fields.String(required=True, validate=OneOf([Refusal.VERSION_MISMATCH.value]))
    details = fields.Nested(StaleVersionDetailsSchema, required=True)


UNAVAILABLE_REASONS = ("store_unavailable", "access_log_unavailable", "read_models_behind")


class UnavailableSchema(ProblemSchema):
    """503: not now; retry after the Retry-After header's seconds."""

    reason = fields.String(
        validate=OneOf(UNAVAILABLE_REASONS),
        metadata={
            "description": "`store_unavailable`: the record store cannot be reached;"
            " `access_log_unavailable`: the read could not be logged, so it is not shown;"
            " `read_models_behind`: the read models have not yet reached `min_position`."
        },
    )
