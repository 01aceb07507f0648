"""Clinics, practitioners, their roles, and the bearer tokens they sign in with."""

from __future__ import annotations

from typing import NamedTuple
from uuid import UUID, uuid4

from casework.access_token import AccessToken, new_token_secret, token_id_for
from casework.base import CaseworkBase, Written
from casework.calendar_feed import CalendarFeed, feed_id_for, new_feed_secret
from casework.clinic import (
    DEFAULT_FOLLOW_UP_SCHEDULE,
    Clinic,
    validate_follow_up_schedule,
    validate_time_zone,
)
from casework.clock import utc_now
from casework.commands import (
    ChangeClinicSettings,
    DeactivatePractitioner,
    GrantRole,
    IssueCalendarFeed,
    IssueToken,
    RecordCredentials,
    RegisterClinic,
    RegisterPractitioner,
    RenamePractitioner,
    RevokeCalendarFeed,
    RevokeRole,
    RevokeToken,
)
from casework.errors import Forbidden, InvalidInput, NotFound, RuleViolation
from casework.permissions import Read, acting_role
from casework.practitioner import Practitioner
from casework.refusals import Refusal
from casework.roles import OPERATOR, Acting, Actor, Role


def operator_acting() -> Acting:
    """Return the operator acting now: no practitioner, in the role `operator`."""
    return Acting(None, OPERATOR, utc_now())  # type: ignore[arg-type]


class IssuedToken(NamedTuple):
    """A token just issued: what its issue wrote, and the secret, shown this once."""

    written: Written
    secret: str


class RegisteredClinic(NamedTuple):
    """A clinic just registered: what was written, its first admin, and that admin's token."""

    written: Written
    admin_id: UUID
    admin_token: str


