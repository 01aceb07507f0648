"""The journey's current state as plain values, as a clinic, a therapist or an auditor reads it."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import asdict
from datetime import date
from typing import Any
from uuid import UUID

from casework.journey.aggregate import Journey
from casework.journey.readiness import phase_on, session_blockers
from casework.journey.values import CareRole, Phase
from casework.refusals import Refusal


def describe_journey(
    journey: Journey, today: date, lacking_role: Collection[tuple[UUID, str]] = ()
) -> dict[str, Any]:
    """Return the journey's state, with follow-up states and readiness judged on `today`.

    `lacking_role` names the care-team places (practitioner, role) whose practitioner no longer
    holds that role: each is shown `lacks_role`, and lacking facilitators do not count as one.
    """
    blockers = session_blockers(journey, today)
    phase = phase_on(journey, today)
    facilitators = [m for m in journey.care_team if m.role == CareRole.FACILITATOR.value]
    if facilitators and all((m.practitioner_id, m.role) in lacking_role for m in facilitators):
        if Refusal.NO_FACILITATOR_ON_CARE_TEAM not in blockers:
            blockers.append(Refusal.NO_FACILITATOR_ON_CARE_TEAM)
        if phase is Phase.READY:
            phase = Phase.PREPARATION
    return {
        "id": journey.id,
        "version": journey.version,
        "clinic_id": journey.clinic_id,
        "client_id": journey.client_id,
        "client_pseudonym": journey.client_pseudonym,
        "status": journey.status.value,
        "phase": phase.value,
        "as_of_date": today,
        "referral_source": journey.referral_source,
        "primary_need": journey.primary_need,
        "existing_support": journey.existing_support,
        "intake": asdict(journey.intake),
        "care_team": [
            {**asdict(m), "lacks_role": (m.practitioner_id, m.role) in lacking_role}
            for m in journey.care_team
        ],
        "screening_decisions": [asdict(decision) for decision in journey.screening_decisions],
        "consents": [{**asdict(c), "active": c.active} for c in journey.consents],
        "preparation_sessions": [asdict(p) for p in journey.preparation_sessions],
        "safety_plan": asdict(journey.safety_plan) if journey.safety_plan else None,
        "session_readiness": {"ready": not blockers, "blockers": blockers},
        "sessions": [asdict(session) for session in journey.sessions.values()],
        "follow_ups": [
            {**asdict(f), "status": f.status_on(today).value}
            for f in sorted(journey.follow_ups.values(), key=lambda f: (f.due_on, f.label))
        ],
        "contacts": [asdict(contact) for contact in journey.contacts],
        "decisions": [asdict(decision) for decision in journey.decisions],
        "corrections": [asdict(correction) for correction in journey.corrections],
        "addenda": [asdict(addendum) for addendum in journey.addenda],
    }
