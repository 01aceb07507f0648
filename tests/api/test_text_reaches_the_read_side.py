"""Text that could poison a store is refused at the door; text at its edges is projected as sent.

On PostgreSQL a NUL in a pause reason was accepted (201) and then stopped every projection.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import Flask
from flask.testing import FlaskClient

from casework.application import Casework
from casework.roles import Role
from tests.api.conftest import ApiStaff
from tests.support.journeys import open_journey
from tests.support.read_models import project_all

REVIEW = (datetime.now(UTC).date() + timedelta(days=30)).isoformat()


def pause(client: FlaskClient, api_staff: ApiStaff, journey_id: object, reason: str) -> object:
    body = {"reason": reason, "review_date": REVIEW, "conditions_to_resume": ["sleep\tbetter"]}
    return client.post(
        f"/journeys/{journey_id}/pause", json=body, headers=api_staff.headers(Role.CLINICAL_LEAD)
    )


def test_a_nul_in_a_pause_reason_is_refused_and_nothing_is_stored(
    client: FlaskClient, casework_app: Casework, api_staff: ApiStaff
) -> None:
    journey_id = open_journey(casework_app, api_staff.staff)
    before = casework_app.recorder.max_notification_id()
    response = pause(client, api_staff, journey_id, "tired\x00")
    assert response.status_code == 422
    assert response.json["errors"]["json"]["reason"] == ["Must not contain NUL."]
    assert casework_app.recorder.max_notification_id() == before


def test_text_at_its_edges_is_stored_normalised_and_projected(
    flask_app: Flask, client: FlaskClient, casework_app: Casework, api_staff: ApiStaff
) -> None:
    journey_id = open_journey(casework_app, api_staff.staff)
    sent = "Cafe\u0301 \U0001f642\r\nsecond line\tand a tab " + "x" * 9_000
    response = pause(client, api_staff, journey_id, sent)
    assert response.status_code == 201, response.json
    project_all(flask_app.extensions["read_models"].engine, casework_app)
    decisions = client.get(
        f"/decisions?journey={journey_id}&kind=pause", headers=api_staff.headers(Role.AUDITOR)
    )
    assert decisions.status_code == 200, decisions.json
    (entry,) = decisions.json["items"]
    assert entry["rationale"] == sent.replace("e\u0301", "\u00e9").replace("\r\n", "\n")
