"""What api.contract declares of each operation, the API keeps: read from the document itself.

Each test walks every operation /openapi.json lists, so a new operation is checked as it lands.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from flask.testing import FlaskClient

from casework.application import Casework
from casework.refusals import Refusal
from casework.roles import Role
from tests.api.conftest import ApiStaff
from tests.api.test_endpoint_errors import ENDPOINTS
from tests.support.journeys import ready_journey

WRITES = ("post", "put", "patch", "delete")


def document_operations(client: FlaskClient) -> list[tuple[str, str, dict[str, Any]]]:
    """Return (method, path, operation) for every operation in the document."""
    document = client.get("/openapi.json").json
    assert document is not None
    return [
        (method, path, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in ("get", *WRITES)
    ]


def headers_read(operation: dict[str, Any]) -> set[str]:
    return {p["name"] for p in operation.get("parameters", []) if p["in"] == "header"}


def template(path: str, templates: set[tuple[str, str]]) -> tuple[str, str]:
    """Return the documented (method, path) a test endpoint's "METHOD path" is an instance of."""
    method, _, concrete = path.partition(" ")
    segments = concrete.split("/")
    for documented_method, documented in templates:
        parts = documented.split("/")
        same_shape = documented_method == method and len(parts) == len(segments)
        if same_shape and all(p == s or p[0] == "{" for p, s in zip(parts, segments, strict=True)):
            return method, documented
    raise AssertionError(f"{path} is not in the document")


def test_every_journey_write_and_only_it_reads_if_match(client: FlaskClient) -> None:
    """The 412 test (test_endpoint_errors) runs over the journey writes: those, and the
    amendments, are the ones documented to read If-Match and answer 412."""
    documented = {
        (method.upper(), path)
        for method, path, operation in document_operations(client)
        if "If-Match" in headers_read(operation)
    }
    for method, path, operation in document_operations(client):
        assert ("412" in operation["responses"]) == ((method.upper(), path) in documented)
    every = {(m.upper(), p) for m, p, _ in document_operations(client)}
    journey_writes = {
        template(f"{e.method} {e.path}", every)
        for e in ENDPOINTS.values()
        if e.on_journey and e.method != "GET"
    }
    amendments = {
        ("POST", "/journeys/{journey_id}/corrections"),
        ("POST", "/journeys/{journey_id}/addenda"),
    }
    assert documented == journey_writes | amendments  # amendments: test_an_addendum_reads_if_match


def test_casework_purpose_is_read_exactly_where_documented(
    client: FlaskClient, casework_app: Casework, api_staff: ApiStaff
) -> None:
    """A bad purpose is refused by every read that records it, and ignored by the others."""
    staff = api_staff.staff
    journey = ready_journey(casework_app, staff)
    state = casework_app.get_journey(staff[Role.AUDITOR], journey)
    ids = {
        "journey_id": journey,
        "client_id": state["client_id"],
        "practitioner_id": staff.id(Role.AUDITOR),
        "clinic_id": staff.clinic_id,
        "secret": "cf_unknown",
    }
    checked = 0
    for method, path, operation in document_operations(client):
        if method != "get" or "{" in path.format(**ids):
            continue
        documented = "Casework-Purpose" in headers_read(operation)
        reader = Role.CLINICAL_LEAD if path == "/journeys/pause-reviews" else Role.AUDITOR
        headers = api_staff.headers(reader, **{"Casework-Purpose": "curiosity"})
        answer = client.get(path.format(**ids), headers=headers)
        body = answer.json if isinstance(answer.json, dict) else {}
        errors = body.get("errors", {}).get("headers", {})
        assert ("Casework-Purpose" in errors) == documented, (path, answer.status_code)
        checked += documented
    assert checked >= 6


def test_every_refusal_the_domain_gives_is_in_the_document(client: FlaskClient) -> None:
    """The journey writes' 409 lists every journey refusal; all of them, every refusal but 412's."""
    document = client.get("/openapi.json").json
    assert document is not None
    schemas = document["components"]["schemas"]
    documented = {
        reason
        for name in ("JourneyRefusal", "StaffRefusal", "ClientRefusal", "WriteRefusal")
        for reason in schemas[name]["properties"]["reason"]["enum"]
    }
    assert documented == {each.value for each in Refusal} - {Refusal.VERSION_MISMATCH}
    assert schemas["StaleVersion"]["properties"]["reason"]["enum"] == ["version_mismatch"]


def test_a_refusal_is_a_problem_of_its_own_type(
    client: FlaskClient, casework_app: Casework, api_staff: ApiStaff
) -> None:
    staff = api_staff.staff
    journey = ready_journey(casework_app, staff)
    body = {"rationale": "Nothing to resume", "occurred_at": now()}
    answer = client.post(
        f"/journeys/{journey}/resumption", json=body, headers=api_staff.headers(Role.CLINICAL_LEAD)
    )
    assert answer.status_code == 409
    assert answer.mimetype == "application/problem+json"
    assert answer.json == {
        "type": "tag:casework,2026:refusal:journey_not_paused",
        "title": "Journey not paused",
        "status": 409,
        "detail": "The journey is not paused.",
        "code": 409,
        "reason": "journey_not_paused",
    }


def test_an_addendum_reads_if_match(
    client: FlaskClient, casework_app: Casework, api_staff: ApiStaff
) -> None:
    """Amendments are accepted after closure, so they are not rows of the closed-journey tests."""
    journey = ready_journey(casework_app, api_staff.staff)
    body = {"entry_version": 1, "text": "Referral letter received", "occurred_at": now()}
    headers = api_staff.headers(Role.CLINICAL_LEAD, **{"If-Match": '"1"'})
    answer = client.post(f"/journeys/{journey}/addenda", json=body, headers=headers)
    assert answer.status_code == 412
    assert answer.json["details"]["current_version"] > 1


def now() -> str:
    return datetime.now(UTC).isoformat()


@pytest.fixture
def database_url(sqlite_path: str) -> str:
    """SQLite only: the document and the HTTP layer are the same on both stores."""
    return f"sqlite:///{sqlite_path}"
