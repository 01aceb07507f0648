"""Bearer tokens: issued to a practitioner, stored only as a hash, revocable."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from typing import Any
from uuid import UUID, uuid5

from eventsourcing.domain import event

from casework.chain import ChainedAggregate
from casework.clinic_owned import ClinicOwned
from casework.errors import RuleViolation
from casework.refusals import Refusal
from casework.roles import OPERATOR

TOKEN_PREFIX = "cw_"
_TOKEN_NAMESPACE = UUID("5b0f0a3e-4d1c-4f51-9a77-2f6f8f3d9c10")


def new_token_secret() -> str:
    """Return a fresh, unguessable bearer token to hand to a practitioner once."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_id_for(secret: str) -> UUID:
    """Return the id a token is stored under: derived from its SHA-256, never from the token."""
    digest = hashlib.sha256(secret.encode()).hexdigest()
    return uuid5(_TOKEN_NAMESPACE, digest)


class AccessToken(ClinicOwned):
    """A bearer token; the token itself is never stored, only its hash-derived id."""

    class Issued(ChainedAggregate.Created):
        practitioner_id: UUID
        clinic_id: UUID
        label: str
        actor_id: UUID | None
        actor_role: str
        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["actor_id"], state["actor_role"] = None, OPERATOR  # the CLI issued them

    @event(Issued)
    def __init__(
        self,
        practitioner_id: UUID,
        clinic_id: UUID,
        label: str,
        actor_id: UUID | None,
        actor_role: str,
        id: UUID,
    ) -> None:
        self.practitioner_id = practitioner_id
        self.clinic_id = clinic_id
        self.label = label
        self.revoked_at: datetime | None = None

    class Revoked(ClinicOwned.Event):
        reason: str
        actor_id: UUID | None
        actor_role: str
        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["actor_id"], state["actor_role"] = None, OPERATOR  # the CLI revoked them

        def apply(self, token: AccessToken) -> None:
            token.revoked_at = self.timestamp

    def revoke(self, reason: str, actor_id: UUID | None, actor_role: str) -> None:
        """Make the token unusable from now on; who revokes it is recorded (None: the operator).

        Raises RuleViolation (`token_already_revoked`) if it was revoked before: never a silent
        no-op.
        """
        if self.revoked_at is not None:
            raise RuleViolation(Refusal.TOKEN_ALREADY_REVOKED, "The token was revoked already.")
        self.trigger_event(self.Revoked, reason=reason, actor_id=actor_id, actor_role=actor_role)
