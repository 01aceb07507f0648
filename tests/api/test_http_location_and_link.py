"""Location and Link as the RFCs say: a Location that reads on every 201, and a Link to the next
page on every paged list."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest
from flask import Flask, Response, request
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from casework.application import Casework
from casework.roles import Role
from tests.api.conftest import OPERATOR_TOKEN, ApiStaff, bearer
from tests.support.journeys import hold_session, ready_journey
from tests.support.openapi import document
from tests.support.read_models import project_all


def documented(client: FlaskClient) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Yield (METHOD, path, operation) for every operation of the OpenAPI document."""
    for path, item in document(client)["paths"].items():
        for method, operation in item.items():
            if method in ("get", "put", "post", "delete", "patch"):
                yield method.upper(), path, operation


def openapi_path(rule: str) -> str:
    """Return a Flask URL rule as the OpenAPI document writes it (`<uuid:id>` -> `{id}`)."""
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule)


# -- Location on every 201 ----------------------------------------------------------------------

NO_READ: dict[tuple[str, str], str] = {}
"""Creating operations without a Location, and why."""


class Recorder:
    """Every answer the app gave: (METHOD, OpenAPI path, status, Location)."""

    def __init__(self, app: Flask) -> None:
        self.answers: list[tuple[str, str, int, str | None]] = []
        app.after_request(self.record)

    def record(self, response: Response) -> Response:
        if request.url_rule is not None:
            rule = openapi_path(request.url_rule.rule)
            location = response.headers.get("Location")
            self.answers.append((request.method, rule, response.status_code, location))
        return response


