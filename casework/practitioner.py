"""The practitioner: a staff member of one clinic, with roles, credentials and training."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from casework.chain import ChainedAggregate
from casework.errors import RuleViolation
from casework.roles import Actor, Role


class Practitioner(ChainedAggregate):
    """A staff member; the roles they hold decide what they may do."""

    class Event(ChainedAggregate.Event):
        actor_id: UUID | None
        actor_role: str
        occurred_at: datetime

    class Registered(Event, Aggregate.Created):
        clinic_id: UUID
        display_name: str
        roles: list[str]
        credentials: list[dict[str, Any]]
        modalities: list[str]

    @event(Registered)
    def __init__(
        self,
        actor_id: UUID | None,
        actor_role: str,
        occurred_at: datetime,
        clinic_id: UUID,
        display_name: str,
        roles: list[str],
        credentials: list[dict[str, Any]],
        modalities: list[str],
        id: UUID,
    ) -> None:
        self.clinic_id = clinic_id
        self.display_name = display_name
        self.roles = set(roles)
        self.credentials = [dict(credential) for credential in credentials]
        self.modalities = list(modalities)

    class RoleGranted(Event):
        role: str

    def grant_role(
        self, actor_id: UUID, actor_role: str, occurred_at: datetime, role: Role
    ) -> None:
        """Give the practitioner another role."""
        if role.value in self.roles:
            raise RuleViolation("role_already_held", "The practitioner already holds this role.")
        self._grant_role(actor_id, actor_role, occurred_at, role.value)

    @event(RoleGranted)
    def _grant_role(
        self, actor_id: UUID, actor_role: str, occurred_at: datetime, role: str
    ) -> None:
        self.roles.add(role)

    class RoleRevoked(Event):
        role: str

    def revoke_role(
        self, actor_id: UUID, actor_role: str, occurred_at: datetime, role: Role
    ) -> None:
        """Take a role away from the practitioner."""
        if role.value not in self.roles:
            raise RuleViolation("role_not_held", "The practitioner does not hold this role.")
        self._revoke_role(actor_id, actor_role, occurred_at, role.value)

    @event(RoleRevoked)
    def _revoke_role(
        self, actor_id: UUID, actor_role: str, occurred_at: datetime, role: str
    ) -> None:
        self.roles.discard(role)

    def holds(self, role: Role) -> bool:
        """Return whether the practitioner currently holds `role`."""
        return role.value in self.roles

    def as_actor(self) -> Actor:
        """Return the actor that commands run for when this practitioner acts."""
        return Actor(self.id, self.clinic_id, frozenset(Role(role) for role in self.roles))
