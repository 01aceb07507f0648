"""Every answer that carries a client's clinical content is logged; every list of clients too."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest
from flask import Flask
from flask.testing import FlaskClient

from casework.application import Casework
from casework.roles import Role
from tests.api.conftest import ApiStaff
from tests.support.journeys import hold_session, ready_journey
from tests.support.read_models import project_all


@pytest.fixture
def held(flask_app: Flask, casework_app: Casework, api_staff: ApiStaff) -> list[UUID]:
    """Two journeys with a held session each, projected (as the worker would on PostgreSQL)."""
    journey_ids = []
    for number in range(2):
        journey_id = ready_journey(casework_app, api_staff.staff, f"CW-LOG-{number}")
        hold_session(
            casework_app, api_staff.staff, journey_id, datetime.now(UTC) - timedelta(days=3)
        )
        journey_ids.append(journey_id)
    project_all(flask_app.extensions["read_models"].engine, casework_app)
    return journey_ids


def queries_logged(
    flask_app: Flask,
    casework_app: Casework,
    client: FlaskClient,
    api_staff: ApiStaff,
    query: str = "",
) -> list[dict[str, Any]]:
    project_all(flask_app.extensions["read_models"].engine, casework_app)
    answer = client.get(f"/audit/access-queries{query}", headers=api_staff.headers(Role.AUDITOR))
    assert answer.status_code == 200, answer.json
    items: list[dict[str, Any]] = answer.json["items"]
    return items


@pytest.mark.parametrize(
    ("path", "endpoint", "filters"),
    [
        ("/journeys?status=active&member=me&limit=5", "caseload", ["status=active", "limit=5"]),
        ("/follow-ups?owner=me&status=due", "worklist", ["status=due", "limit=50"]),
    ],
)
def test_a_list_of_clients_records_one_query_with_its_filters_and_the_journeys_it_showed(
    flask_app: Flask,
    casework_app: Casework,
    client: FlaskClient,
    api_staff: ApiStaff,
    held: list[UUID],
    path: str,
    endpoint: str,
    filters: list[str],
) -> None:
    therapist = api_staff.staff[Role.INTEGRATION_THERAPIST]
    answer = client.get(
        path,
        headers=api_staff.headers(Role.INTEGRATION_THERAPIST, **{"Casework-Purpose": "care"}),
    )
    assert answer.status_code == 200, answer.json
    shown = [item["journey_id"] for item in answer.json["items"]]
    assert shown, "the list showed no client: the test proves nothing"
    (logged,) = queries_logged(flask_app, casework_app, client, api_staff)
    assert (logged["endpoint"], logged["purpose"]) == (endpoint, "care")
    assert logged["practitioner_id"] == str(therapist.practitioner_id)
    assert logged["journey_ids"] == shown
    assert set(filters) <= set(logged["filters"])
    me = "member" if endpoint == "caseload" else "owner"
    assert f"{me}={therapist.practitioner_id}" in logged["filters"]  # `me`, resolved
    for journey_id in shown:
        assert queries_logged(flask_app, casework_app, client, api_staff, f"?journey={journey_id}")
    assert not queries_logged(
        flask_app,
        casework_app,
        client,
        api_staff,
        f"?practitioner={api_staff.staff.id(Role.AUDITOR)}",
    )


def test_an_empty_list_is_a_query_too(
    flask_app: Flask, casework_app: Casework, client: FlaskClient, api_staff: ApiStaff
) -> None:
    assert client.get("/journeys", headers=api_staff.headers(Role.FACILITATOR)).json["items"] == []
    (logged,) = queries_logged(flask_app, casework_app, client, api_staff)
    assert (logged["endpoint"], logged["journey_ids"]) == ("caseload", [])


def test_only_auditors_and_clinical_leads_read_the_query_log(
    client: FlaskClient, api_staff: ApiStaff
) -> None:
    for role, status in ((Role.FACILITATOR, 403), (Role.ADMIN, 403), (Role.CLINICAL_LEAD, 200)):
        assert (
            client.get("/audit/access-queries", headers=api_staff.headers(role)).status_code
            == status
        )


def test_head_of_a_record_is_logged_like_get(
    flask_app: Flask,
    casework_app: Casework,
    client: FlaskClient,
    api_staff: ApiStaff,
    held: list[UUID],
) -> None:
    journey_id = held[0]
    headers = api_staff.headers(Role.FACILITATOR)
    for path in (f"/journeys/{journey_id}", f"/journeys/{journey_id}/timeline"):
        assert client.head(path, headers=headers).status_code == 200
    project_all(flask_app.extensions["read_models"].engine, casework_app)
    logged = client.get(
        f"/audit/access-log?client={casework_app.repository.get(journey_id).client_id}",
        headers=api_staff.headers(Role.AUDITOR),
    ).json["items"]
    assert sorted(entry["endpoint"] for entry in logged) == ["journey", "timeline"]


def test_a_refused_touch_does_not_tell_the_agreed_scope(
    client: FlaskClient, casework_app: Casework, api_staff: ApiStaff
) -> None:
    journey_id = ready_journey(casework_app, api_staff.staff, "CW-TOUCH")  # hand, shoulder
    started = (datetime.now(UTC) - timedelta(days=1)).replace(microsecond=0)
    session = client.post(
        f"/journeys/{journey_id}/sessions",
        json={
            "planned_start": started.isoformat(),
            "planned_end": (started + timedelta(hours=8)).isoformat(),
            "facilitator_ids": [str(api_staff.staff.id(Role.FACILITATOR))],
        },
        headers=api_staff.headers(Role.FACILITATOR),
    )
    assert session.status_code == 201, session.json
    held = client.post(
        f"/journeys/{journey_id}/sessions/{session.json['created_id']}/outcome",
        json={
            "started_at": started.isoformat(),
            "ended_at": (started + timedelta(hours=8)).isoformat(),
            "facilitator_ids": [str(api_staff.staff.id(Role.FACILITATOR))],
            "doses": [],
            "supportive_touch_used": True,
            "touch_areas": ["knee-not-agreed"],
        },
        headers=api_staff.headers(Role.FACILITATOR),
    )
    assert held.status_code == 409, held.json
    assert held.json["reason"] == "touch_outside_agreed_scope"
    assert "shoulder" not in held.get_data(as_text=True)  # the agreed scope is clinical content
