"""Hostile values in every field and parameter of every operation: a 422 naming it, never a 5xx.

The operations and their fields are read from the app (tests/api/operations.py), and each
field's hostile values follow from its house type, so a new field or endpoint is covered
without a new test. Each field gets every fixed value of its kind (the ones a hostile client
tried: year 1 and 9999 with an offset, 2**63, 1e400, a 5,000-digit integer, NUL, lone
surrogates, forged cursors, JSON nested 50,000 deep), then values hypothesis generates.
"""

from __future__ import annotations

import base64
import json
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import quote
from uuid import uuid4

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from marshmallow import fields

from api.schemas.common import (
    Amount,
    Cursor,
    Day,
    Moment,
    Scalar,
    Text,
    WholeNumber,
)
from casework.roles import Role
from tests.api.conftest import OPERATOR_TOKEN, ApiStaff, bearer
from tests.api.operations import Operation, operations, walk

GENERATED_PER_FIELD = 3
"""Generated values per field, on top of the fixed ones: enough to vary, bounded for `make test`."""

DEEP = "[" * 50_000 + "]" * 50_000
HUGE_INTEGER = "9" * 5_000


def literal(value: Any) -> str:
    """Return `value` as JSON text (lone surrogates escaped as `\\ud800`, as a client sends)."""
    return json.dumps(value)


def cursor_of(key_text: str) -> str:
    """Return a forged cursor holding `key_text` (JSON, or not)."""
    return base64.urlsafe_b64encode(key_text.encode()).decode()


FORBIDDEN = ["\x00", "\ud800", "\udfff", "\x1b", "\x7f", "\x85", "\ufffe", "\U0010ffff", "\ufdd0"]

COMMON = [literal("\x00" * 3), literal("\ud800"), DEEP, HUGE_INTEGER, "1e400", "NaN", "-Infinity"]
"""JSON literals no field takes."""

BY_TYPE: dict[type, list[str]] = {
    Text: [literal(f"a{bad}b") for bad in FORBIDDEN] + [literal("x" * 10_001), "12", "[]"],
    Scalar: [literal(f"a{bad}b") for bad in FORBIDDEN] + [literal(2**63), "1.5", "{}"],
    Moment: [
        literal("0001-01-01T00:00:00+05:00"),
        literal("9999-12-31T23:59:59-05:00"),
        literal("0001-01-01T00:00:00-23:59"),
        literal("1899-12-31T23:59:59+00:00"),
        literal("2200-01-01T00:00:00+00:00"),
        literal("2026-01-01T00:00:00"),
        literal("2026-01-01T00:00:00+24:00"),
    ],
    Day: [
        literal("0001-01-01"),
        literal("9999-12-31"),
        literal("2200-01-01"),
        literal("0000-00-00"),
    ],
    WholeNumber: [literal(2**63), literal(-(2**63) - 1), literal(10**30), "1.5", "true"],
    Amount: [
        literal("1e400"),
        "1e400",
        literal("NaN"),
        literal("-Infinity"),
        literal(HUGE_INTEGER),
    ],
    Cursor: [
        literal(cursor_of(text))
        for text in ("[Infinity]", "[1e400]", f"[{10**30}]", "[-1e400, 1]", "[[[]]]", "[1.5]")
    ]
    + [literal(cursor_of(json.dumps(["\x00"]))), literal("%%%"), literal("A" * 2_000)],
}


def hostile_for(field: fields.Field) -> list[str]:
    """Return the fixed hostile JSON literals for a field, by its type."""
    own = next((values for kind, values in BY_TYPE.items() if isinstance(field, kind)), [])
    return own + COMMON


def out_of_range_moments() -> st.SearchStrategy[str]:
    offsets = st.timedeltas(
        min_value=timedelta(hours=-23, minutes=-59), max_value=timedelta(hours=23, minutes=59)
    )
    zones = offsets.map(lambda offset: timezone(offset))
    early = st.datetimes(max_value=datetime(1899, 12, 31), timezones=zones)
    late = st.datetimes(min_value=datetime(2200, 1, 1), timezones=zones)
    return (early | late).map(lambda moment: moment.isoformat())


def bad_text() -> st.SearchStrategy[str]:
    forbidden = st.sampled_from(FORBIDDEN) | st.characters(categories=["Cc", "Cs"]).filter(
        lambda character: character not in "\t\n\r"
    )
    return st.tuples(st.text(max_size=5), forbidden, st.text(max_size=5)).map("".join)


def generated_for(field: fields.Field) -> st.SearchStrategy[str]:
    """Return a strategy of hostile JSON literals for a field, by its type."""
    huge = st.integers(min_value=2**63) | st.integers(max_value=-(2**63) - 1)
    if isinstance(field, Moment):
        return out_of_range_moments().map(literal)
    if isinstance(field, Day):
        early = st.dates(max_value=datetime(1899, 12, 31).date())
        late = st.dates(min_value=datetime(2200, 1, 1).date())
        return (early | late).map(lambda day: literal(day.isoformat()))
    if isinstance(field, WholeNumber):
        return huge.map(literal)
    if isinstance(field, Amount):
        return st.integers(min_value=10, max_value=5_000).map(lambda digits: f"1e{digits}")
    if isinstance(field, Cursor):
        parts = huge | st.floats() | st.text(min_size=101)
        return st.lists(parts, min_size=1, max_size=3).map(
            lambda key: literal(cursor_of(json.dumps(key)))
        )
    return bad_text().map(literal)


def body_with(path: tuple[str | int, ...], marker: str) -> Any:
    """Return a body holding `marker` at `path` (field names, and 0 for a list's item)."""
    if not path:
        return marker
    head, rest = path[0], path[1:]
    return [body_with(rest, marker)] if isinstance(head, int) else {head: body_with(rest, marker)}


