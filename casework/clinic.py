"""The clinic: a tenant with its time zone and its protocol's follow-up schedule."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from eventsourcing.domain import Aggregate, event

from casework.chain import ChainedAggregate
from casework.errors import InvalidInput
from casework.roles import Acting, Role

FOLLOW_UP_KINDS = ("integration_session", "phone_check_in", "safety_check")

DEFAULT_FOLLOW_UP_SCHEDULE: list[dict[str, Any]] = [
    {
        "kind": "integration_session",
        "label": "Integration session 1",
        "due_day": 1,
        "window_start_day": 1,
        "window_end_day": 2,
        "owner_role": "integration_therapist",
    },
    {
        "kind": "phone_check_in",
        "label": "Phone check-in (day 2)",
        "due_day": 2,
        "window_start_day": 1,
        "window_end_day": 3,
        "owner_role": "integration_therapist",
    },
    {
        "kind": "phone_check_in",
        "label": "Phone check-in (day 7)",
        "due_day": 7,
        "window_start_day": 6,
        "window_end_day": 8,
        "owner_role": "integration_therapist",
    },
    {
        "kind": "integration_session",
        "label": "Integration session 2",
        "due_day": 8,
        "window_start_day": 5,
        "window_end_day": 12,
        "owner_role": "integration_therapist",
    },
    {
        "kind": "integration_session",
        "label": "Integration session 3",
        "due_day": 15,
        "window_start_day": 12,
        "window_end_day": 22,
        "owner_role": "integration_therapist",
    },
]
"""PRODUCT.md's "MDMA-AT phase-3-like" schedule: days counted from D0, the day a session is held."""


def validate_time_zone(name: str) -> str:
    """Return `name` if it is an IANA time zone known to this machine."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput.field("time_zone", "Unknown IANA time zone.") from None
    if name not in available_timezones():
        raise InvalidInput.field("time_zone", "Unknown IANA time zone.")
    return name


def validate_follow_up_schedule(rules: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return the schedule as plain values; refuse windows that do not contain their due day."""
    errors: dict[str, list[str]] = {}
    for index, rule in enumerate(rules):
        where = f"follow_up_schedule.{index}"
        if rule["kind"] not in FOLLOW_UP_KINDS:
            errors[f"{where}.kind"] = [f"Must be one of: {', '.join(FOLLOW_UP_KINDS)}."]
        if rule["owner_role"] not in {role.value for role in Role}:
            errors[f"{where}.owner_role"] = ["Unknown role."]
        if not 0 <= rule["window_start_day"] <= rule["due_day"] <= rule["window_end_day"]:
            errors[where] = ["Needs 0 <= window_start_day <= due_day <= window_end_day."]
    if errors:
        raise InvalidInput(errors)
    return [dict(rule) for rule in rules]


class Clinic(ChainedAggregate):
    """A clinic: the boundary no data ever crosses."""

    class Event(ChainedAggregate.Event):
        actor_id: UUID | None
        actor_role: str
        occurred_at: datetime

    class Registered(Event, Aggregate.Created):
        name: str
        time_zone: str
        follow_up_schedule: list[dict[str, Any]]
        min_facilitators: int
        retention_years: int

    @event(Registered)
    def __init__(
        self,
        actor_id: UUID | None,
        actor_role: str,
        occurred_at: datetime,
        name: str,
        time_zone: str,
        follow_up_schedule: list[dict[str, Any]],
        min_facilitators: int,
        retention_years: int,
        id: UUID,
    ) -> None:
        self.name = name
        self.time_zone = time_zone
        self.follow_up_schedule = [dict(rule) for rule in follow_up_schedule]
        self.min_facilitators = min_facilitators
        self.retention_years = retention_years
        self.schedules: list[tuple[datetime, list[dict[str, Any]]]] = [
            (occurred_at, self.follow_up_schedule)
        ]
        self.settings_changes: list[dict[str, Any]] = []

    class SettingsChanged(Event):
        """The clinic's settings from now on, all of them, and why they changed."""

        clinic_id: UUID
        time_zone: str
        follow_up_schedule: list[dict[str, Any]]
        min_facilitators: int
        retention_years: int
        reason: str

        def apply(self, clinic: Clinic) -> None:
            schedule = [dict(rule) for rule in self.follow_up_schedule]
            if schedule != clinic.follow_up_schedule:
                clinic.schedules.append((self.occurred_at, schedule))
            clinic.time_zone = self.time_zone
            clinic.follow_up_schedule = schedule
            clinic.min_facilitators = self.min_facilitators
            clinic.retention_years = self.retention_years
            clinic.settings_changes.append(
                {
                    "time_zone": self.time_zone,
                    "follow_up_schedule": schedule,
                    "min_facilitators": self.min_facilitators,
                    "retention_years": self.retention_years,
                    "reason": self.reason,
                    "actor_id": self.actor_id,
                    "actor_role": self.actor_role,
                    "occurred_at": self.occurred_at,
                    "version": self.originator_version,
                }
            )

    def change_settings(self, acting: Acting, reason: str, **settings: Any) -> None:
        """Change some settings, for a reason; the others stay. Refuse a change that changes
        nothing. A new follow-up schedule applies to sessions held from now on."""
        current = {
            "time_zone": self.time_zone,
            "follow_up_schedule": self.follow_up_schedule,
            "min_facilitators": self.min_facilitators,
            "retention_years": self.retention_years,
        }
        given = {name: value for name, value in settings.items() if value is not None}
        if given.get("time_zone") is not None:
            validate_time_zone(given["time_zone"])
        if given.get("follow_up_schedule") is not None:
            given["follow_up_schedule"] = validate_follow_up_schedule(given["follow_up_schedule"])
        changed = {**current, **given}
        if changed == current:
            raise InvalidInput.field("reason", "Nothing changes: give a setting that differs.")
        self.trigger_event(
            self.SettingsChanged, **acting._asdict(), clinic_id=self.id, reason=reason, **changed
        )

    def schedule_at(self, moment: datetime) -> list[dict[str, Any]]:
        """Return the follow-up schedule in force at `moment`: a session is planned by it."""
        in_force = self.schedules[0][1]
        for since, schedule in self.schedules:
            if since <= moment:
                in_force = schedule
        return in_force
