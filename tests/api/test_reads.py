"""The read API: the caseload, a timeline, the worklist, its summary and the decision register."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest
from flask import Flask
from flask.testing import FlaskClient

from casework.application import Casework
from casework.journey.commands import CloseJourney, PauseJourney, RecordContact, RecordIntake
from casework.journey.values import ContactKind
from casework.roles import Role
from tests.api.conftest import ApiStaff, bearer
from tests.support.journeys import hold_session, ready_journey
from tests.support.read_models import project_all

READS = ["/journeys", "/follow-ups", "/follow-ups/summary", "/decisions"]


@pytest.fixture
def held(flask_app: Flask, casework_app: Casework, api_staff: ApiStaff) -> list[UUID]:
    """Three journeys with a held session each, projected (as the worker would on PostgreSQL)."""
    journey_ids = []
    for number in range(3):
        journey_id = ready_journey(casework_app, api_staff.staff, f"CW-{number}")
        hold_session(
            casework_app, api_staff.staff, journey_id, datetime.now(UTC) - timedelta(days=3)
        )
        journey_ids.append(journey_id)
    project_all(flask_app.extensions["read_models"].engine, casework_app)
    return journey_ids


def get(client: FlaskClient, path: str, headers: dict[str, str]) -> Any:
    response = client.get(path, headers=headers)
    assert response.status_code == 200, response.json
    return response.json


@pytest.mark.parametrize("path", READS)
def test_reads_need_a_token_and_a_clinical_or_auditor_role(
    client: FlaskClient, api_staff: ApiStaff, path: str
) -> None:
    assert client.get(path).status_code == 401
    assert client.get(path, headers=api_staff.headers(Role.ADMIN)).status_code == 403
    assert client.get(path, headers=api_staff.headers(Role.AUDITOR)).status_code == 200


def test_the_therapist_worklist_pages_most_urgent_first(
    client: FlaskClient, api_staff: ApiStaff, held: list[UUID]
) -> None:
    therapist = api_staff.headers(Role.INTEGRATION_THERAPIST)
    statuses, cursor, pages = [], "", 0
    while cursor is not None:
        page = get(
            client, f"/follow-ups?owner=me&limit=4{cursor and '&after=' + cursor}", therapist
        )
        statuses += [item["status"] for item in page["items"]]
        cursor, pages = page["next"], pages + 1
    assert pages == 4  # 15 follow-ups, 4 a page
    assert statuses == ["overdue"] * 3 + ["due"] * 3 + ["upcoming"] * 9
    summary = get(client, "/follow-ups/summary", therapist)
    therapist_id = str(api_staff.staff.id(Role.INTEGRATION_THERAPIST))
    assert summary == [
        {
            "owner_id": therapist_id,
            "owner_name": Role.INTEGRATION_THERAPIST.value,  # the name register_staff gives
            "due": 3,
            "overdue": 3,
            "next_7_days": 6,
            "owed": 15,
            "done_early": 0,
            "done_on_time": 0,
            "done_late": 0,
        }
    ]


def test_the_caseload_filters_by_phase_and_care_team_member(
    flask_app: Flask,
    client: FlaskClient,
    casework_app: Casework,
    api_staff: ApiStaff,
    held: list[UUID],
) -> None:
    casework_app.record_intake(
        api_staff.staff[Role.INTAKE_COORDINATOR],
        RecordIntake(client_pseudonym="CW-NEW", referral_source="GP", primary_need="Need"),
    )
    project_all(flask_app.extensions["read_models"].engine, casework_app)
    lead = api_staff.headers(Role.CLINICAL_LEAD)
    everyone = get(client, "/journeys", lead)["items"]
    assert everyone[0]["client_pseudonym"] == "CW-NEW"  # the most recent activity first
    in_integration = get(client, "/journeys?phase=integration", lead)["items"]
    assert sorted(row["client_pseudonym"] for row in in_integration) == ["CW-0", "CW-1", "CW-2"]
    mine = get(client, "/journeys?member=me", api_staff.headers(Role.FACILITATOR))["items"]
    assert len(mine) == 3
    assert all(row["next_follow_up_due"] for row in mine)


def test_the_register_and_timeline_answer_auditors_and_stay_in_their_clinic(
    client: FlaskClient, api_staff: ApiStaff, held: list[UUID]
) -> None:
    auditor = api_staff.headers(Role.AUDITOR)
    register = get(client, "/decisions?kind=screening", auditor)["items"]
    assert len(register) == 3
    assert {row["decider_role"] for row in register} == {"clinical_lead"}
    timeline = get(client, f"/journeys/{held[0]}/timeline", auditor)["items"]
    assert timeline[0]["event_type"] == "IntakeRecorded"
    assert timeline[0]["late_entry"] is True  # the intake was recorded 60 days after it happened
    assert [entry["position"] for entry in timeline] == sorted(e["position"] for e in timeline)
    outsider = bearer(api_staff.outsider_token)
    assert client.get(f"/journeys/{held[0]}/timeline", headers=outsider).status_code == 404
    assert get(client, "/decisions", outsider)["items"] == []


def test_a_read_says_when_the_projections_are_behind_a_position(
    client: FlaskClient, casework_app: Casework, api_staff: ApiStaff, database_url: str
) -> None:
    written = casework_app.record_intake(
        api_staff.staff[Role.INTAKE_COORDINATOR],
        RecordIntake(client_pseudonym="CW-RYOW", referral_source="GP", primary_need="x"),
    )
    response = client.get(
        f"/journeys?min_position={written.position}", headers=api_staff.headers(Role.CLINICAL_LEAD)
    )
    if database_url.startswith("sqlite"):  # embedded: the API catches projections up itself
        assert response.status_code == 200
        assert int(response.headers["Casework-Projection-Position"]) >= written.position
    else:  # no worker runs in this test, so the read cannot be that fresh: it says so
        assert response.status_code == 503
        assert response.headers["Retry-After"] == "1"
        assert str(written.position) in response.json["detail"]


def test_a_read_waits_for_a_worker_that_reaches_its_position(
    client: FlaskClient, flask_app: Flask, casework_app: Casework, api_staff: ApiStaff
) -> None:
    written = casework_app.record_intake(
        api_staff.staff[Role.INTAKE_COORDINATOR],
        RecordIntake(client_pseudonym="CW-WAIT", referral_source="GP", primary_need="x"),
    )
    engine = flask_app.extensions["read_models"].engine
    worker = threading.Timer(0.3, project_all, (engine, casework_app))  # mid-wait, as a worker
    worker.start()
    try:
        response = client.get(
            f"/journeys?min_position={written.position}",
            headers=api_staff.headers(Role.CLINICAL_LEAD),
        )
    finally:
        worker.join()
    assert response.status_code == 200, response.json
    assert int(response.headers["Casework-Projection-Position"]) >= written.position
    assert [item["client_pseudonym"] for item in response.json["items"]] == ["CW-WAIT"]


def test_a_forged_cursor_is_refused(client: FlaskClient, api_staff: ApiStaff) -> None:
    response = client.get(
        "/decisions?after=bm90LWEtY3Vyc29y", headers=api_staff.headers(Role.AUDITOR)
    )
    assert response.status_code == 422
    assert "after" in response.json["errors"]["query"]


def test_an_auditor_sees_a_journey_and_its_timeline_as_recorded_at_a_past_moment(
    flask_app: Flask, client: FlaskClient, casework_app: Casework, api_staff: ApiStaff
) -> None:
    journey_id = ready_journey(casework_app, api_staff.staff)
    moment = datetime.now(UTC)
    casework_app.close_journey(
        api_staff.staff[Role.CLINICAL_LEAD],
        CloseJourney(journey_id=journey_id, reason="Moved away"),
    )
    project_all(flask_app.extensions["read_models"].engine, casework_app)
    auditor = api_staff.headers(Role.AUDITOR)
    as_of = moment.isoformat().replace("+00:00", "Z")
    then = get(client, f"/journeys/{journey_id}?as_of={as_of}", auditor)
    now = get(client, f"/journeys/{journey_id}", auditor)
    assert (then["status"], then["version"]) == ("active", now["version"] - 1)
    assert now["status"] == "closed"
    entries = get(client, f"/journeys/{journey_id}/timeline?as_of={as_of}", auditor)["items"]
    assert len(entries) == then["version"]
    assert "JourneyClosed" not in {entry["event_type"] for entry in entries}
    before_intake = client.get(
        f"/journeys/{journey_id}?as_of=2000-01-01T00:00:00Z", headers=auditor
    )
    assert before_intake.status_code == 404
    both = client.get(f"/journeys/{journey_id}?version=1&as_of={as_of}", headers=auditor)
    assert both.status_code == 422


def test_a_correction_shows_beside_the_original_and_in_the_register(
    flask_app: Flask, client: FlaskClient, casework_app: Casework, api_staff: ApiStaff
) -> None:
    journey_id = ready_journey(casework_app, api_staff.staff)
    paused = casework_app.pause_journey(
        api_staff.staff[Role.CLINICAL_LEAD],
        PauseJourney(
            journey_id=journey_id,
            reason="Stres at home",
            review_date=datetime.now(UTC).date() + timedelta(days=14),
            conditions_to_resume=["Sleep"],
        ),
    )
    body = {
        "corrects_position": paused.position,
        "field": "reason",
        "new_value": "Stress at home",
        "reason": "Typo",
    }
    path = f"/journeys/{journey_id}/corrections"
    assert client.post(path, json=body, headers=api_staff.headers(Role.AUDITOR)).status_code == 403
    wrong = client.post(
        path, json={**body, "field": "mood"}, headers=api_staff.headers(Role.CLINICAL_LEAD)
    )
    assert wrong.status_code == 422
    assert "field" in wrong.json["errors"]["json"]
    corrected = client.post(path, json=body, headers=api_staff.headers(Role.CLINICAL_LEAD))
    assert corrected.status_code == 201
    project_all(flask_app.extensions["read_models"].engine, casework_app)
    auditor = api_staff.headers(Role.AUDITOR)
    register = get(client, f"/decisions?journey={journey_id}&kind=pause", auditor)["items"]
    assert register[0]["rationale"] == "Stress at home"
    entries = get(client, f"/journeys/{journey_id}/timeline", auditor)["items"]
    original = next(e for e in entries if e["position"] == paused.position)
    assert original["details"]["reason"] == "Stres at home"  # the original, never edited
    (beside,) = original["details"]["corrections"]
    assert (beside["new_value"], beside["reason"], beside["by"]) == (
        "Stress at home",
        "Typo",
        "clinical_lead",
    )
    assert entries[-1]["event_type"] == "CorrectionRecorded"


def test_every_read_of_a_client_record_is_logged_with_its_purpose(
    flask_app: Flask, client: FlaskClient, casework_app: Casework, api_staff: ApiStaff
) -> None:
    journey_id = ready_journey(casework_app, api_staff.staff)
    therapist = api_staff.headers(Role.INTEGRATION_THERAPIST)
    get(client, f"/journeys/{journey_id}", therapist)
    research = {**therapist, "Casework-Purpose": "research"}
    get(client, f"/journeys/{journey_id}/timeline", research)
    refused = client.get(
        f"/journeys/{journey_id}", headers={**therapist, "Casework-Purpose": "curiosity"}
    )
    assert refused.status_code == 422
    assert "Casework-Purpose" in refused.json["errors"]["headers"]
    assert (
        client.get(f"/journeys/{journey_id}", headers=bearer(api_staff.outsider_token)).status_code
        == 404
    )
    project_all(flask_app.extensions["read_models"].engine, casework_app)
    assert client.get("/audit/access-log", headers=therapist).status_code == 403
    client_id = get(client, f"/journeys/{journey_id}", api_staff.headers(Role.AUDITOR))["client_id"]
    project_all(flask_app.extensions["read_models"].engine, casework_app)
    log = get(client, f"/audit/access-log?client={client_id}", api_staff.headers(Role.AUDITOR))[
        "items"
    ]
    therapist_id = str(api_staff.staff.id(Role.INTEGRATION_THERAPIST))
    assert [(e["practitioner_id"] == therapist_id, e["endpoint"], e["purpose"]) for e in log] == [
        (False, "journey", "audit"),
        (True, "timeline", "research"),
        (True, "journey", "care"),
    ]
    assert (
        client.post(
            "/audit/access-log", json={}, headers=api_staff.headers(Role.AUDITOR)
        ).status_code
        == 405
    )


def test_the_summary_shows_adherence_per_therapist(
    flask_app: Flask,
    client: FlaskClient,
    casework_app: Casework,
    api_staff: ApiStaff,
    held: list[UUID],
) -> None:
    therapist = api_staff.staff[Role.INTEGRATION_THERAPIST]
    owed = casework_app.get_journey(therapist, held[0])["follow_ups"]
    for follow_up in owed[:2]:  # integration session 1 is overdue by now, the day-2 call still due
        casework_app.record_contact(
            therapist,
            RecordContact(
                journey_id=held[0],
                kind=ContactKind.PHONE_CHECK_IN,
                follow_up_id=follow_up["follow_up_id"],
            ),
        )
    project_all(flask_app.extensions["read_models"].engine, casework_app)
    (row,) = get(client, "/follow-ups/summary", api_staff.headers(Role.AUDITOR))
    assert (row["owed"], row["done_on_time"], row["done_late"], row["overdue"]) == (15, 1, 1, 2)
