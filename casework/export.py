"""A journey's stored events as plain JSON values, each with its place in the hash chain."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from casework.chain import canonical_json, link_of

ENVELOPE_FIELDS = ("originator_id", "originator_version", "timestamp", "previous_link")
"""What every event carries: shown once per entry, not again among its data."""


def exported_events(events: Iterable[Any]) -> list[dict[str, Any]]:
    """Return each event's version, type, recorded time, chain links and data, in order.

    Values are as stored: personal text is still sealed here, for the caller to reveal.
    """
    return [
        {
            "version": event.originator_version,
            "type": type(event).__name__,
            "recorded_at": event.timestamp,
            "previous_link": event.previous_link,
            "link": link_of(event),
            "data": plain_values(
                {name: value for name, value in vars(event).items() if name not in ENVELOPE_FIELDS}
            ),
        }
        for event in events
    ]


def plain_values(value: Any) -> Any:
    """Return `value` with UUIDs, dates and times as the strings the hash chain reads them as."""
    return json.loads(canonical_json(value))
