"""The range of times, dates and whole numbers the record holds.

Python represents years 1 to 9999, but a time at either end cannot be shifted by its offset
(OverflowError), and a date filter one day past 9999-12-31 cannot be made at all. Nothing a
clinic records lies outside 1900..2199, so anything outside is refused as input, never stored.
"""

from __future__ import annotations

from datetime import date, datetime

from casework.errors import InvalidInput

EARLIEST_YEAR = 1900
LATEST_YEAR = 2199
INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1
"""A whole number the stores hold in a signed 64-bit column (positions, versions, counts)."""

OUT_OF_RANGE = f"Must lie in the years {EARLIEST_YEAR} to {LATEST_YEAR}."


def in_range(value: date) -> bool:
    """Return whether a date or time (by its own calendar year) lies in the range."""
    return EARLIEST_YEAR <= value.year <= LATEST_YEAR


def check_in_range(value: datetime, field: str) -> datetime:
    """Return `value`; raise InvalidInput naming `field` when it lies outside the range."""
    if not in_range(value):
        raise InvalidInput.field(field, OUT_OF_RANGE)
    return value


def fits_int64(value: int) -> bool:
    """Return whether a whole number fits a signed 64-bit column."""
    return INT64_MIN <= value <= INT64_MAX
