"""What every write view shares: the optimistic-concurrency header and the answer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from typing import Any
from uuid import UUID

from flask import request, url_for

from api.auth import current_actor
from api.conditional import IF_MATCH
from api.errors import refuse_parameter
from casework.application import Written

Created = tuple[dict[str, Any], int, dict[str, str]]
"""A creating write's answer: what it wrote, 201, and the Location to read it at."""

READ_AT = {
    "journeys": ("journeys.JourneyById", "journey_id"),
    "care_team": ("journeys.JourneyById", "journey_id"),
    "eligibility": ("journeys.JourneyById", "journey_id"),
    "sessions": ("journeys.JourneyById", "journey_id"),
    "aftercare": ("journeys.JourneyById", "journey_id"),
    "decisions": ("journeys.JourneyById", "journey_id"),
    "amendments": ("journeys.JourneyById", "journey_id"),
    "practitioners": ("practitioners.PractitionerById", "practitioner_id"),
}
"""Where what a blueprint's writes create is read: the record they wrote (`Written.id`).

A journey's records (sessions, consents, decisions, contacts, corrections, ...) have no URL of
their own: they are read in the journey, whose ETag the next write's `If-Match` names. A role
is read in its practitioner. Clinics are not read over HTTP, so registering one has no Location.
"""


def expected_version() -> int | None:
    """Return the version the client's `If-Match` header says it last saw, if it sent one.

    It may name the version (`3`), or send back a read's ETag (`"3.9f…"`, `"3.9f…:gzip"`); `*`
    asks for no version in particular (the journey must exist, as any write's does).
    """
    header = request.headers.get("If-Match")
    if header is None:
        return None
    match = IF_MATCH.fullmatch(header.strip())
    if match is None:
        refuse_parameter("headers", "If-Match", "Must be the journey version, e.g. If-Match: 3.")
    return None if match[0] == "*" else int(match[2])


def location_of(written: Written) -> str | None:
    """Return the URL to read what this request's write created at, if it can be read."""
    read_at = READ_AT.get(request.blueprint or "")
    if read_at is None:
        return None
    endpoint, argument = read_at
    return url_for(endpoint, **{argument: (request.view_args or {}).get(argument, written.id)})


def created(written: Written) -> Created:
    """Answer 201 with what a write created, and where to read it (`Location`)."""
    location = location_of(written)
    return asdict(written), 201, {"Location": location} if location else {}


def change_journey(
    command: Callable[..., Written], journey_id: UUID, **data: Any
) -> dict[str, Any]:
    """Run a journey command for the current practitioner and answer what it wrote."""
    return asdict(write_journey(command, journey_id, **data))


def add_to_journey(command: Callable[..., Written], journey_id: UUID, **data: Any) -> Created:
    """Run a journey command that adds a record, and answer 201 with the journey's Location."""
    return created(write_journey(command, journey_id, **data))


def write_journey(command: Callable[..., Written], journey_id: UUID, **data: Any) -> Written:
    """Run a journey command for the current practitioner, over the version it names."""
    return command(current_actor(), journey_id, expected_version=expected_version(), **data)
