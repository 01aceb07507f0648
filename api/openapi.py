"""What the OpenAPI document says beyond the views and schemas: one generated clients live on.

flask-smorest builds `/openapi.json` from the views and the marshmallow schemas; this module
adds the document's front matter (API_SPEC_OPTIONS in api/config.py), corrects what
client generators trip on, and states what each input type accepts (patterns, enums), so that
a request the document allows is one the API accepts (tests/api/test_input_patterns.py).
tests/api/test_openapi_document.py walks the whole document, and Spectral lints it
(scripts/spectral, run by `make test`), so a new field or operation is checked without a new
test.
"""

from __future__ import annotations

import unicodedata
from functools import cache
from typing import Any

from flask import Flask
from flask_smorest import Api
from marshmallow import fields
from werkzeug.routing import BaseConverter

from api.schemas.audit import CheckpointField
from api.schemas.common import (
    LONG_TEXT,
    Amount,
    Day,
    Moment,
    Pseudonym,
    Scalar,
    Text,
    UserName,
    not_blank,
)
from api.schemas.reads import PractitionerRef
from casework.bounds import INT64_MAX, INT64_MIN
from casework.client import LAST_BMP_CHARACTER, pseudonym_character_allowed
from casework.journey.values import ConsentKind
from casework.roles import Role
from casework.sign_in import USER_NAME_PATTERN

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


FORBIDDEN = "\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f\\ufdd0-\\ufdef\\ufffe\\uffff"
"""What `Text` refuses, as a class body both ECMA-262 and Python read alike: control characters
but tab, newline and carriage return (read as a newline), and noncharacters. Lone surrogates are
refused too, but cannot be written in a pattern; neither can noncharacters above U+FFFF."""
SPACE = " \\t\\n\\r\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000"
"""The white space allowed in text (what `str.strip` removes that is not refused), spelt out:
`\\s` differs between regex dialects."""
TEXT_PATTERN = f"^[^{FORBIDDEN}]*$"
NOT_BLANK_PATTERN = f"^[^{FORBIDDEN}]*[^{SPACE}{FORBIDDEN}][^{FORBIDDEN}]*$"
YEARS_PATTERN = "^(19[0-9]{2}|2[01][0-9]{2})-"
"""A date or time in the years the record holds (casework.bounds: 1900..2199)."""


@cache
def pseudonym_pattern() -> str:
    """Return the pattern of a pseudonym: the characters `casework.client` allows, not blank.

    Listed from the same check, once per process, so that document and check cannot differ.
    """
    allowed = [
        chr(code)
        for code in range(LAST_BMP_CHARACTER + 1)
        if not 0xD800 <= code <= 0xDFFF and pseudonym_character_allowed(chr(code))
    ]
    shown = [c for c in allowed if not unicodedata.normalize("NFKC", c).isspace()]
    return f"^[{character_class(allowed)}]*[{character_class(shown)}][{character_class(allowed)}]*$"


def character_class(characters: list[str]) -> str:
    """Return a regex class body naming `characters` (in order) as ranges of `\\u` escapes."""
    ranges: list[list[int]] = []
    for code in map(ord, characters):
        if ranges and code == ranges[-1][1] + 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    return "".join(
        f"\\u{first:04x}" + (f"-\\u{last:04x}" if last > first else "") for first, last in ranges
    )


def input_rules(self: Any, field: fields.Field[Any], **kwargs: Any) -> dict[str, Any]:
    """Document what the input types of api.schemas.common refuse, so that what the schema
    allows is accepted: characters and blankness of text, the years of a date or time, the
    hundredths of an amount."""
    if isinstance(field, Pseudonym):
        return {"pattern": pseudonym_pattern()}
    if isinstance(field, UserName):
        return {"pattern": USER_NAME_PATTERN}
    if isinstance(field, Scalar):
        return {
            "type": ["null", "boolean", "integer", "string"],
            "minimum": INT64_MIN,
            "maximum": INT64_MAX,
            "maxLength": LONG_TEXT,
            "pattern": TEXT_PATTERN,
        }
    if isinstance(field, Text):
        return {"pattern": NOT_BLANK_PATTERN if not_blank in field.validators else TEXT_PATTERN}
    if isinstance(field, Moment | Day):
        return {"pattern": YEARS_PATTERN}
    if isinstance(field, Amount) and field.hundredths:
        return {"multipleOf": 0.01}
    return {}


class VocabularySegment(BaseConverter):
    """A path segment naming a word of a closed vocabulary, documented as its enum.

    It matches any segment, as `string` does, so that an unknown word reaches the view and is
    refused with a 422 naming the parameter (not a 404 for a path that does not exist).
    """

    words: tuple[str, ...] = ()


def vocabulary(words: Any) -> type[VocabularySegment]:
    """Return a converter for the values of an enum."""
    return type("Vocabulary", (VocabularySegment,), {"words": tuple(w.value for w in words)})


PATH_VOCABULARIES = {"role": vocabulary(Role), "consent_kind": vocabulary(ConsentKind)}
"""Converters of the path segments that name a role or a consent kind (`<role:role>`)."""


def add_path_vocabularies(app: Flask) -> None:
    """Let routes name the vocabularies above; call before the blueprints are registered."""
    app.url_map.converters.update(PATH_VOCABULARIES)


def init_app(api: Api) -> None:
    """Correct what flask-smorest documents; call before the blueprints are registered."""
    api.register_field(PractitionerRef, "string", None)
    api.register_field(CheckpointField, "string", None)  # the checkpoint's JSON, as text
    for converter_class in PATH_VOCABULARIES.values():
        api.register_converter(converter_class, lambda c: {"type": "string", "enum": list(c.words)})
    converter = api.ma_plugin.converter
    converter.add_attribute_function(input_rules)
    converter.add_attribute_function(practitioner_ref_pattern)
    converter.add_attribute_function(null_outside_the_enum)
    converter.add_parameter_attribute_function(never_null_in_a_parameter)
    # flask-smorest registers its pagination header's schema eagerly; Casework pages by cursor
    # (`{items, next}`) and never sends that header, so both would be unused components.
    api.spec.components.headers_lazy.pop("PAGINATION", None)
    api.spec.components.schemas.pop("PaginationMetadata", None)
