"""A form for every command, drawn from the schema the API loads it with: declared once.

`describe` turns a command's input schema (and the command's fields the API takes from the path:
a session, a follow-up) into inputs; `body_of` turns the posted form back into the JSON the same
schema loads. So a page offers exactly what the API accepts, checked by the same rules, and a new
field of a command appears on its page without a line here.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from enum import Enum
from typing import Any, get_type_hints
from uuid import UUID
from zoneinfo import ZoneInfo

from marshmallow import Schema, fields, validate
from werkzeug.datastructures import MultiDict

from api.schemas.common import SHORT_TEXT
from casework.commands import Command

Choices = Sequence[tuple[str, str]]
"""(value, label) pairs a select offers: staff by name, a journey's sessions, ..."""

WHOLE = re.compile(r"-?[0-9]{1,30}")

ROWS = 3
"""Blank rows offered for a list of records (screening criteria, doses)."""

LABELS = {
    "occurred_at": "When it happened",
    "client_pseudonym": "Client pseudonym",
    "co_signer_id": "Co-signer",
    "facilitator_ids": "Facilitators",
    "practitioner_id": "Practitioner",
    "session_id": "Session",
    "follow_up_id": "Follow-up",
    "valid_until": "Valid until",
    "duration_minutes": "Duration (minutes)",
    "review_date": "Review date",
    "conditions_to_resume": "Conditions to resume",
    "adverse_event": "Adverse event",
    "new_value": "Corrected value",
    "corrects_version": "Version of the entry corrected",
    "entry_version": "Version of the entry",
    "follow_up_schedule": "Follow-up rule",
    "due_day": "Due on day (from the session)",
    "window_start_day": "Window opens on day",
    "window_end_day": "Window closes on day",
    "owner_role": "Owed by (role)",
    "min_facilitators": "Facilitators at least, per session",
    "retention_years": "Keep records for (years)",
}

HINTS = {
    "occurred_at": "In the clinic's time; leave empty for now.",
}

FIXED = {"expected_version"}
"""Command fields no form asks for: the page fills them in itself (hidden)."""


@dataclasses.dataclass
class Input:
    """One control: its form name, label, kind, and what it offers and holds."""

    name: str
    label: str
    kind: str  # text, textarea, lines, select, checkboxes, checkbox, number, date, datetime
    required: bool
    hint: str | None = None
    choices: Choices = ()
    value: Any = ""
    errors: list[str] = dataclasses.field(default_factory=list)
    maxlength: int | None = None


@dataclasses.dataclass
class Group:
    """A record inside the command (a dose, an adverse event), once or in rows."""

    name: str
    label: str
    rows: list[list[Control]]
    required: bool
    errors: list[str] = dataclasses.field(default_factory=list)


Control = Input | Group


def label_of(name: str) -> str:
    """Return a field's label: declared, or its name in words."""
    if name in LABELS:
        return LABELS[name]
    words = name.removesuffix("_ids").removesuffix("_id").replace("_", " ")
    return words[:1].upper() + words[1:]


def address_fields(command: type[Command], schema: Schema) -> dict[str, Any]:
    """Return the command's fields the API takes from the path (not the body), by type.

    A field outside the body with a default is one only `casework demo` sets (a new
    practitioner's fixed id): no path names it, so no form offers it either.
    """
    hints = get_type_hints(command)
    return {
        field.name: hints[field.name]
        for field in dataclasses.fields(command)
        if field.name not in schema.fields
        and field.name not in FIXED
        and field.default is dataclasses.MISSING
        and field.default_factory is dataclasses.MISSING
    }


def describe(
    command: type[Command],
    schema: Schema,
    choices: Mapping[str, Choices],
    posted: MultiDict[str, str] | None = None,
    errors: Mapping[str, list[str]] | None = None,
) -> list[Control]:
    """Return the controls of a command's form, holding what was posted and its errors."""
    posted = posted or MultiDict()
    errors = errors or {}
    controls: list[Control] = [
        _address_input(name, kind, choices, posted, errors)
        for name, kind in address_fields(command, schema).items()
    ]
    for name, field in schema.fields.items():
        if field.dump_only:
            continue
        controls.append(_control(name, name, field, choices, posted, errors))
    return controls


