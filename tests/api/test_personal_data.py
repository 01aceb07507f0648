"""Personal data: encrypted at rest per client, readable by staff, erased by destroying its key."""

from __future__ import annotations

import hashlib
import hmac
import json
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
    "referral_source": "Dr. Wiebe Hoekstra, huisarts Kampen",
    "primary_need": "Nightmares since the Zeewolde flood",
    "existing_support": "Sister, Marijke Boonstra",
    "criterion_category": "Cardiac echo at Isala Zwolle",
    "criterion_note": "Murmur heard by Dr. Tjeerd Bakker",
    "screening_rationale": "Stable since the Dronten crisis",
    "screening_condition": "Blood pressure taken by Nurse Griet",
    "consent_notes": "Signed with her reading glasses on",
    "touch_scope": "Left shoulder near the scar from Lelystad",
    "touch_consent_notes": "Only after she nods twice",
    "consent_withdrawal_reason": "She remembered the hospital in Emmeloord",
    "preparation_topic": "Her brother's boat on the IJsselmeer",
    "preparation_notes": "Spoke about the farmhouse in Elburg",
    "emergency_contact": "Marijke Boonstra +31 6 8765 4321",
    "transport_plan": "Marijke drives her back to Elburg",
    "overnight_plan": "Stays at the Hanzehof guesthouse",
    "safety_notes": "Keys with the neighbour, Mrs. Visser",
    "session_location": "Room 3, Oosterweg 12 Harderwijk",
    "reschedule_reason": "Her son Pieter's wedding that day",
    "dose_withheld_reason": "Panicked at the thought of Joost",
    "adverse_event": "Vomited twice near the window seat",
    "adverse_action": "Held her hand, gave Zofran from Dr. Smit",
    "session_notes": "Cried about her brother Joost",
    "cancel_reason": "Flu caught from grandson Daan",
    "unassign_reason": "Therapist Femke knows her family",
    "contact_notes": "Visited Joost's grave on Sunday",
    "corrected_notes": "Visited Joost's grave on Saturday",
    "correction_reason": "She told me Saturday at the Urk harbour",
    "outreach_notes": "Left a voicemail on Marijke's landline",
    "pause_reason": "Her mother Aaltje died on Tuesday",
    "pause_condition": "After Aaltje's funeral in Nunspeet",
    "resumption_rationale": "Grief counselling with Ds. de Boer helped",
    "withdrawal_reason": "Moving to her daughter in Groningen",
    "closure_reason": "Ends with the move to Groningen-Noord",
    "addendum": "Her GP is Dr. Hilbrand Scholten",
    "name": "Anneke Veldhuizen",
    "contact": "anneke.veldhuizen@example.nl",
    "support_contact": "Marijke Boonstra, Elburg",
}
"""Every piece of personal text the scenario records, one per field of the erasure policy:
none may be stored or logged in clear, and none may be readable after erasure."""


