"""The hash chain: every event names the hash of the event before it in its aggregate's stream.

An event's link is the SHA-256 of its topic and every field, its own `previous_link` included, in
one canonical JSON form. Altering, removing or reordering a stored event therefore breaks the link
that the next event of the stream recorded when it was written; the seals (`casework.seals`)
cover the last event of each stream.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.domain import Aggregate
from eventsourcing.utils import get_topic

GENESIS = "0" * 64
"""What the first event of a stream names as the link before it."""


def _plain(value: object) -> str:
    if isinstance(value, UUID | Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} has no canonical form in the hash chain")


def canonical_json(value: object) -> bytes:
    """Return the one byte form of plain values that every hash in Casework is taken over."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), default=_plain)
    return text.encode()


def link_of(event: object) -> str:
    """Return the hash that links `event` into its stream: over its topic and every field."""
    fields = {"topic": get_topic(type(event)), **vars(event)}
    return hashlib.sha256(canonical_json(fields)).hexdigest()


class ChainedAggregate(Aggregate):
    """An aggregate whose events each name the link of the event before them."""

    if TYPE_CHECKING:
        last_event: Any  # set by every event as it is applied

    class Event(Aggregate.Event):
        previous_link: str

        def mutate(self, aggregate: Any) -> Any:
            aggregate = super().mutate(aggregate)
            aggregate.last_event = self  # its link is hashed only when a new event needs it
            return aggregate

    class Created(Event, Aggregate.Created):
        pass

    @property
    def chain_link(self) -> str:
        """Return the link of the last event applied: what the next event must name."""
        return link_of(self.last_event)

    @classmethod
    def _create(cls, event_class: Any, **kwargs: Any) -> Any:
        return super()._create(event_class, previous_link=GENESIS, **kwargs)

    def trigger_event(self, event_class: Any, **kwargs: Any) -> None:
        super().trigger_event(event_class, previous_link=self.chain_link, **kwargs)
