"""Every event the log can hold is decided on by every projection: handled, read, or ignored.

A forgotten declaration fails here, not in production: before handlers were found by class, a
journey event without a timeline summary stopped the timeline projection, and one a register
forgot was silently missing from it. Each journey event says its own summary (`summary`).
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

from eventsourcing.domain import Aggregate, DomainEvent
from eventsourcing.utils import get_topic, resolve_topic

import casework
from casework.journey import Journey
from projections import PROJECTIONS
from projections.decisions import DecisionsProjection
from projections.follow_ups import FollowUpsProjection


def stored_event_classes() -> list[type[DomainEvent]]:
    """Return every event class an aggregate of casework declares (not the library's bases)."""
    found: dict[str, type[DomainEvent]] = {}
    for module_info in pkgutil.walk_packages(casework.__path__, "casework."):
        module = importlib.import_module(module_info.name)
        for aggregate in vars(module).values():
            if not (inspect.isclass(aggregate) and issubclass(aggregate, Aggregate)):
                continue
            for name, member in vars(aggregate).items():
                concrete = name not in ("Event", "Created", "Snapshot")
                if concrete and inspect.isclass(member) and issubclass(member, DomainEvent):
                    found[get_topic(member)] = member
    return sorted(found.values(), key=get_topic)


EVENTS = stored_event_classes()


def test_the_events_are_found_each_under_the_topic_it_is_stored_by() -> None:
    topics = {get_topic(event) for event in EVENTS}
    assert {
        "casework.journey.aggregate:Journey.IntakeRecorded",
        "casework.practitioner:Practitioner.RoleGranted",
        "casework.access_log:AccessRecord.Recorded",
    } <= topics
    assert len(EVENTS) > 30


def test_every_journey_event_names_its_own_stored_topic() -> None:
    """Declared outside `Journey`, each keeps the topic its stored events carry (`TOPIC`)."""
    journey_events = [event for event in EVENTS if issubclass(event, Journey.Event)]
    for event in journey_events:
        assert f"casework.journey.aggregate:Journey.{event.__name__}" == event.TOPIC
        assert resolve_topic(event.TOPIC) is event


def test_every_projection_decides_on_every_event() -> None:
    undecided = [
        f"{projection.name}: {event.__qualname__}"
        for projection in PROJECTIONS
        for event in EVENTS
        if not projection.decides_on(event)
    ]
    assert undecided == []


def test_no_projection_both_handles_and_ignores_an_event() -> None:
    both = [
        f"{projection.name}: {event.__qualname__}"
        for projection in PROJECTIONS
        for event in projection.handlers
        if issubclass(event, projection.ignores)
    ]
    assert both == []


def test_every_journey_event_says_its_own_timeline_summary() -> None:
    journey_events = [event for event in EVENTS if issubclass(event, Journey.Event)]
    unsaid = [e.__qualname__ for e in journey_events if e.summary is Journey.Event.summary]
    assert len(journey_events) > 20
    assert unsaid == []


def test_a_new_event_nobody_decided_on_is_caught() -> None:
    class Rescreened(Journey.Event):
        """As a new journey event would be declared, before any projection heard of it."""

    undecided = {p.name for p in PROJECTIONS if not p.decides_on(Rescreened)}
    # The access log ignores every journey event, the caseload and the timeline read them all,
    # and the decision register and the follow-ups ignore, by declaration, what declares no
    # decision kind and changes no follow-up.
    assert undecided == set()
    assert Rescreened.summary is Journey.Event.summary  # so the summary test above fails too


def test_a_new_decision_the_register_does_not_handle_is_caught() -> None:
    class Rescreened(Journey.Event):
        decision_kind = "rescreening"

    assert not DecisionsProjection.decides_on(Rescreened)


def test_the_register_handles_every_event_that_declares_a_decision_kind() -> None:
    declaring = {event for event in EVENTS if getattr(event, "decision_kind", None)}
    assert len(declaring) == 6
    assert declaring <= set(DecisionsProjection.handlers)


def test_a_new_event_changing_follow_ups_the_read_model_does_not_handle_is_caught() -> None:
    class Rescheduled(Journey.Event):
        changes_follow_ups = True

    assert not FollowUpsProjection.decides_on(Rescheduled)


def test_the_follow_ups_handle_every_event_that_declares_it_changes_them() -> None:
    declaring = {event for event in EVENTS if getattr(event, "changes_follow_ups", False)}
    assert len(declaring) == 5
    assert declaring == set(FollowUpsProjection.handlers)
