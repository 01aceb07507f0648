"""The readiness checklist: each step before a session, met or not, and why not in words.

The steps are the reason codes `casework.journey.readiness.session_blockers` gives; each step
names the command that meets it, so the page can point at its form.
"""

from __future__ import annotations

from typing import NamedTuple

from casework.commands import Command
from casework.journey.commands import (
    AssignCareTeamMember,
    GiveConsent,
    RecordPreparationSession,
    RecordSafetyPlan,
    RecordScreeningDecision,
    ResumeJourney,
)
from casework.refusals import Refusal


class Step(NamedTuple):
    label: str
    why_not: dict[Refusal, str]
    met_by: type[Command] | None


STEPS = (
    Step(
        "The journey is open",
        {
            Refusal.JOURNEY_CLOSED: "The journey is closed: no further sessions.",
            Refusal.JOURNEY_PAUSED: "The journey is paused: a clinical lead resumes it first.",
            Refusal.JOURNEY_STOPPED: "The journey was stopped: no further sessions.",
            Refusal.CLIENT_WITHDREW: "The client withdrew: no further sessions.",
        },
        ResumeJourney,
    ),
    Step(
        "Screening: eligible, and valid on the session day",
        {
            Refusal.SCREENING_MISSING: "No screening decision yet: a clinical lead records one.",
            Refusal.SCREENING_NOT_ELIGIBLE: "The latest screening decision is not eligible.",
            Refusal.SCREENING_EXPIRED: "The screening decision is no longer valid: screen again.",
        },
        RecordScreeningDecision,
    ),
    Step(
        "A preparation session held",
        {Refusal.PREPARATION_MISSING: "No preparation session is recorded yet."},
        RecordPreparationSession,
    ),
    Step(
        "Consent to treatment in force",
        {Refusal.TREATMENT_CONSENT_MISSING: "No treatment consent in force: none, or withdrawn."},
        GiveConsent,
    ),
    Step(
        "A safety plan",
        {Refusal.SAFETY_PLAN_MISSING: "No safety plan is recorded yet."},
        RecordSafetyPlan,
    ),
    Step(
        "A facilitator on the care team",
        {Refusal.NO_FACILITATOR_ON_CARE_TEAM: "No facilitator is on the care team yet."},
        AssignCareTeamMember,
    ),
)


class Checked(NamedTuple):
    label: str
    met: bool
    why_not: list[str]
    met_by: str | None


def checklist(blockers: list[str]) -> list[Checked]:
    """Return each step, met unless one of its reason codes blocks it (in the order given)."""
    return [
        Checked(
            step.label,
            not any(code in step.why_not for code in blockers),
            [step.why_not[Refusal(code)] for code in blockers if code in step.why_not],
            step.met_by.__name__ if step.met_by else None,
        )
        for step in STEPS
    ]


def unexplained(blockers: list[str]) -> list[str]:
    """Return blockers no step explains (shown in their own words, so none is ever hidden)."""
    explained = {code for step in STEPS for code in step.why_not}
    return [Refusal(code).in_words for code in blockers if code not in explained]
