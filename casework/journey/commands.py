"""The journey's commands, intake to closure: each a value declared once.

A command is a frozen keyword-only dataclass named verb + noun (house style 15). The API's input
schema builds it, `casework.journey.service` takes it, and `casework.permissions` is keyed by its
class. Validation is the service's and the journey's; a command only carries what was asked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, ClassVar
from uuid import UUID

from casework.commands import Command, Dated
from casework.journey.values import (
    CareRole,
    ConsentKind,
    ContactKind,
    OutreachChannel,
    OutreachOutcome,
    ScreeningOutcome,
)


@dataclass(frozen=True, kw_only=True)
class RecordIntake(Dated):
    """Open a journey for a client, named by pseudonym (registered if new)."""

    client_pseudonym: str
    referral_source: str
    primary_need: str
    existing_support: str | None = None


@dataclass(frozen=True, kw_only=True)
class JourneyCommand(Command):
    """A command to an open journey, optionally over the version its writer last saw."""

    journey_id: UUID
    expected_version: int | None = None
    time_field: ClassVar[str] = "occurred_at"
    """The field holding the command's clinical time."""

    @property
    def clinical_time(self) -> datetime | None:
        """When it happened, in clinical time (None: now)."""
        moment: datetime | None = getattr(self, self.time_field)
        return moment


@dataclass(frozen=True, kw_only=True)
class DatedJourneyCommand(JourneyCommand, Dated):
    """A journey command dated by `occurred_at`."""


# -- intake and care team ------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class AssignCareTeamMember(DatedJourneyCommand):
    practitioner_id: UUID
    role: CareRole


@dataclass(frozen=True, kw_only=True)
class UnassignCareTeamMember(DatedJourneyCommand):
    practitioner_id: UUID
    reason: str | None = None


# -- eligibility -----------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class RecordScreeningDecision(DatedJourneyCommand):
    outcome: ScreeningOutcome
    criteria: list[dict[str, Any]]
    rationale: str | None = None
    conditions: list[str] = field(default_factory=list)
    co_signer_id: UUID | None = None
    valid_until: date | None = None


@dataclass(frozen=True, kw_only=True)
class GiveConsent(DatedJourneyCommand):
    kind: ConsentKind
    scope: list[str] = field(default_factory=list)
    notes: str | None = None


@dataclass(frozen=True, kw_only=True)
class WithdrawConsent(DatedJourneyCommand):
    kind: ConsentKind
    reason: str | None = None


@dataclass(frozen=True, kw_only=True)
class RecordPreparationSession(DatedJourneyCommand):
    duration_minutes: int
    topics: list[str] = field(default_factory=list)
    notes: str | None = None


@dataclass(frozen=True, kw_only=True)
class RecordSafetyPlan(DatedJourneyCommand):
    emergency_contact: str
    transport_plan: str | None = None
    overnight_plan: str | None = None
    notes: str | None = None


# -- sessions ----------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ScheduleSession(DatedJourneyCommand):
    planned_start: datetime
    planned_end: datetime
    facilitator_ids: list[UUID] = field(default_factory=list)
    location: str | None = None


@dataclass(frozen=True, kw_only=True)
class RescheduleSession(DatedJourneyCommand):
    session_id: UUID
    planned_start: datetime
    planned_end: datetime
    reason: str


@dataclass(frozen=True, kw_only=True)
class CancelSession(DatedJourneyCommand):
    session_id: UUID
    reason: str


@dataclass(frozen=True, kw_only=True)
class RecordSessionOutcome(JourneyCommand):
    """Record a held session; its clinical time is when it started."""

    session_id: UUID
    started_at: datetime
    ended_at: datetime
    facilitator_ids: list[UUID]
    doses: list[dict[str, Any]]
    supportive_touch_used: bool = False
    touch_areas: list[str] = field(default_factory=list)
    adverse_event: dict[str, Any] | None = None
    notes: str | None = None
    time_field: ClassVar[str] = "started_at"


# -- after a session -------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class RecordContact(DatedJourneyCommand):
    kind: ContactKind
    follow_up_id: UUID | None = None
    duration_minutes: int | None = None
    notes: str | None = None


@dataclass(frozen=True, kw_only=True)
class RecordOutreach(DatedJourneyCommand):
    follow_up_id: UUID
    channel: OutreachChannel
    outcome: OutreachOutcome
    notes: str | None = None


@dataclass(frozen=True, kw_only=True)
class ReassignFollowUp(DatedJourneyCommand):
    """Hand one open follow-up to another practitioner who holds its owning role."""

    follow_up_id: UUID
    practitioner_id: UUID
    reason: str


# -- decisions ---------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class PauseJourney(DatedJourneyCommand):
    reason: str
    review_date: date
    conditions_to_resume: list[str]


@dataclass(frozen=True, kw_only=True)
class ResumeJourney(DatedJourneyCommand):
    rationale: str


@dataclass(frozen=True, kw_only=True)
class StopJourney(DatedJourneyCommand):
    rationale: str


@dataclass(frozen=True, kw_only=True)
class RecordWithdrawal(DatedJourneyCommand):
    reason: str | None = None


@dataclass(frozen=True, kw_only=True)
class CloseJourney(DatedJourneyCommand):
    reason: str


# -- corrections and addenda -------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class RecordCorrection(DatedJourneyCommand):
    """Correct a field of an earlier entry, named by journey version or by log position."""

    field: str
    new_value: Any
    reason: str
    corrects_version: int | None = None
    corrects_position: int | None = None


@dataclass(frozen=True, kw_only=True)
class RecordAddendum(DatedJourneyCommand):
    entry_version: int
    text: str
