"""The domain's error tree, keyed to meaning; the API maps each class to one HTTP status."""

from __future__ import annotations

from casework.refusals import Refusal


class CaseworkError(Exception):
    """Base class of every error the domain raises on purpose."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(CaseworkError):
    """Raised when an id is unknown, or belongs to another clinic."""


class Forbidden(CaseworkError):
    """Raised when the acting practitioner holds none of the roles a command needs."""


class InvalidInput(CaseworkError):
    """Raised when a value is malformed or inconsistent; `errors` maps each field to its reasons."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("Some fields are invalid.")
        self.errors = errors

    @classmethod
    def field(cls, name: str, reason: str) -> InvalidInput:
        """Return the error for one field."""
        return cls({name: [reason]})


class RuleViolation(CaseworkError):
    """Raised when a command would break a rule of the journey; `reason` is a stable code."""

    def __init__(
        self, reason: Refusal, message: str, details: dict[str, object] | None = None
    ) -> None:
        super().__init__(message)
        self.reason = reason
        self.details = details or {}


class Conflict(CaseworkError):
    """Raised when a write is based on a stale version, or lost a race with another write."""

    def __init__(self, reason: Refusal, message: str) -> None:
        super().__init__(message)
        self.reason = reason


class StaleVersion(Conflict):
    """Raised when the version a write was based on (`If-Match`) is not the current one."""

    def __init__(self, current_version: int, expected_version: int) -> None:
        message = f"The journey is at version {current_version}, not {expected_version}."
        super().__init__(Refusal.VERSION_MISMATCH, message)
        self.current_version = current_version


class AccessLogUnavailable(CaseworkError):
    """Raised when a read's access record cannot be written: the read is refused, not served
    unlogged (a full disk, a read-only or unreachable store)."""

    reason = "access_log_unavailable"

    def __init__(self) -> None:
        super().__init__(
            "The access log cannot be written, so this record is not shown; retry shortly."
        )
