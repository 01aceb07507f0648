"""The journey's events: what each records, how it changes the journey, and what it declares.

Each event class applies itself (`apply_to`, which only assigns: it runs again on every replay),
says its timeline sentence (`summary`) and, where it applies, its decision kind and the fields a
correction may change. The classes were once nested in `Journey`; each keeps the topic its events
are stored under (`TOPIC`, which the eventsourcing library reads), and `Journey` names them all.

One module per part of the journey, as the API has one blueprint per part; each event also
declares its text (`text_fields`: personal or coded) beside its fields.
"""

from __future__ import annotations

from typing import Any

from casework.journey.events.aftercare import (
    ContactRecorded,
    FollowUpsReassigned,
    OutreachRecorded,
)
from casework.journey.events.amendments import AddendumRecorded, CorrectionRecorded
from casework.journey.events.base import JourneyEvent
from casework.journey.events.decisions import (
    ClientWithdrew,
    JourneyClosed,
    JourneyPaused,
    JourneyResumed,
    JourneyStopped,
)
from casework.journey.events.eligibility import (
    ConsentGiven,
    ConsentWithdrawn,
    PreparationSessionRecorded,
    SafetyPlanRecorded,
    ScreeningDecisionRecorded,
)
from casework.journey.events.intake import (
    CareTeamMemberAssigned,
    CareTeamMemberUnassigned,
    IntakeRecorded,
)
from casework.journey.events.sessions import (
    SessionCancelled,
    SessionOutcomeRecorded,
    SessionRescheduled,
    SessionScheduled,
)
from casework.text_fields import TextFields

EVENT_CLASSES: tuple[type[JourneyEvent], ...] = (
    IntakeRecorded,
    CareTeamMemberAssigned,
    CareTeamMemberUnassigned,
    ScreeningDecisionRecorded,
    ConsentGiven,
    ConsentWithdrawn,
    PreparationSessionRecorded,
    SafetyPlanRecorded,
    SessionScheduled,
    SessionRescheduled,
    SessionCancelled,
    SessionOutcomeRecorded,
    ContactRecorded,
    OutreachRecorded,
    FollowUpsReassigned,
    JourneyPaused,
    JourneyResumed,
    JourneyStopped,
    ClientWithdrew,
    JourneyClosed,
    CorrectionRecorded,
    AddendumRecorded,
)
"""Every event a journey records, in the order of the journey."""

_DECLARING: tuple[type[JourneyEvent], ...] = (JourneyEvent, *EVENT_CLASSES)
TEXT_FIELDS: dict[type[Any], TextFields] = {c: vars(c)["text_fields"] for c in _DECLARING}
"""Every journey event's text, as each class declares it itself (read by casework.personal)."""

__all__ = [
    "EVENT_CLASSES",
    "TEXT_FIELDS",
    "AddendumRecorded",
    "CareTeamMemberAssigned",
    "CareTeamMemberUnassigned",
    "ClientWithdrew",
    "ConsentGiven",
    "ConsentWithdrawn",
    "ContactRecorded",
    "CorrectionRecorded",
    "FollowUpsReassigned",
    "IntakeRecorded",
    "JourneyClosed",
    "JourneyEvent",
    "JourneyPaused",
    "JourneyResumed",
    "JourneyStopped",
    "OutreachRecorded",
    "PreparationSessionRecorded",
    "SafetyPlanRecorded",
    "ScreeningDecisionRecorded",
    "SessionCancelled",
    "SessionOutcomeRecorded",
    "SessionRescheduled",
    "SessionScheduled",
]