def unplaced_errors(controls: list[Control], errors: Mapping[str, list[str]]) -> list[str]:
    """Return the messages no control of the form shows, each named in words: a rule across a
    record's fields (`follow_up_schedule-1`), or a field the page fixed. "_form" is the form's."""
    shown = {"_form"}
    pending = list(controls)
    while pending:
        control = pending.pop()
        shown.add(control.name)
        if isinstance(control, Group):
            pending.extend(inner for row in control.rows for inner in row)
    return [
        f"{_words_of(name)}: {message}"
        for name, messages in errors.items()
        if name not in shown
        for message in messages
    ]


def _words_of(name: str) -> str:
    """Return a form name in words: `follow_up_schedule-1` is "Follow up schedule 2"."""
    return " ".join(
        str(int(part) + 1) if part.isdigit() else label_of(part) for part in name.split("-")
    )


def _address_input(
    name: str,
    kind: Any,
    choices: Mapping[str, Choices],
    posted: MultiDict[str, str],
    errors: Mapping[str, list[str]],
) -> Input:
    offered = choices.get(name) or (_enum_choices(kind) if _is_enum(kind) else ())
    listed = name in choices or bool(offered)  # a journey with no session yet offers none
    return Input(
        name,
        label_of(name),
        "select" if listed else "text",
        True,
        hint=None if offered or not listed else "There is none to choose yet.",
        choices=offered,
        value=posted.get(name, ""),
        errors=list(errors.get(name, [])),
    )


def _control(
    name: str,
    key: str,
    field: fields.Field[Any],
    choices: Mapping[str, Choices],
    posted: MultiDict[str, str],
    errors: Mapping[str, list[str]],
) -> Control:
    """Return the control of one schema field; `name` is its form name, `key` its field name."""
    if isinstance(field, fields.Nested) or (
        isinstance(field, fields.List) and isinstance(field.inner, fields.Nested)
    ):
        return _group(name, key, field, choices, posted, errors)
    control = Input(
        name,
        label_of(key),
        _kind(key, field, choices),
        bool(field.required),
        hint=HINTS.get(key) or field.metadata.get("description"),
        value=posted.getlist(name) if _many(field) else posted.get(name, ""),
        errors=list(errors.get(name, [])),
        maxlength=None if _many(field) else _max_length(field),  # a list's is a count of items
    )
    if control.kind in ("select", "checkboxes"):
        control.choices = choices.get(key) or _enum_choices_of(field)
        if not control.choices:
            control.kind = "lines" if control.kind == "checkboxes" else "text"
    return control


def _group(
    name: str,
    key: str,
    field: fields.Field[Any],
    choices: Mapping[str, Choices],
    posted: MultiDict[str, str],
    errors: Mapping[str, list[str]],
) -> Group:
    many = isinstance(field, fields.List)
    nested: Any = field.inner if isinstance(field, fields.List) else field
    schema: Schema = nested.schema
    count = max(ROWS, _posted_rows(name, posted) + 1) if many else 1
    rows = []
    for row in range(count):
        prefix = f"{name}-{row}" if many else name
        controls = [
            _control(f"{prefix}-{sub}", sub, subfield, choices, posted, errors)
            for sub, subfield in schema.fields.items()
        ]
        for control in controls:  # a blank row is left out, not refused: the schema decides
            control.required = False
        rows.append(controls)
    return Group(name, label_of(key), rows, bool(field.required), list(errors.get(name, [])))


def _posted_rows(name: str, posted: MultiDict[str, str]) -> int:
    rows = {key.split("-")[1] for key in posted if key.startswith(f"{name}-")}
    return len([row for row in rows if row.isdigit()])


def _kind(key: str, field: fields.Field[Any], choices: Mapping[str, Choices]) -> str:
    if isinstance(field, fields.List):
        return "checkboxes" if isinstance(field.inner, fields.UUID | fields.Enum) else "lines"
    if isinstance(field, fields.Enum) or _one_of(field):
        return "select"
    if isinstance(field, fields.UUID) and key in choices:
        return "select"
    if isinstance(field, fields.Boolean):
        return "checkbox"
    if isinstance(field, fields.Integer | fields.Decimal | fields.Float):
        return "number"
    if isinstance(field, fields.DateTime):
        return "datetime"
    if isinstance(field, fields.Date):
        return "date"
    maximum = _max_length(field)
    return "textarea" if maximum is not None and maximum > SHORT_TEXT else "text"


