"""What every page that reads shares: the purpose the reader picked, and the log position a write
just reached (a list's filters: web.filter_forms)."""

from __future__ import annotations

from flask import g, request

from casework.access_log import Purpose
from casework.errors import InvalidInput


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