class StaffService(CaseworkBase):
    """Register clinics and staff; grant and revoke roles; issue and check tokens."""

    # -- clinics, staff and tokens ---------------------------------------------------------

    def register_clinic(self, command: RegisterClinic) -> RegisteredClinic:
        """Register a clinic, its first admin and the admin's first token, all or nothing."""
        acting = operator_acting()
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
        secret = new_token_secret()
        token = AccessToken(
            practitioner_id=admin.id,
            clinic_id=clinic.id,
            label="first admin",
            actor_id=acting.actor_id,
            actor_role=acting.actor_role,
            id=token_id_for(secret),
        )
        written = self._save(admin, token, clinic)  # the clinic last: it answers
        return RegisteredClinic(written, admin.id, secret)

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
            acting = operator_acting()
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
        """Return a clinic (as the store holds it now)."""
        return self._clinic(clinic_id)

    def read_clinic(self, actor: Actor | None, clinic_id: UUID) -> Clinic:
        """Return a clinic with its settings and every change to them: the actor's own, or any
        to the operator (None), who registers them."""
        if actor is not None:
            acting_role(actor, Read.CLINIC)
            if clinic_id != actor.clinic_id:
                raise NotFound("No such clinic.")  # never reveal another clinic
        return self._clinic(clinic_id)

    def change_clinic_settings(self, actor: Actor, command: ChangeClinicSettings) -> Written:
        """Change the actor's clinic's settings, for a reason (admin)."""
        acting = self._acting(actor, command)
        if command.clinic_id != actor.clinic_id:
            raise NotFound("No such clinic.")
        clinic = self._clinic(command.clinic_id)
        clinic.change_settings(
            acting,
            command.reason,
            time_zone=command.time_zone,
            follow_up_schedule=command.follow_up_schedule,
            min_facilitators=command.min_facilitators,
            retention_years=command.retention_years,
        )
        return self._save(clinic)

    def rename_practitioner(self, actor: Actor, command: RenamePractitioner) -> Written:
        """Record the name a practitioner is known by from now on."""
        acting = self._acting(actor, command)
        practitioner = self._practitioner(actor.clinic_id, command.practitioner_id)
        practitioner.rename(acting, command.display_name)
        return self._save(practitioner)

    def record_credentials(self, actor: Actor, command: RecordCredentials) -> Written:
        """Replace a practitioner's credentials and training modalities."""
        acting = self._acting(actor, command)
        practitioner = self._practitioner(actor.clinic_id, command.practitioner_id)
        practitioner.record_credentials(acting, command.credentials, command.modalities)
        return self._save(practitioner)

    def deactivate_practitioner(
        self, actor: Actor | None, command: DeactivatePractitioner
    ) -> Written:
        """Record that a practitioner left (another admin, or the operator: None): every token
        of theirs stops answering at once."""
        if actor is None:
            acting = operator_acting()
            practitioner = self._get(Practitioner, command.practitioner_id)
        else:
            acting = self._acting(actor, command)
            practitioner = self._practitioner(actor.clinic_id, command.practitioner_id)
        practitioner.deactivate(acting, command.reason)
        return self._save(practitioner)

    def issue_token(self, actor: Actor | None, command: IssueToken) -> IssuedToken:
        """Issue a practitioner a bearer token (an admin, or the operator: None); shown once."""
        if actor is None:
            acting = operator_acting()
            practitioner = self._get(Practitioner, command.practitioner_id)
        else:
            acting = self._acting(actor, command)
            practitioner = self._practitioner(actor.clinic_id, command.practitioner_id)
        practitioner.check_active()
        secret = new_token_secret()
        token = AccessToken(
            practitioner_id=practitioner.id,
            clinic_id=practitioner.clinic_id,
            label=command.label,
            actor_id=acting.actor_id,
            actor_role=acting.actor_role,
            id=token_id_for(secret),
        )
        return IssuedToken(self._save(token), secret)

    def revoke_token(self, actor: Actor | None, command: RevokeToken) -> Written:
        """Revoke a token: an admin any of the clinic's, anyone their own (None: the operator)."""
        if actor is None:
            acting = operator_acting()
        else:  # the role first: a forbidden caller learns nothing of the token
            role = acting_role(actor, command)
            self._check_own_or_admin(actor, role, command.practitioner_id)
            acting = self._acting(actor, command)
        token = self._get(AccessToken, command.token_id)
        named_wrongly = token.practitioner_id != command.practitioner_id
        if named_wrongly or (actor is not None and token.clinic_id != actor.clinic_id):
            raise NotFound("No such token.")
        token.revoke(command.reason, acting.actor_id, acting.actor_role)
        return self._save(token)

    def issue_calendar_feed(self, actor: Actor, command: IssueCalendarFeed) -> IssuedToken:
        """Give a practitioner (oneself, or as an admin anyone) a calendar feed; its secret once."""
        role = acting_role(actor, command)
        self._check_own_or_admin(actor, role, command.practitioner_id)
        practitioner = self._practitioner(actor.clinic_id, command.practitioner_id)
        practitioner.check_active()
        secret = new_feed_secret()
        feed = CalendarFeed(
            practitioner_id=practitioner.id,
            clinic_id=practitioner.clinic_id,
            actor_id=actor.practitioner_id,
            actor_role=role.value,
            id=feed_id_for(secret),
        )
        return IssuedToken(self._save(feed), secret)

    def revoke_calendar_feed(self, actor: Actor, command: RevokeCalendarFeed) -> Written:
        """Revoke a calendar feed (one's own, or as an admin anyone's): its URL stops at once."""
        role = acting_role(actor, command)
        self._check_own_or_admin(actor, role, command.practitioner_id)
        feed = self._get(CalendarFeed, command.feed_id)
        if feed.clinic_id != actor.clinic_id or feed.practitioner_id != command.practitioner_id:
            raise NotFound("No such calendar feed.")
        feed.revoke(command.reason, actor.practitioner_id, role.value)
        return self._save(feed)

    def feed_reader(self, secret: str) -> Actor | None:
        """Return the practitioner a feed secret opens the feed of (None: unknown, revoked, or
        its practitioner deactivated)."""
        try:
            feed = self._get(CalendarFeed, feed_id_for(secret))
        except NotFound:
            return None
        practitioner = self._get(Practitioner, feed.practitioner_id)
        if feed.revoked_at is not None or not practitioner.active:
            return None
        return practitioner.as_actor()

    def token_holder(self, token_id: UUID) -> UUID:
        """Return the practitioner a token was issued to (the operator's CLI revokes by id)."""
        return self._get(AccessToken, token_id).practitioner_id

    def check_token_reader(self, actor: Actor, practitioner_id: UUID) -> None:
        """Refuse to list another practitioner's tokens to anyone but an admin of the clinic."""
        self._check_own_or_admin(actor, acting_role(actor, Read.TOKENS), practitioner_id)
        self._practitioner(actor.clinic_id, practitioner_id)

    @staticmethod
    def _check_own_or_admin(actor: Actor, role: Role, practitioner_id: UUID) -> None:
        if role is not Role.ADMIN and practitioner_id != actor.practitioner_id:
            raise Forbidden("Only an admin manages another practitioner's tokens.")

    def authenticate(self, secret: str) -> Actor | None:
        """Return the actor a bearer token stands for, or None if it is unknown or revoked."""
        try:
            token = self._get(AccessToken, token_id_for(secret))
        except NotFound:
            return None
        if token.revoked_at is not None:
            return None
        practitioner = self._get(Practitioner, token.practitioner_id)
        return practitioner.as_actor() if practitioner.active else None
