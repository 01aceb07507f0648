"""Sign-in for people: an account per practitioner, opened by a one-time invitation.

A person signs in with a user name, a password (kept only as an argon2id hash) and a code from
an authenticator app (TOTP, RFC 6238), whose secret is kept sealed under a key derived from the
master key and bound to its account. Every sign-in, failure and sign-out is an event of the
account, so the history of who signed in is as tamper-evident as the rest of the record.
Programs keep their bearer tokens; this is for browsers.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID, uuid5

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from eventsourcing.domain import event

from casework.chain import ChainedAggregate
from casework.clinic_owned import ClinicOwned
from casework.errors import InvalidInput

INVITATION_PREFIX = "ci_"
INVITATION_LIFETIME = timedelta(hours=72)
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 256  # argon2 hashes whatever it is given: a megabyte password is a DoS
FREE_FAILURES = 3
"""Failed attempts in a row before each further attempt must wait (1 s, 2 s, 4 s, ... 15 min)."""
MAX_WAIT = timedelta(minutes=15)

_ACCOUNT_NAMESPACE = UUID("2f7e5c1d-8a44-4c0e-b7a1-6d3f9e2c4b58")
_INVITATION_NAMESPACE = UUID("c4e1a9b7-3d52-4f68-9e0a-1b7c5d2e8f36")
_HASHER = PasswordHasher()  # argon2id with the library's RFC 9106 "low memory" parameters
_DUMMY_HASH = _HASHER.hash("not anyone's password")


class FailedSignIn:
    """Why an attempt failed, as recorded (never what was typed)."""

    PASSWORD = "wrong_password"
    CODE = "wrong_code"
    DEACTIVATED = "deactivated"
    NOT_ENROLLED = "not_enrolled"
    TOO_SOON = "too_soon"


MAX_USER_NAME_LENGTH = 64
USER_NAME_PATTERN = f"^[A-Za-z0-9._-]{{1,{MAX_USER_NAME_LENGTH}}}$"
"""A user name: 1 to 64 ASCII letters, digits, `.`, `-` and `_` (no look-alike characters, no
spaces); read alike by Python's `re.fullmatch` and by ECMA-262 (the API documents it)."""


def user_name_problem(name: str) -> str | None:
    """Return why `name` cannot be a user name, in words, or None if it can."""
    if not name.strip():
        return "Must not be blank."
    if len(name) > MAX_USER_NAME_LENGTH:
        return f"Use at most {MAX_USER_NAME_LENGTH} characters."
    if re.fullmatch(USER_NAME_PATTERN.strip("^$"), name) is None:
        return "Use only letters (a-z, A-Z), digits, '.', '-' and '_'."
    return None


def check_user_name(name: str) -> str:
    """Return `name` if it can be a user name; else raise InvalidInput naming `user_name`."""
    problem = user_name_problem(name)
    if problem is not None:
        raise InvalidInput.field("user_name", problem)
    return name


def fold_user_name(name: str) -> str:
    """Return the form a user name is compared in: NFKC, case-folded, without outer spaces."""
    return unicodedata.normalize("NFKC", name).casefold().strip()


def account_id_for(user_name: str) -> UUID:
    """Return the id of the account a user name names: one account per name, clinic-wide."""
    return uuid5(_ACCOUNT_NAMESPACE, fold_user_name(user_name))


def new_invitation_secret() -> str:
    """Return a fresh, unguessable secret for a one-time invitation link."""
    return INVITATION_PREFIX + secrets.token_urlsafe(32)


def invitation_id_for(secret: str) -> UUID:
    """Return the id an invitation is stored under: derived from its secret's SHA-256."""
    return uuid5(_INVITATION_NAMESPACE, hashlib.sha256(secret.encode()).hexdigest())


def new_totp_secret() -> str:
    """Return a fresh authenticator secret (base32, 160 bits as RFC 4226 recommends)."""
    return pyotp.random_base32(32)


def totp_step(secret: str, code: str, at: datetime) -> int | None:
    """Return the 30-second step `code` is valid for at `at` (one step of drift), or None."""
    totp = pyotp.TOTP(secret)
    for drift in (0, -1, 1):
        moment = at + timedelta(seconds=30 * drift)
        if totp.verify(code, for_time=moment):
            return int(totp.timecode(moment))
    return None


