"""Personal data: encrypted at rest per client, readable by staff, erased by destroying its key."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask.testing import FlaskClient

from casework.application import Casework
from casework.roles import Role
from casework.vault import ERASED
from tests.api.conftest import ApiStaff, Clinic
from tests.support.dump import dump_database, found_in
from tests.support.read_models import project_all

PERSONAL = {
    "primary_need": "Nightmares since the Zeewolde flood",
    "existing_support": "Sister, Marijke Boonstra",
    "consent_notes": "Signed with her reading glasses on",
    "preparation_notes": "Spoke about the farmhouse in Elburg",
    "emergency_contact": "Marijke Boonstra +31 6 8765 4321",
    "transport_plan": "Marijke drives her back to Elburg",
    "session_notes": "Cried about her brother Joost",
    "adverse_event": "Vomited twice near the window seat",
    "contact_notes": "Visited Joost's grave on Sunday",
    "corrected_notes": "Visited Joost's grave on Saturday",
    "addendum": "Her GP is Dr. Hilbrand Scholten",
    "name": "Anneke Veldhuizen",
    "contact": "anneke.veldhuizen@example.nl",
}
"""Every piece of personal text the scenario records: none may be stored or logged in clear."""


def clinic_day(client: FlaskClient, api_staff: ApiStaff) -> dict[str, str]:
    """Take one client from intake to closure over HTTP, recording every kind of personal text."""
    clinic, staff = Clinic(client, api_staff), api_staff.staff
    now = datetime.now(UTC).replace(microsecond=0)
    held = now - timedelta(days=3)
    intake = clinic.post(
        Role.INTAKE_COORDINATOR,
        "/journeys",
        {
            "client_pseudonym": "CW-PD-1",
            "referral_source": "GP",
            "primary_need": PERSONAL["primary_need"],
            "existing_support": PERSONAL["existing_support"],
            "occurred_at": (now - timedelta(days=30)).isoformat(),
        },
    )
    journey = f"/journeys/{intake['id']}"
    client_id = clinic.get(Role.INTAKE_COORDINATOR, journey)["client_id"]
    details = client.put(
        f"/clients/{client_id}/details",
        json={
            "name": PERSONAL["name"],
            "date_of_birth": "1979-04-02",
            "contact": PERSONAL["contact"],
        },
        headers=api_staff.headers(Role.INTAKE_COORDINATOR),
    )
    assert details.status_code == 200, details.json
    clinic.post(
        Role.CLINICAL_LEAD,
        f"{journey}/care-team",
        {"practitioner_id": str(staff.id(Role.FACILITATOR)), "role": "facilitator"},
    )
    clinic.post(
        Role.CLINICAL_LEAD,
        f"{journey}/screening-decisions",
        {
            "outcome": "eligible",
            "valid_until": str(date.today() + timedelta(days=90)),
            "criteria": [{"category": "cardiovascular", "result": "met"}],
        },
    )
    clinic.post(
        Role.INTAKE_COORDINATOR,
        f"{journey}/consents",
        {"kind": "treatment", "notes": PERSONAL["consent_notes"]},
    )
    clinic.post(
        Role.FACILITATOR,
        f"{journey}/preparation-sessions",
        {"duration_minutes": 90, "notes": PERSONAL["preparation_notes"]},
    )
    safety = client.put(
        f"{journey}/safety-plan",
        json={
            "emergency_contact": PERSONAL["emergency_contact"],
            "transport_plan": PERSONAL["transport_plan"],
        },
        headers=api_staff.headers(Role.FACILITATOR),
    )
    assert safety.status_code == 200, safety.json
    scheduled = clinic.post(
        Role.FACILITATOR,
        f"{journey}/sessions",
        {
            "planned_start": held.isoformat(),
            "planned_end": (held + timedelta(hours=8)).isoformat(),
            "facilitator_ids": [str(staff.id(Role.FACILITATOR))],
        },
    )
    clinic.post(
        Role.FACILITATOR,
        f"{journey}/sessions/{scheduled['created_id']}/outcome",
        {
            "started_at": held.isoformat(),
            "ended_at": (held + timedelta(hours=8)).isoformat(),
            "facilitator_ids": [str(staff.id(Role.FACILITATOR))],
            "doses": [
                {"kind": "initial", "amount_mg": "120", "given_at": held.isoformat()},
            ],
            "adverse_event": {"severity": "mild", "description": PERSONAL["adverse_event"]},
            "notes": PERSONAL["session_notes"],
        },
    )
    contact = clinic.post(
        Role.FACILITATOR,
        f"{journey}/contacts",
        {"kind": "phone_check_in", "notes": PERSONAL["contact_notes"]},
    )
    clinic.post(
        Role.FACILITATOR,
        f"{journey}/corrections",
        {
            "corrects_position": contact["position"],
            "field": "notes",
            "new_value": PERSONAL["corrected_notes"],
            "reason": "Wrong day noted",
        },
    )
    clinic.post(
        Role.FACILITATOR,
        f"{journey}/addenda",
        {"entry_version": contact["version"], "text": PERSONAL["addendum"]},
    )
    clinic.post(Role.CLINICAL_LEAD, f"{journey}/closure", {"reason": "Course completed"})
    return {"journey": journey, "client": f"/clients/{client_id}"}


def everything_a_reader_sees(
    client: FlaskClient, api_staff: ApiStaff, paths: dict[str, str]
) -> str:
    """Return the text of every answer that shows the client's record."""
    answers = [
        client.get(path, headers=api_staff.headers(Role.CLINICAL_LEAD))
        for path in (
            paths["journey"],
            f"{paths['journey']}/timeline?limit=200",
            f"{paths['journey']}/export",
            paths["client"],
        )
    ]
    assert [answer.status_code for answer in answers] == [200] * 4
    return "\n".join(answer.get_data(as_text=True) for answer in answers)


