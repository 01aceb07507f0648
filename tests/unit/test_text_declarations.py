"""Every event declares its text, and reveals follow the declarations, never a value's shape."""

from __future__ import annotations

import dataclasses
import typing
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import casework.application  # noqa: F401  (every aggregate, so every event class, is loaded)
from casework.application import Casework
from casework.chain import ChainedAggregate
from casework.journey import Journey
from casework.journey.commands import CloseJourney, PauseJourney, ResumeJourney
from casework.personal import label, reveal_payload, text_fields
from casework.roles import Role
from casework.vault import ERASED, UNREADABLE
from tests.support.journeys import hold_session, ready_journey
from tests.support.staff import Staff

TEXT_TYPES = ("str", "Any", "dict")


def event_classes(base: type[Any] = ChainedAggregate.Event) -> list[type[Any]]:
    """Return every class below the chained aggregates' event base, found by class.

    The library's `@event(Class)` puts a subclass of the same name in the class's place (the
    one events are made of); the class it replaced is never instantiated, so it is skipped.
    """
    found = []
    for subclass in base.__subclasses__():
        replaced = any(s.__qualname__ == subclass.__qualname__ for s in subclass.__subclasses__())
        if not replaced:
            found.append(subclass)
        found.extend(event_classes(subclass))
    return found


def text_bearing_fields(event_class: type[Any]) -> list[str]:
    """Return the fields whose type can hold text: str, Any, or dicts and lists of them."""
    hints = typing.get_type_hints(event_class)
    return [
        field.name
        for field in dataclasses.fields(event_class)
        if any(kind in str(hints[field.name]) for kind in TEXT_TYPES)
    ]


def declared_roots(event_class: type[Any]) -> set[str]:
    return {path.split(".")[0].removesuffix("[]") for path in text_fields(event_class).paths()}


def leaf_paths(data: Any, prefix: str = "") -> set[str]:
    """Return the path of every string in `data`, in the declarations' notation."""
    if isinstance(data, str):
        return {prefix}
    if isinstance(data, dict):
        return set().union(
            *(
                leaf_paths(value, f"{prefix}.{key}" if prefix else key)
                for key, value in data.items()
            )
        )
    if isinstance(data, list):
        return set().union(*(leaf_paths(item, f"{prefix}[]") for item in data))
    return set()


def test_every_text_field_of_every_event_is_declared_personal_or_coded() -> None:
    classes = event_classes()
    assert Journey.ScreeningDecisionRecorded in classes  # the walk reaches nested event classes
    undeclared = {
        f"{event_class.__qualname__}.{name}"
        for event_class in classes
        for name in text_bearing_fields(event_class)
        if name not in declared_roots(event_class)
    }
    assert undeclared == set()


def test_no_path_is_declared_both_personal_and_coded() -> None:
    for event_class in event_classes():
        declared = text_fields(event_class)
        assert set(declared.personal).isdisjoint(declared.coded), event_class.__qualname__


def test_every_string_a_whole_journey_stores_lies_at_a_declared_path(
    app: Casework, staff: Staff
) -> None:
    journey_id = ready_journey(app, staff)
    hold_session(app, staff, journey_id, datetime.now(UTC) - timedelta(days=2))
    lead = staff[Role.CLINICAL_LEAD]
    app.pause_journey(
        lead,
        PauseJourney(
            journey_id=journey_id,
            reason="Grief",
            review_date=datetime.now(UTC).date() + timedelta(days=9),
            conditions_to_resume=["x"],
        ),
    )
    app.resume_journey(lead, ResumeJourney(journey_id=journey_id, rationale="Better"))
    app.close_journey(lead, CloseJourney(journey_id=journey_id, reason="Done"))
    undeclared = set()
    for notification in app.recorder.select_notifications(start=1, limit=10_000):
        event = app.mapper.to_domain_event(notification)
        declared = set(text_fields(type(event)).paths())
        for path in leaf_paths(dict(vars(event))):
            if path not in declared and path.split(".")[0] not in declared:
                undeclared.add(f"{type(event).__qualname__}.{path}")
    assert undeclared == set()


CLINIC, ANA, BEN = uuid4(), uuid4(), uuid4()


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(min_size=1).filter(str.strip))
def test_any_text_in_a_personal_field_round_trips_and_in_a_coded_field_is_left_alone(
    app: Casework, text: str
) -> None:
    sealed = app.vault.seal(CLINIC, ANA, label(Journey.ConsentWithdrawn, "reason"), text)
    reader = app.vault.reader()
    data = {"kind": sealed, "reason": sealed}  # `kind` is coded: a ciphertext there is just text
    shown = reveal_payload(reader, CLINIC, ANA, Journey.ConsentWithdrawn, data)
    assert shown == {"kind": sealed, "reason": text}


def test_ciphertext_moved_to_another_field_event_client_or_clinic_reads_unreadable(
    app: Casework,
) -> None:
    notes = app.vault.seal(CLINIC, ANA, label(Journey.ConsentGiven, "notes"), "Ana's note")
    app.vault.seal(CLINIC, BEN, label(Journey.ConsentGiven, "notes"), "Ben has a key too")
    reader = app.vault.reader()
    assert reveal_payload(reader, CLINIC, ANA, Journey.ConsentGiven, {"notes": notes}) == {
        "notes": "Ana's note"
    }
    moves = [
        (CLINIC, ANA, Journey.ConsentGiven, {"scope": [notes]}),  # another field
        (CLINIC, ANA, Journey.ContactRecorded, {"notes": notes}),  # another event type
        (CLINIC, BEN, Journey.ConsentGiven, {"notes": notes}),  # another client
        (uuid4(), ANA, Journey.ConsentGiven, {"notes": notes}),  # another clinic
        (CLINIC, ANA, Journey.SessionOutcomeRecorded, {"adverse_event": {"description": notes}}),
        (CLINIC, ANA, Journey.ConsentGiven, {"scope": "not a list"}),  # another shape
    ]
    for clinic_id, client_id, event_class, data in moves:
        shown = reveal_payload(reader, clinic_id, client_id, event_class, data)
        assert UNREADABLE in str(shown), (event_class, data)
        assert "Ana's note" not in str(shown)


def test_a_correction_reveals_its_values_as_the_field_it_corrects(app: Casework) -> None:
    corrected = app.vault.seal(CLINIC, ANA, label(Journey.ContactRecorded, "notes"), "Saturday")
    reason = app.vault.seal(CLINIC, ANA, label(Journey.CorrectionRecorded, "reason"), "Asked")
    data = {"entry_type": "ContactRecorded", "field": "notes", "new_value": corrected}
    reader = app.vault.reader()
    shown = reveal_payload(
        reader, CLINIC, ANA, Journey.CorrectionRecorded, {**data, "reason": reason}
    )
    assert (shown["new_value"], shown["reason"]) == ("Saturday", "Asked")
    as_intake = {**data, "entry_type": "IntakeRecorded", "field": "primary_need"}
    assert (
        reveal_payload(reader, CLINIC, ANA, Journey.CorrectionRecorded, as_intake)["new_value"]
        == UNREADABLE
    )
    app.vault.destroy(ANA)
    assert (
        reveal_payload(app.vault.reader(), CLINIC, ANA, Journey.CorrectionRecorded, data)[
            "new_value"
        ]
        == ERASED
    )
