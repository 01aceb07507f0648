"""Corrections: what one may change (each event class declares its `correctable` fields), how a
corrected value is read, and the checks a corrected time or date passes before it is recorded."""

from __future__ import annotations

import copy
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from casework.clock import clinical_time
from casework.errors import InvalidInput, RuleViolation
from casework.journey.times import latest_screening, record_time_violations
from casework.refusals import Refusal
from casework.roles import Acting

if TYPE_CHECKING:
    from casework.journey.aggregate import Journey

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


def correction_of(
    journey: Journey, entry: Any, field: str, new_value: Any, reason: str
) -> dict[str, Any]:
    """Return the correction of `field` of the stored event `entry`: what it was, what it becomes.

    Refused (InvalidInput) when the entry's class does not declare the field correctable, when
    the value is not one the field can hold, or when it is the value recorded now.
    """
    entry_type = type(entry).__name__
    if field not in correctable_fields(type(entry)):
        fields = ", ".join(correctable_fields(type(entry))) or "none"
        raise InvalidInput.field("field", f"Correctable fields of a {entry_type}: {fields}.")
    original = current_value(journey, entry, field)
    value = corrected_value(field, original, new_value)
    if value == original:
        raise InvalidInput.field("new_value", "Same as the value recorded now.")
    return {
        "corrected_version": entry.originator_version,
        "entry_type": entry_type,
        "field": field,
        "original_value": original,
        "new_value": value,
        "reason": reason,
    }


def current_value(journey: Journey, entry: Any, field: str) -> Any:
    """Return the value of an entry's field as the journey holds it: after its latest correction."""
    for correction in reversed(journey.corrections):
        if correction.corrected_version == entry.originator_version and correction.field == field:
            return correction.new_value
    return getattr(entry, field)


def check_corrected_times(
    journey: Journey, acting: Acting, correction: dict[str, Any], time_zone: str
) -> None:
    """Refuse a corrected time or date that would contradict the record.

    The correction is tried on a copy of the journey (dates judged in the clinic's `time_zone`)
    and refused with the first contradiction it would add.
    """
    before = record_time_violations(journey, time_zone)
    trial = copy.deepcopy(journey)
    trial._trigger(trial.CorrectionRecorded, acting, **correction)
    # Which screening is in force follows from the decisions' clinical times: a correction
    # that moves one past another is a new decision, recorded as one (read models rely on it).
    if _in_force(journey) != _in_force(trial):
        raise RuleViolation(
            Refusal.CORRECTION_CHANGES_SCREENING_IN_FORCE,
            "The corrected time would change which screening decision is in force: "
            "record a new decision instead.",
        )
    added = sorted(record_time_violations(trial, time_zone) - before, key=str)
    if added:
        reason = added[0][0]
        raise RuleViolation(
            reason,
            f"The corrected {correction['field']} would contradict the record ({reason}).",
        )


def _in_force(journey: Journey) -> int | None:
    latest = latest_screening(journey.screening_decisions)
    return None if latest is None else latest.decided.version
