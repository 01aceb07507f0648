"""A practitioner's follow-ups as an iCalendar feed (RFC 5545, the `icalendar` package).

Each follow-up still owed is an all-day event spanning its window (the clinic's calendar dates;
DTEND is the day after the window closes, as RFC 5545 counts all-day ends). It names the client
by pseudonym and the follow-up by its label, and holds no clinical text.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from icalendar import Calendar, Event

from casework.clock import utc_now

PRODUCT_ID = "-//Casework//follow-ups//EN"


def follow_up_calendar(rows: list[dict[str, Any]], clinic_zone: str) -> bytes:
    """Return the follow-ups `rows` (queries.owed_by) as an iCalendar document."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "Casework follow-ups")
    calendar.add("x-wr-timezone", clinic_zone)
    stamped: datetime = utc_now().replace(microsecond=0)
    for row in rows:
        event = Event()
        event.add("uid", f"{row['follow_up_id']}@casework")
        event.add("dtstamp", stamped)
        event.add("dtstart", row["window_start"])
        event.add("dtend", row["window_end"] + timedelta(days=1))
        event.add("summary", f"{row['client_pseudonym']}: {row['label']}")
        event.add("description", f"Due {row['due_on'].isoformat()}.")
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return bytes(calendar.to_ical())
