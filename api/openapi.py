"""What the OpenAPI document says beyond the views and schemas: one generated clients live on.

flask-smorest builds `/openapi.json` from the views and the marshmallow schemas; this module
adds the document's front matter (API_SPEC_OPTIONS in api/config.py) and corrects what
client generators trip on. tests/api/test_openapi_document.py walks the whole document, and
Spectral lints it (scripts/spectral, run by `make test`), so a new field or operation is
checked without a new test.
"""

from __future__ import annotations

from typing import Any

from flask_smorest import Api
from marshmallow import fields

from api.schemas.audit import CheckpointField
from api.schemas.reads import PractitionerRef

DESCRIPTION = """\
The record-keeping API of a clinic that runs MDMA-assisted therapy: every step of a client's
journey (intake, screening, consents, preparation, safety plan, medicine sessions, integration
contacts, pause, stop, withdrawal, closure) is stored as an immutable event, and lists are read
from projections of those events.

Every call but the health checks carries `Authorization: Bearer <token>`; which roles may call
an operation is said in its description (the table is `casework/permissions.py`). Writes answer
`{id, version, position, created_id}`; send `If-Match: <version>` to write only over the version
you read, and `Idempotency-Key` to retry a POST safely. A list answers `{items, next}`: pass
`next` as `after` for the following page. Every read of a client's record is logged with the
purpose named in `Casework-Purpose`. A rule refused is a 409 with a stable `reason` code, a bad
field a 422 naming it; each operation documents the errors it answers.
"""

SPEC_OPTIONS: dict[str, Any] = {
    "info": {
        "description": DESCRIPTION,
        "contact": {"name": "The operator of this Casework service"},
    },
    # Relative: the API answers beside its document, wherever that is served.
    "servers": [{"url": "/", "description": "This Casework service"}],
}
"""flask-smorest's API_SPEC_OPTIONS: the document's front matter."""

UUID_PATTERN = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"


def practitioner_ref_pattern(self: Any, field: fields.Field[Any], **kwargs: Any) -> dict[str, Any]:
    """Document a PractitionerRef's two shapes: a practitioner's id, or `me`."""
    return {"pattern": f"^(me|{UUID_PATTERN})$"} if isinstance(field, PractitionerRef) else {}


def never_null_in_a_parameter(self: Any, field: fields.Field[Any], **kwargs: Any) -> dict[str, Any]:
    """Document a query, path or header parameter as never null: it is sent, or left out.

    marshmallow makes a field with `load_default=None` nullable, which apispec documents as
    `type: [string, "null"]`, `enum: [..., null]` and `default: null`. No query string can
    carry a JSON null, and generators turn a null inside an enum into a union of three types.
    """
    schema = kwargs["ret"]["schema"]
    schema.pop("nullable", None)  # OpenAPI 3.0
    alternatives = [one for one in schema.pop("anyOf", []) if one != {"type": "null"}]
    if len(alternatives) == 1:
        schema.update(alternatives[0])
    elif alternatives:
        schema["anyOf"] = alternatives
    kind = schema.get("type")
    if isinstance(kind, list):
        remaining = [name for name in kind if name != "null"]
        schema["type"] = remaining[0] if len(remaining) == 1 else remaining
    if "enum" in schema:
        schema["enum"] = [value for value in schema["enum"] if value is not None]
    if "default" in schema and schema["default"] is None:
        del schema["default"]
    return {}


def null_outside_the_enum(self: Any, field: fields.Field[Any], **kwargs: Any) -> dict[str, Any]:
    """Document a nullable choice in a body as `anyOf: [enum of strings, null]`.

    JSON Schema needs null inside `enum` for `type: [string, "null"]` to take it; generators
    then make a union of three types. A parameter's is unwrapped again (it is never null).
    """
    ret = kwargs["ret"]
    if None not in ret.get("enum", []):
        return {}
    kind = ret.pop("type", "string")
    kinds = [name for name in (kind if isinstance(kind, list) else [kind]) if name != "null"]
    choice = {"type": kinds[0] if len(kinds) == 1 else kinds, "enum": ret.pop("enum")}
    choice["enum"] = [value for value in choice["enum"] if value is not None]
    ret["anyOf"] = [choice, {"type": "null"}]
    return {}


def init_app(api: Api) -> None:
    """Correct what flask-smorest documents; call before the blueprints are registered."""
    api.register_field(PractitionerRef, "string", None)
    api.register_field(CheckpointField, "string", None)  # the checkpoint's JSON, as text
    converter = api.ma_plugin.converter
    converter.add_attribute_function(practitioner_ref_pattern)
    converter.add_attribute_function(null_outside_the_enum)
    converter.add_parameter_attribute_function(never_null_in_a_parameter)
    # flask-smorest registers its pagination header's schema eagerly; Casework pages by cursor
    # (`{items, next}`) and never sends that header, so both would be unused components.
    api.spec.components.headers_lazy.pop("PAGINATION", None)
    api.spec.components.schemas.pop("PaginationMetadata", None)
