"""Projection workers outlive the store: restarted and crashed, they reconnect and catch up.

These tests restart, crash and cut sessions of a throwaway server of their own, never the
machine's.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest
from eventsourcing.persistence import PersistenceError
from psycopg import sql
from sqlalchemy import select

from casework.application import Casework
from casework.errors import CaseworkError
from casework.persistence import persistence_environment, tune_pool
from projections import PROJECTIONS
from projections.store import create_read_engine, upgrade
from projections.tables import projection_positions
from projections.worker import STORE_LOST, advisory_key, follow
from tests.support.journeys import hold_session, ready_journey
from tests.support.keys import TEST_KEY_ENVIRONMENT
from tests.support.postgres import ThrowawayServer, find_bindir, temporary_database
from tests.support.read_models import project_all, table_rows
from tests.support.staff import register_staff

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def server() -> Iterator[ThrowawayServer]:
    bindir = find_bindir()
    if bindir is None:
        pytest.fail("These tests need the PostgreSQL server binaries (initdb, pg_ctl).")
    running = ThrowawayServer.start(bindir)
    yield running
    running.stop()


@pytest.fixture
def database_url(server: ThrowawayServer) -> Iterator[str]:
    """A database of its own whose commits are durable: a crash loses nothing acknowledged."""
    with temporary_database(server.url) as url:
        with psycopg.connect(server.url, autocommit=True) as connection:
            name = sql.Identifier(url.rsplit("/", 1)[1])
            connection.execute(
                sql.SQL("ALTER DATABASE {} SET synchronous_commit = on").format(name)
            )
        upgrade(url)
        yield url


def start_worker(database_url: str, log: Path) -> subprocess.Popen[bytes]:
    environment = {
        **os.environ,
        **TEST_KEY_ENVIRONMENT,
        "CASEWORK_DATABASE_URL": database_url,
        "CASEWORK_PROJECTION_BATCH_SIZE": "3",
    }
    command = [sys.executable, "-m", "flask", "--app", "api", "projections", "run"]
    with log.open("ab") as stderr:
        return subprocess.Popen(command, env=environment, stderr=stderr)


def write_journeys(app: Casework, stop: threading.Event, written: list[float]) -> None:
    """Write journeys until stopped; a write the store refuses is tried again, as a client would.

    A write whose commit was acknowledged by the server but lost on the way back is retried by
    the library and then refused as a conflict (its own events are there): the writer starts
    a new journey, as a client without an Idempotency-Key would.
    """
    staff = register_staff(app)
    while not stop.is_set():
        try:
            journey_id = ready_journey(app, staff)
            hold_session(app, staff, journey_id, datetime.now(UTC) - timedelta(days=2))
        except (PersistenceError, CaseworkError):
            time.sleep(0.1)
            continue
        written.append(time.monotonic())


def positions(database_url: str) -> list[int]:
    engine = create_read_engine(database_url)
    try:
        with engine.connect() as connection:
            return list(connection.scalars(select(projection_positions.c.position)))
    finally:
        engine.dispose()


@pytest.fixture
def spawned() -> Iterator[list[subprocess.Popen[bytes]]]:
    """Worker processes a test starts: whatever the test's outcome, none outlives it."""
    processes: list[subprocess.Popen[bytes]] = []
    yield processes
    for process in processes:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)


def test_workers_outlive_a_restart_and_a_crash_and_catch_up_to_a_rebuild(
    server: ThrowawayServer,
    database_url: str,
    tmp_path: Path,
    spawned: list[subprocess.Popen[bytes]],
) -> None:
    app = Casework(env=persistence_environment(database_url))
    tune_pool(app.recorder)
    stop_writing, written = threading.Event(), []
    writer = threading.Thread(target=write_journeys, args=(app, stop_writing, written))
    writer.start()
    logs = [tmp_path / "active.log", tmp_path / "standby.log"]
    workers = [start_worker(database_url, log) for log in logs]
    spawned.extend(workers)
    try:
        time.sleep(3)
        server.restart_fast()  # pg_ctl restart -m fast: every session is cut off
        time.sleep(4)
        server.crash()  # pg_ctl stop -m immediate, then start 3 s later
        time.sleep(3)
        server.restart()
        restarted_at = time.monotonic()
        deadline = restarted_at + 30
        while time.monotonic() < deadline and not [at for at in written if at > restarted_at]:
            time.sleep(0.2)
        time.sleep(2)
    finally:
        stop_writing.set()
        writer.join(timeout=60)
    assert [at for at in written if at > restarted_at], "the writer never wrote again"
    assert [worker.poll() for worker in workers] == [None, None], "a worker exited"

    newest = app.recorder.max_notification_id()
    deadline = time.monotonic() + 45
    while time.monotonic() < deadline:
        reached = positions(database_url)
        if len(reached) == len(PROJECTIONS) and min(reached) == newest:
            break
        time.sleep(0.2)
    for worker in workers:
        worker.send_signal(signal.SIGTERM)
    codes = [worker.wait(timeout=30) for worker in workers]
    stderr = "".join(log.read_text() for log in logs)
    assert stderr.count("projection worker lost the store") >= 4, stderr  # both, twice
    assert "Traceback" not in stderr, stderr
    assert codes == [0, 0]

    rebuilt_url = f"sqlite:///{tmp_path / 'rebuilt.sqlite'}"
    upgrade(rebuilt_url)
    rebuilt = create_read_engine(rebuilt_url)
    project_all(rebuilt, app)
    engine = create_read_engine(database_url)
    assert min(reached) == newest  # caught up by themselves, with no restart of a worker
    assert table_rows(engine) == table_rows(rebuilt)
    engine.dispose()
    rebuilt.dispose()
    app.close()


def test_a_worker_whose_session_is_cut_forgets_its_locks_and_the_standby_takes_over(
    database_url: str,
) -> None:
    app = Casework(env=persistence_environment(database_url))
    engine = create_read_engine(database_url)
    stop = threading.Event()
    active = follow(engine, app, PROJECTIONS, stop)
    standby = follow(engine, app, PROJECTIONS, stop)
    names = [projection.name for projection in PROJECTIONS]
    assert next(active) == names
    assert next(standby) == []  # every lock is the active one's

    with psycopg.connect(database_url, autocommit=True) as admin:
        holders = admin.execute(
            "SELECT DISTINCT pid FROM pg_locks WHERE locktype = 'advisory' AND granted"
        ).fetchall()
        assert len(holders) == 1
        admin.execute("SELECT pg_terminate_backend(%s)", holders[0])

    assert next(standby) == names  # the locks died with the session: the standby has them
    with pytest.raises(STORE_LOST):
        next(active)  # it does not work another round believing it holds them
    with psycopg.connect(database_url, autocommit=True) as admin:
        held = admin.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
        ).fetchone()
    assert held == (len(PROJECTIONS),)
    assert len({advisory_key(name) for name in names}) == len(names)
    standby.close()
    stop.set()
    engine.dispose()
    app.close()
