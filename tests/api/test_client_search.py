"""Finding a client: by the start of a pseudonym, compared as intake compares pseudonyms."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from casework.application import Casework
from casework.roles import Role
from tests.api.conftest import ApiStaff
from tests.support.journeys import open_journey
from tests.support.read_models import project_all


def search(client: FlaskClient, api_staff: ApiStaff, query: str) -> list[str]:
    answer = client.get(f"/clients?{query}", headers=api_staff.headers(Role.CLINICAL_LEAD))
    assert answer.status_code == 200, answer.json
    return [entry["pseudonym"] for entry in answer.json["items"]]


def test_a_client_is_found_by_a_prefix_whatever_its_case_or_width(
    client: FlaskClient, flask_app: Flask, casework_app: Casework, api_staff: ApiStaff
) -> None:
    for pseudonym in ("CW-0042", "cw-0043", "\uff23\uff37-0100", "AB_1%", "ABX1", "X/1"):
        open_journey(casework_app, api_staff.staff, pseudonym)
    project_all(flask_app.extensions["read_models"].engine, casework_app)
    assert search(client, api_staff, "pseudonym=Cw-004") == ["CW-0042", "cw-0043"]
    assert search(client, api_staff, "pseudonym=cw-0") == ["CW-0042", "cw-0043", "CW-0100"]
    assert search(client, api_staff, "pseudonym=cw-00420") == []
    assert search(client, api_staff, "pseudonym=AB_") == ["AB_1%"]  # `_` and `%` are no patterns
    assert search(client, api_staff, "pseudonym=ab_1%25") == ["AB_1%"]
    assert search(client, api_staff, "pseudonym=x%2F") == ["X/1"]  # the escape character too
    assert len(search(client, api_staff, "")) == 6
    first = client.get("/clients?pseudonym=cw&limit=1", headers=api_staff.headers(Role.AUDITOR))
    rest = client.get(
        f"/clients?pseudonym=cw&limit=5&after={first.json['next']}",
        headers=api_staff.headers(Role.AUDITOR),
    )
    names = [e["pseudonym"] for e in first.json["items"] + rest.json["items"]]
    assert names == ["CW-0042", "cw-0043", "CW-0100"]
    assert client.get("/clients", headers=api_staff.headers(Role.ADMIN)).status_code == 403
    refused = client.get("/clients?pseudonym=%E2%80%8Bx", headers=api_staff.headers(Role.AUDITOR))
    assert refused.status_code == 422  # a zero-width space: never part of a pseudonym
    assert "pseudonym" in str(refused.json["errors"])


def test_a_clients_journeys_are_listed_and_the_search_is_logged(
    client: FlaskClient, flask_app: Flask, casework_app: Casework, api_staff: ApiStaff
) -> None:
    journey_id = open_journey(casework_app, api_staff.staff, "CW-7")
    open_journey(casework_app, api_staff.staff, "CW-8")
    project_all(flask_app.extensions["read_models"].engine, casework_app)
    lead = api_staff.headers(Role.CLINICAL_LEAD)
    (found,) = client.get("/clients?pseudonym=cw-7", headers=lead).json["items"]
    assert found["journey_ids"] == [str(journey_id)]
    journeys = client.get(f"/journeys?client={found['id']}", headers=lead).json["items"]
    assert [j["journey_id"] for j in journeys] == [str(journey_id)]
    project_all(flask_app.extensions["read_models"].engine, casework_app)
    logged = client.get("/audit/access-queries", headers=api_staff.headers(Role.AUDITOR)).json
    search = next(entry for entry in logged["items"] if entry["endpoint"] == "clients")
    assert search["filters"] == ["pseudonym=cw-7"]
    assert search["journey_ids"] == [str(journey_id)]
