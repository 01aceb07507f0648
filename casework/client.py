"""The client: known by a clinic-unique pseudonym, with identifying details sealed by the vault."""

from __future__ import annotations

import unicodedata
from datetime import datetime
from typing import Any
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from casework.clinic_owned import ClinicOwned
from casework.errors import InvalidInput
from casework.text_fields import TextFields

PSEUDONYM_FIELD = "client_pseudonym"

_INVISIBLE = {
    "\u115f",  # Hangul choseong filler
    "\u1160",  # Hangul jungseong filler
    "\u2800",  # Braille pattern blank
    "\u3164",  # Hangul filler
    "\uffa0",  # halfwidth Hangul filler
    "\ufffd",  # the replacement character: text that could not be decoded, never a case code
}
"""Letters that show as nothing, though Unicode does not class them as format characters."""


def pseudonym_as_written(pseudonym: str, field: str = PSEUDONYM_FIELD) -> str:
    """Return a pseudonym in its shown form: NFKC, white space trimmed and runs of it made one.

    Raises InvalidInput naming `field` for control, format (invisible: zero-width, bidirectional
    overrides and isolates), surrogate, private-use or unassigned characters, characters beyond
    the Basic Multilingual Plane, or a blank value.
    The value itself is never echoed: a pseudonym identifies a client.
    """
    shown = " ".join(unicodedata.normalize("NFKC", pseudonym).split())
    if any(_refused(character) for character in pseudonym + shown):
        raise InvalidInput.field(
            field,
            "Must not hold control, invisible or bidirectional characters, or characters beyond"
            " the Basic Multilingual Plane.",
        )
    if not shown:
        raise InvalidInput.field(field, "Must not be blank.")
    return shown


def pseudonym_key(pseudonym: str, field: str = PSEUDONYM_FIELD) -> str:
    """Return what two pseudonyms are compared by: the shown form, NFKC and case-folded.

    Folding and normalising are repeated until nothing changes (Unicode's NFKC_Casefold is
    closed in the same way), so a key is its own key.
    """
    return folded(pseudonym_as_written(pseudonym, field))


def folded(text: str) -> str:
    """Return text NFKC-normalised and case-folded until nothing changes (never refuses)."""
    for _ in range(4):
        key = unicodedata.normalize("NFKC", text.casefold())
        if key == text:
            break
        text = key
    return text


def _refused(character: str) -> bool:
    category = unicodedata.category(character)
    beyond_the_bmp = ord(character) > LAST_BMP_CHARACTER
    return category in _REFUSED_CATEGORIES or character in _INVISIBLE or beyond_the_bmp


def pseudonym_character_allowed(character: str) -> bool:
    """Return whether a pseudonym may hold `character`, by itself and as NFKC writes it."""
    shown = unicodedata.normalize("NFKC", character)
    return not any(_refused(c) for c in character + shown)


LAST_BMP_CHARACTER = 0xFFFF
"""A pseudonym is a clinic's case code, written in the Basic Multilingual Plane, where the
letters of every living script are; beyond it lie emoji, historic scripts and mathematical
letters that NFKC folds into ASCII. Keeping to it lets the OpenAPI document state exactly
which characters a pseudonym may hold (a pattern cannot name characters beyond it portably)."""


_REFUSED_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}
"""Control, format (zero-width, bidirectional controls), surrogate, private-use, unassigned,
line and paragraph separators."""


def client_id_for(clinic_id: UUID, pseudonym: str) -> UUID:
    """Return the one id a pseudonym has in a clinic (by `pseudonym_key`): one person, one client.

    Raises InvalidInput for a pseudonym `pseudonym_as_written` refuses.
    """
    return uuid5(clinic_id, pseudonym_key(pseudonym))


class Client(ClinicOwned):
    """A person in care; one client may have several journeys over the years."""

    class Event(ClinicOwned.Event):
        actor_id: UUID
        actor_role: str
        occurred_at: datetime

    class Registered(Event, Aggregate.Created):
        clinic_id: UUID
        pseudonym: str

    @event(Registered)
    def __init__(
        self,
        actor_id: UUID,
        actor_role: str,
        occurred_at: datetime,
        clinic_id: UUID,
        pseudonym: str,
        id: UUID,
    ) -> None:
        self.clinic_id = clinic_id
        self.pseudonym = pseudonym
        self.journey_ids: list[UUID] = []
        self.details: dict[str, str | None] = {}
        self.erased_at: datetime | None = None
        self.erasure: dict[str, str | None] = {}

    class JourneyStarted(Event):
        journey_id: UUID

    @event(JourneyStarted)
    def start_journey(
        self, actor_id: UUID, actor_role: str, occurred_at: datetime, journey_id: UUID
    ) -> None:
        """Remember that a new journey began for this client."""
        self.journey_ids.append(journey_id)

    class DetailsRecorded(Event):
        details: dict[str, str | None]

    @event(DetailsRecorded)
    def record_details(
        self,
        actor_id: UUID,
        actor_role: str,
        occurred_at: datetime,
        details: dict[str, str | None],
    ) -> None:
        """Record (or replace) the identifying details; the application sealed every value."""
        self.details = dict(details)

    class Erased(Event):
        reason: str
        retention_ends_on: str | None
        retention_override: str | None

    @event(Erased)
    def erase(
        self,
        actor_id: UUID,
        actor_role: str,
        occurred_at: datetime,
        reason: str,
        retention_ends_on: str | None,
        retention_override: str | None,
    ) -> None:
        """Note that the client's key was destroyed: every sealed value now reads as erased."""
        self.erased_at = occurred_at
        self.erasure = {
            "reason": reason,
            "retention_ends_on": retention_ends_on,
            "retention_override": retention_override,
        }


TEXT_FIELDS: dict[type[Any], TextFields] = {
    Client.Event: TextFields(coded=("actor_role",)),
    Client.Registered: TextFields(coded=("pseudonym",)),
    Client.DetailsRecorded: TextFields(
        personal=(
            "details.name",
            "details.date_of_birth",
            "details.contact",
            "details.support_contact",
        )
    ),
    # The erasure's own record, which must outlive the key: the API asks for ids, no personal data.
    Client.Erased: TextFields(coded=("reason", "retention_ends_on", "retention_override")),
}
"""Every client event's text: personal (sealed under the client's key) or coded (plain)."""
