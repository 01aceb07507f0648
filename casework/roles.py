"""Roles a practitioner can hold, and the actor on whose behalf a command runs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import NamedTuple
from uuid import UUID


class Role(StrEnum):
    """A role a practitioner holds in their clinic."""

    INTAKE_COORDINATOR = "intake_coordinator"
    FACILITATOR = "facilitator"
    INTEGRATION_THERAPIST = "integration_therapist"
    CLINICAL_LEAD = "clinical_lead"
    AUDITOR = "auditor"
    ADMIN = "admin"


OPERATOR = "operator"
"""The acting role recorded when the service operator (no practitioner) acts."""


@dataclass(frozen=True)
class Actor:
    """The authenticated practitioner a command runs for."""

    practitioner_id: UUID
    clinic_id: UUID
    roles: frozenset[Role]


class Acting(NamedTuple):
    """Who acts, in which role, and when it happened in clinical time; every event has it."""

    actor_id: UUID
    actor_role: str
    occurred_at: datetime
