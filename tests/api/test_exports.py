"""The exports an ethics board or a regulator asks for: CSV files that open in a spreadsheet with
the right counts, each logged like every other read."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from casework.application import Casework
from casework.journey.commands import RecordContact, RecordCorrection
from casework.journey.values import ContactKind
from casework.roles import Role
from tests.api.conftest import ApiStaff
from tests.support.journeys import hold_session, ready_journey
from tests.support.read_models import project_all


def rows_of(answer: Any) -> list[dict[str, str]]:
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert answer.content_type.startswith("text/csv")
    assert "attachment" in answer.headers["Content-Disposition"]
    return list(csv.DictReader(io.StringIO(answer.get_data(as_text=True))))


def test_follow_up_adherence_is_exported_per_therapist_for_a_period(
    client: FlaskClient, flask_app: Flask, casework_app: Casework, api_staff: ApiStaff
) -> None:
    staff = api_staff.staff
    held = datetime.now(UTC) - timedelta(days=3)
    journey_id = ready_journey(casework_app, staff)
    hold_session(casework_app, staff, journey_id, held)
    first = min(
        casework_app.get_journey(staff[Role.CLINICAL_LEAD], journey_id)["follow_ups"],
        key=lambda f: f["due_on"],
    )
    casework_app.record_contact(
        staff[Role.INTEGRATION_THERAPIST],
        RecordContact(
            journey_id=journey_id,
            kind=ContactKind.INTEGRATION_SESSION,
            follow_up_id=first["follow_up_id"],
            occurred_at=held + timedelta(days=1, hours=10),
        ),
    )
    project_all(flask_app.extensions["read_models"].engine, casework_app)
    lead = api_staff.headers(Role.CLINICAL_LEAD)
    (row,) = rows_of(client.get("/follow-ups/adherence", headers=lead))
    assert row["owner_id"] == str(staff.id(Role.INTEGRATION_THERAPIST))
    assert row["owner_name"]
    assert (row["owed"], row["done_on_time"], row["done_late"]) == ("5", "1", "0")
    assert int(row["overdue"]) + int(row["open"]) == 4
    window = (held.date() + timedelta(days=7)).isoformat()
    (later,) = rows_of(client.get(f"/follow-ups/adherence?due_from={window}", headers=lead))
    assert (later["owed"], later["done_on_time"]) == ("3", "0")
    project_all(flask_app.extensions["read_models"].engine, casework_app)
    queries = client.get("/audit/access-queries", headers=api_staff.headers(Role.AUDITOR)).json
    logged = [q for q in queries["items"] if q["endpoint"] == "adherence_export"]
    assert len(logged) == 2
    assert logged[0]["journey_ids"] == [str(journey_id)]


def test_the_access_log_and_the_corrections_are_exported_and_the_export_is_logged(
    client: FlaskClient, flask_app: Flask, casework_app: Casework, api_staff: ApiStaff
) -> None:
    staff = api_staff.staff
    journey_id = ready_journey(casework_app, staff)
    therapist = staff[Role.INTEGRATION_THERAPIST]
    contact = casework_app.record_contact(
        therapist,
        RecordContact(journey_id=journey_id, kind=ContactKind.PHONE_CHECK_IN, notes="=calm"),
    )
    casework_app.record_correction(
        therapist,
        RecordCorrection(
            journey_id=journey_id,
            field="notes",
            new_value="Calm, slept well",
            reason="Left out the sleep",
            corrects_version=contact.version,
        ),
    )
    client.get(f"/journeys/{journey_id}", headers=api_staff.headers(Role.FACILITATOR))
    engine = flask_app.extensions["read_models"].engine
    project_all(engine, casework_app)
    auditor = api_staff.headers(Role.AUDITOR)
    reads = rows_of(client.get("/audit/access-log/export", headers=auditor))
    facilitator_reads = [
        r for r in reads if r["practitioner_id"] == str(staff.id(Role.FACILITATOR))
    ]
    assert [r["endpoint"] for r in facilitator_reads] == ["journey"]
    assert facilitator_reads[0]["practitioner_name"]
    assert facilitator_reads[0]["journey_id"] == str(journey_id)
    (correction,) = rows_of(client.get("/audit/corrections/export", headers=auditor))
    assert correction["field"] == "notes"
    assert correction["original_value"] == "'=calm"  # a formula is never live in a spreadsheet
    assert correction["new_value"] == "Calm, slept well"
    assert correction["reason"] == "Left out the sleep"
    assert correction["actor_id"] == str(staff.id(Role.INTEGRATION_THERAPIST))
    assert correction["actor_name"]
    refused = client.get("/audit/corrections/export", headers=api_staff.headers(Role.FACILITATOR))
    assert refused.status_code == 403
    project_all(engine, casework_app)
    log = rows_of(client.get("/audit/access-log/export", headers=auditor))
    exported = [r for r in log if r["endpoint"] == "corrections_export"]
    assert [r["journey_id"] for r in exported] == [str(journey_id)]
    queries = client.get("/audit/access-queries", headers=auditor).json["items"]
    assert any(q["endpoint"] == "access_log_export" for q in queries)