def check_password(password: str, user_name: str) -> str:
    """Return the password's argon2id hash; refuse one too short, too long or the user name."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput.field("password", f"Use at least {MIN_PASSWORD_LENGTH} characters.")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InvalidInput.field("password", f"Use at most {MAX_PASSWORD_LENGTH} characters.")
    if fold_user_name(password) == fold_user_name(user_name):
        raise InvalidInput.field("password", "The password must not be your user name.")
    return _HASHER.hash(password)


def password_matches(password_hash: str | None, password: str) -> bool:
    """Return whether `password` matches; an account without a password costs the same time."""
    try:
        return _HASHER.verify(password_hash or _DUMMY_HASH, password[:MAX_PASSWORD_LENGTH]) and (
            password_hash is not None
        )
    except (VerificationError, InvalidHashError):
        return False


class Invitation(ClinicOwned):
    """A one-time link for a practitioner to set their password and second factor."""

    class Issued(ChainedAggregate.Created):
        clinic_id: UUID
        practitioner_id: UUID
        account_id: UUID
        user_name: str
        expires_at: datetime
        sealed_totp_secret: str
        actor_id: UUID
        actor_role: str

    @event(Issued)
    def __init__(
        self,
        clinic_id: UUID,
        practitioner_id: UUID,
        account_id: UUID,
        user_name: str,
        expires_at: datetime,
        sealed_totp_secret: str,
        actor_id: UUID,
        actor_role: str,
        id: UUID,
    ) -> None:
        self.clinic_id = clinic_id
        self.practitioner_id = practitioner_id
        self.account_id = account_id
        self.user_name = user_name
        self.expires_at = expires_at
        self.sealed_totp_secret = sealed_totp_secret
        self.used = False

    class Used(ClinicOwned.Event):
        def apply(self, invitation: Invitation) -> None:
            invitation.used = True

    def usable_at(self, moment: datetime) -> bool:
        """Whether the link still opens: not used, not expired."""
        return not self.used and moment < self.expires_at

    def use(self) -> None:
        """Spend the invitation: it opens nothing again."""
        self.trigger_event(self.Used)


class SignInAccount(ClinicOwned):
    """A practitioner's way in by browser, and its history of sign-ins."""

    class Event(ClinicOwned.Event):
        """Each says whose account it is, so the sign-in list needs nothing else."""

        practitioner_id: UUID

    def trigger_event(self, event_class: Any, **kwargs: Any) -> None:
        super().trigger_event(event_class, practitioner_id=self.practitioner_id, **kwargs)

    class Opened(ChainedAggregate.Created):
        clinic_id: UUID
        practitioner_id: UUID
        actor_id: UUID
        actor_role: str

    @event(Opened)
    def __init__(
        self, clinic_id: UUID, practitioner_id: UUID, actor_id: UUID, actor_role: str, id: UUID
    ) -> None:
        self.clinic_id = clinic_id
        self.practitioner_id = practitioner_id
        self.password_hash: str | None = None
        self.sealed_totp_secret: str | None = None
        self.last_step = -1
        self.failures = 0
        self.last_failure_at: datetime | None = None

    class Enrolled(Event):
        """A password and an authenticator set through an invitation (`invitation_id`)."""

        invitation_id: UUID
        password_hash: str
        sealed_totp_secret: str
        totp_step: int

        def apply(self, account: SignInAccount) -> None:
            account.password_hash = self.password_hash
            account.sealed_totp_secret = self.sealed_totp_secret
            account.last_step = self.totp_step
            account.failures, account.last_failure_at = 0, None

    def enrol(
        self, invitation_id: UUID, password_hash: str, sealed_totp_secret: str, step: int
    ) -> None:
        """Set (or reset) the account's password and authenticator; `step`'s code is spent."""
        self.trigger_event(
            self.Enrolled,
            invitation_id=invitation_id,
            password_hash=password_hash,
            sealed_totp_secret=sealed_totp_secret,
            totp_step=step,
        )

    class SignedIn(Event):
        totp_step: int

        def apply(self, account: SignInAccount) -> None:
            account.last_step = self.totp_step
            account.failures, account.last_failure_at = 0, None

    class SignInFailed(Event):
        reason: str

        def apply(self, account: SignInAccount) -> None:
            account.failures += 1
            account.last_failure_at = self.timestamp

    class SignedOut(Event):
        reason: str  # "signed_out", "idle", "expired"

    @property
    def enrolled(self) -> bool:
        return self.password_hash is not None

    def wait_until(self) -> datetime | None:
        """Return when the next attempt may be made, after failures in a row (None: now)."""
        if self.failures < FREE_FAILURES or self.last_failure_at is None:
            return None
        wait = min(timedelta(seconds=2 ** (self.failures - FREE_FAILURES)), MAX_WAIT)
        return self.last_failure_at + wait

    def signed_in(self, step: int) -> None:
        self.trigger_event(self.SignedIn, totp_step=step)

    def failed(self, reason: str) -> None:
        self.trigger_event(self.SignInFailed, reason=reason)

    def signed_out(self, reason: str) -> None:
        self.trigger_event(self.SignedOut, reason=reason)