def stored_after_projecting(flask_app: Flask, database_url: str) -> bytes:
    """Return the whole database once the read models hold everything (as workers would)."""
    project_all(flask_app.extensions["read_models"].engine, flask_app.extensions["casework"])
    return dump_database(database_url)


def admin_erases(client: FlaskClient, api_staff: ApiStaff, client_path: str, **body: Any) -> Any:
    return client.post(
        f"{client_path}/erasure",
        json={"reason": "Retention period ended", **body},
        headers=api_staff.headers(Role.ADMIN),
    )


def test_staff_read_the_personal_text_but_the_store_holds_none_of_it(
    flask_app: Flask, client: FlaskClient, api_staff: ApiStaff, database_url: str
) -> None:
    paths = clinic_day(client, api_staff)
    seen = everything_a_reader_sees(client, api_staff, paths)
    assert [text for text in PERSONAL.values() if text not in seen] == []
    assert found_in(stored_after_projecting(flask_app, database_url), PERSONAL.values()) == []
    logged = client.get("/audit/access-log", headers=api_staff.headers(Role.AUDITOR)).json
    endpoints = {entry["endpoint"] for entry in logged["items"]}
    assert endpoints >= {"journey", "timeline", "export", "client_details"}


def test_erasure_is_refused_while_the_record_must_be_kept_and_by_anyone_but_an_admin(
    client: FlaskClient, api_staff: ApiStaff
) -> None:
    paths = clinic_day(client, api_staff)
    refused = admin_erases(client, api_staff, paths["client"])
    assert refused.status_code == 409
    assert refused.json["reason"] == "retention_period_running"
    # The clinic keeps records ten years from the last closure, a day of the clinic's own.
    closed_on = datetime.now(ZoneInfo(api_staff.staff.time_zone)).date()
    assert refused.json["details"]["retention_ends_on"] == str(
        closed_on.replace(closed_on.year + 10)
    )
    by_lead = client.post(
        f"{paths['client']}/erasure",
        json={"reason": "Asked", "retention_override": "Court order"},
        headers=api_staff.headers(Role.CLINICAL_LEAD),
    )
    assert by_lead.status_code == 403
    assert PERSONAL["name"] in everything_a_reader_sees(client, api_staff, paths)


