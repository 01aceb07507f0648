"""Field builders and the schemas every resource shares.

One type per kind of input (STYLE.md rule 17): free text is `Text` (a pseudonym `Pseudonym`, a
sign-in name `UserName`), a moment is `Moment`, a calendar date is `Day`, a page cursor is
`Cursor`, a whole number is `WholeNumber`, an amount is `Amount`, a closed vocabulary is
`Choice`, and a correction's new value is `Scalar`. Each refuses what the stores or Python
cannot hold with a 422 naming the field, so a schema built from them needs no checks of its
own, and tests/api/test_hostile_input.py covers a new field without a new test
(tests/api/test_input_types.py fails when a schema uses a raw marshmallow field). `api.openapi`
documents what each refuses, so that the document says what is accepted.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from casework.bounds import INT64_MAX, INT64_MIN, OUT_OF_RANGE, in_range
from casework.sign_in import MAX_USER_NAME_LENGTH, user_name_problem
from projections.pages import InvalidCursor, parse_cursor

SHORT_TEXT = 200
LONG_TEXT = 10_000
MAX_CURSOR = 1_000
"""Characters: every cursor this API gives out is far shorter."""
AMOUNT_LIMIT = Decimal(10) ** 9
"""An amount's magnitude must stay below this (no dose or count comes near it)."""
HUNDREDTH = Decimal("0.01")
FLOAT_NOISE = Decimal("1e-12")
"""Relative: below the last digit a binary float carries, far above a hundredth's part."""


def _noncharacters() -> str:
    """Return the noncharacters as a regex class body: U+FDD0..U+FDEF and U+xFFFE/U+xFFFF."""
    planes = "".join(f"\\U{plane:04X}FFFE\\U{plane:04X}FFFF" for plane in range(17))
    return "\\uFDD0-\\uFDEF" + planes


FORBIDDEN_CHARACTER = re.compile(
    "[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f\\ud800-\\udfff" + _noncharacters() + "]"
)
"""Control characters (C0 but tab and newline, DEL, C1), lone surrogates and noncharacters."""


def refuse_forbidden_characters(value: str) -> None:
    """Raise ValidationError naming the kind of character (never the text) that is refused."""
    found = FORBIDDEN_CHARACTER.search(value)
    if found is None:
        return
    character = found.group()
    if character == "\x00":
        raise ValidationError("Must not contain NUL.")
    if "\ud800" <= character <= "\udfff":
        raise ValidationError("Must not contain lone surrogates (unpaired UTF-16 halves).")
    if unicodedata.category(character) == "Cc":
        raise ValidationError("Must not contain control characters (newline and tab are fine).")
    raise ValidationError("Must not contain Unicode noncharacters.")


def normalised(value: str) -> str:
    """Return checked text with line endings as `\\n` (forms send CRLF), in Unicode NFC.

    Raises ValidationError for the characters `refuse_forbidden_characters` names.
    """
    lines = value.replace("\r\n", "\n").replace("\r", "\n")
    refuse_forbidden_characters(lines)
    return unicodedata.normalize("NFC", lines)


def not_blank(value: str) -> None:
    """Refuse a string of white space only."""
    if not value.strip():
        raise ValidationError("Must not be blank.")


class Text(fields.String):
    """Free text: no control characters but newline and tab, no lone surrogates or
    noncharacters, normalised to NFC, then bounded by the field's length validator."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        return normalised(super()._deserialize(value, attr, data, **kwargs))


class Pseudonym(Text):
    """A client's pseudonym: text whose characters `casework.client` checks as it files the
    client (documented as a pattern of exactly those characters, `api.openapi`)."""


class UserName(Text):
    """A sign-in user name: what `casework.sign_in.user_name_problem` allows, which checks it
    again whoever invites (documented as `USER_NAME_PATTERN`, `api.openapi`)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        # Checked as sent, not as NFC makes it (a KELVIN SIGN would become a K): its ASCII
        # letters, digits and three marks hold no character Text refuses.
        name = fields.String._deserialize(self, value, attr, data, **kwargs)
        problem = user_name_problem(name)
        if problem is not None:
            raise ValidationError(problem)
        return name


class Choice(fields.String):
    """One of a closed list of codes (a query's `status`, `kind`, `format`): no free text."""

    def __init__(self, choices: Iterable[str], **kwargs: Any) -> None:
        super().__init__(validate=validate.OneOf(list(choices)), **kwargs)


class Moment(fields.AwareDateTime):
    """A time with its offset, in the years the record holds (1900..2199)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> datetime:
        moment_value = super()._deserialize(value, attr, data, **kwargs)
        if not in_range(moment_value):  # before any comparison or shift by the offset
            raise ValidationError(OUT_OF_RANGE)
        return moment_value


class Day(fields.Date):
    """A calendar date in the years the record holds (1900..2199)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> date:
        day_value = super()._deserialize(value, attr, data, **kwargs)
        if not in_range(day_value):
            raise ValidationError(OUT_OF_RANGE)
        return day_value


