"""One client's day at the clinic over HTTP, recording every kind of personal text, and where that
text can be read back: by staff, in the store, after an admin erases the client."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from casework.roles import Role
from tests.api.conftest import ApiStaff, Clinic
from tests.support.dump import dump_database
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


def admin_erases(client: FlaskClient, api_staff: ApiStaff, client_path: str, **body: Any) -> Any:
    return client.post(
        f"{client_path}/erasure",
        json={"reason": "Retention period ended", **body},
        headers=api_staff.headers(Role.ADMIN),
    )
