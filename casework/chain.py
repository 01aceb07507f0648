"""The hash chain: every event names the link of the event before it in its aggregate's stream.

An event's link is the SHA-256 of its **stored form**: its topic, stream, version and the state
exactly as the event store keeps it (decoded from JSON, before any upcasting), in one canonical
JSON form. So changing an event class later (a new `class_version` with an upcast, or a class
moved to another module) never changes the link of an event already stored: the chain hashes
what was written, not what the code of the day makes of it.

Altering, removing or reordering a stored event breaks the link that the next event of its
stream recorded; the signed checkpoints (`casework.checkpoints`) cover the last event of each
stream.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.domain import Aggregate
from eventsourcing.persistence import Mapper, StoredEvent
from eventsourcing.utils import get_topic

GENESIS = "0" * 64
"""What the first event of a stream names as the link before it."""

ENVELOPE = ("originator_id", "originator_version")
"""What the event store keeps in columns of their own, outside an event's stored state."""


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


def stored_form(
    topic: str, originator_id: object, originator_version: int, state: dict[str, Any]
) -> dict[str, Any]:
    """Return a stored event as the chain reads it: where it is, its topic, its stored state."""
    return {
        "topic": topic,
        "originator_id": originator_id,
        "originator_version": originator_version,
        "state": state,
    }


def form_of_stored(mapper: Mapper[Any], stored: StoredEvent) -> dict[str, Any]:
    """Return a stored event's stored form: its state decoded from JSON, never upcast.

    Raises whatever the store's transcoder raises on bytes it cannot decode.
    """
    state = stored.state
    if mapper.cipher:
        state = mapper.cipher.decrypt(state)
    if mapper.compressor:
        state = mapper.compressor.decompress(state)
    return stored_form(
        stored.topic,
        stored.originator_id,
        stored.originator_version,
        mapper.transcoder.decode(state),
    )


def link_over(form: dict[str, Any]) -> str:
    """Return the link of an event in its stored form (see `stored_form`)."""
    return hashlib.sha256(canonical_json(form)).hexdigest()


def form_of_new_event(event: object) -> dict[str, Any]:
    """Return the stored form a new event will have: what the event store's mapper writes."""
    state = {name: value for name, value in vars(event).items() if name not in ENVELOPE}
    class_version = getattr(type(event), "class_version", 1)
    if class_version > 1:
        state["class_version"] = class_version
    return stored_form(
        get_topic(type(event)),
        getattr(event, "originator_id"),  # noqa: B009 (every event has it; typing does not know)
        getattr(event, "originator_version"),  # noqa: B009
        state,
    )


class ChainedAggregate(Aggregate):
    """An aggregate whose events each name the link of the event before them.

    A repository that loads the aggregate sets `stored_head_link` to the link of the last stored
    event (taken over its stored form); an event applied after that, in this process, is new, and
    its link is taken from the form it will be stored in.
    """

    if TYPE_CHECKING:
        last_event: Any  # set by every event as it is applied
        stored_head_link: str | None  # set by the repository that loaded the aggregate

    class Event(Aggregate.Event):
        previous_link: str

        def mutate(self, aggregate: Any) -> Any:
            aggregate = super().mutate(aggregate)
            aggregate.last_event = self  # its link is hashed only when a new event needs it
            aggregate.stored_head_link = None
            return aggregate

    class Created(Event, Aggregate.Created):
        pass

    @property
    def chain_link(self) -> str:
        """Return the link of the last event applied: what the next event must name."""
        loaded = getattr(self, "stored_head_link", None)
        if loaded is not None:
            return str(loaded)
        return link_over(form_of_new_event(self.last_event))

    @classmethod
    def _create(cls, event_class: Any, **kwargs: Any) -> Any:
        return super()._create(event_class, previous_link=GENESIS, **kwargs)

    def trigger_event(self, event_class: Any, **kwargs: Any) -> None:
        super().trigger_event(event_class, previous_link=self.chain_link, **kwargs)
