"""Inviting staff to sign in by browser, and signing in and out (casework.sign_in)."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import NamedTuple
from uuid import UUID

from casework.base import CaseworkBase, Written
from casework.clock import utc_now
from casework.commands import InvitePractitioner
from casework.errors import InvalidInput, NotFound
from casework.practitioner import Practitioner
from casework.roles import Actor
from casework.sign_in import (
    INVITATION_LIFETIME,
    FailedSignIn,
    Invitation,
    SignInAccount,
    account_id_for,
    check_password,
    check_user_name,
    invitation_id_for,
    new_invitation_secret,
    new_totp_secret,
    password_matches,
    totp_step,
)
from casework.staff_service import operator_acting

log = logging.getLogger("casework.sign_in")

TOTP_LABEL = "authenticator"
WRONG = "The user name, password or code is wrong."
"""The one answer to every failed attempt: it never says which part was wrong."""


class IssuedInvitation(NamedTuple):
    """An invitation just issued: what was written, and its secret, shown this once."""

    written: Written
    secret: str
    expires_at: datetime


class OpenInvitation(NamedTuple):
    """What the welcome page shows: whose invitation, and the authenticator secret to enrol."""

    user_name: str
    practitioner_id: UUID
    totp_secret: str


class SignInAttempt(NamedTuple):
    """The outcome of an attempt: the actor and account signed in, or why not, in words."""

    actor: Actor | None
    account_id: UUID | None
    refusal: str | None


class SignInService(CaseworkBase):
    """Invitations, enrolment, sign-in and sign-out."""

    def invite_practitioner(
        self, actor: Actor | None, command: InvitePractitioner
    ) -> IssuedInvitation:
        """Invite a practitioner (an admin, or the operator: None) to sign in as `user_name`."""
        if actor is None:
            acting = operator_acting()
            practitioner = self._get(Practitioner, command.practitioner_id)
        else:
            acting = self._acting(actor, command)
            practitioner = self._practitioner(actor.clinic_id, command.practitioner_id)
        practitioner.check_active()
        check_user_name(command.user_name)  # whoever calls: the API's schema checks it too
        account_id = account_id_for(command.user_name)
        account = self._account(account_id)
        new_account = account is None
        if account is None:
            account = SignInAccount(
                clinic_id=practitioner.clinic_id,
                practitioner_id=practitioner.id,
                actor_id=acting.actor_id,
                actor_role=acting.actor_role,
                id=account_id,
            )
        elif account.practitioner_id != practitioner.id:
            raise InvalidInput.field("user_name", "That user name is taken: choose another.")
        secret = new_invitation_secret()
        invitation_id = invitation_id_for(secret)
        expires_at = utc_now() + INVITATION_LIFETIME
        invitation = Invitation(
            clinic_id=practitioner.clinic_id,
            practitioner_id=practitioner.id,
            account_id=account_id,
            user_name=command.user_name.strip(),
            expires_at=expires_at,
            sealed_totp_secret=self.vault.seal_staff_secret(
                invitation_id, TOTP_LABEL, new_totp_secret()
            ),
            actor_id=acting.actor_id,
            actor_role=acting.actor_role,
            id=invitation_id,
        )
        written = self._save(*([account] if new_account else []), invitation)
        return IssuedInvitation(written, secret, expires_at)

    def open_invitation(self, secret: str) -> OpenInvitation | None:
        """Return what an invitation link opens, or None if unknown, used or expired."""
        invitation = self._usable_invitation(secret)
        if invitation is None:
            return None
        totp_secret = self.vault.open_staff_secret(
            invitation.id, TOTP_LABEL, invitation.sealed_totp_secret
        )
        return OpenInvitation(invitation.user_name, invitation.practitioner_id, totp_secret)

    def accept_invitation(self, secret: str, password: str, code: str) -> UUID:
        """Set the password and authenticator an invitation offers; return the account's id.

        The code proves the authenticator was set up. The link opens nothing afterwards.
        """
        invitation = self._usable_invitation(secret)
        opened = self.open_invitation(secret)
        if invitation is None or opened is None:
            raise NotFound("This invitation link is unknown, used or expired.")
        step = totp_step(opened.totp_secret, code, utc_now())
        if step is None:
            raise InvalidInput.field("code", "The code does not match: check the app and retry.")
        account = self._get(SignInAccount, invitation.account_id)
        account.enrol(
            invitation.id,
            check_password(password, invitation.user_name),
            self.vault.seal_staff_secret(account.id, TOTP_LABEL, opened.totp_secret),
            step,
        )
        invitation.use()
        self._save(invitation, account)
        return account.id

    def sign_in(self, user_name: str, password: str, code: str) -> SignInAttempt:
        """Check a user name, password and code; record the attempt on the account."""
        now = utc_now()
        account = self._account(account_id_for(user_name)) if len(user_name) <= 200 else None
        if account is None:
            password_matches(None, password)  # as slow as a known name: names are not revealed
            log.info("sign-in refused: no such account")
            return SignInAttempt(None, None, WRONG)
        wait_until = account.wait_until()
        if wait_until is not None and now < wait_until:
            seconds = int((wait_until - now).total_seconds()) + 1
            log.info("sign-in refused: account %s must wait %d s", account.id, seconds)
            return SignInAttempt(
                None, None, f"Too many failed attempts: wait {seconds} s, then try again."
            )
        practitioner = self._get(Practitioner, account.practitioner_id)
        failure = self._failure(account, practitioner, password, code, now)
        if failure is not None:
            account.failed(failure)
            self._save(account)
            return SignInAttempt(None, None, WRONG)
        account.signed_in(self._step(account, code, now) or 0)
        self._save(account)
        return SignInAttempt(practitioner.as_actor(), account.id, None)

    def sign_out(self, account_id: UUID, reason: str) -> None:
        """Record that a browser session ended: signed out, idle too long, or too old."""
        account = self._get(SignInAccount, account_id)
        account.signed_out(reason)
        self._save(account)

    def signed_in_actor(self, practitioner_id: UUID) -> Actor | None:
        """Return who a session's practitioner acts as now (their roles now), or None once
        deactivated. The account, whose sign-ins grow with the years, is not replayed."""
        practitioner = self._get(Practitioner, practitioner_id)
        return practitioner.as_actor() if practitioner.active else None

    def _failure(
        self,
        account: SignInAccount,
        practitioner: Practitioner,
        password: str,
        code: str,
        now: datetime,
    ) -> str | None:
        if not password_matches(account.password_hash, password):
            return FailedSignIn.NOT_ENROLLED if not account.enrolled else FailedSignIn.PASSWORD
        if not practitioner.active:
            return FailedSignIn.DEACTIVATED
        step = self._step(account, code, now)
        if step is None or step <= account.last_step:  # a code is good once
            return FailedSignIn.CODE
        return None

    def _step(self, account: SignInAccount, code: str, now: datetime) -> int | None:
        if account.sealed_totp_secret is None:
            return None
        secret = self.vault.open_staff_secret(account.id, TOTP_LABEL, account.sealed_totp_secret)
        return totp_step(secret, code, now)

    def _account(self, account_id: UUID) -> SignInAccount | None:
        try:
            return self._get(SignInAccount, account_id)
        except NotFound:
            return None

    def _usable_invitation(self, secret: str) -> Invitation | None:
        if len(secret) > 200:
            return None
        try:
            invitation = self._get(Invitation, invitation_id_for(secret))
        except NotFound:
            return None
        return invitation if invitation.usable_at(utc_now()) else None
