"""A journey's stored events as plain JSON values, each with its place in the hash chain.

Each event is exported twice over: `stored`, its stored form exactly as the hash chain reads it
(personal text still sealed), so that anyone can recompute every link offline; and `data`, its
fields as the code of today reads them, for people.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from eventsourcing.persistence import Mapper, StoredEvent

from casework.chain import canonical_json, form_of_stored, link_over

ENVELOPE_FIELDS = ("originator_id", "originator_version", "timestamp", "previous_link")
"""What every event carries: shown once per entry, not again among its data."""


def exported_events(mapper: Mapper[Any], records: Iterable[StoredEvent]) -> list[dict[str, Any]]:
    """Return each event's version, type, recorded time, chain links, stored form and data.

    Values are as stored: personal text is still sealed in `data` too, for the caller to reveal.
    """
    exported = []
    for record in records:
        form = form_of_stored(mapper, record)
        event = mapper.to_domain_event(record)
        exported.append(
            {
                "version": record.originator_version,
                "type": type(event).__name__,
                "recorded_at": getattr(event, "timestamp"),  # noqa: B009
                "previous_link": form["state"].get("previous_link"),
                "link": link_over(form),
                "stored": plain_values(form),
                "data": plain_values(
                    {
                        name: value
                        for name, value in vars(event).items()
                        if name not in ENVELOPE_FIELDS
                    }
                ),
            }
        )
    return exported


def plain_values(value: Any) -> Any:
    """Return `value` with UUIDs, dates and times as the strings the hash chain reads them as."""
    return json.loads(canonical_json(value))
