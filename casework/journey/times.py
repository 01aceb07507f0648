"""Clinical times checked against the facts they depend on (PRODUCT.md, invariant 10).

An entry's clinical time (`occurred_at`; a held session's `started_at`) may be earlier than the
moment it is recorded, but it may never contradict the record: nothing happens before the
intake, a session is held after everything it relied on and while its screening held, and a
contact against a follow-up comes after the session that owes it. Each refusal is a
`RuleViolation` with a stable reason code.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from casework.errors import InvalidInput, RuleViolation
from casework.journey.values import (
    ELIGIBLE_OUTCOMES,
    Consent,
    ConsentKind,
    Recorded,
    ScreeningDecision,
    Session,
    SessionStatus,
)
from casework.refusals import Refusal

if TYPE_CHECKING:
    from casework.journey.aggregate import Journey

INTAKE_MAX_AGE = timedelta(days=730)
"""How far back an intake may be dated: care begins when it is recorded, give or take a
back-entered paper intake; two years back is a typo (2016 for 2026) or a migration, not an entry."""

MIN_SESSION_LENGTH = timedelta(minutes=15)
"""The shortest medicine session: one stopped right after dosing still has its monitoring."""

MAX_SESSION_LENGTH = timedelta(hours=24)
"""The longest: research protocols plan about eight hours; an overnight stay is still one day."""

MAX_SCREENING_VALIDITY = timedelta(days=365)
"""How long after its decision day a screening may stay valid: a year, then screen again."""


def check_intake_time(occurred_at: datetime, now: datetime) -> None:
    """Refuse an intake dated further back than `INTAKE_MAX_AGE` before `now`."""
    if occurred_at < now - INTAKE_MAX_AGE:
        raise RuleViolation(
            Refusal.INTAKE_TOO_FAR_BACK,
            f"An intake may be dated at most {INTAKE_MAX_AGE.days} days back.",
        )


def check_session_length(started: datetime, ended: datetime, fields: tuple[str, str]) -> None:
    """Refuse a session that ends before it starts (422), or is too short or too long (409)."""
    if ended <= started:
        raise InvalidInput.field(fields[1], f"Must be after {fields[0]}.")
    if ended - started < MIN_SESSION_LENGTH:
        minutes = MIN_SESSION_LENGTH.seconds // 60
        raise RuleViolation(
            Refusal.SESSION_TOO_SHORT, f"A session lasts at least {minutes} minutes."
        )
    if ended - started > MAX_SESSION_LENGTH:
        hours = MAX_SESSION_LENGTH.seconds // 3600 + MAX_SESSION_LENGTH.days * 24
        raise RuleViolation(Refusal.SESSION_TOO_LONG, f"A session lasts at most {hours} hours.")


def check_valid_until(valid_until: date | None, decided_on: date) -> None:
    """Refuse a screening valid before its decision day, or longer than a year after it."""
    if valid_until is None:
        return
    if not decided_on <= valid_until <= decided_on + MAX_SCREENING_VALIDITY:
        raise RuleViolation(
            Refusal.VALID_UNTIL_OUT_OF_RANGE,
            f"valid_until must lie between the decision day and {MAX_SCREENING_VALIDITY.days} "
            "days after it.",
        )


def latest_screening(
    decisions: Iterable[ScreeningDecision], at: datetime | None = None
) -> ScreeningDecision | None:
    """Return the screening in force at `at` (default: now): the latest by clinical time.

    Ties are broken by recording order, so a late-entered older decision never overrides a
    newer one.
    """
    known = [d for d in decisions if at is None or d.decided.occurred_at <= at]
    return max(known, key=lambda d: (d.decided.occurred_at, d.decided.version), default=None)


def check_session_start(journey: Journey, start: datetime) -> None:
    """Refuse a session starting before the intake or before any fact it relies on."""
    if start < journey.intake.occurred_at:
        raise RuleViolation(
            Refusal.SESSION_BEFORE_INTAKE, "A session cannot start before the intake."
        )
    late = prerequisites_after(journey, start)
    if late:
        raise RuleViolation(
            Refusal.SESSION_BEFORE_PREREQUISITES,
            "The session starts before what it relies on was in place: " + ", ".join(late) + ".",
            {"prerequisites": late},
        )


def prerequisites_after(journey: Journey, start: datetime) -> list[str]:
    """Return the prerequisites that are recorded, but only with a clinical time after `start`.

    Missing ones are not named here: the session blockers name them.
    """
    late: list[str] = []
    if journey.screening_decisions and latest_screening(journey.screening_decisions, start) is None:
        late.append("screening")
    consent = journey.active_consent(ConsentKind.TREATMENT)
    if consent is not None and consent.given.occurred_at > start:
        late.append("treatment_consent")
    preparations = [p.held.occurred_at for p in journey.preparation_sessions]
    if preparations and min(preparations) > start:
        late.append("preparation")
    plans = [p.recorded.occurred_at for p in journey.safety_plans]
    if plans and min(plans) > start:
        late.append("safety_plan")
    return late


def check_screening_on_session_day(journey: Journey, start: datetime, session_day: date) -> None:
    """Refuse holding a session whose screening in force at its start was not valid that day."""
    screening = latest_screening(journey.screening_decisions, start)
    if (
        screening is None
        or screening.outcome not in ELIGIBLE_OUTCOMES
        or screening.valid_until is None
        or screening.valid_until < session_day
    ):
        raise RuleViolation(
            Refusal.SCREENING_NOT_VALID_ON_SESSION_DAY,
            "The screening in force when the session started did not make it eligible that day.",
        )


def check_held_after_scheduled(session: Session, started: datetime) -> None:
    """Refuse a session held before the entry that scheduled it."""
    if started < session.scheduled.occurred_at:
        raise RuleViolation(
            Refusal.SESSION_HELD_BEFORE_SCHEDULED,
            "The session cannot have started before it was scheduled; date the schedule earlier.",
        )


def check_after_session(session: Session, occurred_at: datetime) -> None:
    """Refuse a contact or outreach about a follow-up dated before its session ended."""
    if session.ended_at is not None and occurred_at < session.ended_at:
        raise RuleViolation(
            Refusal.CONTACT_BEFORE_SESSION,
            "A contact against a follow-up comes after the session that owes it.",
        )


def check_withdrawal_after_consent(consent: Consent, occurred_at: datetime) -> None:
    """Refuse a consent withdrawn before it was given."""
    if occurred_at < consent.given.occurred_at:
        raise RuleViolation(
            Refusal.WITHDRAWAL_BEFORE_CONSENT, "A consent cannot be withdrawn before it was given."
        )


def check_resumption_after_pause(pause: Recorded, occurred_at: datetime) -> None:
    """Refuse a resumption dated before the pause it lifts."""
    if occurred_at < pause.occurred_at:
        raise RuleViolation(
            Refusal.RESUMPTION_BEFORE_PAUSE, "A journey cannot resume before it was paused."
        )


def record_time_violations(journey: Journey, time_zone: str) -> set[tuple[Refusal, Any]]:
    """Return every contradiction of clinical times in the journey, as (reason, which entry).

    A correction is refused when the journey with it applied has one the journey had not: the
    corrected time or date must pass the same checks as the original entry.
    """
    return set(_violations(journey, ZoneInfo(time_zone)))


def _violations(journey: Journey, zone: ZoneInfo) -> Iterator[tuple[Refusal, Any]]:
    intake = journey.intake.occurred_at
    for _, recorded in records_of(journey):
        if recorded.occurred_at < intake:
            yield Refusal.OCCURRED_BEFORE_INTAKE, recorded.version
    for decision in journey.screening_decisions:
        decided_on = decision.decided.occurred_at.astimezone(zone).date()
        try:
            check_valid_until(decision.valid_until, decided_on)
        except RuleViolation as refused:
            yield refused.reason, decision.decided.version
    for consent in journey.consents:
        withdrawn = consent.withdrawn
        if withdrawn is not None and withdrawn.occurred_at < consent.given.occurred_at:
            yield Refusal.WITHDRAWAL_BEFORE_CONSENT, consent.given.version
    pause: Recorded | None = None
    for made in journey.decisions:
        if made.kind == "pause":
            pause = made.decided
            if made.review_date is not None and (
                made.review_date < pause.occurred_at.astimezone(zone).date()
            ):
                yield Refusal.REVIEW_DATE_BEFORE_DECISION, pause.version
        elif (
            made.kind == "resumption"
            and pause is not None
            and made.decided.occurred_at < pause.occurred_at
        ):
            yield Refusal.RESUMPTION_BEFORE_PAUSE, made.decided.version
    for session in journey.sessions.values():
        yield from _session_violations(journey, session, zone)
    for contact in journey.contacts:
        follow_up = journey.follow_ups.get(contact.follow_up_id) if contact.follow_up_id else None
        if follow_up is not None:
            held = journey.sessions[follow_up.session_id]
            if held.ended_at is not None and contact.contacted.occurred_at < held.ended_at:
                yield Refusal.CONTACT_BEFORE_SESSION, contact.contacted.version


def _session_violations(
    journey: Journey, session: Session, zone: ZoneInfo
) -> Iterator[tuple[Refusal, Any]]:
    if session.status == SessionStatus.HELD.value and session.started_at is not None:
        start = session.started_at
        checks: list[Callable[[], None]] = [
            lambda: check_session_start(journey, start),
            lambda: check_held_after_scheduled(session, start),
            lambda: check_screening_on_session_day(journey, start, start.astimezone(zone).date()),
        ]
    elif session.status == SessionStatus.SCHEDULED.value:
        checks = [lambda: check_session_start(journey, session.planned_start)]
    else:
        return
    for check in checks:
        try:
            check()
        except RuleViolation as refused:
            yield refused.reason, session.session_id


def records_of(journey: Journey) -> Iterator[tuple[Any, Recorded]]:
    """Yield every record of the journey's state with the who-and-when of the entry that made it."""
    yield journey, journey.intake
    yield from ((m, m.assigned) for m in journey.care_team)
    yield from ((d, d.decided) for d in journey.screening_decisions)
    yield from ((c, c.given) for c in journey.consents)
    yield from ((p, p.held) for p in journey.preparation_sessions)
    yield from ((p, p.recorded) for p in journey.safety_plans)
    yield from ((s, s.outcome) for s in journey.sessions.values() if s.outcome is not None)
    yield from ((c, c.contacted) for c in journey.contacts)
    yield from ((d, d.decided) for d in journey.decisions)
