"""Reading a stored journey event's personal text in a test, as the application reveals it."""

from __future__ import annotations

from typing import Any

from casework.base import CaseworkBase
from casework.personal import reveal_payload


def revealed(app: CaseworkBase, event: Any) -> dict[str, Any]:
    """Return a stored journey event's fields with its declared personal text revealed."""
    journey = app.repository.get(event.originator_id)
    reader = app.vault.reader()
    return reveal_payload(reader, journey.clinic_id, journey.client_id, type(event), vars(event))
