"""Every reason a session can be blocked for has its step, and its words, in the checklist."""

from __future__ import annotations

import inspect
import re

from casework.journey.readiness import STATUS_REFUSALS, session_blockers
from casework.refusals import Refusal
from web.readiness import STEPS, checklist, unexplained


def test_every_blocker_a_journey_can_give_is_a_step_of_the_checklist() -> None:
    named = re.findall(r"Refusal\.([A-Z_]+)", inspect.getsource(session_blockers))
    blockers = {Refusal[name] for name in named} | {code for code, _ in STATUS_REFUSALS.values()}
    explained = {code for step in STEPS for code in step.why_not}
    assert blockers <= explained, blockers - explained


def test_a_blocker_fails_its_step_and_one_no_step_knows_is_still_shown() -> None:
    steps = checklist([Refusal.SAFETY_PLAN_MISSING.value])
    assert [step.label for step in steps if not step.met] == ["A safety plan"]
    assert unexplained([Refusal.SAFETY_PLAN_MISSING.value, Refusal.SESSION_HELD.value]) == [
        Refusal.SESSION_HELD.in_words
    ]