def names(errors: Any, path: tuple[str | int, ...]) -> bool:
    """Return whether webargs' errors name the field at `path` (or, too deep, the whole body)."""
    if isinstance(errors, dict) and "_schema" in errors and len(errors) == 1:
        return True  # nested too deep for any field to be found: the body as a whole
    for part in path:
        if not isinstance(errors, dict) or str(part) not in {str(key) for key in errors}:
            return False
        errors = next(value for key, value in errors.items() if str(key) == str(part))
        if isinstance(errors, list):
            return True
    return True


PATH_VALUES = {"kind": "treatment", "role": "facilitator"}


class Attacker:
    """Sends one hostile value to one field of one operation, as a practitioner or operator."""

    def __init__(self, client: FlaskClient, api_staff: ApiStaff) -> None:
        self.client = client
        self.headers = api_staff.headers(Role.CLINICAL_LEAD)

    def url(self, operation: Operation) -> str:
        url = operation.rule
        for name in operation.path_arguments:
            value = PATH_VALUES.get(name, str(uuid4()))
            url = url.replace(f"<uuid:{name}>", value).replace(f"<{name}>", value)
        return url

    def send(self, operation: Operation, location: str, path: tuple, value: str) -> Any:
        headers = bearer(OPERATOR_TOKEN) if operation.rule == "/clinics" else self.headers
        if location == "query":
            text = json.loads(value) if value.startswith('"') else value  # a query holds text
            query = f"{path[0]}={quote(text.encode('utf-8', 'surrogatepass'), safe='')}"
            return self.client.open(
                f"{self.url(operation)}?{query}", method=operation.method, headers=headers
            )
        body = json.dumps(body_with(path, "\x00MARK\x00")).replace(
            json.dumps("\x00MARK\x00"), value
        )
        return self.client.open(
            self.url(operation),
            method=operation.method,
            data=body,
            content_type="application/json",
            headers=headers,
        )

    def check(self, operation: Operation, location: str, path: tuple, value: str) -> str | None:
        """Return what went wrong (None: a 422 naming the field)."""
        if location == "query" and not value.startswith('"'):
            return None  # a query holds text: `12` or `true` there is the text "12", "true"
        response = self.send(operation, location, path, value)
        where = f"{operation.label} {location}.{'.'.join(map(str, path))} = {value[:60]!r}"
        if response.status_code != 422:
            return f"{where}: {response.status_code}"
        errors = (response.json or {}).get("errors", {}).get(location)
        if not names(errors, path):
            return f"{where}: 422 not naming it: {str(errors)[:200]}"
        return None


def fields_of(app: Flask) -> list[tuple[Operation, str, tuple, fields.Field]]:
    """Every (operation, location, path, field) an input can reach."""
    return [
        (operation, location, path, field)
        for operation in operations(app)
        for location, schema in operation.inputs
        for path, field in walk(schema)
        if location == "json" or len(path) == 1
    ]


@pytest.fixture
def database_url(sqlite_path: str) -> str:
    """SQLite: what is checked is refused before any store is touched (the same on both)."""
    return f"sqlite:///{sqlite_path}"


def test_every_field_of_every_operation_refuses_hostile_values_with_a_422_naming_it(
    flask_app: Flask, client: FlaskClient, api_staff: ApiStaff
) -> None:
    attacker = Attacker(client, api_staff)
    before = flask_app.extensions["casework"].recorder.max_notification_id()
    failures: list[str] = []
    targets = fields_of(flask_app)
    for operation, location, path, field in targets:
        for value in hostile_for(field):
            failure = attacker.check(operation, location, path, value)
            if failure:
                failures.append(failure)

        @given(value=generated_for(field))
        @settings(
            max_examples=GENERATED_PER_FIELD,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def refused(value: str) -> None:
            failure = attacker.check(operation, location, path, value)  # noqa: B023
            assert failure is None, failure

        try:
            refused()
        except AssertionError as failure:
            failures.append(str(failure).splitlines()[0])
    assert len(targets) > 150
    assert failures == []
    assert flask_app.extensions["casework"].recorder.max_notification_id() == before


HOSTILE_HEADERS = {
    "If-Match": ["²", "9" * 5_000, "\x00", "-1", 'W/"1e400"'],
    "Casework-Purpose": ["\x00", "x" * 10_000],
    "Idempotency-Key": ["x" * 10_000, "\x01"],
    "Authorization": ["Bearer " + "x" * 10_000, "Bearer \x00", "Basic Og=="],
}


def test_hostile_headers_and_path_segments_never_answer_5xx(
    flask_app: Flask, client: FlaskClient, api_staff: ApiStaff
) -> None:
    attacker = Attacker(client, api_staff)
    answers: dict[str, int] = {}
    for operation in operations(flask_app):
        url = attacker.url(operation)
        for name, values in HOSTILE_HEADERS.items():
            for value in values:
                headers = {**attacker.headers, name: value}
                response = client.open(url, method=operation.method, headers=headers, json={})
                answers[f"{operation.label} {name}={value[:20]!r}"] = response.status_code
        for name in set(operation.path_arguments) & set(PATH_VALUES):
            for value in ("%00", "x" * 5_000, "%ED%A0%80"):
                hostile = operation.rule.replace(f"<{name}>", value)
                for other in operation.path_arguments:
                    hostile = hostile.replace(f"<uuid:{other}>", str(uuid4()))
                response = client.open(
                    hostile, method=operation.method, headers=attacker.headers, json={}
                )
                answers[f"{operation.label} {name}={value[:20]!r}"] = response.status_code
    assert {case: status for case, status in answers.items() if status >= 500} == {}
