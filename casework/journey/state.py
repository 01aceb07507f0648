"""The journey's current state as plain values, as a clinic, a therapist or an auditor reads it."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Any

from casework.journey.aggregate import Journey


def describe_journey(journey: Journey, today: date) -> dict[str, Any]:
    """Return the journey's state, with follow-up states and readiness judged on `today`."""
    blockers = journey.session_blockers(today)
    return {
        "id": journey.id,
        "version": journey.version,
        "clinic_id": journey.clinic_id,
        "client_id": journey.client_id,
        "client_pseudonym": journey.client_pseudonym,
        "status": journey.status.value,
        "phase": journey.phase_on(today).value,
        "as_of_date": today,
        "referral_source": journey.referral_source,
        "primary_need": journey.primary_need,
        "existing_support": journey.existing_support,
        "intake": asdict(journey.intake),
        "care_team": [asdict(member) for member in journey.care_team],
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
