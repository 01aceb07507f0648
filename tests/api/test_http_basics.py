"""HTTP as the RFCs say: 405 names what is allowed, unknown query parameters are refused."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from flask.testing import FlaskClient

from casework.roles import Role
from tests.api.conftest import ApiStaff

UNKNOWN = "no_such_parameter"


def operations(client: FlaskClient) -> list[tuple[str, str]]:
    """Return (method, path with every path parameter filled in) for every documented operation."""
    document: dict[str, Any] = client.get("/openapi.json").get_json()
    return [
        (method, re.sub(r"\{[^}]+\}", str(uuid.uuid4()), path))
        for path, item in document["paths"].items()
        for method in item
        if method in ("get", "put", "post", "delete", "patch")
    ]


def test_a_method_a_path_does_not_take_answers_405_naming_those_it_takes(
    client: FlaskClient, api_staff: ApiStaff
) -> None:
    headers = api_staff.headers(Role.CLINICAL_LEAD)
    response = client.patch("/journeys", json={}, headers=headers)
    assert response.status_code == 405
    assert {"GET", "POST"} <= {m.strip() for m in response.headers["Allow"].split(",")}
    response = client.get(f"/journeys/{uuid.uuid4()}/sessions", headers=headers)
    assert response.status_code == 405
    assert "POST" in response.headers["Allow"]
    assert "GET" not in response.headers["Allow"]


@pytest.mark.parametrize("method", ["get", "write"])
def test_every_operation_refuses_an_unknown_query_parameter_by_name(
    client: FlaskClient, api_staff: ApiStaff, method: str
) -> None:
    headers = api_staff.headers(Role.CLINICAL_LEAD)
    walked = [(m, path) for m, path in operations(client) if (m == "get") == (method == "get")]
    assert walked
    accepted = {}
    for verb, path in walked:
        body = None if verb == "get" else {}
        response = client.open(
            path, method=verb.upper(), query_string={UNKNOWN: "1"}, json=body, headers=headers
        )
        errors = (response.get_json() or {}).get("errors", {}).get("query", {})
        if response.status_code != 422 or UNKNOWN not in errors:
            accepted[f"{verb.upper()} {path}"] = response.status_code
    assert accepted == {}
