"""Tampering with the stored history, directly in SQLite and PostgreSQL, is detected and located.

Each test is an attack someone holding write access to the database would make: edit, delete or
swap event rows, cut the log short with or without the checkpoints that covered it, forge a
checkpoint. The checkpoints are also kept in a directory outside the database, and an auditor
may hold one of their own.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from casework.application import Casework
from casework.checkpoint_sink import DirectorySink
from casework.checkpoints import LEDGER_TOPIC, LOG_SCOPE, ledger_id
from casework.integrity import check_history
from casework.integrity_report import Break, IntegrityReport
from casework.persistence import persistence_environment
from casework.sealing import SealingRefused, sealing_status
from casework.signing import Signer, new_signing_key
from tests.support.raw_log import RawLog
from tests.support.scenario import every_event_scenario
from tests.support.staff import register_staff


def backdate(state: str) -> str:
    """Move an event's recorded time by an hour: the edit someone covering their tracks makes."""
    edited = state.replace('+00:00"}', '+01:00"}', 1)
    assert edited != state
    return edited


@pytest.fixture
def sink(tmp_path: Path) -> DirectorySink:
    return DirectorySink(tmp_path / "checkpoints")


@pytest.fixture
def app(own_database_url: str, sink: DirectorySink) -> Iterator[Casework]:
    """A store holding every kind of event of one clinic and a little of another, sealed."""
    application = Casework(env=persistence_environment(own_database_url), sink=sink)
    every_event_scenario(application)
    register_staff(application)  # a second clinic: its history is not the first's
    application.seal_log()
    yield application
    application.close()


@pytest.fixture
def raw(own_database_url: str) -> RawLog:
    return RawLog(own_database_url)


def clinics(app: Casework) -> list[str]:
    """Return the clinics' ids, in the order they were registered."""
    return [
        str(each.originator_id)
        for each in app.recorder.select_notifications(1, 10_000)
        if each.topic.endswith("Clinic.Registered")
    ]


def clinic_of(app: Casework) -> str:
    """Return the first clinic: the one holding every kind of event."""
    return clinics(app)[0]


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


def check(app: Casework, scope: str = LOG_SCOPE, **options: Any) -> IntegrityReport:
    return check_history(
        app, app.verifier, options.get("sink", app.sink), scope, options.get("kept")
    )


def first_break(app: Casework, scope: str = LOG_SCOPE, **options: Any) -> Break:
    report = check(app, scope, **options)
    assert not report.intact, "the tampering went unnoticed"
    assert report.first_break is not None
    return report.first_break


def newest_checkpoint_rows(app: Casework, scope: str) -> list[int]:
    return positions(app, ledger_id(scope))


def events_after(app: Casework, position: int) -> list[int]:
    return [
        each.id
        for each in app.recorder.select_notifications(position + 1, 10_000)
        if each.topic != LEDGER_TOPIC
    ]


def test_an_untouched_store_is_intact_in_every_history(app: Casework) -> None:
    whole = check(app)
    assert whole.intact, whole.breaks
    assert whole.unsealed_events == 0
    assert whole.checkpoints_checked == 1
    clinic = check(app, clinic_of(app))
    assert clinic.intact, clinic.breaks
    assert 0 < clinic.events_checked < whole.events_checked  # the other clinic is not counted
    assert app.check_integrity(None, longest_journey(app)).intact


def test_an_edited_event_inside_a_stream_is_named(app: Casework, raw: RawLog) -> None:
    journey = longest_journey(app)
    third = positions(app, journey)[2]
    raw.edit(third, backdate)
    for scope in (LOG_SCOPE, clinic_of(app)):
        found = first_break(app, scope)
        assert (found.problem, found.position, found.aggregate_id, found.version) == (
            "altered",
            third,
            journey,
            3,
        )
    in_stream = app.check_integrity(None, journey).breaks[0]
    assert (in_stream.problem, in_stream.version) == ("altered", 3)


def test_an_edited_last_event_is_caught_by_its_checkpoint(app: Casework, raw: RawLog) -> None:
    journey = longest_journey(app)
    last = positions(app, journey)[-1]
    raw.edit(last, backdate)
    found = first_break(app)
    assert (found.problem, found.position, found.aggregate_id) == ("altered", last, journey)
    assert found.version == len(positions(app, journey))
    assert app.check_integrity(None, journey).breaks[0].problem == "altered"


