"""Field builders and the schemas every resource shares."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

SHORT_TEXT = 200
LONG_TEXT = 10_000


def not_blank(value: str) -> None:
    """Refuse a string of white space only."""
    if not value.strip():
        raise ValidationError("Must not be blank.")


def text(max_length: int = SHORT_TEXT, **kwargs: Any) -> fields.String:
    """Return a string field that refuses blank and over-long values."""
    return fields.String(validate=[validate.Length(min=1, max=max_length), not_blank], **kwargs)


def whole_number(**kwargs: Any) -> fields.Integer:
    """Return an integer field that refuses 90.5 instead of cutting it to 90."""
    return fields.Integer(strict=True, **kwargs)


def hundredths(value: Decimal) -> None:
    """Refuse an amount finer than a hundredth, rather than rounding it."""
    if value != value.quantize(Decimal("0.01")):
        raise ValidationError("At most two decimal places.")


def optional_text(max_length: int = LONG_TEXT) -> fields.String:
    """Return an optional, nullable string field with a length limit."""
    return text(max_length, load_default=None, allow_none=True)


def text_list(min_items: int = 0, max_items: int = 50, **kwargs: Any) -> fields.List[str]:
    """Return a list of short strings with a bounded number of items."""
    return fields.List(text(), validate=validate.Length(min=min_items, max=max_items), **kwargs)


class ClinicalTimeSchema(Schema):
    """Base of every command input: when it happened in clinical time (default: now)."""

    occurred_at = fields.AwareDateTime(
        load_default=None,
        metadata={"description": "When it happened (clinical time, with offset); defaults to now."},
    )


class WrittenSchema(Schema):
    """What every write answers."""

    id = fields.UUID(required=True, metadata={"description": "The aggregate written."})
    version = fields.Integer(required=True, metadata={"description": "Its new stream version."})
    position = fields.Integer(required=True, metadata={"description": "Its position in the log."})
    created_id = fields.UUID(
        allow_none=True,
        metadata={"description": "The session, preparation session or contact the write created."},
    )


class RecordedSchema(Schema):
    """Who recorded something, in which role, when it happened and when it was recorded."""

    actor_id = fields.UUID()
    actor_role = fields.String()
    occurred_at = fields.DateTime()
    recorded_at = fields.DateTime()
    version = fields.Integer(metadata={"description": "The journey version (entry) that made it."})


class HistoryQuerySchema(Schema):
    """Ask for a record as it stood at a past version, or as it was recorded at a moment."""

    version = fields.Integer(validate=validate.Range(min=1), load_default=None)  # from a string
    as_of = fields.AwareDateTime(
        load_default=None, metadata={"description": "A moment (with offset): as recorded then."}
    )

    @validates_schema
    def one_of_them(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data["version"] is not None and data["as_of"] is not None:
            raise ValidationError("Ask for a version or a moment, not both.", "as_of")
