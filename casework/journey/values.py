"""The journey's vocabulary: enums stored by value, and the records its state is made of."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any
from uuid import UUID


def in_words(code: str) -> str:
    """Return a code as words, as a summary shows it: `supportive_touch` is "supportive touch"."""
    return code.replace("_", " ")


class Status(StrEnum):
    """Whether care goes on, and whether sessions may."""

    ACTIVE = "active"
    PAUSED = "paused"
    STOPPED = "stopped"
    WITHDRAWN = "withdrawn"
    CLOSED = "closed"


class Phase(StrEnum):
    """Where the journey stands in PRODUCT.md's state machine."""

    INTAKE = "intake"
    SCREENING = "screening"
    PREPARATION = "preparation"
    READY = "ready"
    IN_SESSIONS = "in_sessions"
    INTEGRATION = "integration"
    PAUSED = "paused"
    CLOSED = "closed"


class ScreeningOutcome(StrEnum):
    """The outcome of a screening decision."""

    ELIGIBLE = "eligible"
    ELIGIBLE_WITH_CONDITIONS = "eligible_with_conditions"
    DEFERRED = "deferred"
    INELIGIBLE = "ineligible"


ELIGIBLE_OUTCOMES = {
    ScreeningOutcome.ELIGIBLE.value,
    ScreeningOutcome.ELIGIBLE_WITH_CONDITIONS.value,
}


class CriterionResult(StrEnum):
    """The result of one screening criterion."""

    MET = "met"
    NOT_MET = "not_met"
    UNKNOWN = "unknown"


class ConsentKind(StrEnum):
    """What a consent covers."""

    TREATMENT = "treatment"
    SUPPORTIVE_TOUCH = "supportive_touch"
    RECORDING = "recording"
    DATA_SHARING = "data_sharing"


class CareRole(StrEnum):
    """The roles a practitioner can hold on one journey's care team."""

    FACILITATOR = "facilitator"
    INTEGRATION_THERAPIST = "integration_therapist"
    CLINICAL_LEAD = "clinical_lead"


class DoseKind(StrEnum):
    """A dose given in a session, or a supplemental dose deliberately withheld."""

    INITIAL = "initial"
    SUPPLEMENTAL = "supplemental"
    SUPPLEMENTAL_WITHHELD = "supplemental_withheld"


class AdverseEventSeverity(StrEnum):
    """How serious an adverse event in a session was."""

    MILD = "mild"
    MODERATE = "moderate"
    SEVERE = "severe"
    SERIOUS = "serious"


class ContactKind(StrEnum):
    """An integration contact after a session."""

    INTEGRATION_SESSION = "integration_session"
    PHONE_CHECK_IN = "phone_check_in"
    SAFETY_CHECK = "safety_check"
    OTHER = "other"


class OutreachChannel(StrEnum):
    """How an attempt to reach the client was made."""

    PHONE = "phone"
    SMS = "sms"
    EMAIL = "email"
    LETTER = "letter"
    IN_PERSON = "in_person"


class OutreachOutcome(StrEnum):
    """What an outreach attempt achieved."""

    NO_ANSWER = "no_answer"
    LEFT_MESSAGE = "left_message"
    REACHED_RESCHEDULED = "reached_rescheduled"
    REACHED_DECLINED = "reached_declined"


class SessionStatus(StrEnum):
    """Where a medicine session stands."""

    SCHEDULED = "scheduled"
    HELD = "held"
    CANCELLED = "cancelled"


class FollowUpStatus(StrEnum):
    """PRODUCT.md's follow-up states, judged against a date in the clinic's time zone."""

    UPCOMING = "upcoming"
    DUE = "due"
    OVERDUE = "overdue"
    DONE_EARLY = "done_early"
    DONE_ON_TIME = "done_on_time"
    DONE_LATE = "done_late"
    CANCELLED = "cancelled"


@dataclass
class Recorded:
    """Who recorded something, in which role, when it happened and was recorded, and by which
    version of the journey (the event) — the entry a correction or an addendum names."""

    actor_id: UUID
    actor_role: str
    occurred_at: datetime
    recorded_at: datetime
    version: int


@dataclass
class CareTeamMember:
    practitioner_id: UUID
    role: str
    assigned: Recorded


@dataclass
class ScreeningDecision:
    outcome: str
    criteria: list[dict[str, Any]]
    rationale: str | None
    conditions: list[str]
    co_signer_id: UUID | None
    valid_until: date | None
    decided: Recorded


@dataclass
class Consent:
    kind: str
    scope: list[str]
    notes: str | None
    given: Recorded
    withdrawn: Recorded | None = None
    withdrawal_reason: str | None = None

    @property
    def active(self) -> bool:
        return self.withdrawn is None


@dataclass
class PreparationSession:
    preparation_id: UUID
    duration_minutes: int
    topics: list[str]
    notes: str | None
    held: Recorded


@dataclass
class SafetyPlan:
    emergency_contact: str
    transport_plan: str | None
    overnight_plan: str | None
    notes: str | None
    recorded: Recorded


@dataclass
class Session:
    session_id: UUID
    status: str
    planned_start: datetime
    planned_end: datetime
    facilitator_ids: list[UUID]
    location: str | None
    scheduled: Recorded
    reschedule_count: int = 0
    started_at: datetime | None = None
    ended_at: datetime | None = None
    doses: list[dict[str, Any]] = field(default_factory=list)
    supportive_touch_used: bool = False
    touch_areas: list[str] = field(default_factory=list)
    adverse_event: dict[str, Any] | None = None
    notes: str | None = None
    outcome: Recorded | None = None
    cancellation_reason: str | None = None
    cancelled: Recorded | None = None


@dataclass
class FollowUp:
    follow_up_id: UUID
    session_id: UUID
    kind: str
    label: str
    due_on: date
    window_start: date
    window_end: date
    owner_id: UUID | None
    owner_role: str
    done_on: date | None = None
    contact_id: UUID | None = None
    outreach_attempts: int = 0
    cancelled: bool = False

    def status_on(self, today: date) -> FollowUpStatus:
        """Return the follow-up's state on `today` (a date in the clinic's time zone)."""
        if self.done_on is not None:
            if self.done_on < self.window_start:
                return FollowUpStatus.DONE_EARLY
            late = self.done_on > self.window_end
            return FollowUpStatus.DONE_LATE if late else FollowUpStatus.DONE_ON_TIME
        if self.cancelled:
            return FollowUpStatus.CANCELLED
        if today < self.window_start:
            return FollowUpStatus.UPCOMING
        if today <= self.window_end:
            return FollowUpStatus.DUE
        return FollowUpStatus.OVERDUE


@dataclass
class Contact:
    contact_id: UUID
    kind: str
    follow_up_id: UUID | None
    duration_minutes: int | None
    notes: str | None
    contacted: Recorded


@dataclass
class Decision:
    """A pause, resumption, stop, withdrawal or closure: who, when, why."""

    kind: str
    reason: str | None
    decided: Recorded
    review_date: date | None = None
    conditions_to_resume: list[str] = field(default_factory=list)


@dataclass
class Correction:
    """A corrected field of an earlier entry: the original stays in the history beside it."""

    corrected_version: int
    entry_type: str
    field: str
    original_value: Any
    new_value: Any
    reason: str
    corrected: Recorded


@dataclass
class Addendum:
    """Text added to an earlier entry, which itself stays as it was."""

    entry_version: int
    text: str
    added: Recorded