def test_a_deleted_event_inside_a_stream_is_named(app: Casework, raw: RawLog) -> None:
    journey = longest_journey(app)
    raw.delete(positions(app, journey)[2])
    found = first_break(app, clinic_of(app))
    assert (found.problem, found.aggregate_id, found.version) == ("missing", journey, 3)


def test_a_deleted_last_event_is_named_by_its_position(app: Casework, raw: RawLog) -> None:
    journey = longest_journey(app)
    last = positions(app, journey)[-1]
    raw.delete(last)
    found = first_break(app)
    assert (found.problem, found.position, found.aggregate_id) == ("missing", last, journey)
    assert app.check_integrity(None, journey).breaks[0].problem == "missing"


def test_events_moved_between_streams_positions_are_caught(app: Casework, raw: RawLog) -> None:
    raw.swap(3, 4)  # two staff events of different practitioners: each stream still reads in order
    found = first_break(app)
    assert found.problem == "reordered"
    assert found.position == 1


def test_events_reordered_within_a_stream_are_named(app: Casework, raw: RawLog) -> None:
    journey = longest_journey(app)
    second, third = positions(app, journey)[1:3]
    raw.swap(second, third)
    found = first_break(app)
    assert (found.aggregate_id, found.position) == (journey, second)
    assert found.problem in {"missing", "out_of_order"}


def test_an_undecodable_event_is_reported_unreadable_and_never_sealed(
    app: Casework, raw: RawLog
) -> None:
    raw.edit(5, lambda state: "{not json")
    found = first_break(app)
    assert (found.problem, found.position) == ("unreadable", 5)
    register_staff(app)
    raw.edit(events_after(app, 0)[-1], lambda state: "[1, 2]")
    with pytest.raises(SealingRefused):
        app.seal_log()


def test_an_event_naming_a_path_as_its_clinic_writes_nothing_outside_the_directory(
    app: Casework, raw: RawLog, sink: DirectorySink
) -> None:
    register_staff(app)
    newest = events_after(app, 0)[-1]
    raw.edit(newest, lambda state: state.replace('"clinic_id":{', '"clinic_id":"../../x","_":{', 1))
    with pytest.raises(SealingRefused):
        app.seal_log()
    assert not (sink.directory.parent / "x").exists()
    assert first_break(app).problem == "unreadable"


def test_cutting_off_the_newest_checkpoint_is_caught_by_the_copy_outside(
    app: Casework, raw: RawLog
) -> None:
    for scope in (LOG_SCOPE, clinic_of(app)):
        raw.delete(newest_checkpoint_rows(app, scope)[-1])
        found = first_break(app, scope)
        assert found.problem == "checkpoint_missing"


def test_cutting_off_the_newest_checkpoint_and_the_events_it_covered_is_caught(
    app: Casework, raw: RawLog, tmp_path: Path
) -> None:
    kept = app.latest_checkpoint(None)
    cut = events_after(app, 0)[-5:]
    for position in [*newest_checkpoint_rows(app, LOG_SCOPE), *cut]:
        raw.delete(position)
    with_sink = check(app)
    assert {"checkpoint_missing", "missing"} <= {each.problem for each in with_sink.breaks}
    found = first_break(app)
    assert (found.problem, found.position in cut) == ("missing", True)
    # An auditor who kept only the checkpoint, with no copy outside the store, sees it too.
    alone = check(app, sink=None, kept=kept)
    assert {"checkpoint_missing", "missing"} <= {each.problem for each in alone.breaks}
    assert alone.first_break is not None
    assert alone.first_break.position is not None
    assert alone.first_break.position <= cut[0]


def test_deleting_the_whole_ledger_and_every_event_is_caught(app: Casework, raw: RawLog) -> None:
    kept = app.latest_checkpoint(None)
    for each in app.recorder.select_notifications(1, 10_000):
        raw.delete(each.id)
    assert {"checkpoint_missing", "missing"} <= {each.problem for each in check(app).breaks}
    assert first_break(app).position == 1
    alone = check(app, sink=None, kept=kept)
    assert {"checkpoint_missing", "missing"} <= {each.problem for each in alone.breaks}


def test_the_sealer_refuses_to_sign_a_log_that_lost_checkpoints(app: Casework, raw: RawLog) -> None:
    raw.delete(newest_checkpoint_rows(app, LOG_SCOPE)[-1])
    with pytest.raises(SealingRefused):
        app.seal_log()
    assert first_break(app).problem == "checkpoint_missing"


