"""What a correction may change: per entry (event) type, the fields a person can get wrong."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from casework.clock import clinical_time
from casework.errors import InvalidInput

CORRECTABLE: dict[str, dict[str, str]] = {
    "IntakeRecorded": {
        "referral_source": "referral_source",
        "primary_need": "primary_need",
        "existing_support": "existing_support",
    },
    "ScreeningDecisionRecorded": {"rationale": "rationale", "valid_until": "valid_until"},
    "ConsentGiven": {"notes": "notes"},
    "PreparationSessionRecorded": {"duration_minutes": "duration_minutes", "notes": "notes"},
    "SafetyPlanRecorded": {
        "emergency_contact": "emergency_contact",
        "transport_plan": "transport_plan",
        "overnight_plan": "overnight_plan",
        "notes": "notes",
    },
    "SessionOutcomeRecorded": {"notes": "notes"},
    "ContactRecorded": {"duration_minutes": "duration_minutes", "notes": "notes"},
    "JourneyPaused": {"reason": "reason", "review_date": "review_date"},
    "JourneyResumed": {"rationale": "reason"},
    "JourneyStopped": {"rationale": "reason"},
    "ClientWithdrew": {"reason": "reason"},
    "JourneyClosed": {"reason": "reason"},
}
"""Entry type → {event field: the attribute it sets on the record it made}."""

FIXED_CLINICAL_TIME = {"IntakeRecorded", "SessionOutcomeRecorded", "ContactRecorded"}
"""Entries whose clinical time other dates were counted from: correct them with a new entry."""

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


def correctable_fields(entry_type: str) -> list[str]:
    """Return the fields of an entry type a correction may change."""
    fields = list(CORRECTABLE.get(entry_type, {}))
    if entry_type in CORRECTABLE and entry_type not in FIXED_CLINICAL_TIME:
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