class WholeNumber(fields.Integer):
    """A whole number that fits a signed 64-bit column; in a body, 90.5 is refused, not cut.

    `90.0` is the whole number 90, as JSON Schema's `integer` says: JSON has one number type.
    """

    def __init__(self, *, in_query: bool = False, **kwargs: Any) -> None:
        given = kwargs.pop("validate", None) or []
        given = [given] if callable(given) else list(given)
        bounds = validate.Range(INT64_MIN, INT64_MAX, error="Must fit in 64 bits.")
        super().__init__(strict=not in_query, validate=[bounds, *given], **kwargs)

    def _validated(self, value: Any) -> int:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return super()._validated(value)


class Amount(fields.Decimal):
    """A finite decimal below AMOUNT_LIMIT in magnitude (so rounding and comparing are safe).

    With `hundredths`, an amount finer than a hundredth is refused rather than rounded; a
    binary float's noise (`120.57000000000001`, as a client's arithmetic may send 120.57) is not
    a finer amount, and is read as the hundredth it stands for.
    """

    def __init__(self, *, hundredths: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.hundredths = hundredths

    def _validated(self, value: Any) -> Decimal:
        amount_value = super()._validated(value)
        if amount_value is not None and not abs(amount_value) < AMOUNT_LIMIT:
            raise ValidationError(f"Must be less than {AMOUNT_LIMIT:,} in magnitude.")
        if amount_value is not None and self.hundredths:
            rounded = amount_value.quantize(HUNDREDTH)
            if abs(amount_value - rounded) > FLOAT_NOISE * max(Decimal(1), abs(amount_value)):
                raise ValidationError("At most two decimal places.")
            return rounded
        return amount_value


class Cursor(fields.String):
    """A page cursor this API gave out: its shape is checked here, its parts by the query."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        cursor_value = super()._deserialize(value, attr, data, **kwargs)
        if len(cursor_value) > MAX_CURSOR:
            raise ValidationError("Not a cursor this API gave out.")
        try:
            parse_cursor(cursor_value)
        except InvalidCursor as error:
            raise ValidationError(str(error)) from None
        return cursor_value


class Scalar(fields.Raw):
    """A JSON null, true/false, whole number or text (a correction's new value, typed later)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if value is None or isinstance(value, bool):
            return value
        if isinstance(value, float) and value.is_integer():  # JSON's 3.0 is the whole number 3
            value = int(value)
        if isinstance(value, int):
            if not INT64_MIN <= value <= INT64_MAX:
                raise ValidationError("Must fit in 64 bits.")
            return value
        if isinstance(value, str):
            if len(value) > LONG_TEXT:
                raise ValidationError(f"Longer than maximum length {LONG_TEXT}.")
            return normalised(value)
        raise ValidationError("Must be null, true, false, a whole number or text.")


def text(max_length: int = SHORT_TEXT, **kwargs: Any) -> Text:
    """Return a text field that refuses blank and over-long values."""
    return Text(validate=[validate.Length(min=1, max=max_length), not_blank], **kwargs)


def user_name(**kwargs: Any) -> UserName:
    """Return a sign-in user name field: 1 to 64 ASCII letters, digits, `.`, `-` and `_`."""
    # The length is checked with the characters; declared too, so forms and the document say it.
    return UserName(validate=validate.Length(min=1, max=MAX_USER_NAME_LENGTH), **kwargs)


def pseudonym(**kwargs: Any) -> Pseudonym:
    """Return a pseudonym field: up to 100 characters, not blank."""
    return Pseudonym(validate=[validate.Length(min=1, max=100), not_blank], **kwargs)


def optional_text(max_length: int = LONG_TEXT) -> Text:
    """Return an optional, nullable text field with a length limit."""
    return text(max_length, load_default=None, allow_none=True)


def text_list(min_items: int = 0, max_items: int = 50, **kwargs: Any) -> fields.List[str]:
    """Return a list of short texts with a bounded number of items."""
    return fields.List(text(), validate=validate.Length(min=min_items, max=max_items), **kwargs)


def whole_number(**kwargs: Any) -> WholeNumber:
    """Return a 64-bit whole-number field (`in_query=True`: given as text in a query string)."""
    return WholeNumber(**kwargs)


def moment(**kwargs: Any) -> Moment:
    """Return a field for a time with offset, in the years 1900..2199."""
    return Moment(**kwargs)


def day(**kwargs: Any) -> Day:
    """Return a field for a calendar date, in the years 1900..2199."""
    return Day(**kwargs)


def amount(*, hundredths: bool = False, **kwargs: Any) -> Amount:
    """Return a field for a finite decimal amount of sane magnitude (`hundredths`: to 0.01)."""
    return Amount(hundredths=hundredths, **kwargs)


def cursor(**kwargs: Any) -> Cursor:
    """Return a page-cursor field (the `next` of the page before)."""
    return Cursor(**kwargs)


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


class QuerySchema(Schema):
    """Base of every query-string schema: an unknown parameter is refused (422), never ignored."""

    class Meta:
        unknown = RAISE


class HistoryQuerySchema(QuerySchema):
    """Ask for a record as it stood at a past version, or as it was recorded at a moment."""

    version = whole_number(in_query=True, validate=validate.Range(min=1), load_default=None)
    as_of = moment(
        load_default=None, metadata={"description": "A moment (with offset): as recorded then."}
    )

    @validates_schema
    def one_of_them(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data["version"] is not None and data["as_of"] is not None:
            raise ValidationError("Ask for a version or a moment, not both.", "as_of")
