"""The practitioner: a staff member of one clinic, with roles, credentials and training."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from casework.clinic_owned import ClinicOwned
from casework.errors import InvalidInput, RuleViolation
from casework.refusals import Refusal
from casework.roles import Acting, Actor, Role


class Practitioner(ClinicOwned):
    """A staff member; the roles they hold decide what they may do."""

    class Event(ClinicOwned.Event):
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
        self.registered_roles = frozenset(roles)
        self.role_changes: list[dict[str, Any]] = []
        self.credentials = [dict(credential) for credential in credentials]
        self.modalities = list(modalities)
        self.deactivation: dict[str, Any] | None = None

    @property
    def active(self) -> bool:
        """Whether the practitioner still works here: a deactivated one signs in to nothing."""
        return self.deactivation is None

    def check_active(self) -> None:
        """Refuse a change that only an active practitioner can take (a role, a token)."""
        if not self.active:
            raise RuleViolation(Refusal.ALREADY_DEACTIVATED, "The practitioner was deactivated.")

    class Renamed(Event):
        display_name: str

        def apply(self, practitioner: Practitioner) -> None:
            practitioner.display_name = self.display_name

    class CredentialsRecorded(Event):
        """Replaces the practitioner's credentials and training modalities, as a whole."""

        credentials: list[dict[str, Any]]
        modalities: list[str]

        def apply(self, practitioner: Practitioner) -> None:
            practitioner.credentials = [dict(credential) for credential in self.credentials]
            practitioner.modalities = list(self.modalities)

    class Deactivated(Event):
        """The practitioner left: their tokens stop at once; their records stay theirs."""

        reason: str

        def apply(self, practitioner: Practitioner) -> None:
            practitioner.deactivation = {
                "reason": self.reason,
                "actor_id": self.actor_id,
                "occurred_at": self.occurred_at,
            }

    def rename(self, acting: Acting, display_name: str) -> None:
        """Record the name the practitioner is known by from now on."""
        if display_name == self.display_name:
            raise InvalidInput.field("display_name", "Same as the name recorded now.")
        self.trigger_event(self.Renamed, **acting._asdict(), display_name=display_name)

    def record_credentials(
        self, acting: Acting, credentials: list[dict[str, Any]], modalities: list[str]
    ) -> None:
        """Record the practitioner's credentials (licences, valid until) and modalities."""
        self.trigger_event(
            self.CredentialsRecorded,
            **acting._asdict(),
            credentials=[dict(credential) for credential in credentials],
            modalities=list(modalities),
        )

    def deactivate(self, acting: Acting, reason: str) -> None:
        """Record that the practitioner left, for a reason; nobody deactivates themselves."""
        self.check_active()
        if acting.actor_id == self.id:
            raise RuleViolation(
                Refusal.CANNOT_DEACTIVATE_SELF,
                "Nobody deactivates themselves: another admin does.",
            )
        self.trigger_event(self.Deactivated, **acting._asdict(), reason=reason)

    class RoleGranted(Event):
        role: str
        reason: str
        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["reason"] = ""  # granted before a reason was asked for

    def grant_role(
        self, actor_id: UUID | None, actor_role: str, occurred_at: datetime, role: Role, reason: str
    ) -> None:
        """Give the practitioner another role, for a stated reason."""
        if role.value in self.roles:
            raise RuleViolation(
                Refusal.ROLE_ALREADY_HELD, "The practitioner already holds this role."
            )
        self._grant_role(actor_id, actor_role, occurred_at, role.value, reason)

    @event(RoleGranted)
    def _grant_role(
        self,
        actor_id: UUID | None,
        actor_role: str,
        occurred_at: datetime,
        role: str,
        reason: str,
        timestamp: datetime | None = None,
    ) -> None:
        self.roles.add(role)
        self._note_role_change(
            "granted", actor_id, actor_role, occurred_at, role, reason, timestamp
        )

    class RoleRevoked(Event):
        role: str
        reason: str
        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["reason"] = ""  # revoked before a reason was asked for

    def revoke_role(
        self, actor_id: UUID | None, actor_role: str, occurred_at: datetime, role: Role, reason: str
    ) -> None:
        """Take a role away from the practitioner, for a stated reason."""
        if role.value not in self.roles:
            raise RuleViolation(Refusal.ROLE_NOT_HELD, "The practitioner does not hold this role.")
        self._revoke_role(actor_id, actor_role, occurred_at, role.value, reason)

    @event(RoleRevoked)
    def _revoke_role(
        self,
        actor_id: UUID | None,
        actor_role: str,
        occurred_at: datetime,
        role: str,
        reason: str,
        timestamp: datetime | None = None,
    ) -> None:
        self.roles.discard(role)
        self._note_role_change(
            "revoked", actor_id, actor_role, occurred_at, role, reason, timestamp
        )

    def _note_role_change(
        self,
        change: str,
        actor_id: UUID | None,
        actor_role: str,
        occurred_at: datetime,
        role: str,
        reason: str,
        recorded_at: datetime | None,
    ) -> None:
        self.role_changes.append(
            {
                "change": change,
                "role": role,
                "reason": reason,
                "actor_id": actor_id,
                "actor_role": actor_role,
                "occurred_at": occurred_at,
                "recorded_at": recorded_at,
                "version": self.version + 1,
            }
        )

    def holds_at(self, role: Role, moment: datetime) -> bool:
        """Return whether the practitioner held `role` as recorded at `moment`."""
        held = role.value in self.registered_roles
        for change in self.role_changes:
            if change["role"] == role.value and change["recorded_at"] <= moment:
                held = change["change"] == "granted"
        return held

    def holds(self, role: Role) -> bool:
        """Return whether the practitioner currently holds `role`."""
        return role.value in self.roles

    def as_actor(self) -> Actor:
        """Return the actor that commands run for when this practitioner acts."""
        return Actor(self.id, self.clinic_id, frozenset(Role(role) for role in self.roles))
