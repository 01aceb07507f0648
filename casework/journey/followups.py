"""Follow-ups owed after a held session, counted from its actual date in the clinic's time zone."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from uuid import UUID, uuid5


def plan_follow_ups(
    session_id: UUID,
    session_number: int,
    session_day: date,
    schedule: list[dict[str, Any]],
    owners: dict[str, UUID],
) -> list[dict[str, Any]]:
    """Return the follow-ups the journey's `session_number`th session, held on `session_day`
    (D0), owes, as plain values; each label names its session ("Session 2 · phone check-in").

    `owners` maps a care-team role to the practitioner who holds it on this journey.
    """
    return [
        {
            "follow_up_id": uuid5(session_id, f"follow-up-{index}"),
            "kind": rule["kind"],
            "label": f"Session {session_number} · {_in_a_sentence(rule['label'])}",
            "due_on": session_day + timedelta(days=rule["due_day"]),
            "window_start": session_day + timedelta(days=rule["window_start_day"]),
            "window_end": session_day + timedelta(days=rule["window_end_day"]),
            "owner_id": owners.get(rule["owner_role"]),
            "owner_role": rule["owner_role"],
        }
        for index, rule in enumerate(schedule)
    ]


def _in_a_sentence(label: str) -> str:
    """Return a schedule's label as it reads after a dot: "Phone check-in" → "phone check-in"."""
    capitalised_word = label[:1].isupper() and label[1:2].islower()
    return label[:1].lower() + label[1:] if capitalised_word else label
