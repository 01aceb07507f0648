"""Clinics, practitioners, their roles, and the bearer tokens they sign in with."""

from __future__ import annotations

from uuid import UUID, uuid4

from casework.access_token import AccessToken, new_token_secret, token_id_for
from casework.base import CaseworkBase, Written
from casework.clinic import (
    DEFAULT_FOLLOW_UP_SCHEDULE,
    Clinic,
    validate_follow_up_schedule,
    validate_time_zone,
)
from casework.clock import utc_now
from casework.commands import GrantRole, RegisterClinic, RegisterPractitioner, RevokeRole
from casework.errors import InvalidInput, NotFound, RuleViolation
from casework.permissions import Read, acting_role
from casework.practitioner import Practitioner
from casework.refusals import Refusal
from casework.roles import OPERATOR, Acting, Actor, Role


class StaffService(CaseworkBase):
    """Register clinics and staff; grant and revoke roles; issue and check tokens."""

    # -- clinics, staff and tokens ---------------------------------------------------------

    def register_clinic(self, command: RegisterClinic) -> tuple[Written, UUID]:
        """Register a clinic and its first admin (the operator acts); return it and the admin id."""
        acting = Acting(actor_id=None, actor_role=OPERATOR, occurred_at=utc_now())  # type: ignore[arg-type]
        schedule = command.follow_up_schedule
        clinic = Clinic(
            *acting,
            name=command.name,
            time_zone=validate_time_zone(command.time_zone),
            follow_up_schedule=validate_follow_up_schedule(
                DEFAULT_FOLLOW_UP_SCHEDULE if schedule is None else schedule
            ),
            min_facilitators=command.min_facilitators,
            retention_years=command.retention_years,
            id=command.clinic_id or uuid4(),
        )
        admin = Practitioner(
            *acting,
            clinic_id=clinic.id,
            display_name=command.admin_display_name,
            roles=[Role.ADMIN.value],
            credentials=[],
            modalities=[],
            id=command.admin_id or uuid4(),
        )
        return self._save(admin, clinic), admin.id  # the clinic last: it answers

    def register_practitioner(self, actor: Actor, command: RegisterPractitioner) -> Written:
        """Register a staff member of the actor's clinic."""
        acting = self._acting(actor, command)
        practitioner = Practitioner(
            *acting,
            clinic_id=actor.clinic_id,
            display_name=command.display_name,
            roles=sorted({role.value for role in command.roles}),
            credentials=command.credentials,
            modalities=command.modalities,
            id=command.practitioner_id or uuid4(),
        )
        return self._save(practitioner)

    def grant_role(self, actor: Actor | None, command: GrantRole) -> Written:
        """Give a practitioner another role, for a reason (another admin, or the operator: None)."""
        acting, practitioner = self._role_change(actor, command)
        practitioner.grant_role(*acting, role=command.role, reason=command.reason)
        return self._save(practitioner)

    def revoke_role(self, actor: Actor | None, command: RevokeRole) -> Written:
        """Take a role away from a practitioner, for a reason (another admin, or the operator)."""
        acting, practitioner = self._role_change(actor, command)
        practitioner.revoke_role(*acting, role=command.role, reason=command.reason)
        return self._save(practitioner)

    def _role_change(
        self, actor: Actor | None, command: GrantRole | RevokeRole
    ) -> tuple[Acting, Practitioner]:
        """Return who changes a role and whose: never one's own, always with a reason.

        `actor` None is the operator, who may change the roles of any clinic's practitioner.
        """
        practitioner_id = command.practitioner_id
        if actor is None:
            acting = Acting(None, OPERATOR, utc_now())  # type: ignore[arg-type]
            practitioner = self._get(Practitioner, practitioner_id)
        else:
            acting = self._acting(actor, command)
            practitioner = self._practitioner(actor.clinic_id, practitioner_id)
            if practitioner_id == actor.practitioner_id:
                raise RuleViolation(
                    Refusal.CANNOT_CHANGE_OWN_ROLES,
                    "Nobody changes their own roles: another admin, or the operator, does.",
                )
        if not command.reason.strip():
            raise InvalidInput.field("reason", "Say why the role changes.")
        return acting, practitioner

    def get_practitioner(self, actor: Actor, practitioner_id: UUID) -> Practitioner:
        """Return a practitioner of the actor's clinic."""
        acting_role(actor, Read.PRACTITIONER)
        return self._practitioner(actor.clinic_id, practitioner_id)

    def get_clinic(self, clinic_id: UUID) -> Clinic:
        """Return a clinic."""
        return self._clinic(clinic_id)

    def issue_token(self, practitioner_id: UUID, label: str) -> tuple[str, UUID]:
        """Issue a bearer token (operator only: the CLI); return it, shown once, and its id."""
        practitioner = self._get(Practitioner, practitioner_id)
        secret = new_token_secret()
        token = AccessToken(
            practitioner_id=practitioner.id,
            clinic_id=practitioner.clinic_id,
            label=label,
            id=token_id_for(secret),
        )
        self._save(token)
        return secret, token.id

    def revoke_token(self, token_id: UUID, reason: str) -> None:
        """Revoke a bearer token by its id (operator only: the CLI)."""
        token = self._get(AccessToken, token_id)
        token.revoke(reason)
        self._save(token)

    def authenticate(self, secret: str) -> Actor | None:
        """Return the actor a bearer token stands for, or None if it is unknown or revoked."""
        try:
            token = self._get(AccessToken, token_id_for(secret))
        except NotFound:
            return None
        if token.revoked_at is not None:
            return None
        practitioner = self._get(Practitioner, token.practitioner_id)
        return practitioner.as_actor()
