"""Time helpers: the server clock, and checks on client-supplied clinical times."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from casework.bounds import check_in_range
from casework.errors import InvalidInput, RuleViolation
from casework.refusals import Refusal

CLOCK_SKEW = timedelta(minutes=5)
"""How far in the future a clinical time may lie before it is refused (clocks drift)."""


def utc_now() -> datetime:
    """Return the server's current time, timezone-aware UTC."""
    return datetime.now(UTC)


def clinical_time(value: datetime | None, field: str = "occurred_at") -> datetime:
    """Return a clinical time as UTC, defaulting to now; refuse naive or future times.

    A time in the future is well formed but contradicts the record (nothing has happened yet
    that lies ahead of the server's clock, give or take CLOCK_SKEW): 409 naming the field.
    """
    if value is None:
        return utc_now()
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidInput.field(field, "Must include a time zone offset.")
    check_in_range(value, field)  # before shifting it by its offset, which could overflow
    if value - utc_now() > CLOCK_SKEW:
        raise RuleViolation(
            Refusal.OCCURRED_IN_FUTURE, f"`{field}` lies in the future.", {"field": field}
        )
    return value.astimezone(UTC)


def aware(value: datetime, field: str) -> datetime:
    """Return a planned (possibly future) time as UTC; refuse naive times."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidInput.field(field, "Must include a time zone offset.")
    return check_in_range(value, field).astimezone(UTC)


def local_date(moment: datetime, time_zone: str) -> date:
    """Return the calendar date of `moment` in the given IANA time zone."""
    return moment.astimezone(ZoneInfo(time_zone)).date()
