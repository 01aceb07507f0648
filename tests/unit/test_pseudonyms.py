"""One client is one client: pseudonyms compared NFKC and case-folded, no hidden characters;
a client has at most one open journey."""

from __future__ import annotations

import unicodedata
from uuid import UUID, uuid4

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from casework.application import Casework
from casework.client import Client, client_id_for, pseudonym_as_written, pseudonym_key
from casework.errors import InvalidInput, RuleViolation
from casework.journey.commands import CloseJourney, RecordWithdrawal
from casework.roles import Role
from tests.support.journeys import open_journey
from tests.support.staff import Staff

CLINIC = uuid4()

HIDDEN = [
    "\u200b",  # zero-width space
    "\u200c",  # zero-width non-joiner
    "\u200d",  # zero-width joiner
    "\u2060",  # word joiner
    "\ufeff",  # zero-width no-break space (byte order mark)
    "\u00ad",  # soft hyphen
    "\u202a",  # left-to-right embedding
    "\u202b",  # right-to-left embedding
    "\u202c",  # pop directional formatting
    "\u202d",  # left-to-right override
    "\u202e",  # right-to-left override
    "\u2066",  # left-to-right isolate
    "\u2067",  # right-to-left isolate
    "\u2068",  # first strong isolate
    "\u2069",  # pop directional isolate
    "\u200e",  # left-to-right mark
    "\u200f",  # right-to-left mark
    "\u061c",  # Arabic letter mark
    "\u3164",  # Hangul filler
    "\u2028",  # line separator
    "\x00",
    "\t",
    "\n",
    "\x7f",
    "\x9b",
]
"""Invisible, bidirectional and control characters: a pseudonym holding one is refused."""


def intake(app: Casework, staff: Staff, pseudonym: str) -> UUID:
    return open_journey(app, staff, pseudonym)


def test_the_same_pseudonym_however_written_is_one_client(app: Casework, staff: Staff) -> None:
    first = intake(app, staff, "Renée-07")
    lead = staff[Role.CLINICAL_LEAD]
    journeys = [first]
    for variant in ("Rene\u0301e-07", fullwidth("RENÉE-07"), "  renée-07 ", "RENÉE-07"):
        app.close_journey(lead, CloseJourney(journey_id=journeys[-1], reason="Care complete"))
        journeys.append(intake(app, staff, variant))
    client = app.repository.get(client_id_for(staff.clinic_id, "renée-07"))
    assert isinstance(client, Client)
    assert client.journey_ids == journeys
    assert client.pseudonym == "Renée-07"  # as first written, in NFKC


@pytest.mark.parametrize(
    "hidden",
    ["\u200b", "\u202e", "\u2066", "\U0001d402", "\U0001f642"],
    ids=["zwsp", "rlo", "lri", "math-bold-c", "emoji"],
)
def test_a_pseudonym_with_a_hidden_character_is_refused_naming_the_field(
    app: Casework, staff: Staff, hidden: str
) -> None:
    before = app.recorder.max_notification_id()
    with pytest.raises(InvalidInput) as refused:
        intake(app, staff, f"CW-0001{hidden}")
    assert set(refused.value.errors) == {"client_pseudonym"}
    assert "CW-0001" not in str(refused.value.errors)
    assert app.recorder.max_notification_id() == before


def test_a_second_intake_while_a_journey_is_open_names_the_open_journey(
    app: Casework, staff: Staff
) -> None:
    first = intake(app, staff, "CW-ONE")
    before = app.recorder.max_notification_id()
    with pytest.raises(RuleViolation) as refused:
        intake(app, staff, "cw-one")
    assert refused.value.reason == "client_has_open_journey"
    assert refused.value.details == {"open_journey_id": str(first)}
    assert app.recorder.max_notification_id() == before
    app.record_withdrawal(
        staff[Role.INTAKE_COORDINATOR], RecordWithdrawal(journey_id=first, reason="Moving abroad")
    )
    with pytest.raises(RuleViolation):  # withdrawn is not closed: follow-up continues
        intake(app, staff, "CW-ONE")
    app.close_journey(
        staff[Role.CLINICAL_LEAD], CloseJourney(journey_id=first, reason="Client withdrew")
    )
    second = intake(app, staff, "CW-ONE")
    assert app.repository.get(client_id_for(staff.clinic_id, "CW-ONE")).journey_ids == [
        first,
        second,
    ]


# -- properties ---------------------------------------------------------------------------------

visible = st.characters(
    max_codepoint=0xFFFF,
    blacklist_categories=("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"),
    blacklist_characters="".join(HIDDEN),
)
pseudonyms = st.text(visible, min_size=1, max_size=30).filter(lambda text: text.strip() != "")


def fullwidth(text: str) -> str:
    """Return `text` with its printable ASCII written in fullwidth forms (NFKC maps them back)."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def ascii_case_flipped(text: str, flips: list[bool]) -> str:
    return "".join(
        c.swapcase() if c.isascii() and flip else c
        for c, flip in zip(text, flips + [False] * 99, strict=False)
    )


@settings(max_examples=300, deadline=None)
@given(pseudonyms, st.lists(st.booleans(), max_size=30), st.sampled_from([" ", "\u00a0", "\u3000"]))
def test_every_variant_that_nfkc_and_case_folding_map_together_is_one_client(
    pseudonym: str, flips: list[bool], space: str
) -> None:
    try:
        expected = client_id_for(CLINIC, pseudonym)
    except InvalidInput:
        return  # NFKC made it blank or hidden: refused, as its variants are (below)
    variants = [
        unicodedata.normalize("NFD", pseudonym),
        unicodedata.normalize("NFKD", pseudonym),
        unicodedata.normalize("NFKC", pseudonym),
        fullwidth(pseudonym),
        ascii_case_flipped(pseudonym, flips),
        pseudonym.casefold(),
        f"{space}{pseudonym}{space}",
        pseudonym_key(pseudonym),
        pseudonym_as_written(pseudonym),
    ]
    for variant in variants:
        assert client_id_for(CLINIC, variant) == expected, ascii(variant)


@settings(max_examples=300, deadline=None)
@given(pseudonyms, st.sampled_from(HIDDEN), st.integers(min_value=0, max_value=30))
def test_every_pseudonym_holding_an_invisible_or_bidirectional_control_is_refused(
    pseudonym: str, hidden: str, at: int
) -> None:
    spoiled = pseudonym[:at] + hidden + pseudonym[at:]
    with pytest.raises(InvalidInput) as refused:
        client_id_for(CLINIC, spoiled)
    assert list(refused.value.errors) == ["client_pseudonym"]
    assert spoiled not in str(refused.value.errors)
