"""An event a projection cannot take stops that projection visibly, never silently or in a loop.

The poisoned event is made the way it reached a store before: written past the API (here by
editing a stored row), so that no schema saw it. Each store gets a database of its own, since
the poison would stop every other test's projections too.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, update

from casework.application import Casework
from casework.journey.commands import StopJourney
from casework.roles import Role
from projections import PROJECTIONS
from projections.runner import ProjectionFailed, catch_up
from projections.tables import projection_positions
from projections.worker import run_worker
from tests.api.conftest import ApiStaff
from tests.support.journeys import open_journey
from tests.support.raw_log import RawLog

SECRET = "Sensitive words of the pause"


@pytest.fixture
def database_url(own_database_url: str) -> str:
    return own_database_url


def engine_of(flask_app: Flask) -> Engine:
    engine: Engine = flask_app.extensions["read_models"].engine
    return engine


def poisoned(casework_app: Casework, api_staff: ApiStaff, database_url: str) -> int:
    """Write a journey, then break the stored form of its last event; return its position."""
    journey_id = open_journey(casework_app, api_staff.staff)
    lead = api_staff.staff[Role.CLINICAL_LEAD]
    casework_app.stop_journey(lead, StopJourney(journey_id=journey_id, rationale=SECRET))
    position = casework_app.recorder.max_notification_id()
    assert position is not None
    RawLog(database_url).edit(position, lambda state: state[: len(state) // 2])  # not JSON now
    return position


def test_a_projection_that_fails_on_an_event_is_recorded_shown_and_retried_with_backoff(
    flask_app: Flask,
    client: FlaskClient,
    casework_app: Casework,
    api_staff: ApiStaff,
    database_url: str,
) -> None:
    engine = engine_of(flask_app)
    position = poisoned(casework_app, api_staff, database_url)
    before = datetime.now(UTC)

    for projection in PROJECTIONS:
        with pytest.raises(ProjectionFailed) as failed:
            catch_up(engine, casework_app, projection, batch_size=500)
        assert (failed.value.name, failed.value.position) == (projection.name, position)
        assert catch_up(engine, casework_app, projection) == 0  # waits: no tight retry loop

    health = {row["name"]: row for row in client.get("/health/projections").json}
    for projection in PROJECTIONS:
        row = health[projection.name]
        assert row["position"] == position - 1  # everything before the poison is projected
        assert row["failure"]["position"] == position
        assert row["failure"]["error"].endswith("Error")
        assert row["failure"]["failures"] == 1
        # The first retry waits a second after the failure (compared with the time before the
        # failures, not with now: five catch-ups on a loaded machine can take longer than that).
        retry_at = datetime.fromisoformat(row["failure"]["retry_at"])
        assert retry_at >= before + timedelta(milliseconds=900)
    metrics = client.get("/metrics").get_data(as_text=True)
    assert 'casework_projection_failing{projection="decisions"} 1.0' in metrics
    assert f'projection="decisions"}} {float(position)}' in metrics
    assert SECRET not in client.get("/health/projections").get_data(as_text=True)
    assert SECRET not in metrics


def test_a_worker_outlives_a_poisoned_event_and_a_repaired_one_clears_the_failure(
    flask_app: Flask,
    client: FlaskClient,
    casework_app: Casework,
    api_staff: ApiStaff,
    database_url: str,
) -> None:
    engine = engine_of(flask_app)
    raw = RawLog(database_url)
    journey_id = open_journey(casework_app, api_staff.staff)
    position = casework_app.recorder.max_notification_id()
    assert position is not None
    original = raw.state(position).decode()
    raw.edit(position, lambda state: state[: len(state) // 2])
    stop, errors = threading.Event(), []

    def work() -> None:
        try:
            run_worker(engine, casework_app, PROJECTIONS, stop, batch_size=50)
        except BaseException as error:  # the test fails on it below
            errors.append(error)

    worker = threading.Thread(target=work)
    worker.start()
    try:
        deadline = datetime.now(UTC) + timedelta(seconds=20)
        while datetime.now(UTC) < deadline:
            failures = [row["failure"] for row in client.get("/health/projections").json]
            if all(failures):
                break
        assert all(failures), "every projection records the poisoned event"
        assert worker.is_alive()
        assert errors == []

        raw.edit(position, lambda _: original)  # repaired: the next try goes past it
        with engine.begin() as connection:
            connection.execute(update(projection_positions).values(retry_at=datetime.now(UTC)))
        while datetime.now(UTC) < deadline:
            rows = client.get("/health/projections").json
            if all(row["failure"] is None and row["position"] >= position for row in rows):
                break
        assert [row["failure"] for row in rows] == [None] * len(PROJECTIONS)
        assert (
            client.get(
                f"/journeys/{journey_id}", headers=api_staff.headers(Role.CLINICAL_LEAD)
            ).status_code
            == 200
        )
    finally:
        stop.set()
        worker.join(timeout=10)
    assert errors == []