def every_creating_request(client: FlaskClient, api_staff: ApiStaff) -> None:
    """Send a request every creating operation answers 201, as one clinic's day would."""
    staff, now = api_staff.staff, datetime.now(UTC).replace(microsecond=0)
    prepared, held = (now - timedelta(days=10)).isoformat(), now - timedelta(days=3)
    facilitator = [str(staff.id(Role.FACILITATOR))]

    def post(role: Role | None, path: str, body: dict[str, Any], **headers: str) -> Any:
        auth = bearer(OPERATOR_TOKEN) if role is None else api_staff.headers(role)
        answer = client.post(path, json=body, headers={**auth, **headers})
        assert answer.status_code == 201, (path, answer.json)
        return answer.json

    post(None, "/clinics", {"name": "Another", "time_zone": "UTC", "admin_display_name": "A"})
    added = post(Role.ADMIN, "/practitioners", {"display_name": "New", "roles": ["auditor"]})
    post(Role.ADMIN, f"/practitioners/{added['id']}/roles", {"role": "facilitator", "reason": "x"})
    post(Role.ADMIN, f"/practitioners/{added['id']}/tokens", {"label": "laptop"})
    post(Role.ADMIN, f"/practitioners/{added['id']}/calendar-feeds", {})
    post(Role.ADMIN, f"/practitioners/{added['id']}/invitations", {"user_name": "new.person"})
    opened = post(
        Role.INTAKE_COORDINATOR,
        "/journeys",
        {
            "client_pseudonym": "CW-LOC",
            "referral_source": "GP",
            "primary_need": "PTSD",
            "occurred_at": (now - timedelta(days=30)).isoformat(),
        },
        **{"Idempotency-Key": "intake-loc"},
    )
    journey = f"/journeys/{opened['id']}"
    for member, role in (
        (Role.FACILITATOR, "facilitator"),
        (Role.INTEGRATION_THERAPIST, "integration_therapist"),
    ):
        post(
            Role.CLINICAL_LEAD,
            f"{journey}/care-team",
            {"practitioner_id": str(staff.id(member)), "role": role},
        )
    screened = post(
        Role.CLINICAL_LEAD,
        f"{journey}/screening-decisions",
        {
            "outcome": "eligible",
            "rationale": "Fit",
            "valid_until": str(date.today() + timedelta(days=90)),
            "criteria": [{"category": "cardiovascular", "result": "met"}],
            "occurred_at": prepared,
        },
    )
    for kind in ("treatment", "recording"):
        post(
            Role.INTAKE_COORDINATOR, f"{journey}/consents", {"kind": kind, "occurred_at": prepared}
        )
    post(Role.INTAKE_COORDINATOR, f"{journey}/consents/recording/withdrawal", {"reason": "No"})
    post(
        Role.FACILITATOR,
        f"{journey}/preparation-sessions",
        {"duration_minutes": 90, "occurred_at": prepared},
    )
    safety = client.put(
        f"{journey}/safety-plan",
        json={"emergency_contact": "Partner", "transport_plan": "Taxi", "occurred_at": prepared},
        headers=api_staff.headers(Role.FACILITATOR),
    )
    assert safety.status_code == 200, safety.json
    planned = post(
        Role.FACILITATOR,
        f"{journey}/sessions",
        {
            "planned_start": (held - timedelta(hours=2)).isoformat(),
            "planned_end": (held + timedelta(hours=6)).isoformat(),
            "facilitator_ids": facilitator,
            "occurred_at": prepared,
        },
    )
    session = f"{journey}/sessions/{planned['created_id']}"
    post(
        Role.FACILITATOR,
        f"{session}/rescheduling",
        {
            "planned_start": held.isoformat(),
            "planned_end": (held + timedelta(hours=8)).isoformat(),
            "reason": "Room",
        },
    )
    post(
        Role.FACILITATOR,
        f"{session}/outcome",
        {
            "started_at": held.isoformat(),
            "ended_at": (held + timedelta(hours=8)).isoformat(),
            "facilitator_ids": facilitator,
            "doses": [{"kind": "initial", "amount_mg": "120", "given_at": held.isoformat()}],
        },
    )
    later = post(
        Role.FACILITATOR,
        f"{journey}/sessions",
        {
            "planned_start": (now + timedelta(days=5)).isoformat(),
            "planned_end": (now + timedelta(days=5, hours=8)).isoformat(),
            "facilitator_ids": facilitator,
        },
    )
    post(
        Role.FACILITATOR,
        f"{journey}/sessions/{later['created_id']}/cancellation",
        {"reason": "Ill"},
    )
    follow_ups = client.get(journey, headers=api_staff.headers(Role.AUDITOR)).json["follow_ups"]
    contact = post(
        Role.INTEGRATION_THERAPIST,
        f"{journey}/contacts",
        {"kind": "phone_check_in", "follow_up_id": follow_ups[0]["follow_up_id"]},
    )
    post(
        Role.INTEGRATION_THERAPIST,
        f"{journey}/follow-ups/{follow_ups[1]['follow_up_id']}/outreach",
        {"channel": "phone", "outcome": "no_answer"},
    )
    post(
        Role.CLINICAL_LEAD,
        f"{journey}/corrections",
        {
            "corrects_position": screened["position"],
            "field": "rationale",
            "new_value": "Fit.",
            "reason": "Typo",
        },
    )
    post(
        Role.INTEGRATION_THERAPIST,
        f"{journey}/addenda",
        {"entry_version": contact["version"], "text": "Called back later"},
    )
    post(
        Role.CLINICAL_LEAD,
        f"{journey}/pause",
        {
            "reason": "Grief",
            "review_date": str(date.today() + timedelta(days=14)),
            "conditions_to_resume": ["Support"],
        },
    )
    post(Role.CLINICAL_LEAD, f"{journey}/resumption", {"rationale": "Support in place"})
    post(Role.CLINICAL_LEAD, f"{journey}/stop", {"rationale": "New cardiac finding"})
    other = post(
        Role.INTAKE_COORDINATOR,
        "/journeys",
        {"client_pseudonym": "CW-LOC2", "referral_source": "GP", "primary_need": "PTSD"},
    )
    post(Role.INTAKE_COORDINATOR, f"/journeys/{other['id']}/withdrawal", {"reason": "Abroad"})
    post(
        Role.CLINICAL_LEAD,
        f"{journey}/closure",
        {"reason": "Done"},
        **{"Idempotency-Key": "close-loc"},
    )


def test_every_creating_operation_answers_a_location_that_reads(
    flask_app: Flask, client: FlaskClient, api_staff: ApiStaff
) -> None:
    recorder = Recorder(flask_app)
    every_creating_request(client, api_staff)
    creating = {(m, p): op for m, p, op in documented(client) if "201" in op["responses"]}
    answered = {(m, p): location for m, p, status, location in recorder.answers if status == 201}
    assert set(creating) - set(answered) == set(), "a creating operation the scenario lacks"
    without = {operation for operation, location in answered.items() if location is None}
    assert without == set(NO_READ)
    for operation, location in answered.items():
        documents = "Location" in creating[operation]["responses"]["201"].get("headers", {})
        assert documents == (operation not in NO_READ), operation
        if location is None:
            continue
        if location.startswith("/clinics/"):  # another clinic: its operator reads it
            headers = bearer(OPERATOR_TOKEN)
        else:
            reader = Role.ADMIN if location.startswith("/practitioners/") else Role.AUDITOR
            headers = api_staff.headers(reader)
        assert client.get(location, headers=headers).status_code == 200, operation