def clinic_day(client: FlaskClient, api_staff: ApiStaff) -> dict[str, str]:
    """Take one client from intake to closure over HTTP, recording every kind of personal text."""
    clinic, staff = Clinic(client, api_staff), api_staff.staff
    text = PERSONAL
    now = datetime.now(UTC).replace(microsecond=0)
    held = now - timedelta(days=3)
    prepared = (now - timedelta(days=10)).isoformat()  # what the session relies on, before it
    facilitator = [str(staff.id(Role.FACILITATOR))]
    intake = clinic.post(
        Role.INTAKE_COORDINATOR,
        "/journeys",
        {
            "client_pseudonym": "CW-PD-1",
            "referral_source": text["referral_source"],
            "primary_need": text["primary_need"],
            "existing_support": text["existing_support"],
            "occurred_at": (now - timedelta(days=30)).isoformat(),
        },
    )
    journey = f"/journeys/{intake['id']}"
    client_id = clinic.get(Role.INTAKE_COORDINATOR, journey)["client_id"]
    details = client.put(
        f"/clients/{client_id}/details",
        json={
            "name": text["name"],
            "date_of_birth": "1979-04-02",
            "contact": text["contact"],
            "support_contact": text["support_contact"],
        },
        headers=api_staff.headers(Role.INTAKE_COORDINATOR),
    )
    assert details.status_code == 200, details.json
    clinic.post(
        Role.CLINICAL_LEAD,
        f"{journey}/care-team",
        {"practitioner_id": facilitator[0], "role": "facilitator"},
    )
    therapist = str(staff.id(Role.INTEGRATION_THERAPIST))
    clinic.post(
        Role.CLINICAL_LEAD,
        f"{journey}/care-team",
        {"practitioner_id": therapist, "role": "integration_therapist"},
    )
    unassigned = client.delete(
        f"{journey}/care-team/{therapist}",
        json={"reason": text["unassign_reason"]},
        headers=api_staff.headers(Role.CLINICAL_LEAD),
    )
    assert unassigned.status_code < 300, unassigned.json
    clinic.post(
        Role.CLINICAL_LEAD,
        f"{journey}/screening-decisions",
        {
            "outcome": "eligible_with_conditions",
            "valid_until": str(date.today() + timedelta(days=90)),
            "criteria": [
                {
                    "category": text["criterion_category"],
                    "result": "met",
                    "note": text["criterion_note"],
                }
            ],
            "rationale": text["screening_rationale"],
            "conditions": [text["screening_condition"]],
            "occurred_at": prepared,
        },
    )
    clinic.post(
        Role.INTAKE_COORDINATOR,
        f"{journey}/consents",
        {"kind": "treatment", "notes": text["consent_notes"], "occurred_at": prepared},
    )
    clinic.post(
        Role.INTAKE_COORDINATOR,
        f"{journey}/consents",
        {
            "kind": "supportive_touch",
            "scope": [text["touch_scope"]],
            "notes": text["touch_consent_notes"],
            "occurred_at": prepared,
        },
    )
    clinic.post(
        Role.FACILITATOR,
        f"{journey}/preparation-sessions",
        {
            "duration_minutes": 90,
            "topics": [text["preparation_topic"]],
            "notes": text["preparation_notes"],
            "occurred_at": prepared,
        },
    )
    safety = client.put(
        f"{journey}/safety-plan",
        json={
            "emergency_contact": text["emergency_contact"],
            "transport_plan": text["transport_plan"],
            "overnight_plan": text["overnight_plan"],
            "notes": text["safety_notes"],
            "occurred_at": prepared,
        },
        headers=api_staff.headers(Role.FACILITATOR),
    )
    assert safety.status_code == 200, safety.json
    scheduled = clinic.post(
        Role.FACILITATOR,
        f"{journey}/sessions",
        {
            "planned_start": (held - timedelta(hours=2)).isoformat(),
            "planned_end": (held + timedelta(hours=6)).isoformat(),
            "facilitator_ids": facilitator,
            "location": text["session_location"],
            "occurred_at": prepared,
        },
    )
    session = f"{journey}/sessions/{scheduled['created_id']}"
    clinic.post(
        Role.FACILITATOR,
        f"{session}/rescheduling",
        {
            "planned_start": held.isoformat(),
            "planned_end": (held + timedelta(hours=8)).isoformat(),
            "reason": text["reschedule_reason"],
        },
    )
    clinic.post(
        Role.FACILITATOR,
        f"{session}/outcome",
        {
            "started_at": held.isoformat(),
            "ended_at": (held + timedelta(hours=8)).isoformat(),
            "facilitator_ids": facilitator,
            "doses": [
                {"kind": "initial", "amount_mg": "120", "given_at": held.isoformat()},
                {"kind": "supplemental_withheld", "reason": text["dose_withheld_reason"]},
            ],
            "supportive_touch_used": True,
            "touch_areas": [text["touch_scope"]],
            "adverse_event": {
                "severity": "mild",
                "description": text["adverse_event"],
                "action_taken": text["adverse_action"],
            },
            "notes": text["session_notes"],
        },
    )
    withdrawn = client.post(
        f"{journey}/consents/supportive_touch/withdrawal",
        json={"reason": text["consent_withdrawal_reason"]},
        headers=api_staff.headers(Role.INTAKE_COORDINATOR),
    )
    assert withdrawn.status_code < 300, withdrawn.json
    second = clinic.post(
        Role.FACILITATOR,
        f"{journey}/sessions",
        {
            "planned_start": (now + timedelta(days=1)).isoformat(),
            "planned_end": (now + timedelta(days=1, hours=8)).isoformat(),
            "facilitator_ids": facilitator,
        },
    )
    cancelled = client.post(
        f"{journey}/sessions/{second['created_id']}/cancellation",
        json={"reason": text["cancel_reason"]},
        headers=api_staff.headers(Role.FACILITATOR),
    )
    assert cancelled.status_code < 300, cancelled.json
    contact = clinic.post(
        Role.FACILITATOR,
        f"{journey}/contacts",
        {"kind": "phone_check_in", "notes": text["contact_notes"]},
    )
    follow_up = clinic.get(Role.FACILITATOR, journey)["follow_ups"][-1]["follow_up_id"]
    clinic.post(
        Role.FACILITATOR,
        f"{journey}/follow-ups/{follow_up}/outreach",
        {"channel": "phone", "outcome": "no_answer", "notes": text["outreach_notes"]},
    )
    clinic.post(
        Role.FACILITATOR,
        f"{journey}/corrections",
        {
            "corrects_position": contact["position"],
            "field": "notes",
            "new_value": text["corrected_notes"],
            "reason": text["correction_reason"],
        },
    )
    clinic.post(
        Role.FACILITATOR,
        f"{journey}/addenda",
        {"entry_version": contact["version"], "text": text["addendum"]},
    )
    clinic.post(
        Role.CLINICAL_LEAD,
        f"{journey}/pause",
        {
            "reason": text["pause_reason"],
            "review_date": str(date.today() + timedelta(days=14)),
            "conditions_to_resume": [text["pause_condition"]],
        },
    )
    clinic.post(
        Role.CLINICAL_LEAD, f"{journey}/resumption", {"rationale": text["resumption_rationale"]}
    )
    clinic.post(Role.CLINICAL_LEAD, f"{journey}/withdrawal", {"reason": text["withdrawal_reason"]})
    closed = client.post(
        f"{journey}/closure",
        json={"reason": text["closure_reason"]},
        headers=api_staff.headers(Role.CLINICAL_LEAD, **{"Idempotency-Key": "close-pd-1"}),
    )
    assert closed.status_code == 201, closed.json
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
            f"{paths['journey']}?version=3",
            "/audit/corrections",
            "/decisions",
            "/decisions?format=csv",
        )
    ]
    assert [answer.status_code for answer in answers] == [200] * 8
    return "\n".join(answer.get_data(as_text=True) for answer in answers)


