"""A rebuild replays the log into fresh tables while reads go on, then switches readers over."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine

from casework.application import Casework
from casework.persistence import persistence_environment
from projections import PROJECTIONS, queries
from projections.rebuild import Progress, rebuild
from projections.runner import catch_up
from projections.store import create_read_engine
from tests.support.journeys import hold_session, ready_journey
from tests.support.read_models import project_all, table_rows
from tests.support.staff import Staff, register_staff

HELD_AT = (datetime.now(UTC) - timedelta(days=7)).replace(hour=9, minute=0, second=0, microsecond=0)
"""A week ago: after `ready_journey`'s preparation, so the session may be held.

A fixed date went stale as the calendar moved past it."""


@pytest.fixture
def stores(own_database_url: str) -> Iterator[tuple[Casework, Engine, Engine]]:
    """The application, the rebuild's engine, and a reader's engine (as another process)."""
    app = Casework(env=persistence_environment(own_database_url))
    engines = create_read_engine(own_database_url), create_read_engine(own_database_url)
    yield app, *engines
    for engine in engines:
        engine.dispose()
    app.close()


def read_everything(engine: Engine, staff: Staff) -> int:
    """Ask every list question once; return how many rows came back."""
    zone = ZoneInfo(staff.time_zone)
    today = datetime.now(zone).date()
    with engine.connect() as connection:
        pages = [
            queries.caseload(connection, staff.clinic_id, today),
            queries.follow_up_worklist(connection, staff.clinic_id, today),
            queries.decision_register(connection, staff.clinic_id, zone),
        ]
    return sum(len(page.items) for page in pages)


def test_reads_go_on_during_a_rebuild_and_the_tables_come_back_the_same(
    stores: tuple[Casework, Engine, Engine],
) -> None:
    app, engine, reader_engine = stores
    staff = register_staff(app)
    for number in range(6):
        journey_id = ready_journey(app, staff, f"CW-{number}")
        hold_session(app, staff, journey_id, HELD_AT)
    project_all(engine, app)
    before = table_rows(engine)
    expected_rows = read_everything(reader_engine, staff)
    answers: list[int] = []
    errors: list[BaseException] = []
    rebuilding = threading.Event()

    def keep_reading() -> None:
        while rebuilding.is_set():
            try:
                answers.append(read_everything(reader_engine, staff))
            except Exception as error:
                errors.append(error)

    progress: list[Progress] = []
    rebuilding.set()
    reader = threading.Thread(target=keep_reading)
    reader.start()
    try:
        for projection in PROJECTIONS:
            rebuild(engine, app, projection, progress.append, batch_size=5)
    finally:
        rebuilding.clear()
        reader.join(timeout=60)
    assert errors == []
    assert answers  # reads went on while the tables were rebuilt
    assert set(answers) == {expected_rows}
    assert table_rows(engine) == before
    assert progress[-1].position == app.recorder.max_notification_id()
    assert all(p.events_per_second > 0 for p in progress)


def test_a_projection_rebuilt_before_it_ever_ran_is_left_caught_up(
    stores: tuple[Casework, Engine, Engine],
) -> None:
    app, engine, _ = stores
    staff = register_staff(app)
    journey_id = ready_journey(app, staff, "CW-1")
    hold_session(app, staff, journey_id, HELD_AT)
    for projection in PROJECTIONS:  # no runner has ever read the log: no live positions yet
        rebuild(engine, app, projection, batch_size=5)
    rebuilt = table_rows(engine)
    assert [catch_up(engine, app, projection) for projection in PROJECTIONS] == [0] * len(
        PROJECTIONS
    )
    assert table_rows(engine) == rebuilt
