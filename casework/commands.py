"""Commands outside a journey: clinics, staff and clients, each a value declared once.

A command is a frozen keyword-only dataclass named verb + noun. The API's input schema builds it
(`post_load`), the application service takes it, and the permission table is keyed by its class.
The journey's commands are in `casework.journey.commands`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from uuid import UUID

from casework.roles import Role


@dataclass(frozen=True, kw_only=True)
class Command:
    """Base of every command: a request to change the record, checked before anything is written."""


@dataclass(frozen=True, kw_only=True)
class Dated(Command):
    """A command about something that happened: when, in clinical time (None: now)."""

    occurred_at: datetime | None = None


@dataclass(frozen=True, kw_only=True)
class RegisterClinic(Command):
    """Register a clinic and its first admin (the operator's command)."""

    name: str
    time_zone: str
    admin_display_name: str
    follow_up_schedule: list[dict[str, Any]] | None = None
    min_facilitators: int = 1
    retention_years: int = 10
    clinic_id: UUID | None = None
    admin_id: UUID | None = None


@dataclass(frozen=True, kw_only=True)
class ChangeClinicSettings(Dated):
    """Change some of a clinic's settings, for a reason; the ones left out stay as they are.

    `occurred_at` is when the change took effect (default: now): a new follow-up schedule
    applies to sessions held from then on.
    """

    clinic_id: UUID
    reason: str
    time_zone: str | None = None
    follow_up_schedule: list[dict[str, Any]] | None = None
    min_facilitators: int | None = None
    retention_years: int | None = None


@dataclass(frozen=True, kw_only=True)
class RegisterPractitioner(Command):
    display_name: str
    roles: list[Role]
    credentials: list[dict[str, Any]] = field(default_factory=list)
    modalities: list[str] = field(default_factory=list)
    practitioner_id: UUID | None = None


@dataclass(frozen=True, kw_only=True)
class GrantRole(Command):
    practitioner_id: UUID
    role: Role
    reason: str


@dataclass(frozen=True, kw_only=True)
class RevokeRole(Command):
    practitioner_id: UUID
    role: Role
    reason: str


@dataclass(frozen=True, kw_only=True)
class RenamePractitioner(Command):
    practitioner_id: UUID
    display_name: str


@dataclass(frozen=True, kw_only=True)
class RecordCredentials(Command):
    """Replace a practitioner's credentials (licences, valid until) and training modalities."""

    practitioner_id: UUID
    credentials: list[dict[str, Any]] = field(default_factory=list)
    modalities: list[str] = field(default_factory=list)


@dataclass(frozen=True, kw_only=True)
class DeactivatePractitioner(Command):
    """A practitioner left: their tokens stop at once, and no care team takes them on."""

    practitioner_id: UUID
    reason: str


@dataclass(frozen=True, kw_only=True)
class IssueToken(Command):
    """Issue a practitioner a bearer token, shown once."""

    practitioner_id: UUID
    label: str


@dataclass(frozen=True, kw_only=True)
class InvitePractitioner(Command):
    """Invite a practitioner to sign in by browser under `user_name`: a one-time link.

    Inviting again (a lost phone, a forgotten password) replaces their password and second
    factor once the new link is used.
    """

    practitioner_id: UUID
    user_name: str


@dataclass(frozen=True, kw_only=True)
class RevokeToken(Command):
    """Revoke a bearer token: an admin any of the clinic's, a practitioner their own."""

    practitioner_id: UUID
    token_id: UUID
    reason: str


@dataclass(frozen=True, kw_only=True)
class IssueCalendarFeed(Command):
    """Give a practitioner a calendar feed of the follow-ups they owe (its URL shown once)."""

    practitioner_id: UUID


@dataclass(frozen=True, kw_only=True)
class RevokeCalendarFeed(Command):
    practitioner_id: UUID
    feed_id: UUID
    reason: str


@dataclass(frozen=True, kw_only=True)
class RecordClientDetails(Command):
    """Record or replace a client's identifying details (each sealed under the client's key)."""

    client_id: UUID
    name: str
    date_of_birth: date
    contact: str | None = None
    support_contact: str | None = None


@dataclass(frozen=True, kw_only=True)
class EraseClient(Command):
    client_id: UUID
    reason: str
    retention_override: str | None = None
