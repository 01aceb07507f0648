"""Every input field of every operation is one of the house types (STYLE.md rule 17).

A raw `fields.String`, `DateTime`, `Date`, `Integer`, `Decimal` or `Raw` would take NUL
characters, year-9999 times, 10**30 or 1e400 past the checks that keep them out of the stores;
the house types refuse them with a 422 naming the field. So a new field built from them gets
the hostile-input tests (test_hostile_input.py) for free, and this test fails when it is not.
"""

from __future__ import annotations

import pytest
from flask import Flask
from marshmallow import fields

from api.schemas.audit import CheckpointField
from api.schemas.common import Amount, Choice, Cursor, Day, Moment, Scalar, Text, WholeNumber
from api.schemas.reads import PractitionerRef
from tests.api.operations import operations, walk

HOUSE_TYPES = (Text, Choice, Moment, Day, Cursor, WholeNumber, Amount, Scalar)
"""The one type per kind of input: each bounds what it takes."""
CLOSED_TYPES = (fields.UUID, fields.Enum, fields.Boolean, PractitionerRef, CheckpointField)
"""Types that take nothing free: an id, a code, true/false, a signed checkpoint's JSON."""
CONTAINERS = (fields.List, fields.Nested)
"""Walked into: their items are checked in turn; the list itself has a length validator."""


@pytest.fixture
def database_url(sqlite_path: str) -> str:
    """SQLite only: what is read here are the app's schemas, the same on both stores."""
    return f"sqlite:///{sqlite_path}"


def test_every_input_field_is_a_house_type(flask_app: Flask) -> None:
    raw = {}
    for operation in operations(flask_app):
        for location, schema in operation.inputs:
            for path, field in walk(schema):
                if isinstance(field, HOUSE_TYPES + CLOSED_TYPES + CONTAINERS):
                    continue
                name = ".".join(map(str, path))
                raw[f"{operation.label} {location}.{name}"] = type(field).__name__
    assert raw == {}, "use the types in api/schemas/common.py for these fields"


def test_every_list_input_is_bounded(flask_app: Flask) -> None:
    unbounded = []
    for operation in operations(flask_app):
        for location, schema in operation.inputs:
            for path, field in walk(schema):
                if isinstance(field, fields.List) and not field.validators:
                    unbounded.append(f"{operation.label} {location}.{'.'.join(map(str, path))}")
    assert unbounded == []


def test_the_walk_reaches_every_operation_with_input(flask_app: Flask) -> None:
    with_input = [operation for operation in operations(flask_app) if operation.inputs]
    reached = {
        type(field)
        for operation in with_input
        for _, schema in operation.inputs
        for _, field in walk(schema)
    }
    assert len(with_input) > 35
    assert {Text, Moment, Day, Cursor, WholeNumber, Amount, Scalar} <= reached
