"""Personal text, by declaration: seal and reveal exactly the fields each event class declares.

Every event class of every aggregate declares its text (`TEXT_FIELDS` beside the classes; the
clinic's, the practitioners' and the access log's are declared here). A value at a personal
path is sealed under the client's key, bound to its clinic, client and `<event class>.<path>`;
on reading, exactly those paths are opened and any other field is returned as it is, whatever
it looks like. A personal value that is no envelope of its clinic, client and field reads as
UNREADABLE (and is reported by the vault), never as text and never as an error.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import Any
from uuid import UUID

from casework.access_log import AccessQuery, AccessRecord
from casework.access_token import AccessToken
from casework.calendar_feed import CalendarFeed
from casework.chain import ChainedAggregate
from casework.client import TEXT_FIELDS as CLIENT_TEXT_FIELDS
from casework.clinic import Clinic
from casework.idempotent_request import IdempotentRequest
from casework.journey.events import TEXT_FIELDS as JOURNEY_TEXT_FIELDS
from casework.practitioner import Practitioner
from casework.sign_in import Invitation, SignInAccount
from casework.text_fields import TextFields, at_path
from casework.vault import VaultReader

STAFF_AND_CLINIC_TEXT_FIELDS: dict[type[Any], TextFields] = {
    # The library's and the hash chain's bookkeeping, on every event.
    ChainedAggregate.Event: TextFields(coded=("originator_topic", "previous_link")),
    # Clinic set-up and staff records: no client's text, and no client key to seal them under.
    Clinic.Event: TextFields(coded=("actor_role",)),
    Clinic.Registered: TextFields(
        coded=(
            "name",
            "time_zone",
            "follow_up_schedule[].kind",
            "follow_up_schedule[].label",
            "follow_up_schedule[].owner_role",
        )
    ),
    Clinic.SettingsChanged: TextFields(
        coded=(
            "time_zone",
            "follow_up_schedule[].kind",
            "follow_up_schedule[].label",
            "follow_up_schedule[].owner_role",
            "reason",
        )
    ),
    Practitioner.Event: TextFields(coded=("actor_role",)),
    Practitioner.Registered: TextFields(
        coded=(
            "display_name",
            "roles[]",
            "credentials[].kind",
            "credentials[].number",
            "credentials[].valid_until",
            "modalities[]",
        )
    ),
    # A role change's reason belongs to the staff record (an audited decision about staff
    # access), never to a client: coded, kept plain, and outlives every client's key.
    Practitioner.RoleGranted: TextFields(coded=("role", "reason")),
    Practitioner.RoleRevoked: TextFields(coded=("role", "reason")),
    Practitioner.Renamed: TextFields(coded=("display_name",)),
    Practitioner.CredentialsRecorded: TextFields(
        coded=(
            "credentials[].kind",
            "credentials[].number",
            "credentials[].valid_until",
            "modalities[]",
        )
    ),
    Practitioner.Deactivated: TextFields(coded=("reason",)),
    AccessRecord.Recorded: TextFields(coded=("role", "endpoint", "purpose")),
    AccessQuery.Recorded: TextFields(coded=("role", "endpoint", "purpose", "filters[]")),
    # A staff token's label and why it was revoked: about staff access, never about a client.
    AccessToken.Issued: TextFields(coded=("label", "actor_role")),
    AccessToken.Revoked: TextFields(coded=("reason", "actor_role")),
    CalendarFeed.Issued: TextFields(coded=("actor_role",)),
    CalendarFeed.Revoked: TextFields(coded=("reason", "actor_role")),
    # Signing in by browser: a staff member's user name, their password's argon2id hash and
    # authenticator seed sealed under the staff-secrets key (never a client's), reason codes.
    Invitation.Issued: TextFields(coded=("user_name", "sealed_totp_secret", "actor_role")),
    SignInAccount.Opened: TextFields(coded=("actor_role",)),
    SignInAccount.Enrolled: TextFields(coded=("password_hash", "sealed_totp_secret")),
    SignInAccount.SignInFailed: TextFields(coded=("reason",)),
    SignInAccount.SignedOut: TextFields(coded=("reason",)),
    # A keyed request: a keyed hash of what was asked (never the body), and ids of what it wrote.
    IdempotentRequest.Answered: TextFields(coded=("request_hash",)),
}
"""Declared here, not beside those classes, because their modules belong to another part of
the work; all of it is coded: none of it is a client's text, and no client key could seal it."""

