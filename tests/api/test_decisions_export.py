"""The decision register as a CSV file: every match, safe in a spreadsheet, and logged."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta
from uuid import UUID

import pytest
from flask import Flask
from flask.testing import FlaskClient

from casework.application import Casework
from casework.roles import Role
from tests.api.conftest import ApiStaff
from tests.support.journeys import ready_journey
from tests.support.read_models import project_all


@pytest.fixture
def paused(flask_app: Flask, casework_app: Casework, api_staff: ApiStaff) -> list[UUID]:
    """Three journeys, each screened and paused (one with a rationale that looks like a formula)."""
    journey_ids = []
    for number, reason in enumerate(['=HYPERLINK("http://x")', "Grief", "Grief"]):
        journey_id = ready_journey(casework_app, api_staff.staff, f"CW-CSV-{number}")
        casework_app.pause_journey(
            api_staff.staff[Role.CLINICAL_LEAD],
            journey_id,
            reason,
            date.today() + timedelta(days=14),
            ["Support in place"],
            occurred_at=datetime.now(UTC) - timedelta(minutes=number),
        )
        journey_ids.append(journey_id)
    project_all(flask_app.extensions["read_models"].engine, casework_app)
    return journey_ids


def csv_rows(response: object) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))  # type: ignore[attr-defined]


def test_format_csv_answers_every_matching_decision_as_a_file(
    client: FlaskClient, api_staff: ApiStaff, paused: list[UUID]
) -> None:
    auditor = api_staff.headers(Role.AUDITOR)
    response = client.get("/decisions?format=csv", headers=auditor)
    assert response.status_code == 200
    assert response.content_type == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="decisions.csv"'
    rows = csv_rows(response)
    as_json = client.get("/decisions?limit=200", headers=auditor).json["items"]
    assert [row["position"] for row in rows] == [str(item["position"]) for item in as_json]
    assert {row["kind"] for row in rows} == {"screening", "pause"}
    assert len(rows) == 6
    pause = next(row for row in rows if row["journey_id"] == str(paused[1]))
    assert pause["rationale"] == "Grief"
    assert pause["conditions"] == '["Support in place"]'
    assert pause["review_date"] == str(date.today() + timedelta(days=14))
    screening = next(row for row in rows if row["kind"] == "screening")
    assert screening["criteria"].startswith('[{"category":"cardiovascular"')


def test_accept_text_csv_works_too_and_filters_apply(
    client: FlaskClient, api_staff: ApiStaff, paused: list[UUID]
) -> None:
    response = client.get(
        f"/decisions?kind=pause&journey={paused[2]}",
        headers=api_staff.headers(Role.AUDITOR, Accept="text/csv"),
    )
    assert response.content_type.startswith("text/csv")
    rows = csv_rows(response)
    assert [(row["kind"], row["journey_id"]) for row in rows] == [("pause", str(paused[2]))]


def test_a_cell_that_looks_like_a_formula_is_quoted_for_spreadsheets(
    client: FlaskClient, api_staff: ApiStaff, paused: list[UUID]
) -> None:
    response = client.get(
        f"/decisions?format=csv&kind=pause&journey={paused[0]}",
        headers=api_staff.headers(Role.AUDITOR),
    )
    (row,) = csv_rows(response)
    assert row["rationale"] == '\'=HYPERLINK("http://x")'


def test_every_exported_journey_is_logged_with_its_purpose(
    flask_app: Flask,
    client: FlaskClient,
    api_staff: ApiStaff,
    casework_app: Casework,
    paused: list[UUID],
) -> None:
    headers = api_staff.headers(Role.AUDITOR, **{"Casework-Purpose": "quality_review"})
    assert client.get("/decisions?format=csv&kind=pause", headers=headers).status_code == 200
    assert client.get("/decisions?kind=pause", headers=headers).status_code == 200  # not logged
    project_all(flask_app.extensions["read_models"].engine, casework_app)
    logged = client.get("/audit/access-log", headers=headers).json["items"]
    assert sorted(
        (entry["journey_id"], entry["endpoint"], entry["purpose"]) for entry in logged
    ) == (sorted((str(journey_id), "decisions_export", "quality_review") for journey_id in paused))


def test_pages_are_refused_in_a_csv_export_and_an_admin_may_not_export(
    client: FlaskClient, api_staff: ApiStaff, paused: list[UUID]
) -> None:
    auditor = api_staff.headers(Role.AUDITOR)
    paged = client.get("/decisions?format=csv&limit=2", headers=auditor)
    assert paged.status_code == 422
    assert paged.json["errors"]["query"] == {"limit": ["A CSV export has no pages."]}
    unknown = client.get("/decisions?format=xml", headers=auditor)
    assert list(unknown.json["errors"]["query"]) == ["format"]
    admin = client.get("/decisions?format=csv", headers=api_staff.headers(Role.ADMIN))
    assert admin.status_code == 403


def test_the_openapi_document_offers_csv_beside_json(client: FlaskClient) -> None:
    content = client.get("/openapi.json").json["paths"]["/decisions"]["get"]["responses"]["200"]
    assert set(content["content"]) == {"application/json", "text/csv"}