def _many(field: fields.Field[Any]) -> bool:
    return isinstance(field, fields.List)


def _max_length(field: fields.Field[Any]) -> int | None:
    for validator in field.validators:
        if isinstance(validator, validate.Length) and validator.max is not None:
            return int(validator.max)
    return None


def _is_enum(kind: Any) -> bool:
    return isinstance(kind, type) and issubclass(kind, Enum)


def _enum_choices(kind: type[Enum]) -> Choices:
    return [(member.value, str(member.value).replace("_", " ")) for member in kind]


def _enum_choices_of(field: fields.Field[Any]) -> Choices:
    inner = field.inner if isinstance(field, fields.List) else field
    if isinstance(inner, fields.Enum):
        return _enum_choices(inner.enum)
    return [(code, code.replace("_", " ")) for code in _one_of(inner)]


def _one_of(field: fields.Field[Any]) -> list[str]:
    """Return the codes a closed vocabulary (`Choice`: a OneOf validator) allows, if any."""
    for validator in field.validators:
        if isinstance(validator, validate.OneOf):
            return [str(choice) for choice in validator.choices]
    return []


# -- from the posted form back to what the schema loads -------------------------------------


def body_of(schema: Schema, posted: MultiDict[str, str], zone: ZoneInfo) -> dict[str, Any]:
    """Return the JSON body the form stands for; an empty answer is left out (its default)."""
    return _record(schema, "", posted, zone)


def _record(
    schema: Schema, prefix: str, posted: MultiDict[str, str], zone: ZoneInfo
) -> dict[str, Any]:
    body: dict[str, Any] = {}
    for key, field in schema.fields.items():
        name = f"{prefix}{key}"
        value = _value(name, field, posted, zone)
        if value is not None:
            body[key] = value
    return body


def _value(name: str, field: fields.Field[Any], posted: MultiDict[str, str], zone: ZoneInfo) -> Any:
    if isinstance(field, fields.Nested):
        record = _record(field.schema, f"{name}-", posted, zone)
        return record or None
    if isinstance(field, fields.List):
        inner = field.inner
        if isinstance(inner, fields.Nested):
            rows = [
                _record(inner.schema, f"{name}-{row}-", posted, zone)
                for row in range(_posted_rows(name, posted))
            ]
            return [row for row in rows if row] or None
        if isinstance(inner, fields.UUID | fields.Enum):
            return [item for item in posted.getlist(name) if item] or None
        lines = [line.strip() for line in posted.get(name, "").splitlines()]
        return [line for line in lines if line] or None
    if isinstance(field, fields.Boolean):
        return True if posted.get(name) else None
    text = posted.get(name, "").strip()
    if not text:
        return None
    if isinstance(field, fields.DateTime):
        return _with_zone(text, zone)
    if isinstance(field, fields.Integer) and WHOLE.fullmatch(text):
        return int(text)  # a number input's text; anything else, the schema refuses by name
    return text


def _with_zone(text: str, zone: ZoneInfo) -> str:
    """Return a browser's local date-time (no offset) as a time in the clinic's zone."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text  # the schema refuses it, naming the field
    return moment.replace(tzinfo=zone).isoformat() if moment.tzinfo is None else text


def address_of(
    command: type[Command], schema: Schema, posted: MultiDict[str, str]
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Return the posted address fields (a session, a follow-up), typed, and any errors."""
    values: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for name, kind in address_fields(command, schema).items():
        text = posted.get(name, "").strip()
        try:
            values[name] = _typed(text, kind)
        except ValueError:
            errors[name] = ["Choose one." if not text else "Not one of the choices."]
    return values, errors


def _typed(text: str, kind: Any) -> Any:
    if kind is UUID or kind == UUID | None:
        return UUID(text)
    if _is_enum(kind):
        return kind(text)
    if kind is int:
        return int(text)
    return text


def flat_errors(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """Return a schema's nested error messages keyed by form name (`criteria-0-result`)."""
    if isinstance(messages, list):
        return {prefix or "_form": [str(message) for message in messages]}
    flat: dict[str, list[str]] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            name = f"{prefix}-{key}" if prefix else str(key)
            for inner, texts in flat_errors(value, name).items():
                flat.setdefault(inner, []).extend(texts)
    return flat
