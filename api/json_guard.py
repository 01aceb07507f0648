"""Refuse absurd JSON before any parser meets it: too deep, huge numbers, infinities.

webargs parses a body with the standard `json.loads`, which raises RecursionError on a body
nested 50,000 deep and ValueError on a 5,000-digit integer: neither is a JSON error it handles,
so both were 500s. This guard parses each JSON body once with hooks that make such values inert,
then answers 422 naming where they are (`errors.json.<field>`, as webargs names fields), so what
reaches the schemas is plain JSON of sane size.
"""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any

from flask import Flask, Response, request

from api.problems import problem

MAX_DEPTH = 32
"""Levels of arrays and objects: the deepest body a schema takes has fewer than six."""
MAX_DIGITS = 30
"""Digits of a JSON integer: a 64-bit one has at most 19."""


class Refused:
    """A JSON number the guard will not hand on, and why."""

    def __init__(self, reason: str) -> None:
        self.reason = reason


def _integer(literal: str) -> int | Refused:
    if len(literal.lstrip("-")) > MAX_DIGITS:
        return Refused(f"A number with more than {MAX_DIGITS} digits.")
    return int(literal)


def _float(literal: str) -> float | Refused:
    value = float(literal)
    if value in (float("inf"), float("-inf")):
        return Refused("A number too large to represent.")
    return value


def _constant(name: str) -> Refused:
    return Refused(f"{name} is not JSON.")


def parse_body(body: str) -> Any:
    """Return the JSON value of `body`, huge numbers and infinities replaced by `Refused`.

    Raises RecursionError when nesting exceeds what the parser can take, ValueError when the
    body is not JSON at all.
    """
    return json.loads(body, parse_int=_integer, parse_float=_float, parse_constant=_constant)


def problems(value: Any, depth: int = 1) -> dict[str, Any]:
    """Return webargs-shaped errors for each refused value, or `_schema` if too deep."""
    if depth > MAX_DEPTH:
        return {"_schema": [f"Nested deeper than {MAX_DEPTH} levels."]}
    if isinstance(value, Refused):
        return {"_schema": [value.reason]}
    items: list[tuple[str, Any]] = []
    if isinstance(value, dict):
        items = [(str(key), item) for key, item in value.items()]
    elif isinstance(value, list):
        items = [(str(index), item) for index, item in enumerate(value)]
    found: dict[str, Any] = {}
    for key, item in items:
        if isinstance(item, Refused):
            found[key] = [item.reason]
        elif isinstance(item, dict | list):
            below = problems(item, depth + 1)
            if below:
                found[key] = below
    return found


def refuse_absurd_json() -> Response | None:
    """Answer 422 for a JSON body too deep, or holding a number no field can take."""
    if not request.is_json:
        return None
    try:
        body = request.get_data(cache=True).decode("utf-8")
        found = problems(parse_body(body))
    except RecursionError:
        found = {"_schema": [f"Nested deeper than {MAX_DEPTH} levels."]}
    except ValueError:  # not JSON (or not UTF-8): webargs answers that, as it always has
        return None
    if not found:
        return None
    return problem(
        HTTPStatus.UNPROCESSABLE_ENTITY, "Some fields are invalid.", errors={"json": found}
    )


def init_app(app: Flask) -> None:
    """Check every JSON body before a view (and its schema) parses it."""
    app.before_request(refuse_absurd_json)
