"""Every reason code a refused command can give: one catalogue, so clients can rely on the set.

A `RuleViolation` or `Conflict` takes a `Refusal`, never a bare string (mypy holds every raise to
this list). The API documents, per operation, the refusals of the part of the record it changes
(the groups at the end), and answers each as a problem type whose title is the code in words.
"""

from __future__ import annotations

from enum import StrEnum


class Refusal(StrEnum):
    """A stable reason code: why a command was refused (409), or a write lost a race."""

    # Any write
    CONCURRENT_WRITE = "concurrent_write"
    VERSION_MISMATCH = "version_mismatch"  # answered 412: If-Match named an older version
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"  # the key named another request

    # A journey's state
    JOURNEY_CLOSED = "journey_closed"
    JOURNEY_PAUSED = "journey_paused"
    JOURNEY_STOPPED = "journey_stopped"
    JOURNEY_NOT_PAUSED = "journey_not_paused"
    CLIENT_WITHDREW = "client_withdrew"
    CLIENT_ERASED = "client_erased"
    CLIENT_HAS_OPEN_JOURNEY = "client_has_open_journey"

    # Care team and roles
    ALREADY_ON_CARE_TEAM = "already_on_care_team"
    FACILITATOR_NOT_ON_CARE_TEAM = "facilitator_not_on_care_team"
    NO_FACILITATOR_ON_CARE_TEAM = "no_facilitator_on_care_team"
    TOO_FEW_FACILITATORS = "too_few_facilitators"
    PRACTITIONER_LACKS_ROLE = "practitioner_lacks_role"
    PRACTITIONER_DEACTIVATED = "practitioner_deactivated"  # cannot be put on a care team

    # Consents
    CONSENT_ALREADY_ACTIVE = "consent_already_active"
    CONSENT_NOT_ACTIVE = "consent_not_active"
    TREATMENT_CONSENT_MISSING = "treatment_consent_missing"
    TOUCH_CONSENT_MISSING = "touch_consent_missing"
    TOUCH_OUTSIDE_AGREED_SCOPE = "touch_outside_agreed_scope"

    # What a session needs before it is scheduled (the schedule's blockers)
    SCREENING_MISSING = "screening_missing"
    SCREENING_NOT_ELIGIBLE = "screening_not_eligible"
    SCREENING_EXPIRED = "screening_expired"
    PREPARATION_MISSING = "preparation_missing"
    SAFETY_PLAN_MISSING = "safety_plan_missing"

    # Sessions
    SESSION_ALREADY_SCHEDULED = "session_already_scheduled"
    SESSION_HELD = "session_held"
    SESSION_CANCELLED = "session_cancelled"

    # Follow-ups and corrections
    FOLLOW_UP_ALREADY_DONE = "follow_up_already_done"
    FOLLOW_UP_CANCELLED = "follow_up_cancelled"
    CORRECTION_CHANGES_SCREENING_IN_FORCE = "correction_changes_screening_in_force"

    # Clinical times (casework/journey/times.py)
    OCCURRED_BEFORE_INTAKE = "occurred_before_intake"
    OCCURRED_IN_FUTURE = "occurred_in_future"  # details.field names the time
    INTAKE_TOO_FAR_BACK = "intake_too_far_back"
    SESSION_TOO_SHORT = "session_too_short"
    SESSION_TOO_LONG = "session_too_long"
    VALID_UNTIL_OUT_OF_RANGE = "valid_until_out_of_range"
    SESSION_BEFORE_INTAKE = "session_before_intake"
    SESSION_BEFORE_PREREQUISITES = "session_before_prerequisites"
    SCREENING_NOT_VALID_ON_SESSION_DAY = "screening_not_valid_on_session_day"
    SESSION_HELD_BEFORE_SCHEDULED = "session_held_before_scheduled"
    CONTACT_BEFORE_SESSION = "contact_before_session"
    WITHDRAWAL_BEFORE_CONSENT = "withdrawal_before_consent"
    RESUMPTION_BEFORE_PAUSE = "resumption_before_pause"
    REVIEW_DATE_BEFORE_DECISION = "review_date_before_decision"

    # Staff and their tokens
    ROLE_ALREADY_HELD = "role_already_held"
    ROLE_NOT_HELD = "role_not_held"
    CANNOT_CHANGE_OWN_ROLES = "cannot_change_own_roles"
    TOKEN_ALREADY_REVOKED = "token_already_revoked"
    ALREADY_DEACTIVATED = "already_deactivated"
    CANNOT_DEACTIVATE_SELF = "cannot_deactivate_self"
    FEED_ALREADY_REVOKED = "feed_already_revoked"

    # Clients
    CLIENT_ALREADY_ERASED = "client_already_erased"
    RETENTION_PERIOD_RUNNING = "retention_period_running"

    @property
    def in_words(self) -> str:
        """The code in words, as a problem's title: `journey_paused` is "Journey paused"."""
        return self.value.replace("_", " ").capitalize()


ANY_WRITE = frozenset({Refusal.CONCURRENT_WRITE, Refusal.IDEMPOTENCY_KEY_REUSED})
"""What any write may be refused for (409); a stale `If-Match` is answered 412 instead."""

STAFF = ANY_WRITE | {
    Refusal.ROLE_ALREADY_HELD,
    Refusal.ROLE_NOT_HELD,
    Refusal.CANNOT_CHANGE_OWN_ROLES,
    Refusal.TOKEN_ALREADY_REVOKED,
    Refusal.ALREADY_DEACTIVATED,
    Refusal.CANNOT_DEACTIVATE_SELF,
    Refusal.FEED_ALREADY_REVOKED,
}
"""Refusals of a change to a practitioner, their roles or tokens."""

CLIENT = ANY_WRITE | {Refusal.CLIENT_ALREADY_ERASED, Refusal.RETENTION_PERIOD_RUNNING}
"""Refusals of a change to a client (erasure)."""

JOURNEY = frozenset(Refusal) - STAFF - CLIENT - {Refusal.VERSION_MISMATCH} | ANY_WRITE
"""Refusals of a change to a journey: every refusal not about staff or erasure."""