def test_a_forged_checkpoint_is_refused(app: Casework, raw: RawLog) -> None:
    row = newest_checkpoint_rows(app, LOG_SCOPE)[-1]
    raw.edit(row, lambda state: state.replace('"event_count":', '"event_count":1', 1))
    problems = {each.problem for each in check(app, sink=None).breaks}
    assert "bad_checkpoint" in problems
    assert "checkpoint_mismatch" in {each.problem for each in check(app).breaks}


def test_checkpoints_signed_with_another_key_are_refused(own_database_url: str) -> None:
    application = Casework(env=persistence_environment(own_database_url))
    every_event_scenario(application)
    application.seal_log()
    stranger = Signer(new_signing_key()[0]).verifier()
    report = check_history(application, stranger, None)
    assert report.breaks[0].problem == "bad_checkpoint"
    assert report.sealed_through == 0
    application.close()


def test_an_edited_copy_outside_the_store_is_reported(app: Casework, sink: DirectorySink) -> None:
    path = sink.directory / LOG_SCOPE / f"{1:012d}.json"
    kept = json.loads(path.read_text())
    kept["checkpoint"]["event_count"] += 1
    path.chmod(0o600)
    path.write_text(json.dumps(kept))
    problems = {each.problem for each in check(app).breaks}
    assert {"checkpoint_mismatch", "bad_checkpoint"} <= problems


def test_a_clinic_history_speaks_of_that_clinic_alone(app: Casework, raw: RawLog) -> None:
    mine = check(app, clinic_of(app))
    other_clinic = clinics(app)[1]
    raw.edit(positions(app, UUID(other_clinic))[0], backdate)
    after = check(app, clinic_of(app))
    assert after.intact, after.breaks
    assert (after.events_checked, after.last_position) == (mine.events_checked, mine.last_position)
    assert not check(app, other_clinic).intact
    assert not check(app).intact


def test_a_checkpoint_of_another_history_is_not_taken_as_this_ones(app: Casework) -> None:
    theirs = app.latest_checkpoint(None)
    report = check(app, clinic_of(app), kept=theirs)
    assert [each.problem for each in report.breaks] == ["bad_checkpoint"]


def test_what_no_checkpoint_covers_yet_is_counted_with_its_age(app: Casework) -> None:
    register_staff(app)
    report = check(app)
    assert report.intact
    assert report.unsealed_events > 0
    assert report.oldest_unsealed_age_seconds is not None
    app.seal_log()
    assert check(app).unsealed_events == 0


def test_a_sealer_that_died_before_the_directory_is_caught_up_by_the_next(
    app: Casework, sink: DirectorySink
) -> None:
    register_staff(app)
    app.seal_log()
    newest = sink.sequences(LOG_SCOPE)[-1]
    (sink.directory / LOG_SCOPE / f"{newest:012d}.json").unlink()
    register_staff(app)
    app.seal_log()
    assert sink.sequences(LOG_SCOPE)[-3:] == [newest - 1, newest, newest + 1]
    assert check(app).intact


def test_two_sealers_never_fork_the_checkpoints(own_database_url: str, tmp_path: Path) -> None:
    signing = new_signing_key()[0]
    sink = DirectorySink(tmp_path / "shared")
    first, second = (
        Casework(env=persistence_environment(own_database_url), signer=Signer(signing), sink=sink)
        for _ in range(2)
    )
    every_event_scenario(first)
    first.seal_log()
    second.seal_log()  # nothing new: no second checkpoint of the same events
    assert sink.sequences(LOG_SCOPE) == [1]
    assert check(second).intact
    first.close()
    second.close()
    shutil.rmtree(tmp_path / "shared")


def test_a_garbage_file_in_the_directory_is_reported_and_breaks_no_health_check(
    app: Casework, sink: DirectorySink
) -> None:
    newest = sink.sequences(LOG_SCOPE)[-1]
    (sink.directory / LOG_SCOPE / f"{newest + 1:012d}.json").write_text("{not json")
    kept = app.latest_checkpoint(None)
    assert kept is not None
    assert sealing_status(app, sink).sealed_through == kept["through_position"]
    assert {"bad_checkpoint", "checkpoint_missing"} & {each.problem for each in check(app).breaks}
