"""PostgreSQL goes away while keyed writes run: 503 meanwhile, back within 2 s, each write once.

This test halts and restarts a throwaway server of its own, never the machine's.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from api import create_app
from casework.application import Casework
from casework.client import Client
from casework.journey import Journey
from casework.roles import Role
from projections.store import upgrade
from tests.api.conftest import bearer
from tests.support.keys import TEST_KEYS
from tests.support.postgres import ThrowawayServer, find_bindir, temporary_database
from tests.support.staff import issue_token, register_staff

pytestmark = pytest.mark.postgres

OUTAGE_SECONDS = 15


@pytest.fixture
def server() -> Iterator[ThrowawayServer]:
    bindir = find_bindir()
    if bindir is None:
        pytest.fail("This test needs the PostgreSQL server binaries (initdb, pg_ctl).")
    running = ThrowawayServer.start(bindir)
    yield running
    running.stop()


@pytest.fixture
def outage_app(server: ThrowawayServer) -> Iterator[Flask]:
    with temporary_database(server.url) as url:
        upgrade(url)
        app = create_app({"DATABASE_URL": url, **TEST_KEYS})
        yield app
        app.extensions["read_models"].engine.dispose()
        app.extensions["casework"].close()


def test_writes_during_an_outage_get_503_then_land_again_and_none_is_half_written(
    server: ThrowawayServer, outage_app: Flask
) -> None:
    casework_app: Casework = outage_app.extensions["casework"]
    staff = register_staff(casework_app)
    token = issue_token(casework_app, staff.id(Role.INTAKE_COORDINATOR), "outage")
    answers: list[tuple[float, int, Any]] = []
    stop = threading.Event()

    def write_intakes() -> None:
        """Send intakes, each under its own key, retrying a refused one with the same key."""
        client = outage_app.test_client()
        number, retrying = 0, False
        while not stop.is_set():
            number += 0 if retrying else 1
            response = client.post(
                "/journeys",
                json={
                    "client_pseudonym": f"CW-OUT-{number}",
                    "referral_source": "GP",
                    "primary_need": "Nightmares",
                },
                headers={**bearer(token), "Idempotency-Key": f"intake-{number}"},
            )
            answers.append((time.monotonic(), response.status_code, response))
            retrying = response.status_code != 201
            time.sleep(0.02)

    writer = threading.Thread(target=write_intakes)
    writer.start()
    time.sleep(1)
    server.halt()
    halted_at = time.monotonic()
    time.sleep(OUTAGE_SECONDS)
    server.restart()
    restarted_at = time.monotonic()
    deadline = restarted_at + 30
    while time.monotonic() < deadline and not any(
        at > restarted_at and status == 201 for at, status, _ in answers
    ):
        time.sleep(0.2)
    time.sleep(1)
    stop.set()
    writer.join(timeout=30)

    statuses = {status for _, status, _ in answers}
    assert statuses <= {201, 503}, statuses  # never a 500, never a key stuck in progress (409)
    # Writes are accepted again within 2 s of the store coming back, and stay accepted.
    first_back = min(at for at, status, _ in answers if at > restarted_at and status == 201)
    print(f"first accepted write {first_back - restarted_at:.2f} s after the restart")
    assert first_back - restarted_at <= 2.0
    later = [(round(at - first_back, 2), a.json) for at, status, a in answers if at > first_back]
    assert all(body.get("reason") is None for _, body in later), later
    during = [answer for at, status, answer in answers if halted_at + 0.5 < at < restarted_at]
    assert during, "no request was answered while the server was down"
    assert all(answer.status_code == 503 for answer in during)
    assert all(answer.headers["Retry-After"] for answer in during)
    assert any(at > restarted_at and status == 201 for at, status, _ in answers), "no recovery"

    # Nothing half-written: every intake answered 201 has its client and journey; no client
    # exists without its journey, and no journey without its client.
    landed = {answer.json["id"] for _, status, answer in answers if status == 201}
    stored = casework_app.recorder.select_notifications(1, 100_000)
    events = [casework_app.mapper.to_domain_event(each) for each in stored]
    journeys = {e.originator_id for e in events if isinstance(e, Journey.IntakeRecorded)}
    started = {e.journey_id for e in events if isinstance(e, Client.JourneyStarted)}
    assert {str(journey_id) for journey_id in journeys} == landed
    assert started == journeys
    # Exactly once: every intake's key answered one journey, and no pseudonym has two.
    by_key: dict[str, set[str]] = {}
    for _, status, answer in answers:
        if status == 201:
            by_key.setdefault(answer.request.headers["Idempotency-Key"], set()).add(
                answer.json["id"]
            )
    assert all(len(ids) == 1 for ids in by_key.values())
    assert len(journeys) == len(by_key)
    assert casework_app.check_integrity(None).intact
