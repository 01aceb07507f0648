"""Clinic settings over HTTP, and every serving process sees a change at once."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from casework.application import Casework
from casework.persistence import persistence_environment
from casework.roles import Role
from projections.store import upgrade
from tests.api.conftest import ApiStaff
from tests.api.test_serving import GUNICORN, ROOT, answers, free_port
from tests.support.journeys import ready_journey, schedule
from tests.support.keys import TEST_KEY_ENVIRONMENT
from tests.support.staff import issue_token, register_staff

NEXT_DAY_CALL = {
    "kind": "phone_check_in",
    "label": "Next-day call",
    "due_day": 1,
    "window_start_day": 1,
    "window_end_day": 1,
    "owner_role": "integration_therapist",
}


def test_an_admin_reads_and_changes_the_clinics_settings_with_a_reason(
    client: FlaskClient, api_staff: ApiStaff
) -> None:
    clinic = f"/clinics/{api_staff.staff.clinic_id}"
    shown = client.get(clinic, headers=api_staff.headers(Role.INTEGRATION_THERAPIST))
    assert shown.status_code == 200
    assert shown.json["time_zone"] == "Europe/Amsterdam"
    assert len(shown.json["follow_up_schedule"]) == 5
    body = {"min_facilitators": 2, "retention_years": 12, "reason": "Ethics board, 2026-11"}
    settings = f"{clinic}/settings"
    assert (
        client.put(settings, json=body, headers=api_staff.headers(Role.CLINICAL_LEAD)).status_code
        == 403
    )
    changed = client.put(settings, json=body, headers=api_staff.headers(Role.ADMIN))
    assert changed.status_code == 200, changed.json
    after = client.get(clinic, headers=api_staff.headers(Role.AUDITOR)).json
    assert (after["min_facilitators"], after["retention_years"]) == (2, 12)
    assert after["time_zone"] == "Europe/Amsterdam"
    (change,) = after["settings_changes"]
    assert change["reason"] == "Ethics board, 2026-11"
    assert change["actor_id"] == str(api_staff.staff.id(Role.ADMIN))
    same = client.put(settings, json=body, headers=api_staff.headers(Role.ADMIN))
    assert same.status_code == 422
    other = client.get(clinic, headers={"Authorization": f"Bearer {api_staff.outsider_token}"})
    assert other.status_code == 404
    bad = client.put(
        settings,
        json={"time_zone": "Mars/Olympus", "reason": "x"},
        headers=api_staff.headers(Role.ADMIN),
    )
    assert bad.status_code == 422
    assert "time_zone" in json.dumps(bad.json)


def call(port: int, method: str, path: str, token: str, body: Any = None) -> tuple[int, Any]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method=method)
    request.add_header("Authorization", f"Bearer {token}")
    request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, json.loads(response.read() or b"null")


@pytest.fixture
def two_servers(tmp_path: Path) -> Iterator[tuple[int, int, dict[str, Any]]]:
    """Two gunicorn servers (as two hosts would be) on one SQLite store, a session to hold."""
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    upgrade(url)
    app = Casework(env=persistence_environment(url))
    staff = register_staff(app)
    journey_id = ready_journey(app, staff)
    start = datetime.now(UTC) - timedelta(hours=9)
    session_id = schedule(app, staff, journey_id, start)
    scene = {
        "clinic": staff.clinic_id,
        "journey": journey_id,
        "session": session_id,
        "start": start,
        "facilitator": staff.id(Role.FACILITATOR),
        "admin": issue_token(app, staff.id(Role.ADMIN), "test"),
        "facilitator_token": issue_token(app, staff.id(Role.FACILITATOR), "test"),
    }
    app.close()
    environment = {**os.environ, **TEST_KEY_ENVIRONMENT, "CASEWORK_DATABASE_URL": url}
    ports, servers = [free_port(), free_port()], []
    for port in ports:
        servers.append(
            subprocess.Popen(
                [*GUNICORN, f"--bind=127.0.0.1:{port}", "api:create_app()"],
                cwd=ROOT,
                env=environment,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not all(answers(p, "/health") for p in ports):
            time.sleep(0.2)
        yield ports[0], ports[1], scene
    finally:
        for server in servers:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)


def test_a_settings_change_made_through_one_process_is_used_by_another_at_once(
    two_servers: tuple[int, int, dict[str, Any]],
) -> None:
    first, second, scene = two_servers
    clinic = f"/clinics/{scene['clinic']}"
    # Both processes have read the clinic (and served with it) before the change.
    for port in (first, second):
        status, shown = call(port, "GET", clinic, scene["admin"])
        assert (status, shown["min_facilitators"], len(shown["follow_up_schedule"])) == (200, 1, 5)
    in_effect = (scene["start"] - timedelta(hours=1)).isoformat()
    status, _ = call(
        first,
        "PUT",
        f"{clinic}/settings",
        scene["admin"],
        {"follow_up_schedule": [NEXT_DAY_CALL], "reason": "Protocol v2", "occurred_at": in_effect},
    )
    assert status == 200
    status, shown = call(second, "GET", clinic, scene["admin"])
    assert [rule["label"] for rule in shown["follow_up_schedule"]] == ["Next-day call"]
    start = scene["start"]
    outcome = {
        "started_at": start.isoformat(),
        "ended_at": (start + timedelta(hours=8)).isoformat(),
        "facilitator_ids": [str(scene["facilitator"])],
        "doses": [{"kind": "initial", "amount_mg": 120, "given_at": start.isoformat()}],
    }
    path = f"/journeys/{scene['journey']}/sessions/{scene['session']}/outcome"
    status, _ = call(second, "POST", path, scene["facilitator_token"], outcome)
    assert status in (200, 201)
    status, journey = call(
        second, "GET", f"/journeys/{scene['journey']}", scene["facilitator_token"]
    )
    assert [f["label"] for f in journey["follow_ups"]] == ["Session 1 · next-day call"]
