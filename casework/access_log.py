"""The read-access log: who read which client's record, when, where, and for what purpose."""

from __future__ import annotations

from enum import StrEnum
from uuid import UUID

from eventsourcing.domain import event

from casework.chain import ChainedAggregate
from casework.roles import Role


class Purpose(StrEnum):
    """Why a record was read (GDPR Art. 9 purposes a clinic can name)."""

    CARE = "care"
    AUDIT = "audit"
    QUALITY_REVIEW = "quality_review"
    RESEARCH = "research"
    LEGAL = "legal"


DEFAULT_PURPOSE = {Role.AUDITOR: Purpose.AUDIT}
"""The purpose assumed when a reader names none: audit for auditors, care for everyone else."""


def default_purpose(role: Role) -> Purpose:
    """Return the purpose a reader acting in `role` is taken to read for."""
    return DEFAULT_PURPOSE.get(role, Purpose.CARE)


class AccessRecord(ChainedAggregate):
    """One read of a client's record: append-only, as every event is; no command edits it."""

    class Recorded(ChainedAggregate.Created):
        clinic_id: UUID
        practitioner_id: UUID
        role: str
        journey_id: UUID
        client_id: UUID
        endpoint: str
        purpose: str

    @event(Recorded)
    def __init__(
        self,
        clinic_id: UUID,
        practitioner_id: UUID,
        role: str,
        journey_id: UUID,
        client_id: UUID,
        endpoint: str,
        purpose: str,
    ) -> None:
        self.clinic_id = clinic_id
        self.practitioner_id = practitioner_id
        self.journey_id = journey_id


class AccessQuery(ChainedAggregate):
    """One list or search that showed clients: who asked, which list, how filtered, and whom
    it returned (IHE BALP's query audit). The filters hold coded values and ids only."""

    class Recorded(ChainedAggregate.Created):
        clinic_id: UUID
        practitioner_id: UUID
        role: str
        endpoint: str
        filters: list[str]
        purpose: str
        journey_ids: list[UUID]

    @event(Recorded)
    def __init__(
        self,
        clinic_id: UUID,
        practitioner_id: UUID,
        role: str,
        endpoint: str,
        filters: list[str],
        purpose: str,
        journey_ids: list[UUID],
    ) -> None:
        self.clinic_id = clinic_id
        self.practitioner_id = practitioner_id
        self.journey_ids = list(journey_ids)
