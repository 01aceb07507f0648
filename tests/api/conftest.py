"""API tests: the Flask test client end to end, on a SQLite file and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from api import create_app
from casework.application import Casework
from casework.journey.commands import RecordContact
from casework.journey.values import ContactKind
from casework.roles import Role
from tests.support.endpoints import ADMIN, AUDITOR, FACILITATOR, LEAD, THERAPIST, Http, Scene
from tests.support.journeys import hold_session, ready_journey
from tests.support.keys import TEST_KEYS
from tests.support.staff import Staff, issue_token, register_staff

OPERATOR_TOKEN = "operator-test-token"


@dataclass
class ApiStaff:
    """A clinic's staff with a bearer token per role, and a clinical lead of another clinic."""

    staff: Staff
    tokens: dict[Role, str]
    second_facilitator_token: str
    outsider_token: str

    def headers(self, role: Role, **extra: str) -> dict[str, str]:
        """Return the Authorization header of the practitioner holding `role`."""
        return {"Authorization": f"Bearer {self.tokens[role]}", **extra}


class Clinic:
    """Post and get as the practitioner holding a role, asserting the expected status."""

    def __init__(self, client: FlaskClient, api_staff: ApiStaff) -> None:
        self.client, self.api_staff = client, api_staff

    def post(self, role: Role, path: str, body: dict[str, Any], status: int = 201) -> Any:
        response = self.client.post(path, json=body, headers=self.api_staff.headers(role))
        assert response.status_code == status, response.json
        return response.json

    def get(self, role: Role, path: str) -> Any:
        response = self.client.get(path, headers=self.api_staff.headers(role))
        assert response.status_code == 200, response.json
        return response.json


def bearer(token: str) -> dict[str, str]:
    """Return an Authorization header for `token`."""
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def flask_app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    app = create_app(
        {
            "DATABASE_URL": database_url,
            "OPERATOR_TOKEN": OPERATOR_TOKEN,
            "CHECKPOINT_DIR": str(tmp_path / "checkpoints"),
            **TEST_KEYS,
        }
    )
    yield app
    app.extensions["read_models"].engine.dispose()
    app.extensions["casework"].close()


@pytest.fixture
def casework_app(flask_app: Flask) -> Casework:
    """The application behind the API, for setting up state directly."""
    application: Casework = flask_app.extensions["casework"]
    return application


@pytest.fixture
def client(flask_app: Flask) -> FlaskClient:
    return flask_app.test_client()


@pytest.fixture
def api_staff(casework_app: Casework) -> ApiStaff:
    staff = register_staff(casework_app)
    tokens = {
        role: issue_token(casework_app, actor.practitioner_id, "test")
        for role, actor in staff.actors.items()
    }
    second = issue_token(casework_app, staff.second_facilitator.practitioner_id, "test")
    other_clinic = register_staff(casework_app)
    outsider = issue_token(casework_app, other_clinic.id(Role.CLINICAL_LEAD), "test")
    return ApiStaff(staff, tokens, second, outsider)


# -- the scene the refusal tests send each endpoint's request against -----------------------------
# (tests/api/test_endpoint_errors.py, tests/api/test_endpoint_conflicts.py)


@pytest.fixture
def scene(casework_app: Casework, api_staff: ApiStaff) -> Scene:
    staff = api_staff.staff
    therapist = staff[THERAPIST]
    journey = ready_journey(casework_app, staff)
    session = hold_session(casework_app, staff, journey, datetime.now(UTC) - timedelta(days=3))
    done, still_open, *_ = casework_app.get_journey(therapist, journey)["follow_ups"]
    kind = ContactKind.INTEGRATION_SESSION
    casework_app.record_contact(
        therapist, RecordContact(journey_id=journey, kind=kind, follow_up_id=done["follow_up_id"])
    )
    return Scene(
        journey,
        session,
        done["follow_up_id"],
        still_open["follow_up_id"],
        *(staff.id(role) for role in (ADMIN, AUDITOR, LEAD, FACILITATOR, THERAPIST)),
    )


@pytest.fixture
def http(client: FlaskClient, casework_app: Casework, scene: Scene) -> Http:
    return Http(client, casework_app, scene)
