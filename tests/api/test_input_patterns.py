"""The patterns the document states accept exactly what the API accepts (api/openapi.py).

A client validating against the document, or schemathesis generating from it, must meet the API's
own checks: neither may refuse what the other accepts. Drawn over the Basic Multilingual Plane
(beyond it, the patterns cannot name characters portably; the README says so).
"""

from __future__ import annotations

import re
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st
from marshmallow import Schema, ValidationError

from api.conditional import IF_MATCH, IF_MATCH_PATTERN
from api.openapi import NOT_BLANK_PATTERN, TEXT_PATTERN, YEARS_PATTERN, pseudonym_pattern
from api.schemas.common import Text, day, pseudonym, text
from casework.client import pseudonym_as_written
from casework.errors import InvalidInput

BMP = st.characters(max_codepoint=0xFFFF, exclude_categories=["Cs"])
TRICKY = st.sampled_from(
    [
        *("\t", "\n", "\r", "\x0b", "\x1f", "\x7f", "\x85", "\xa0", "\u200b", "\u2028"),
        *("\u3000", "\ufdd0", "\ufffe", "\ufeff", "\u115f", "\uff21", "\ufe0f", " "),
    ]
)
WRITTEN = st.text(st.one_of(BMP, TRICKY), max_size=12)


class Inputs(Schema):
    text = text()
    free = Text()
    pseudonym = pseudonym()
    day = day()


def matches(pattern: str, value: str) -> bool:
    """Whether `value` matches as ECMA-262 reads the pattern: there `$` is the end, never before
    a final newline as in Python."""
    return (
        re.search(pattern.removesuffix("$") + ("\\Z" if pattern.endswith("$") else ""), value)
        is not None
    )


def accepts(name: str, value: object) -> bool:
    try:
        Inputs().load({name: value}, partial=True)
    except ValidationError:
        return False
    return True


@settings(max_examples=500, deadline=None)
@given(WRITTEN)
def test_text_patterns_accept_what_text_fields_accept(value: str) -> None:
    assert accepts("free", value) == matches(TEXT_PATTERN, value), ascii(value)
    assert accepts("text", value) == matches(NOT_BLANK_PATTERN, value), ascii(value)


@settings(max_examples=500, deadline=None)
@given(WRITTEN)
def test_the_pseudonym_pattern_accepts_what_filing_a_client_accepts(value: str) -> None:
    try:
        pseudonym_as_written(value)
        filed = accepts("pseudonym", value)
    except InvalidInput:
        filed = False
    assert filed == matches(pseudonym_pattern(), value), ascii(value)


@given(st.dates())
def test_the_years_pattern_accepts_the_dates_a_day_field_accepts(value: date) -> None:
    assert accepts("day", value.isoformat()) == matches(YEARS_PATTERN, value.isoformat())


@given(
    st.from_regex(IF_MATCH_PATTERN)
    | st.text(st.sampled_from('0123456789abcdefW/":gzip '), max_size=24)
)
def test_the_if_match_pattern_is_the_one_writes_read(value: str) -> None:
    assert bool(IF_MATCH.fullmatch(value)) == matches(IF_MATCH_PATTERN, value)
