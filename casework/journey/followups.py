"""Follow-ups owed after a held session, counted from its actual date in the clinic's time zone."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from uuid import UUID, uuid5


def plan_follow_ups(
    session_id: UUID,
    session_day: date,
    schedule: list[dict[str, Any]],
    owners: dict[str, UUID],
) -> list[dict[str, Any]]:
    """Return the follow-ups a session held on `session_day` (D0) owes, as plain values.

    `owners` maps a care-team role to the practitioner who holds it on this journey.
    """
    return [
        {
            "follow_up_id": uuid5(session_id, f"follow-up-{index}"),
            "kind": rule["kind"],
            "label": rule["label"],
            "due_on": session_day + timedelta(days=rule["due_day"]),
            "window_start": session_day + timedelta(days=rule["window_start_day"]),
            "window_end": session_day + timedelta(days=rule["window_end_day"]),
            "owner_id": owners.get(rule["owner_role"]),
            "owner_role": rule["owner_role"],
        }
        for index, rule in enumerate(schedule)
    ]
