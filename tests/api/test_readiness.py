"""Liveness apart from readiness: ready names each check, and the cause when one fails."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from api import readiness
from casework.application import Casework
from projections import PROJECTIONS
from projections.runner import beat
from tests.api.conftest import ApiStaff


@pytest.fixture
def database_url(own_database_url: str) -> str:
    """A database of each test's own: readiness judges the whole store (its lag, its seals),
    which the session's shared PostgreSQL database fills with other tests' old events."""
    return own_database_url


def workers_alive(flask_app: Flask) -> None:
    """Stand in for the projection workers' check-in (PostgreSQL has workers; SQLite none)."""
    beat(flask_app.extensions["read_models"].engine, [p.name for p in PROJECTIONS])


def test_live_answers_without_touching_the_store(client: FlaskClient) -> None:
    response = client.get("/health/live")
    assert (response.status_code, response.json) == (200, {"status": "live"})


def test_ready_lists_every_check_and_metrics_say_the_same(
    flask_app: Flask, client: FlaskClient, api_staff: ApiStaff
) -> None:
    workers_alive(flask_app)
    response = client.get("/health/ready")
    assert response.status_code == 200, response.json
    assert response.json == {
        "status": "ready",
        "checks": [{"name": name, "ready": True, "reason": None} for name in readiness.CHECKS],
    }
    metrics = client.get("/metrics").get_data(as_text=True)
    assert 'casework_ready{check="all"} 1.0' in metrics
    assert 'casework_ready{check="access_log"} 1.0' in metrics


def test_not_ready_while_seals_are_stale_naming_why(
    flask_app: Flask,
    client: FlaskClient,
    api_staff: ApiStaff,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    workers_alive(flask_app)
    monkeypatch.setattr(readiness, "SEAL_BOUND_SECONDS", -1.0)
    response = client.get("/health/ready")
    assert response.status_code == 503
    assert response.headers["Retry-After"]
    assert response.json["reason"] == "seals_stale"
    assert {c["name"]: c["ready"] for c in response.json["checks"]}["seals"] is False
    assert 'casework_ready{check="seals"} 0.0' in client.get("/metrics").get_data(as_text=True)
    assert client.get("/health/live").status_code == 200


def test_projection_workers_must_be_alive_unless_the_api_projects_itself(
    flask_app: Flask,
    client: FlaskClient,
    casework_app: Casework,
    api_staff: ApiStaff,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    workers_alive(flask_app)
    monkeypatch.setattr(readiness, "HEARTBEAT_BOUND_SECONDS", -1.0)  # every worker silent
    response = client.get("/health/ready")
    if flask_app.extensions["read_models"].embedded:
        assert response.status_code == 200  # SQLite: the API projects on each read
    else:
        assert response.status_code == 503
        assert response.json["reason"].startswith("projection_worker_silent:")


def test_not_ready_when_the_store_takes_no_write(
    flask_app: Flask,
    client: FlaskClient,
    api_staff: ApiStaff,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    workers_alive(flask_app)
    monkeypatch.setattr(readiness, "_writes_and_reads", lambda engine: False)
    response = client.get("/health/ready")
    assert response.status_code == 503
    assert response.json["reason"] == "store_unwritable"
    failing = {c["name"]: c["reason"] for c in response.json["checks"] if not c["ready"]}
    assert failing == {"store": "store_unwritable", "access_log": "access_log_unavailable"}