def stored_after_projecting(flask_app: Flask, database_url: str) -> bytes:
    """Return the whole database once the read models hold everything (as workers would)."""
    project_all(flask_app.extensions["read_models"].engine, flask_app.extensions["casework"])
    return dump_database(database_url)


def closure_request_hashes(flask_app: Flask, paths: dict[str, str]) -> tuple[str, str]:
    """Return the closure request's hash as kept (keyed) and as a guesser would take it (plain).

    The request: path, query and body, as `api.idempotency` reads them.
    """
    body = json.dumps({"reason": PERSONAL["closure_reason"]}).encode()
    request = b"\n".join([f"{paths['journey']}/closure".encode(), b"", body])
    key = flask_app.extensions["idempotency_hash_key"]
    keyed = hmac.new(key, request, hashlib.sha256).hexdigest()
    return keyed, hashlib.sha256(request).hexdigest()


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
    # Decisions' outcomes and kinds, and every date, remain; their text is erased with the key.
    for part in ("follow_ups", "intake", "phase"):
        assert after[part] == before[part]
    screening, screened = after["screening_decisions"][0], before["screening_decisions"][0]
    assert (screening["outcome"], screening["valid_until"], screening["criteria"][0]["result"]) == (
        screened["outcome"],
        screened["valid_until"],
        "met",
    )
    assert screening["rationale"] == screening["criteria"][0]["note"] == ERASED
    assert screening["conditions"] == [ERASED]
    assert [d["kind"] for d in after["decisions"]] == [d["kind"] for d in before["decisions"]]
    assert {d["reason"] for d in after["decisions"]} == {ERASED}
    assert after["corrections"][0]["reason"] == after["corrections"][0]["new_value"] == ERASED
    assert after["referral_source"] == ERASED
    shown = client.get(paths["client"], headers=api_staff.headers(Role.AUDITOR)).json
    assert shown["details"]["name"] == ERASED
    assert shown["erasure"]["retention_override"] == "Court order 12"

    integrity = client.get("/audit/integrity", headers=api_staff.headers(Role.AUDITOR)).json
    assert integrity["intact"], integrity["breaks"]
    assert found_in(stored_after_projecting(flask_app, database_url), PERSONAL.values()) == []
    # The idempotency table keeps the closure's request keyed: a guessed reason cannot be confirmed.
    keyed, plain = closure_request_hashes(flask_app, paths)
    assert found_in(dump_database(database_url), [keyed, plain]) == [keyed]

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
