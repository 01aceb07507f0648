"""What every write view shares: the optimistic-concurrency header and the answer."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flask import request, url_for

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
    "clinics": ("clinics.ClinicById", "clinic_id"),
}
"""Where what a blueprint's writes create is read: the record they wrote (`Written.id`).

A journey's records (sessions, consents, decisions, contacts, corrections, ...) have no URL of
their own: they are read in the journey, whose ETag the next write's `If-Match` names. A role
is read in its practitioner, a token too (tokens have no URL of their own); a clinic in itself.
"""


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
