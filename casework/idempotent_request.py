"""A request sent with an `Idempotency-Key`, kept in the log with the events it wrote.

Its id is derived from the caller and the key, and it is saved in the same transaction as the
command's own events: the log alone says whether a keyed request was done, and what it
answered. A crash, a lost connection or a killed process leaves either both or neither, so a
key is never half-taken: a retry either finds the request (and is answered from it) or does
the command. A refused command saves nothing, so its key stays free.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from casework.chain import ChainedAggregate
from casework.clinic import Clinic

_NAMESPACE = UUID("0c5f9f4e-8f55-4a8e-93a4-3f1d3c6c2b71")


def request_id_for(caller: str, key: str) -> UUID:
    """Return the id a keyed request is stored under: one per caller and key."""
    return uuid5(_NAMESPACE, f"{caller}\n{key}")


@dataclass
class PendingRequest:
    """A keyed request being answered; the next save of its command stores it."""

    id: UUID
    request_hash: str
    saved: bool = False


PENDING: ContextVar[PendingRequest | None] = ContextVar("pending_request", default=None)
"""The keyed request this thread is answering, if any (set by the API around the command)."""


class IdempotentRequest(ChainedAggregate):
    """A keyed request that was done: the (keyed) hash of what was asked, and what it wrote.

    `written` lists every aggregate the command saved, the answering one last; the answer is
    rebuilt from it and from where the answering event stands in the log.
    """

    class Answered(ChainedAggregate.Created):
        clinic_id: UUID | None
        request_hash: str
        written: list[UUID]
        answer_version: int
        created_id: UUID | None

    @event(Answered)
    def __init__(
        self,
        clinic_id: UUID | None,
        request_hash: str,
        written: list[UUID],
        answer_version: int,
        created_id: UUID | None,
        id: UUID,
    ) -> None:
        self.clinic_id = clinic_id
        self.request_hash = request_hash
        self.written = list(written)
        self.answer_version = answer_version
        self.created_id = created_id

    @property
    def answer_id(self) -> UUID:
        """Return the aggregate that answered the request (the last one saved)."""
        return self.written[-1]


def recorded_with(
    pending: PendingRequest, aggregates: tuple[Aggregate, ...], created_id: UUID | None
) -> IdempotentRequest:
    """Return the record of `pending`, to be saved with the aggregates its command wrote."""
    return IdempotentRequest(
        clinic_id=clinic_of_aggregates(aggregates),
        request_hash=pending.request_hash,
        written=[aggregate.id for aggregate in aggregates],
        answer_version=aggregates[-1].version,
        created_id=created_id,
        id=pending.id,
    )


def clinic_of_aggregates(aggregates: tuple[Any, ...]) -> UUID | None:
    """Return the clinic the saved aggregates belong to (a new clinic is its own)."""
    for aggregate in reversed(aggregates):
        clinic_id = getattr(aggregate, "clinic_id", None)
        if isinstance(clinic_id, UUID):
            return clinic_id
    for aggregate in aggregates:
        if isinstance(aggregate, Clinic):
            return aggregate.id
    return None
