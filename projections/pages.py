"""Keyset pagination: a page of rows and an opaque cursor to the next one."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


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


def decode_cursor(cursor: str, *types: Callable[[Any], Any]) -> list[Any]:
    """Return the sort key in a cursor, each part converted by its type (UUID, int, …)."""
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        if not isinstance(key, list) or len(key) != len(types):
            raise InvalidCursor("Not a cursor this API gave out.")
        return [convert(part) for convert, part in zip(types, key, strict=True)]
    except (ValueError, TypeError, UnicodeDecodeError) as error:
        raise InvalidCursor("Not a cursor this API gave out.") from error


def page_of(rows: list[dict[str, Any]], limit: int, key: list[str]) -> Page:
    """Cut rows fetched with limit + 1 into a page, with a cursor if there were more."""
    if len(rows) <= limit:
        return Page(rows, None)
    last = rows[limit - 1]
    return Page(rows[:limit], encode_cursor([_jsonable(last[name]) for name in key]))


def _jsonable(value: Any) -> Any:
    return value if isinstance(value, int | float | str) or value is None else str(value)
