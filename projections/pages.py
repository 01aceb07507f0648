"""Keyset pagination: a page of rows and an opaque cursor to the next one."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from casework.bounds import in_range


class InvalidCursor(ValueError):
    """Raised when a cursor is not one this API gave out."""


@dataclass(frozen=True)
class Page:
    """Rows as plain dicts, and the cursor for the rows after them (None on the last page)."""

    items: list[dict[str, Any]]
    next: str | None


def encode_cursor(key: list[Any]) -> str:
    """Return an opaque cursor for a sort key (strings, numbers, None)."""
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode()


MAX_PARTS = 4
MAX_PART_LENGTH = 100
INT64 = range(-(2**63), 2**63)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a cursor's")


def _part_ok(part: Any) -> bool:
    """A cursor part is null, a 64-bit whole number, or a short printable ASCII string."""
    if part is None:
        return True
    if isinstance(part, int) and not isinstance(part, bool):
        return part in INT64
    if isinstance(part, str):
        return len(part) <= MAX_PART_LENGTH and part.isascii() and part.isprintable()
    return False  # floats (1e400 reads as infinity), lists, objects: never given out


def parse_cursor(cursor: str) -> list[Any]:
    """Return the parts of a cursor of the shape this API gives out, unconverted.

    Raises InvalidCursor for anything else: not base64 of a JSON list, `Infinity`, `1e400`,
    `10**30`, nested values or long strings, so that no query binds what a column cannot hold.
    """
    try:
        raw = base64.urlsafe_b64decode(cursor.encode("ascii"))
        key = json.loads(raw, parse_constant=_no_constant, parse_float=_no_constant)
    except (ValueError, TypeError, UnicodeError, RecursionError) as error:
        raise InvalidCursor("Not a cursor this API gave out.") from error
    if not isinstance(key, list) or not 0 < len(key) <= MAX_PARTS:
        raise InvalidCursor("Not a cursor this API gave out.")
    if not all(_part_ok(part) for part in key):
        raise InvalidCursor("Not a cursor this API gave out.")
    return key


def decode_cursor(cursor: str, *types: Callable[[Any], Any]) -> list[Any]:
    """Return the sort key in a cursor, each part converted by its type (UUID, int, …)."""
    key = parse_cursor(cursor)
    if len(key) != len(types):
        raise InvalidCursor("Not a cursor this API gave out.")
    try:
        parts = [convert(part) for convert, part in zip(types, key, strict=True)]
    except (ValueError, TypeError, OverflowError) as error:
        raise InvalidCursor("Not a cursor this API gave out.") from error
    for part in parts:  # a time or date part must lie where the record does (years 1900..2199)
        if isinstance(part, date) and not in_range(part):
            raise InvalidCursor("Not a cursor this API gave out.")
    return parts


def page_of(rows: list[dict[str, Any]], limit: int, key: list[str]) -> Page:
    """Cut rows fetched with limit + 1 into a page, with a cursor if there were more."""
    if len(rows) <= limit:
        return Page(rows, None)
    last = rows[limit - 1]
    return Page(rows[:limit], encode_cursor([_jsonable(last[name]) for name in key]))


def _jsonable(value: Any) -> Any:
    return value if isinstance(value, int | float | str) or value is None else str(value)