def test_a_replayed_keyed_write_answers_the_same_location(
    client: FlaskClient, api_staff: ApiStaff, casework_app: Casework
) -> None:
    journey = ready_journey(casework_app, api_staff.staff)
    headers = api_staff.headers(Role.CLINICAL_LEAD, **{"Idempotency-Key": "pause-1"})
    body = {
        "reason": "Grief",
        "review_date": str(date.today() + timedelta(days=14)),
        "conditions_to_resume": ["Support"],
    }
    first = client.post(f"/journeys/{journey}/pause", json=body, headers=headers)
    replayed = client.post(f"/journeys/{journey}/pause", json=body, headers=headers)
    assert replayed.headers["Idempotent-Replayed"] == "true"
    assert first.headers["Location"] == replayed.headers["Location"] == f"/journeys/{journey}"


# -- Link: rel="next" ---------------------------------------------------------------------------


@pytest.fixture
def held(flask_app: Flask, casework_app: Casework, api_staff: ApiStaff) -> list[UUID]:
    """Three journeys with a held session each (15 follow-ups each), projected."""
    journeys = []
    for _ in range(3):
        journey = ready_journey(casework_app, api_staff.staff)
        hold_session(casework_app, api_staff.staff, journey, datetime.now(UTC) - timedelta(days=3))
        journeys.append(journey)
    project_all(flask_app.extensions["read_models"].engine, casework_app)
    return journeys


def next_link(answer: TestResponse) -> str | None:
    """Return the URL of the answer's `Link: <…>; rel="next"`, if it has one."""
    for value in answer.headers.getlist("Link"):
        match = re.fullmatch(r'<([^>]*)>;\s*rel="next"', value)
        if match:
            return match[1]
    return None


def test_link_walks_the_worklist_to_its_end_keeping_the_query(
    client: FlaskClient, api_staff: ApiStaff, held: list[UUID]
) -> None:
    therapist = api_staff.headers(Role.INTEGRATION_THERAPIST)
    by_cursor, by_link = [], []
    url: str | None = "/follow-ups?owner=me&status=upcoming&limit=2"
    cursor: str | None = None
    while url is not None:
        answer = client.get(url, headers=therapist)
        assert answer.status_code == 200
        assert answer.json is not None
        by_link += answer.json["items"]
        url, cursor = next_link(answer), answer.json["next"]
        if cursor is None:
            assert url is None, "a Link on the last page"
        else:
            assert url is not None
            path, _, query = url.partition("?")
            assert path == "/follow-ups"
            assert sorted(query.split("&")) == sorted(
                ["owner=me", "status=upcoming", "limit=2", f"after={cursor}"]
            )
    cursor = ""
    while cursor is not None:
        page = client.get(
            f"/follow-ups?owner=me&status=upcoming&limit=2{cursor and '&after=' + cursor}",
            headers=therapist,
        ).json
        by_cursor += page["items"]
        cursor = page["next"]
    assert len(by_link) == 9  # three upcoming follow-ups on each of three journeys, 2 a page
    assert by_link == by_cursor


def test_every_paged_list_links_to_its_next_page_until_the_last(
    client: FlaskClient, api_staff: ApiStaff, held: list[UUID]
) -> None:
    lists = [
        path
        for method, path, operation in documented(client)
        if method == "GET" and "Link" in operation["responses"]["200"].get("headers", {})
    ]
    assert {"/journeys", "/follow-ups", "/decisions", "/journeys/{journey_id}/timeline"} <= set(
        lists
    )
    for path in lists:
        # Each list as someone who may read it: pause reviews are a clinical lead's.
        reader = Role.CLINICAL_LEAD if path == "/journeys/pause-reviews" else Role.AUDITOR
        headers = api_staff.headers(reader, **{"Casework-Purpose": "audit"})
        url: str | None = path.replace("{journey_id}", str(held[0])) + "?limit=1"
        pages = 0
        while url is not None and pages < 5:
            answer = client.get(url, headers=headers)
            assert answer.status_code == 200, (path, answer.json)
            assert answer.json is not None
            link, cursor = next_link(answer), answer.json["next"]
            assert (link is None) == (cursor is None), path
            url, pages = link, pages + 1
        assert pages > 1 or url is None, path


def test_paged_lists_document_link_and_nothing_else_does(client: FlaskClient) -> None:
    for method, path, operation in documented(client):
        answer = operation["responses"].get("200", {})
        schema = json.dumps(answer.get("content", {}))
        paged = method == "GET" and "Page" in schema
        assert ("Link" in answer.get("headers", {})) == paged, f"{method} {path}"
