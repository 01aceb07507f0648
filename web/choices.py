"""What a form's selects offer: the clinic's staff by name, a journey's sessions and follow-ups."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from api.read_models import projected
from casework.roles import Actor
from projections import queries
from web.forms import Choices


def staff_choices(actor: Actor) -> Choices:
    """Return the clinic's active practitioners, by name, with their roles."""
    with projected(("staff",), None) as connection:
        page = queries.staff_list(connection, actor.clinic_id, active=True, limit=1000)
    return [
        (str(row["practitioner_id"]), f"{row['display_name']} ({roles_in_words(row['roles'])})")
        for row in page.items
    ]


def roles_in_words(roles: list[str]) -> str:
    """Return roles as a page says them: "clinical lead, facilitator"."""
    return ", ".join(role.replace("_", " ") for role in roles)


def journey_choices(journey: Mapping[str, Any]) -> dict[str, Choices]:
    """Return a journey's sessions and open follow-ups, as its forms offer them."""
    sessions = [
        (str(s["session_id"]), f"Session {n}: {s['status']}, planned {s['planned_start']:%d %b %Y}")
        for n, s in enumerate(journey["sessions"], start=1)
    ]
    open_follow_ups = [
        (str(f["follow_up_id"]), f"{f['label']} (due {f['due_on']:%d %b %Y}, {f['status']})")
        for f in journey["follow_ups"]
        if f["status"] in ("upcoming", "due", "overdue")
    ]
    return {"session_id": sessions, "follow_up_id": open_follow_ups}


def choices_for(actor: Actor, journey: Mapping[str, Any] | None) -> dict[str, Choices]:
    """Return every select's choices: staff for each practitioner field, and the journey's."""
    staff = staff_choices(actor)
    choices: dict[str, Choices] = {
        "practitioner_id": staff,
        "co_signer_id": staff,
        "facilitator_ids": staff,
    }
    if journey is not None:
        choices.update(journey_choices(journey))
    return choices
