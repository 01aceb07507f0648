"""A clinic's month over HTTP: a therapist leaves and is replaced, pauses come up for review."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

from flask import Flask
from flask.testing import FlaskClient

from casework.application import Casework
from casework.journey.commands import PauseJourney
from casework.roles import Role
from tests.api.conftest import ApiStaff
from tests.support.journeys import hold_session, ready_journey
from tests.support.read_models import project_all

LEAD, THERAPIST, ADMIN = Role.CLINICAL_LEAD, Role.INTEGRATION_THERAPIST, Role.ADMIN


def caught_up(flask_app: Flask, casework_app: Casework) -> None:
    project_all(flask_app.extensions["read_models"].engine, casework_app)


def worklist(client: FlaskClient, headers: dict[str, str], owner: UUID | str) -> list[Any]:
    answer = client.get(f"/follow-ups?owner={owner}&limit=200", headers=headers)
    assert answer.status_code == 200, answer.json
    return [item for item in answer.json["items"] if item["status"] not in ("done_on_time",)]


def test_a_therapist_who_leaves_hands_their_follow_ups_to_their_successor(
    client: FlaskClient, flask_app: Flask, casework_app: Casework, api_staff: ApiStaff
) -> None:
    staff = api_staff.staff
    journey_id = ready_journey(casework_app, staff)
    hold_session(casework_app, staff, journey_id, datetime.now(UTC) - timedelta(days=3))
    lead = api_staff.headers(LEAD)
    registered = client.post(
        "/practitioners",
        json={"display_name": "Ben Okafor", "roles": ["integration_therapist"]},
        headers=api_staff.headers(ADMIN),
    )
    assert registered.status_code == 201, registered.json
    leaving, coming = staff.id(THERAPIST), registered.json["id"]
    caught_up(flask_app, casework_app)
    owed = worklist(client, lead, leaving)
    assert owed
    assert all(item["label"].startswith("Session 1 · ") for item in owed)

    left = client.post(
        f"/practitioners/{leaving}/deactivation",
        json={"reason": "Moved away"},
        headers=api_staff.headers(ADMIN),
    )
    assert left.status_code == 200
    unassigned = client.delete(
        f"/journeys/{journey_id}/care-team/{leaving}", json={"reason": "Left"}, headers=lead
    )
    assert unassigned.status_code == 200, unassigned.json
    assigned = client.post(
        f"/journeys/{journey_id}/care-team",
        json={"practitioner_id": coming, "role": "integration_therapist"},
        headers=lead,
    )
    assert assigned.status_code == 201, assigned.json
    caught_up(flask_app, casework_app)
    assert worklist(client, lead, leaving) == []
    handed = worklist(client, lead, coming)
    assert {item["owner_name"] for item in handed} == {"Ben Okafor"}  # names beside ids
    assert {item["follow_up_id"] for item in handed} == {item["follow_up_id"] for item in owed}
    summary = client.get("/follow-ups/summary", headers=lead).json
    owners = {row["owner_id"] for row in summary}
    assert coming in owners
    timeline = client.get(f"/journeys/{journey_id}/timeline?limit=200", headers=lead).json
    handover = [e for e in timeline["items"] if e["event_type"] == "FollowUpsReassigned"]
    assert len(handover) == 1
    assert handover[0]["details"]["from_id"] == str(leaving)
    assert handover[0]["details"]["to_id"] == coming

    one = handed[0]["follow_up_id"]
    cover = client.post(
        "/practitioners",
        json={"display_name": "Cara", "roles": ["integration_therapist"]},
        headers=api_staff.headers(ADMIN),
    ).json["id"]
    body = {"practitioner_id": cover, "reason": "Ben is on leave"}
    path = f"/journeys/{journey_id}/follow-ups/{one}/reassignment"
    assert client.post(path, json=body, headers=api_staff.headers(THERAPIST)).status_code == 401
    moved = client.post(path, json=body, headers=lead)
    assert moved.status_code == 200, moved.json
    wrong = client.post(
        path, json={**body, "practitioner_id": str(staff.id(Role.AUDITOR))}, headers=lead
    )
    assert wrong.status_code == 409
    assert wrong.json["reason"] == "practitioner_lacks_role"
    caught_up(flask_app, casework_app)
    assert [item["follow_up_id"] for item in worklist(client, lead, cover)] == [one]


def test_a_clinical_lead_lists_the_pauses_due_for_review_oldest_first(
    client: FlaskClient, flask_app: Flask, casework_app: Casework, api_staff: ApiStaff
) -> None:
    staff = api_staff.staff
    today = datetime.now(UTC).date()

    def paused(pseudonym: str, review: date, days_ago: int) -> UUID:
        journey_id = ready_journey(casework_app, staff, pseudonym)
        casework_app.pause_journey(
            staff[LEAD],
            PauseJourney(
                journey_id=journey_id,
                reason="Grief",
                review_date=review,
                conditions_to_resume=["Support in place"],
                occurred_at=datetime.now(UTC) - timedelta(days=days_ago),
            ),
        )
        return journey_id

    later = paused("CW-LATER", today + timedelta(days=5), 1)
    due = paused("CW-DUE", today - timedelta(days=1), 3)
    overdue = paused("CW-OVERDUE", today - timedelta(days=4), 6)
    caught_up(flask_app, casework_app)
    lead = api_staff.headers(LEAD)
    now_due = client.get("/journeys/pause-reviews", headers=lead).json["items"]
    assert [item["journey_id"] for item in now_due] == [str(overdue), str(due)]
    assert [item["client_pseudonym"] for item in now_due] == ["CW-OVERDUE", "CW-DUE"]
    assert [item["days_overdue"] for item in now_due] == [4, 1]
    assert {item["paused_by_name"] for item in now_due} == {Role.CLINICAL_LEAD.value}
    within = client.get("/journeys/pause-reviews?within_days=7&limit=2", headers=lead).json
    assert [item["journey_id"] for item in within["items"]] == [str(overdue), str(due)]
    rest = client.get(f"/journeys/pause-reviews?within_days=7&after={within['next']}", headers=lead)
    assert [item["journey_id"] for item in rest.json["items"]] == [str(later)]
    refused = client.get("/journeys/pause-reviews", headers=api_staff.headers(THERAPIST))
    assert refused.status_code == 403
    caught_up(flask_app, casework_app)
    queries = client.get("/audit/access-queries", headers=api_staff.headers(Role.AUDITOR))
    assert any(entry["endpoint"] == "pause_reviews" for entry in queries.json["items"])
