"""Every answer forbids caching and content sniffing: answers carry health data."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from casework.roles import Role
from tests.api.conftest import ApiStaff


@pytest.mark.parametrize(
    ("method", "path", "role"),
    [
        ("GET", "/journeys", Role.FACILITATOR),  # a list of clients
        ("GET", "/journeys/00000000-0000-0000-0000-000000000000", Role.AUDITOR),  # a 404
        ("GET", "/journeys", None),  # a 401
        ("POST", "/journeys", Role.INTAKE_COORDINATOR),  # a 422
        ("GET", "/health", None),
        ("GET", "/openapi.json", None),
    ],
)
def test_no_answer_may_be_cached_or_sniffed(
    client: FlaskClient, api_staff: ApiStaff, method: str, path: str, role: Role | None
) -> None:
    headers = {} if role is None else api_staff.headers(role)
    answer = client.open(
        path, method=method, headers=headers, json={} if method == "POST" else None
    )
    assert answer.headers["Cache-Control"] == "no-store"
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
