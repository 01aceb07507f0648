"""Workers killed with SIGKILL at random moments end with the tables of a clean rebuild."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from casework.application import Casework
from casework.persistence import persistence_environment
from projections import PROJECTIONS
from projections.store import create_read_engine, upgrade
from projections.tables import projection_positions
from tests.support.journeys import hold_session, ready_journey
from tests.support.keys import TEST_KEY_ENVIRONMENT
from tests.support.postgres import temporary_database
from tests.support.read_models import project_all, table_rows
from tests.support.staff import register_staff

KILLS = 20
pytestmark = pytest.mark.postgres


@pytest.fixture
def worker_database(postgres_server_url: str) -> Iterator[str]:
    """A database of its own: this test kills processes that use it."""
    with temporary_database(postgres_server_url) as url:
        upgrade(url)
        yield url


def start_worker(database_url: str) -> subprocess.Popen[bytes]:
    environment = {
        **os.environ,
        **TEST_KEY_ENVIRONMENT,
        "CASEWORK_DATABASE_URL": database_url,
        "CASEWORK_PROJECTION_BATCH_SIZE": "3",
    }
    command = [sys.executable, "-m", "flask", "--app", "api", "projections", "run"]
    return subprocess.Popen(command, env=environment, stderr=subprocess.DEVNULL)


def write_journeys(app: Casework, stop: threading.Event) -> None:
    staff = register_staff(app)
    while not stop.is_set():
        journey_id = ready_journey(app, staff)
        hold_session(app, staff, journey_id, datetime.now(UTC) - timedelta(days=2))


def test_workers_killed_at_random_end_with_the_tables_of_a_clean_rebuild(
    worker_database: str, tmp_path: Path
) -> None:
    app = Casework(env=persistence_environment(worker_database))
    engine = create_read_engine(worker_database)
    stop_writing = threading.Event()
    writer = threading.Thread(target=write_journeys, args=(app, stop_writing))
    writer.start()
    chance = random.Random(20261128)
    workers = [start_worker(worker_database), start_worker(worker_database)]  # active and standby
    try:
        for _ in range(KILLS):
            time.sleep(chance.uniform(0.3, 1.2))
            victim = workers.pop(chance.randrange(len(workers)))
            victim.send_signal(signal.SIGKILL)
            victim.wait()
            workers.append(start_worker(worker_database))
    finally:
        stop_writing.set()
        writer.join(timeout=60)
    newest = app.recorder.max_notification_id()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with engine.connect() as connection:
            reached = list(connection.scalars(select(projection_positions.c.position)))
        if len(reached) == len(PROJECTIONS) and min(reached) == newest:
            break
        time.sleep(0.2)
    for worker in workers:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)
    rebuilt_url = f"sqlite:///{tmp_path / 'rebuilt.sqlite'}"
    upgrade(rebuilt_url)
    rebuilt = create_read_engine(rebuilt_url)
    project_all(rebuilt, app)
    assert min(reached) == newest
    assert table_rows(engine) == table_rows(rebuilt)
    engine.dispose()
    rebuilt.dispose()
    app.close()
