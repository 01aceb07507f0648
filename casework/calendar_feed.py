"""Calendar feeds: a practitioner's follow-ups in the calendar they already use.

A calendar program cannot send a bearer token, so a feed is read at a URL holding a secret of
its own: it opens that one feed and nothing else, is stored only as a hash-derived id (like a
token), and its owner revokes it when the URL leaks or the device goes.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from uuid import UUID, uuid5

from eventsourcing.domain import event

from casework.chain import ChainedAggregate
from casework.clinic_owned import ClinicOwned
from casework.errors import RuleViolation
from casework.refusals import Refusal

FEED_PREFIX = "cf_"
_FEED_NAMESPACE = UUID("9d3c2b1a-7e6f-4a5b-8c9d-0e1f2a3b4c5d")


def new_feed_secret() -> str:
    """Return a fresh, unguessable feed secret, to be shown once as part of the feed's URL."""
    return FEED_PREFIX + secrets.token_urlsafe(32)


def feed_id_for(secret: str) -> UUID:
    """Return the id a feed is stored under: derived from its secret's SHA-256."""
    return uuid5(_FEED_NAMESPACE, hashlib.sha256(secret.encode()).hexdigest())


class CalendarFeed(ClinicOwned):
    """A practitioner's calendar feed: readable with its secret until revoked."""

    class Issued(ChainedAggregate.Created):
        practitioner_id: UUID
        clinic_id: UUID
        actor_id: UUID
        actor_role: str

    @event(Issued)
    def __init__(
        self, practitioner_id: UUID, clinic_id: UUID, actor_id: UUID, actor_role: str, id: UUID
    ) -> None:
        self.practitioner_id = practitioner_id
        self.clinic_id = clinic_id
        self.revoked_at: datetime | None = None

    class Revoked(ClinicOwned.Event):
        reason: str
        actor_id: UUID
        actor_role: str

        def apply(self, feed: CalendarFeed) -> None:
            feed.revoked_at = self.timestamp

    def revoke(self, reason: str, actor_id: UUID, actor_role: str) -> None:
        """Stop the feed answering from now on; twice is refused (`feed_already_revoked`)."""
        if self.revoked_at is not None:
            raise RuleViolation(Refusal.FEED_ALREADY_REVOKED, "The feed was revoked already.")
        self.trigger_event(self.Revoked, reason=reason, actor_id=actor_id, actor_role=actor_role)
