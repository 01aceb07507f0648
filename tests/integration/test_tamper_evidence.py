"""Tampering with stored events, directly in SQLite and PostgreSQL, is detected and located."""

from __future__ import annotations

from collections.abc import Iterator
from uuid import UUID

import pytest

from casework.application import Casework
from casework.integrity import Break, check_store, check_stream, seal_log
from casework.persistence import persistence_environment
from casework.seals import SEAL_LEDGER_ID
from tests.support.raw_log import RawLog
from tests.support.scenario import every_event_scenario

KEY = b"seal key for the tamper tests..."


def backdate(state: str) -> str:
    """Move an event's recorded time by an hour: the edit someone covering their tracks makes."""
    return state.replace('+00:00"}', '+01:00"}', 1)


@pytest.fixture
def app(own_database_url: str) -> Iterator[Casework]:
    """A store holding every kind of event, sealed."""
    application = Casework(env=persistence_environment(own_database_url))
    every_event_scenario(application)
    seal_log(application, KEY)
    yield application
    application.close()


@pytest.fixture
def raw(own_database_url: str) -> RawLog:
    return RawLog(own_database_url)


def positions(app: Casework, stream_id: UUID) -> list[int]:
    """Return the log positions of a stream's events, in version order."""
    return [
        each.id
        for each in app.recorder.select_notifications(1, 10_000)
        if each.originator_id == stream_id
    ]


def longest_journey(app: Casework) -> UUID:
    """Return the journey with the most events."""
    streams = [
        each.originator_id
        for each in app.recorder.select_notifications(1, 10_000)
        if ".journey." in each.topic
    ]
    return max(set(streams), key=streams.count)


def first_break(app: Casework) -> Break:
    report = check_store(app, KEY)
    assert not report.intact, "the tampering went unnoticed"
    return report.breaks[0]


def test_an_untouched_store_is_intact_and_sealed(app: Casework) -> None:
    report = check_store(app, KEY)
    assert report.intact, report.breaks
    assert report.events_checked == app.recorder.max_notification_id()
    assert report.unsealed_events == 2  # the ledger opening and the seal: the next seal covers them
    assert check_stream(app, KEY, longest_journey(app)).intact


def test_an_edited_event_inside_a_stream_is_named(app: Casework, raw: RawLog) -> None:
    journey = longest_journey(app)
    third = positions(app, journey)[2]
    raw.edit(third, backdate)
    found = first_break(app)
    assert (found.problem, found.position, found.aggregate_id, found.version) == (
        "altered",
        third,
        journey,
        3,
    )
    in_stream = check_stream(app, KEY, journey).breaks[0]
    assert (in_stream.problem, in_stream.version) == ("altered", 3)


def test_an_edited_last_event_is_caught_by_its_seal(app: Casework, raw: RawLog) -> None:
    journey = longest_journey(app)
    last = positions(app, journey)[-1]
    raw.edit(last, backdate)
    found = first_break(app)
    assert (found.problem, found.position, found.aggregate_id) == ("altered", last, journey)
    assert found.version == len(positions(app, journey))


def test_a_deleted_event_inside_a_stream_is_named(app: Casework, raw: RawLog) -> None:
    journey = longest_journey(app)
    raw.delete(positions(app, journey)[2])
    found = first_break(app)
    assert (found.problem, found.aggregate_id, found.version) == ("missing", journey, 3)


def test_a_deleted_last_event_is_caught_by_its_seal(app: Casework, raw: RawLog) -> None:
    journey = longest_journey(app)
    versions = len(positions(app, journey))
    raw.delete(positions(app, journey)[-1])
    found = first_break(app)
    assert (found.problem, found.aggregate_id, found.version) == ("missing", journey, versions)


def test_events_moved_between_streams_positions_are_caught(app: Casework, raw: RawLog) -> None:
    raw.swap(3, 4)  # two staff events of different practitioners: each stream still reads in order
    found = first_break(app)
    assert (found.problem, found.position) == ("reordered", 1)


def test_events_reordered_within_a_stream_are_named(app: Casework, raw: RawLog) -> None:
    journey = longest_journey(app)
    second, third = positions(app, journey)[1:3]
    raw.swap(second, third)
    found = first_break(app)
    assert (found.aggregate_id, found.position) == (journey, second)
    assert found.problem in {"missing", "out_of_order"}


def test_a_forged_seal_is_refused(app: Casework, raw: RawLog) -> None:
    seal = positions(app, SEAL_LEDGER_ID)[-1]
    raw.edit(seal, lambda state: state.replace('"event_count":', '"event_count":1', 1))
    assert first_break(app).problem == "bad_seal"


def test_seals_made_with_another_key_are_refused(app: Casework) -> None:
    report = check_store(app, b"not the key the seals were made with")
    assert [found.problem for found in report.breaks] == ["bad_seal"]
    assert report.sealed_through == 0
