"""The decision register as a CSV file: every match, safe in a spreadsheet, and logged."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask.testing import FlaskClient

from api.resources.register import CSV_COLUMNS
from casework.application import Casework
from casework.journey.commands import PauseJourney
from casework.roles import Role
from projections import queries
from projections.pages import encode_cursor
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
            PauseJourney(
                journey_id=journey_id,
                reason=reason,
                review_date=date.today() + timedelta(days=14),
                conditions_to_resume=["Support in place"],
                occurred_at=datetime.now(UTC) - timedelta(minutes=number),
            ),
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
    # A page shows the rationales too (a client's text): each journey on it is logged as read.
    assert client.get("/decisions?kind=pause", headers=headers).status_code == 200
    project_all(flask_app.extensions["read_models"].engine, casework_app)
    logged = client.get("/audit/access-log", headers=headers).json["items"]
    assert sorted(
        (entry["journey_id"], entry["endpoint"], entry["purpose"]) for entry in logged
    ) == sorted(
        (str(journey_id), endpoint, "quality_review")
        for journey_id in paused
        for endpoint in ("decisions", "decisions_export")
    )


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
    assert content["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/DecisionPage"
    }
    assert content["content"]["text/csv"]["schema"] == {"type": "string", "format": "binary"}


def exports_logged(
    flask_app: Flask, client: FlaskClient, api_staff: ApiStaff, casework_app: Casework
) -> list[dict[str, str]]:
    project_all(flask_app.extensions["read_models"].engine, casework_app)
    logged = client.get("/audit/access-log", headers=api_staff.headers(Role.AUDITOR)).json
    return [entry for entry in logged["items"] if entry["endpoint"] == "decisions_export"]


def test_a_cursor_or_a_page_size_is_refused_however_csv_is_asked_for(
    client: FlaskClient, api_staff: ApiStaff, paused: list[UUID]
) -> None:
    cursor = encode_cursor([1])  # well formed: the CSV rule, not the cursor's shape, refuses it
    after = client.get(
        f"/decisions?format=csv&after={cursor}", headers=api_staff.headers(Role.AUDITOR)
    )
    assert after.status_code == 422
    assert after.json["errors"]["query"] == {"after": ["A CSV export has no pages."]}
    by_accept = api_staff.headers(Role.AUDITOR, Accept="text/csv")
    limited = client.get("/decisions?limit=5", headers=by_accept)
    assert limited.status_code == 422
    assert limited.json["errors"]["query"] == {"limit": ["A CSV export has no pages."]}


def test_date_and_decider_filters_apply_and_an_empty_export_logs_nothing(
    flask_app: Flask,
    client: FlaskClient,
    api_staff: ApiStaff,
    casework_app: Casework,
    paused: list[UUID],
) -> None:
    auditor = api_staff.headers(Role.AUDITOR)
    for empty in (
        f"decided_from={date.today() + timedelta(days=2)}",
        f"decided_to={date.today() - timedelta(days=40)}",  # screenings: 30 days ago
        f"decider={api_staff.staff.id(Role.FACILITATOR)}",
    ):
        response = client.get(f"/decisions?format=csv&{empty}", headers=auditor)
        assert response.status_code == 200
        assert response.get_data(as_text=True).splitlines() == [",".join(CSV_COLUMNS)]
    assert exports_logged(flask_app, client, api_staff, casework_app) == []
    since_screening = f"decided_from={date.today() - timedelta(days=31)}"
    assert (
        len(csv_rows(client.get(f"/decisions?format=csv&{since_screening}", headers=auditor))) == 6
    )
    lead = api_staff.staff.id(Role.CLINICAL_LEAD)
    by_lead = client.get(f"/decisions?format=csv&decider={lead}&kind=pause", headers=auditor)
    assert sorted(row["journey_id"] for row in csv_rows(by_lead)) == sorted(map(str, paused))


def test_an_export_the_access_log_could_not_name_fails_closed(
    flask_app: Flask,
    client: FlaskClient,
    api_staff: ApiStaff,
    casework_app: Casework,
    paused: list[UUID],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(queries, "client_ids", lambda connection, journey_ids: {})
    response = client.get("/decisions?format=csv", headers=api_staff.headers(Role.AUDITOR))
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "1"
    monkeypatch.undo()
    assert exports_logged(flask_app, client, api_staff, casework_app) == []


def test_an_unknown_purpose_is_refused_before_anything_is_exported_or_logged(
    flask_app: Flask,
    client: FlaskClient,
    api_staff: ApiStaff,
    casework_app: Casework,
    paused: list[UUID],
) -> None:
    headers = api_staff.headers(Role.AUDITOR, **{"Casework-Purpose": "curiosity"})
    response = client.get("/decisions?format=csv", headers=headers)
    assert response.status_code == 422
    assert list(response.json["errors"]["headers"]) == ["Casework-Purpose"]
    assert exports_logged(flask_app, client, api_staff, casework_app) == []


def test_the_export_query_shares_the_filters_and_stops_at_a_log_position(
    flask_app: Flask, api_staff: ApiStaff, paused: list[UUID]
) -> None:
    clinic_id, zone = api_staff.staff.clinic_id, ZoneInfo(api_staff.staff.time_zone)
    with flask_app.extensions["read_models"].engine.connect() as connection:
        every = queries.decision_register_rows(connection, clinic_id, zone)
        newest = every[0]["position"]
        bounded = queries.decision_register_rows(connection, clinic_id, zone, up_to=newest - 1)
        paused_only = queries.decision_register_rows(connection, clinic_id, zone, kind="pause")
    assert [row["position"] for row in every] == sorted(
        (r["position"] for r in every), reverse=True
    )
    assert bounded == every[1:]
    assert {row["journey_id"] for row in paused_only} == set(paused)


BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.mark.parametrize("accept", [None, "*/*", "application/json", BROWSER])
def test_json_pages_are_unchanged_when_csv_is_not_asked_for(
    flask_app: Flask,
    client: FlaskClient,
    api_staff: ApiStaff,
    casework_app: Casework,
    paused: list[UUID],
    accept: str | None,
) -> None:
    headers = api_staff.headers(Role.AUDITOR, **({"Accept": accept} if accept else {}))
    first = client.get("/decisions?limit=4", headers=headers)
    assert first.content_type == "application/json"
    assert "Content-Disposition" not in first.headers
    assert set(first.json) == {"items", "next"}
    second = client.get(f"/decisions?limit=4&after={first.json['next']}", headers=headers).json
    assert second["next"] is None
    items = first.json["items"] + second["items"]
    assert len(items) == 6
    assert client.get("/decisions?format=json&limit=200", headers=headers).json["items"] == items
    formula = next(item for item in items if item["rationale"] == '=HYPERLINK("http://x")')
    assert formula["journey_id"] == str(paused[0])  # quoted only in CSV
    assert exports_logged(flask_app, client, api_staff, casework_app) == []
