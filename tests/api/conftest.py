"""API tests: the Flask test client end to end, on a SQLite file and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from api import create_app
from casework.application import Casework
from casework.roles import Role
from tests.support.keys import TEST_KEYS
from tests.support.staff import Staff, register_staff

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
        role: casework_app.issue_token(actor.practitioner_id, "test")[0]
        for role, actor in staff.actors.items()
    }
    second, _ = casework_app.issue_token(staff.second_facilitator.practitioner_id, "test")
    other_clinic = register_staff(casework_app)
    outsider, _ = casework_app.issue_token(other_clinic.id(Role.CLINICAL_LEAD), "test")
    return ApiStaff(staff, tokens, second, outsider)
