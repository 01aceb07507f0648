"""Staff over HTTP: the list, names and credentials, tokens issued and revoked, people who leave."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Flask
from flask.testing import FlaskClient

from casework.application import Casework
from casework.roles import Role
from tests.api.conftest import OPERATOR_TOKEN, ApiStaff
from tests.support.journeys import open_journey
from tests.support.read_models import project_all

ADMIN, LEAD, THERAPIST = Role.ADMIN, Role.CLINICAL_LEAD, Role.INTEGRATION_THERAPIST


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def caught_up(flask_app: Flask, casework_app: Casework) -> None:
    project_all(flask_app.extensions["read_models"].engine, casework_app)


def test_the_staff_list_is_by_name_filtered_by_role_and_paged(
    client: FlaskClient, flask_app: Flask, casework_app: Casework, api_staff: ApiStaff
) -> None:
    caught_up(flask_app, casework_app)
    answer = client.get("/practitioners", headers=api_staff.headers(LEAD)).json
    names = [entry["display_name"] for entry in answer["items"]]
    assert names == sorted(names, key=str.casefold)
    assert {entry["id"] for entry in answer["items"]} == {
        str(actor.practitioner_id) for actor in api_staff.staff.actors.values()
    } | {str(api_staff.staff.second_facilitator.practitioner_id)}
    assert all(entry["active"] for entry in answer["items"])
    facilitators = client.get(
        "/practitioners?role=facilitator", headers=api_staff.headers(Role.AUDITOR)
    ).json["items"]
    assert len(facilitators) == 2
    assert all("facilitator" in f["roles"] for f in facilitators)
    seen: list[str] = []
    path = "/practitioners?limit=2"
    while path:
        page = client.get(path, headers=api_staff.headers(ADMIN)).json
        assert len(page["items"]) <= 2
        seen += [entry["id"] for entry in page["items"]]
        path = page["next"] and f"/practitioners?limit=2&after={page['next']}"
    assert seen == [entry["id"] for entry in answer["items"]]
    refused = client.get("/practitioners?after=bm90LWdpdmVu", headers=api_staff.headers(ADMIN))
    assert refused.status_code == 422


def test_an_admin_renames_a_practitioner_and_records_their_credentials(
    client: FlaskClient, flask_app: Flask, casework_app: Casework, api_staff: ApiStaff
) -> None:
    therapist = api_staff.staff.id(THERAPIST)
    path = f"/practitioners/{therapist}"
    renamed = client.put(
        f"{path}/name", json={"display_name": "Ana de Vries"}, headers=api_staff.headers(ADMIN)
    )
    assert renamed.status_code == 200, renamed.json
    licence = {"kind": "BIG", "number": "19-123", "valid_until": "2029-06-30"}
    body = {"credentials": [licence], "modalities": ["IFS", "EMDR"]}
    assert (
        client.put(f"{path}/credentials", json=body, headers=api_staff.headers(LEAD)).status_code
        == 403
    )
    recorded = client.put(f"{path}/credentials", json=body, headers=api_staff.headers(ADMIN))
    assert recorded.status_code == 200, recorded.json
    shown = client.get(path, headers=api_staff.headers(Role.AUDITOR)).json
    assert shown["display_name"] == "Ana de Vries"
    assert shown["credentials"] == [licence]
    assert shown["modalities"] == ["IFS", "EMDR"]
    caught_up(flask_app, casework_app)
    listed = client.get(
        "/practitioners?role=integration_therapist", headers=api_staff.headers(ADMIN)
    )
    (entry,) = listed.json["items"]
    assert entry["display_name"] == "Ana de Vries"
    assert entry["credentials"] == [licence]


def test_tokens_are_issued_listed_and_revoked_over_http_never_showing_the_secret(
    client: FlaskClient, flask_app: Flask, casework_app: Casework, api_staff: ApiStaff
) -> None:
    therapist = api_staff.staff.id(THERAPIST)
    tokens = f"/practitioners/{therapist}/tokens"
    issued = client.post(tokens, json={"label": "tablet"}, headers=api_staff.headers(ADMIN))
    assert issued.status_code == 201, issued.json
    secret, token_id = issued.json["secret"], issued.json["id"]
    assert client.get("/follow-ups?owner=me", headers=bearer(secret)).status_code == 200
    refused = client.post(tokens, json={"label": "mine"}, headers=api_staff.headers(THERAPIST))
    assert refused.status_code == 403  # issuing is an admin's
    caught_up(flask_app, casework_app)
    own = client.get(tokens, headers=bearer(secret))
    assert own.status_code == 200
    listed = {entry["id"]: entry for entry in own.json["items"]}
    assert listed[token_id]["label"] == "tablet"
    assert listed[token_id]["last_used_at"] is not None
    assert listed[token_id]["revoked_at"] is None
    assert secret not in own.text
    lead = api_staff.staff.id(LEAD)
    assert client.get(f"/practitioners/{lead}/tokens", headers=bearer(secret)).status_code == 403
    assert client.get(tokens, headers=api_staff.headers(ADMIN)).status_code == 200
    revoke = {"reason": "Tablet lost"}
    path = f"{tokens}/{token_id}"
    assert client.delete(path, json=revoke, headers=api_staff.headers(LEAD)).status_code == 403
    assert client.delete(path, json=revoke, headers=bearer(secret)).status_code == 200
    assert client.get("/follow-ups?owner=me", headers=bearer(secret)).status_code == 401
    again = client.delete(path, json=revoke, headers=api_staff.headers(ADMIN))
    assert again.status_code == 409
    assert again.json["reason"] == "token_already_revoked"
    caught_up(flask_app, casework_app)
    after = client.get(tokens, headers=api_staff.headers(ADMIN)).json["items"]
    assert next(e for e in after if e["id"] == token_id)["revoked_at"] is not None


def test_a_practitioner_who_leaves_is_deactivated_and_their_tokens_stop_at_once(
    client: FlaskClient, flask_app: Flask, casework_app: Casework, api_staff: ApiStaff
) -> None:
    therapist = api_staff.staff.id(THERAPIST)
    journey_id = open_journey(casework_app, api_staff.staff)
    leaving = {"reason": "Moved to another clinic"}
    path = f"/practitioners/{therapist}/deactivation"
    assert client.post(path, json=leaving, headers=api_staff.headers(LEAD)).status_code == 403
    deactivated = client.post(path, json=leaving, headers=api_staff.headers(ADMIN))
    assert deactivated.status_code == 200, deactivated.json
    refused = client.get("/follow-ups?owner=me", headers=api_staff.headers(THERAPIST))
    assert refused.status_code == 401
    again = client.post(path, json=leaving, headers=api_staff.headers(ADMIN))
    assert again.status_code == 409
    assert again.json["reason"] == "already_deactivated"
    admin = api_staff.staff.id(ADMIN)
    own = client.post(
        f"/practitioners/{admin}/deactivation", json=leaving, headers=api_staff.headers(ADMIN)
    )
    assert own.status_code == 409
    assert own.json["reason"] == "cannot_deactivate_self"
    assigned = client.post(
        f"/journeys/{journey_id}/care-team",
        json={"practitioner_id": str(therapist), "role": "integration_therapist"},
        headers=api_staff.headers(LEAD),
    )
    assert assigned.status_code == 409
    assert assigned.json["reason"] == "practitioner_deactivated"
    shown = client.get(f"/practitioners/{therapist}", headers=api_staff.headers(ADMIN)).json
    assert shown["active"] is False
    assert shown["deactivation"]["reason"] == leaving["reason"]
    caught_up(flask_app, casework_app)
    gone = client.get("/practitioners?active=false", headers=api_staff.headers(ADMIN)).json
    assert [entry["id"] for entry in gone["items"]] == [str(therapist)]


def test_registering_a_clinic_answers_its_first_admins_token_once(client: FlaskClient) -> None:
    body: dict[str, Any] = {
        "name": "North Clinic",
        "time_zone": "Europe/Oslo",
        "admin_display_name": "Ingrid",
    }
    answer = client.post("/clinics", json=body, headers=bearer(OPERATOR_TOKEN))
    assert answer.status_code == 201, answer.json
    admin = UUID(answer.json["admin_id"])
    me = client.get(f"/practitioners/{admin}", headers=bearer(answer.json["admin_token"]))
    assert me.status_code == 200
    assert me.json["display_name"] == "Ingrid"
