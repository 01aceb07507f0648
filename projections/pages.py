"""Keyset pagination: a page of rows and an opaque cursor to the next one."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Page:
    """Rows as plain dicts, and the cursor for the rows after them (None on the last page)."""

    items: list[dict[str, Any]]
    next: str | None


def encode_cursor(key: list[Any]) -> str:
    """Return an opaque cursor for a sort key (strings, numbers, None)."""
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode()


def decode_cursor(cursor: str) -> list[Any]:
    """Return the sort key in a cursor; raise ValueError if it is not one of ours."""
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, UnicodeDecodeError) as error:
        raise ValueError("Not a cursor this API gave out.") from error
    if not isinstance(key, list):
        raise ValueError("Not a cursor this API gave out.")
    return key


def page_of(rows: list[dict[str, Any]], limit: int, key: list[str]) -> Page:
    """Cut rows fetched with limit + 1 into a page, with a cursor if there were more."""
    if len(rows) <= limit:
        return Page(rows, None)
    last = rows[limit - 1]
    return Page(rows[:limit], encode_cursor([_jsonable(last[name]) for name in key]))


def _jsonable(value: Any) -> Any:
    return value if isinstance(value, int | float | str) or value is None else str(value)
