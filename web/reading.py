"""What every page that reads shares: its query checked by the API's own schema, the purpose
the reader picked, and the log position a write just reached."""

from __future__ import annotations

from typing import Any

from flask import g, request
from marshmallow import Schema, ValidationError

from casework.access_log import Purpose
from casework.errors import InvalidInput

PAGE_PARAMETERS = ("purpose", "done", "at")
"""Query parameters every page may carry beside its own filters."""


def page_query(schema: type[Schema]) -> dict[str, Any]:
    """Return the page's filters, loaded by the API's query schema; refuse bad ones by name.

    Also picks the purpose (`purpose`) and the position to read at (`at`) for the page.
    """
    pick_purpose()
    filters = {  # a filter left at "Any" is sent empty: it filters nothing
        key: value
        for key, value in request.args.items()
        if key not in PAGE_PARAMETERS and value != ""
    }
    try:
        loaded: dict[str, Any] = schema().load(filters)
    except ValidationError as error:
        messages = error.messages if isinstance(error.messages, dict) else {}
        raise InvalidInput(
            {str(name): [str(text) for text in texts] for name, texts in messages.items()}
        ) from None
    loaded["min_position"] = written_position()
    return loaded


def pick_purpose() -> Purpose | None:
    """Take the purpose the reader picked (`?purpose=`) for the access log; refuse an unknown."""
    value = request.args.get("purpose")
    if not value:
        return None
    try:
        g.purpose = Purpose(value)
    except ValueError:
        allowed = ", ".join(purpose.value for purpose in Purpose)
        raise InvalidInput.field("purpose", f"Must be one of: {allowed}.") from None
    picked: Purpose = g.purpose
    return picked


def written_position() -> int | None:
    """Return the log position a write just reached (`?at=`), so the page shows it."""
    value = request.args.get("at", "")
    return int(value) if value.isdigit() and len(value) < 19 else None


PURPOSES = [(purpose.value, purpose.value.replace("_", " ")) for purpose in Purpose]
"""The purposes a reader may pick, as a select offers them."""
