"""Every endpoint refuses a request it cannot serve: 401 to an unknown caller, 403 to a role that
may not, 404 for another clinic's record, 422 for a body that does not fit; and writes nothing.

Each endpoint is one row of ENDPOINTS (tests/support/endpoints.py); each test runs over the rows it
applies to.
"""

from __future__ import annotations

from dataclasses import replace
from uuid import uuid4

import pytest

from casework.application import Casework
from casework.commands import RegisterClinic
from casework.roles import Role
from tests.api.conftest import ApiStaff, bearer
from tests.support.endpoints import ENDPOINTS, Endpoint, Http, Scene, endpoints


@pytest.fixture
def other_admin_token(casework_app: Casework) -> str:
    """Return a token of the admin of another clinic."""
    registered = casework_app.register_clinic(
        RegisterClinic(
            name="Other Clinic", time_zone="Europe/London", admin_display_name="Other admin"
        )
    )
    return registered.admin_token


# -- 401: who are you? ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [pytest.param({}, id="no-header"), pytest.param(bearer("cw_not-a-token"), id="unknown-token")],
)
@pytest.mark.parametrize("endpoint", endpoints())
def test_a_request_without_a_known_token_is_unauthorised(
    http: Http, endpoint: Endpoint, headers: dict[str, str]
) -> None:
    response = http.refused(401, endpoint, headers)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.json is not None
    assert response.json["detail"]


# -- 403: a role that may not -----------------------------------------------------------------

FORBIDDEN = [
    pytest.param(endpoint, role, id=f"{name}-as-{role}")
    for name, endpoint in ENDPOINTS.items()
    for role in endpoint.forbidden
]


@pytest.mark.parametrize(("endpoint", "role"), FORBIDDEN)
def test_a_role_that_may_not_do_it_is_forbidden(
    http: Http, api_staff: ApiStaff, endpoint: Endpoint, role: Role
) -> None:
    response = http.refused(403, endpoint, api_staff.headers(role))
    assert response.json is not None
    assert response.json["title"] == "Forbidden"
    assert response.json["detail"]


# -- 404: another clinic's record -------------------------------------------------------------


@pytest.mark.parametrize("endpoint", endpoints(lambda e: "{" in e.path))
def test_another_clinics_record_is_not_found_and_nothing_about_it_shows(
    http: Http,
    scene: Scene,
    api_staff: ApiStaff,
    other_admin_token: str,
    endpoint: Endpoint,
) -> None:
    token = api_staff.outsider_token if endpoint.on_journey else other_admin_token
    answer = http.refused(404, endpoint, bearer(token))
    nowhere = replace(scene, journey=uuid4(), auditor=uuid4())
    unknown = http.refused(404, endpoint, bearer(token), scene=nowhere)
    assert answer.json == unknown.json, "answers differently for a record that exists"
    assert answer.json is not None
    assert set(answer.json) == {"type", "title", "status", "detail", "code"}
    for record in (scene.journey, scene.auditor):
        assert str(record) not in answer.get_data(as_text=True)


# -- 422: a body that does not fit the schema -------------------------------------------------


@pytest.mark.parametrize("endpoint", endpoints(lambda e: e.wrong_type is not None))
def test_a_field_of_the_wrong_type_is_refused_and_named(
    http: Http, api_staff: ApiStaff, endpoint: Endpoint
) -> None:
    assert endpoint.wrong_type is not None
    field, value = endpoint.wrong_type
    body = {**(endpoint.body(http.scene) if endpoint.body else {}), field: value}
    response = http.refused(422, endpoint, api_staff.headers(endpoint.role), body=body)
    location = "query" if endpoint.method == "GET" else "json"
    assert response.json is not None
    assert field in response.json["errors"][location]


@pytest.mark.parametrize("endpoint", endpoints(lambda e: e.required is not None))
def test_a_missing_required_field_is_refused_and_named(
    http: Http, api_staff: ApiStaff, endpoint: Endpoint
) -> None:
    assert endpoint.body is not None
    body = {k: v for k, v in endpoint.body(http.scene).items() if k != endpoint.required}
    response = http.refused(422, endpoint, api_staff.headers(endpoint.role), body=body)
    assert response.json is not None
    assert response.json["errors"]["json"] == {
        endpoint.required: ["Missing data for required field."]
    }
