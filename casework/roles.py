"""Roles a practitioner can hold, and the actor on whose behalf a command runs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import NamedTuple
from uuid import UUID


class Role(str, Enum):
    """A role a practitioner holds in their clinic."""

    INTAKE_COORDINATOR = "intake_coordinator"
    FACILITATOR = "facilitator"
    INTEGRATION_THERAPIST = "integration_therapist"
    CLINICAL_LEAD = "clinical_lead"
    AUDITOR = "auditor"
    ADMIN = "admin"


OPERATOR = "operator"
"""The acting role recorded when the service operator (not a practitioner) acts, e.g. registering a clinic."""


@dataclass(frozen=True)
class Actor:
    """The authenticated practitioner a command runs for."""

    practitioner_id: UUID
    clinic_id: UUID
    roles: frozenset[Role]


class Acting(NamedTuple):
    """Who acts, in which role, and when the act happened in clinical time; every event carries it."""

    actor_id: UUID
    actor_role: str
    occurred_at: datetime
