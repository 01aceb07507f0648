"""schemathesis hooks: dates and times drawn from the years the record holds.

The document states those years as a pattern beside `format: date` or `date-time`
(`api.openapi.YEARS_PATTERN`). schemathesis draws such a value from the format over years 0001
to 9999, then keeps the ones the pattern allows: too few when an operation needs two times
(`planned_start`, `planned_end`), and its health check gives up. Drawn from 1900..2199 instead,
every value is one the pattern allows. `schemathesis.toml` names this module, so
`schemathesis run` loads it too; tests/api/test_schema_fuzz.py imports it.
"""

from __future__ import annotations

from datetime import date

import schemathesis
from hypothesis import strategies as st

from casework.bounds import EARLIEST_YEAR, LATEST_YEAR


def two_digits(low: int, high: int) -> st.SearchStrategy[str]:
    return st.integers(low, high).map("{:02d}".format)


DAYS = st.dates(date(EARLIEST_YEAR, 1, 1), date(LATEST_YEAR, 12, 31)).map(date.isoformat)
OFFSETS = st.just("Z") | st.builds(
    "{}{}:{}".format, st.sampled_from("+-"), two_digits(0, 23), two_digits(0, 59)
)
FRACTIONS = st.just("") | st.integers(0, 999_999).map(".{:06d}".format)
TIMES = st.builds(
    "{}T{}:{}:{}{}{}".format,
    DAYS,
    two_digits(0, 23),
    two_digits(0, 59),
    two_digits(0, 59),
    FRACTIONS,
    OFFSETS,
)

schemathesis.openapi.format("date", DAYS)
schemathesis.openapi.format("date-time", TIMES)