def test_after_erasure_every_answer_shows_erased_while_decisions_dates_and_integrity_remain(
    flask_app: Flask, client: FlaskClient, api_staff: ApiStaff, database_url: str
) -> None:
    paths = clinic_day(client, api_staff)
    before = client.get(paths["journey"], headers=api_staff.headers(Role.AUDITOR)).json
    erased = admin_erases(client, api_staff, paths["client"], retention_override="Court order 12")
    assert erased.status_code == 200, erased.json

    seen = everything_a_reader_sees(client, api_staff, paths)
    assert [text for text in PERSONAL.values() if text in seen] == []
    after = client.get(paths["journey"], headers=api_staff.headers(Role.AUDITOR)).json
    assert after["primary_need"] == after["safety_plan"]["emergency_contact"] == ERASED
    assert after["sessions"][0]["notes"] == ERASED
    assert after["status"] == "closed"
    # Decisions with their criteria and rationale, and every date, remain.
    for part in ("screening_decisions", "decisions", "follow_ups", "intake", "phase"):
        assert after[part] == before[part]
    assert after["corrections"][0]["reason"] == before["corrections"][0]["reason"]
    assert after["corrections"][0]["new_value"] == ERASED
    shown = client.get(paths["client"], headers=api_staff.headers(Role.AUDITOR)).json
    assert shown["details"]["name"] == ERASED
    assert shown["erasure"]["retention_override"] == "Court order 12"

    integrity = client.get("/audit/integrity", headers=api_staff.headers(Role.AUDITOR)).json
    assert integrity["intact"], integrity["breaks"]
    assert found_in(stored_after_projecting(flask_app, database_url), PERSONAL.values()) == []

    addendum = client.post(
        f"{paths['journey']}/addenda",
        json={"entry_version": 1, "text": "Moved to Zwolle"},
        headers=api_staff.headers(Role.CLINICAL_LEAD),
    )
    assert (addendum.status_code, addendum.json["reason"]) == (409, "client_erased")
    again = admin_erases(client, api_staff, paths["client"], retention_override="Again")
    assert (again.status_code, again.json["reason"]) == (409, "client_already_erased")


def test_the_wrapped_key_itself_is_gone_from_the_store_after_erasure(
    client: FlaskClient, api_staff: ApiStaff, casework_app: Casework, database_url: str
) -> None:
    paths = clinic_day(client, api_staff)
    client_id = casework_app.get_journey(
        api_staff.staff[Role.CLINICAL_LEAD], UUID(paths["journey"].rsplit("/", 1)[1])
    )["client_id"]
    wrapped = casework_app.vault._keys.wrapped_key(client_id)
    assert wrapped
    # SQLite holds the bytes as they are; pg_dump writes a bytea as hex digits.
    traces = (wrapped, wrapped.hex().encode())
    assert any(trace in dump_database(database_url) for trace in traces)  # found while it exists
    assert (
        admin_erases(client, api_staff, paths["client"], retention_override="x").status_code == 200
    )
    stored = dump_database(database_url)
    assert not any(trace in stored for trace in traces)


def test_nothing_personal_reaches_the_logs(
    flask_app: Flask,
    casework_app: Casework,
    client: FlaskClient,
    api_staff: ApiStaff,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    # As verbose as the stack goes: every SQL statement with its parameters (the read models'
    # and key store's; the event store's recorder writes without logging).
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine")
    paths = clinic_day(client, api_staff)
    project_all(flask_app.extensions["read_models"].engine, casework_app)  # what workers do
    everything_a_reader_sees(client, api_staff, paths)
    client.put(  # refused input is where values are most often echoed
        f"{paths['client']}/details",
        json={"name": PERSONAL["name"], "date_of_birth": PERSONAL["contact"]},
        headers=api_staff.headers(Role.INTAKE_COORDINATOR),
    )
    admin_erases(client, api_staff, paths["client"], retention_override="Court order")
    output = capfd.readouterr()
    logged = "\n".join([caplog.text, output.out, output.err])
    # The timeline rows carry the notes: had they been clear, they would have been logged.
    assert "INSERT INTO timeline" in logged
    assert [text for text in PERSONAL.values() if text in logged] == []
