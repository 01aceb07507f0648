"""What a correction may change (each event class declares its `correctable` fields), and how a
corrected value is read."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from casework.clock import clinical_time
from casework.errors import InvalidInput

PERSONAL_FIELDS = {
    "primary_need",
    "existing_support",
    "notes",
    "emergency_contact",
    "transport_plan",
    "overnight_plan",
}
"""Correctable fields holding personal free text: sealed under the client's key (casework.vault)."""

REQUIRED_TEXT = {"referral_source", "primary_need", "rationale", "reason", "emergency_contact"}


def correctable_fields(entry_class: Any) -> list[str]:
    """Return the fields of an entry a correction may change, as its event class declares them.

    Its clinical time too, unless other dates were counted from it (`clinical_time_fixed`: such
    an entry is corrected with a new one).
    """
    fields = list(entry_class.correctable)
    if fields and not entry_class.clinical_time_fixed:
        fields.append("occurred_at")
    return fields


def corrected_value(field: str, original: Any, new_value: Any) -> Any:
    """Return `new_value` as the type the field holds; refuse what that type cannot hold."""
    if field == "occurred_at":
        if not isinstance(new_value, str):
            raise InvalidInput.field(
                "new_value", "Give a time with offset, e.g. 2026-05-01T09:00:00+02:00."
            )
        try:
            return clinical_time(datetime.fromisoformat(new_value), "new_value")
        except ValueError:
            raise InvalidInput.field("new_value", "Not an ISO 8601 time.") from None
    if isinstance(original, date) or field in ("valid_until", "review_date"):
        try:
            return date.fromisoformat(str(new_value))
        except ValueError:
            raise InvalidInput.field("new_value", "Give a date, e.g. 2026-05-01.") from None
    if field == "duration_minutes":
        if (
            not isinstance(new_value, int)
            or isinstance(new_value, bool)
            or not 1 <= new_value <= 1440
        ):
            raise InvalidInput.field("new_value", "Give whole minutes, 1 to 1440.")
        return new_value
    if new_value is None and field not in REQUIRED_TEXT:
        return None
    if not isinstance(new_value, str) or not new_value.strip():
        raise InvalidInput.field("new_value", "Give the corrected text.")
    return new_value
