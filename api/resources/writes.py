"""What every write view shares: the optimistic-concurrency header and the answer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from typing import Any
from uuid import UUID

from flask import request

from api.auth import current_actor
from api.errors import refuse_parameter
from casework.application import Written


def expected_version() -> int | None:
    """Return the version the client's `If-Match` header says it last saw, if it sent one."""
    header = request.headers.get("If-Match")
    if header is None:
        return None
    value = header.strip().removeprefix("W/").strip('"')
    if not value.isdigit() or int(value) < 1:
        refuse_parameter("headers", "If-Match", "Must be the journey version, e.g. If-Match: 3.")
    return int(value)


def change_journey(
    command: Callable[..., Written], journey_id: UUID, **data: Any
) -> dict[str, Any]:
    """Run a journey command for the current practitioner and answer what it wrote."""
    written = command(current_actor(), journey_id, expected_version=expected_version(), **data)
    return asdict(written)
