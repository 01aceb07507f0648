"""Operators see one JSON line per request with its id, and Prometheus metrics with lag."""

from __future__ import annotations

import json
import logging
import re

import pytest
from flask.testing import FlaskClient

from api.observability import JsonFormatter
from casework.application import Casework
from casework.roles import Role
from projections import PROJECTIONS
from tests.api.conftest import ApiStaff
from tests.support.journeys import open_journey


def test_every_answer_carries_a_request_id_the_caller_may_choose(client: FlaskClient) -> None:
    chosen = client.get("/health", headers={"X-Request-Id": "lb-7f3a.2"})
    assert chosen.headers["X-Request-Id"] == "lb-7f3a.2"
    made = client.get("/health", headers={"X-Request-Id": "not a token; {}"})
    assert re.fullmatch(r"[0-9a-f]{32}", made.headers["X-Request-Id"])
    assert made.headers["X-Request-Id"] != client.get("/health").headers["X-Request-Id"]


def test_each_request_is_logged_as_json_by_route_pattern_never_by_path(
    client: FlaskClient,
    api_staff: ApiStaff,
    casework_app: Casework,
    caplog: pytest.LogCaptureFixture,
) -> None:
    journey_id = open_journey(casework_app, api_staff.staff)
    caplog.set_level(logging.INFO, logger="casework.requests")
    response = client.get(
        f"/journeys/{journey_id}?version=1",
        headers=api_staff.headers(Role.FACILITATOR, **{"X-Request-Id": "req-1"}),
    )
    assert response.status_code == 200
    (record,) = [r for r in caplog.records if r.name == "casework.requests"]
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == "req-1"
    assert line["route"] == "/journeys/<uuid:journey_id>"
    assert (line["method"], line["status"]) == ("GET", 200)
    assert line["practitioner_id"] == str(api_staff.staff.id(Role.FACILITATOR))
    assert line["duration_ms"] >= 0
    assert str(journey_id) not in json.dumps(line)


def test_metrics_show_latency_per_route_and_each_projections_lag(
    client: FlaskClient, api_staff: ApiStaff, casework_app: Casework
) -> None:
    journey_id = open_journey(casework_app, api_staff.staff)
    client.get(f"/journeys/{journey_id}", headers=api_staff.headers(Role.FACILITATOR))
    metrics = client.get("/metrics")  # for the scraper: no token
    assert metrics.status_code == 200
    assert metrics.content_type.startswith("text/plain")
    text = metrics.get_data(as_text=True)
    assert re.search(
        r'casework_request_duration_seconds_count\{method="GET",'
        r'route="/journeys/<uuid:journey_id>",status="200"\} [1-9]',
        text,
    )
    lag = dict(re.findall(r'casework_projection_lag_events\{projection="(\w+)"\} (\S+)', text))
    assert set(lag) == {projection.name for projection in PROJECTIONS}
    assert "timeline" in lag
    assert float(lag["timeline"]) > 0  # nobody projected the intake yet
    assert str(journey_id) not in text


def test_no_request_can_mint_new_metric_series(client: FlaskClient) -> None:
    def series() -> int:
        text = client.get("/metrics").get_data(as_text=True)
        return len(re.findall(r"^casework_request_duration_seconds_count", text, re.MULTILINE))

    for method in ("XCARD1", "XCARD2", "GET"):
        client.open("/health", method=method)
    for path in ("/nowhere-1", "/nowhere-2", "/journeys/not-a-uuid"):
        client.get(path)
    before = series()
    for number in range(20):
        client.open("/health", method=f"XCARD{number}")
        client.get(f"/nowhere-{number}")
    assert series() == before
    text = client.get("/metrics").get_data(as_text=True)
    assert "XCARD" not in text
    assert "nowhere" not in text
    assert 'method="other"' in text