DECLARED: dict[type[Any], TextFields] = {
    **STAFF_AND_CLINIC_TEXT_FIELDS,
    **CLIENT_TEXT_FIELDS,
    **JOURNEY_TEXT_FIELDS,
}

JOURNEY_EVENTS = {event_class.__name__: event_class for event_class in JOURNEY_TEXT_FIELDS}
"""Journey event classes by name: how a correction and a timeline row name their entry's type."""


def text_fields(event_class: type[Any]) -> TextFields:
    """Return what `event_class` declares, together with what every class it extends declares."""
    merged = TextFields()
    for base in reversed(event_class.__mro__):
        declared = DECLARED.get(base)
        if declared is not None:
            merged = TextFields(
                merged.personal + declared.personal,
                merged.coded + declared.coded,
                merged.corrected + declared.corrected,
            )
    return merged


def label(event_class: type[Any], path: str) -> str:
    """Return the name a sealed value is bound to: its event class and path."""
    return f"{event_class.__qualname__}.{path}"


def is_personal(event_class: type[Any], field: str) -> bool:
    """Return whether a top-level field of `event_class` is declared personal."""
    return field in text_fields(event_class).personal


def seal_payload(
    event_class: type[Any], values: Mapping[str, Any], seal: Callable[[str, str], str]
) -> dict[str, Any]:
    """Return `values` (some fields of an event) with every declared personal text sealed.

    `seal(label, text)` seals one text. Blank text stays as it is: it says nothing, and the
    rules that refuse it must still see it blank.
    """

    def sealed(path: str) -> Callable[[Any], Any]:
        def change(value: Any) -> Any:
            if isinstance(value, str) and value.strip():
                return seal(label(event_class, path), value)
            return value

        return change

    payload = dict(values)
    for path in text_fields(event_class).personal:
        payload = at_path(payload, path, sealed(path))
    return payload


def reveal_payload(
    reader: VaultReader,
    clinic_id: UUID,
    client_id: UUID,
    event_class: type[Any],
    data: Mapping[str, Any],
) -> dict[str, Any]:
    """Return `data` (an event's fields, all or some) with its declared personal text revealed.

    Fields not declared personal are returned as they are, whatever they look like.
    """

    def revealed(value_label: str) -> Callable[[Any], Any]:
        def change(value: Any) -> Any:
            if isinstance(value, str) and not value.strip():
                return value  # blank: sealed as nothing (seal_payload), it says nothing
            return reader.reveal(clinic_id, client_id, value_label, value)

        return change

    declared = text_fields(event_class)
    payload = dict(data)
    for path in declared.personal:
        payload = at_path(payload, path, revealed(label(event_class, path)))
    corrected_label = _corrected_label(payload)
    if corrected_label is not None:
        for path in declared.corrected:
            payload = at_path(payload, path, revealed(corrected_label))
    return payload


def _corrected_label(data: Mapping[str, Any]) -> str | None:
    """Return the label a correction's values are sealed under, if its field is personal."""
    entry_class = JOURNEY_EVENTS.get(str(data.get("entry_type")))
    field = data.get("field")
    if entry_class is None or not isinstance(field, str) or not is_personal(entry_class, field):
        return None
    return label(entry_class, field)


def revealed_event(reader: VaultReader, clinic_id: UUID, client_id: UUID, event: Any) -> Any:
    """Return a copy of a stored event with its declared personal text revealed, for reading.

    The copy is for describing state only: it is never saved, and its link is not the stored one.
    """
    fields = vars(event)
    revealed = reveal_payload(reader, clinic_id, client_id, type(event), fields)
    changed = copy.copy(event)
    for name, value in revealed.items():
        if value is not fields[name]:
            object.__setattr__(changed, name, value)  # a frozen event: a copy made for reading
    return changed


def reveal_exported(
    reader: VaultReader, clinic_id: UUID, client_id: UUID, entries: object
) -> list[dict[str, Any]]:
    """Return a journey's exported events with each one's declared personal text revealed.

    An entry names its event class by `type`: a journey event's name, unique in a journey.
    """
    revealed = []
    for entry in entries if isinstance(entries, list) else []:
        event_class = JOURNEY_EVENTS.get(str(entry.get("type")))
        data = entry.get("data")
        if event_class is not None and isinstance(data, Mapping):
            entry = {
                **entry,
                "data": reveal_payload(reader, clinic_id, client_id, event_class, data),
            }
        revealed.append(entry)
    return revealed
