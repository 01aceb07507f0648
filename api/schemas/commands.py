"""Loading a write's input builds its command: the body, completed from the path and If-Match.

Every write's input schema is a `CommandSchema` naming the command it builds (`command`). Its
`post_load` adds what the request says outside the body: the path parameters that are fields of
the command (`journey_id`, `session_id`, a consent `kind`, ...) and, for a journey command, the
version `If-Match` names. The view then hands a typed command to the application service.
"""

from __future__ import annotations

import dataclasses
from enum import Enum
from typing import Any, ClassVar, get_type_hints

from flask import g, has_request_context, request
from marshmallow import Schema, post_load

from api.conditional import IF_MATCH
from api.errors import refuse_parameter
from api.schemas.common import moment
from casework.commands import Command
from casework.journey.commands import JourneyCommand


class CommandSchema(Schema):
    """An input that loads as the command it declares."""

    command: ClassVar[type[Command]]

    @post_load
    def build(self, data: dict[str, Any], **_: Any) -> Command:
        """Return the command: the loaded body, and what the path and headers address."""
        return self.command(**data, **addressed(self.command))


class ClinicalTimeSchema(CommandSchema):
    """Base of a command about something that happened: when, in clinical time (default: now)."""

    occurred_at = moment(
        load_default=None,
        metadata={"description": "When it happened (clinical time, with offset); defaults to now."},
    )


def addressed(command: type[Command]) -> dict[str, Any]:
    """Return the fields of `command` the request's path and `If-Match` header give.

    Outside a request (the command line loads a schema too) they give nothing.
    """
    if not has_request_context():
        return {}
    types = field_types(command)
    values: dict[str, Any] = {}
    for name, value in (request.view_args or {}).items():
        if name in types:
            values[name] = path_value(name, value, types[name])
    if issubclass(command, JourneyCommand):
        values["expected_version"] = expected_version()
    values.update(g.get("command_address", {}))  # a page's form names them (web.commands)
    return values


def field_types(command: type[Command]) -> dict[str, Any]:
    """Return the types of a command's fields, by name."""
    hints = get_type_hints(command)
    return {field.name: hints[field.name] for field in dataclasses.fields(command)}


def path_value(name: str, value: Any, kind: Any) -> Any:
    """Return a path parameter as the command's field holds it; refuse a word not in its enum."""
    if isinstance(kind, type) and issubclass(kind, Enum):
        try:
            return kind(value)
        except ValueError:
            refuse_parameter("path", name, f"Not a {name}: use one of the documented values.")
    return value


def expected_version() -> int | None:
    """Return the version the client's `If-Match` header says it last saw, if it sent one.

    It may name the version (`3`), or send back a read's ETag (`"3.9f…"`, `"3.9f…:gzip"`); `*`
    asks for no version in particular (the journey must exist, as any write's does).
    """
    header = request.headers.get("If-Match")
    if header is None:
        return None
    match = IF_MATCH.fullmatch(header.strip())
    if match is None:
        refuse_parameter("headers", "If-Match", "Must be the journey version, e.g. If-Match: 3.")
    return None if match[0] == "*" else int(match[2])
