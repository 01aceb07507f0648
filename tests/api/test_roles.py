"""Roles over HTTP, on both stores: nobody grants themselves access; a lost role shows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from casework.application import Casework
from casework.roles import Role
from tests.api.conftest import OPERATOR_TOKEN, ApiStaff, bearer
from tests.support.journeys import ready_journey
from tests.support.read_models import project_all


def test_an_admin_cannot_grant_itself_access_but_the_operator_may_with_a_reason(
    client: FlaskClient, api_staff: ApiStaff
) -> None:
    admin_id = api_staff.staff.id(Role.ADMIN)
    admin = api_staff.headers(Role.ADMIN)
    for role in ("clinical_lead", "auditor"):
        body = {"role": role, "reason": "I need to read notes"}
        response = client.post(f"/practitioners/{admin_id}/roles", json=body, headers=admin)
        assert response.status_code == 409, response.json
        assert response.json is not None
        assert response.json["reason"] == "cannot_change_own_roles"
    no_reason = client.post(
        f"/practitioners/{admin_id}/roles", json={"role": "auditor"}, headers=bearer(OPERATOR_TOKEN)
    )
    assert no_reason.status_code == 422
    body = {"role": "auditor", "reason": "Interim auditor, board decision 12"}
    granted = client.post(
        f"/practitioners/{admin_id}/roles", json=body, headers=bearer(OPERATOR_TOKEN)
    )
    assert granted.status_code == 201, granted.json

    record = client.get(f"/practitioners/{admin_id}", headers=api_staff.headers(Role.AUDITOR))
    assert record.status_code == 200
    assert record.json is not None
    (change,) = record.json["role_changes"]
    assert change["change"] == "granted"
    assert change["role"] == "auditor"
    assert change["reason"] == "Interim auditor, board decision 12"
    assert change["actor_id"] is None
    assert change["actor_role"] == "operator"


def test_a_facilitator_who_lost_the_role_is_refused_and_shown_lacking_it_everywhere(
    flask_app: Flask, client: FlaskClient, casework_app: Casework, api_staff: ApiStaff
) -> None:
    staff = api_staff.staff
    journey_id = ready_journey(casework_app, staff, "CW-ROLE")
    facilitators = [staff.id(Role.FACILITATOR), staff.second_facilitator.practitioner_id]
    for practitioner_id in facilitators:
        response = client.delete(
            f"/practitioners/{practitioner_id}/roles/facilitator",
            json={"reason": "No longer on the session team"},
            headers=api_staff.headers(Role.ADMIN),
        )
        assert response.status_code == 200, response.json
    lead = api_staff.headers(Role.CLINICAL_LEAD)
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=7)
    session: dict[str, Any] = {
        "planned_start": start.isoformat(),
        "planned_end": (start + timedelta(hours=8)).isoformat(),
        "facilitator_ids": [str(facilitators[0])],
    }
    refused = client.post(f"/journeys/{journey_id}/sessions", json=session, headers=lead)
    assert refused.status_code == 409
    assert refused.json is not None
    assert refused.json["reason"] == "practitioner_lacks_role"
    assert refused.json["details"]["practitioner_id"] == str(facilitators[0])

    state = client.get(f"/journeys/{journey_id}", headers=lead).json
    assert state is not None
    assert {m["role"]: m["lacks_role"] for m in state["care_team"]} == {
        "facilitator": True,
        "integration_therapist": False,
    }
    assert "no_facilitator_on_care_team" in state["session_readiness"]["blockers"]

    project_all(flask_app.extensions["read_models"].engine, casework_app)
    caseload = client.get("/journeys", headers=lead).json
    assert caseload is not None
    (entry,) = caseload["items"]
    lacking = sorted(str(m["practitioner_id"]) for m in entry["care_team"] if m["lacks_role"])
    assert lacking == sorted(str(p) for p in facilitators)
    assert entry["phase"] == state["phase"] == "preparation"

    grant = {"role": "facilitator", "reason": "Back on the session team"}
    response = client.post(
        f"/practitioners/{facilitators[0]}/roles", json=grant, headers=api_staff.headers(Role.ADMIN)
    )
    assert response.status_code == 201, response.json
    project_all(flask_app.extensions["read_models"].engine, casework_app)
    caseload = client.get("/journeys", headers=lead).json
    assert caseload is not None
    lacking = [
        str(m["practitioner_id"]) for m in caseload["items"][0]["care_team"] if m["lacks_role"]
    ]
    assert lacking == [str(facilitators[1])]
    assert caseload["items"][0]["phase"] == "ready"
