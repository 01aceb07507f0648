"""The README walkthrough, over HTTP: one client from intake to closure."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask.testing import FlaskClient

from casework.roles import Role
from tests.api.conftest import ApiStaff, Clinic


def test_one_client_from_intake_to_closure(client: FlaskClient, api_staff: ApiStaff) -> None:
    clinic, staff = Clinic(client, api_staff), api_staff.staff
    now = datetime.now(UTC).replace(microsecond=0)
    session_start = now - timedelta(days=3)
    prepared = (now - timedelta(days=10)).isoformat()  # what the session relies on, before it

    intake = client.post(
        "/journeys",
        json={
            "client_pseudonym": "CW-0001",
            "referral_source": "GP",
            "primary_need": "PTSD",
            "existing_support": "Partner",
            "occurred_at": (now - timedelta(days=30)).isoformat(),
        },
        headers=api_staff.headers(Role.INTAKE_COORDINATOR),
    )
    assert intake.status_code == 201
    journey = f"/journeys/{intake.json['id']}"
    assert intake.headers["Location"] == journey

    for practitioner_id, role in (
        (staff.id(Role.FACILITATOR), "facilitator"),
        (staff.id(Role.INTEGRATION_THERAPIST), "integration_therapist"),
    ):
        clinic.post(
            Role.CLINICAL_LEAD,
            f"{journey}/care-team",
            {"practitioner_id": str(practitioner_id), "role": role},
        )
    clinic.post(
        Role.CLINICAL_LEAD,
        f"{journey}/screening-decisions",
        {
            "outcome": "eligible_with_conditions",
            "rationale": "Blood pressure borderline",
            "conditions": ["Blood pressure check on the day"],
            "valid_until": str(date.today() + timedelta(days=90)),
            "criteria": [{"category": "cardiovascular", "result": "met", "note": "BP 135/85"}],
            "co_signer_id": str(staff.id(Role.FACILITATOR)),
            "occurred_at": prepared,
        },
    )
    clinic.post(
        Role.INTAKE_COORDINATOR,
        f"{journey}/consents",
        {"kind": "treatment", "occurred_at": prepared},
    )
    clinic.post(
        Role.INTAKE_COORDINATOR,
        f"{journey}/consents",
        {"kind": "supportive_touch", "scope": ["hand", "shoulder"], "occurred_at": prepared},
    )
    clinic.post(
        Role.FACILITATOR,
        f"{journey}/preparation-sessions",
        {
            "duration_minutes": 90,
            "topics": ["intentions", "touch boundaries"],
            "occurred_at": (now - timedelta(days=10)).isoformat(),
        },
    )
    safety = client.put(
        f"{journey}/safety-plan",
        json={
            "emergency_contact": "Partner (details on file)",
            "transport_plan": "Partner drives home",
            "occurred_at": prepared,
        },
        headers=api_staff.headers(Role.FACILITATOR),
    )
    assert safety.status_code == 200
    assert clinic.get(Role.FACILITATOR, journey)["session_readiness"] == {
        "ready": True,
        "blockers": [],
    }

    scheduled = clinic.post(
        Role.FACILITATOR,
        f"{journey}/sessions",
        {
            "planned_start": session_start.isoformat(),
            "planned_end": (session_start + timedelta(hours=8)).isoformat(),
            "facilitator_ids": [str(staff.id(Role.FACILITATOR))],
            "location": "Room 2",
            "occurred_at": prepared,
        },
    )
    session = f"{journey}/sessions/{scheduled['created_id']}"
    clinic.post(
        Role.FACILITATOR,
        f"{session}/outcome",
        {
            "started_at": session_start.isoformat(),
            "ended_at": (session_start + timedelta(hours=8)).isoformat(),
            "facilitator_ids": [str(staff.id(Role.FACILITATOR))],
            "doses": [
                {
                    "kind": "initial",
                    "amount_mg": "120",
                    "given_at": (session_start + timedelta(minutes=10)).isoformat(),
                },
                {"kind": "supplemental_withheld", "reason": "Client declined"},
            ],
            "supportive_touch_used": True,
            "touch_areas": ["hand"],
        },
    )
    state = clinic.get(Role.INTEGRATION_THERAPIST, journey)
    d0 = session_start.astimezone(ZoneInfo(staff.time_zone)).date()
    assert state["phase"] == "integration"
    assert state["sessions"][0]["doses"][0]["amount_mg"] == 120  # a JSON number, as documented
    assert [f["due_on"] for f in state["follow_ups"]] == [
        str(d0 + timedelta(days=n)) for n in (1, 2, 7, 8, 15)
    ]
    first_follow_up = state["follow_ups"][0]["follow_up_id"]
    clinic.post(
        Role.INTEGRATION_THERAPIST,
        f"{journey}/contacts",
        {
            "kind": "integration_session",
            "follow_up_id": first_follow_up,
            "duration_minutes": 60,
            "occurred_at": (session_start + timedelta(days=1)).isoformat(),
        },
    )

    clinic.post(
        Role.CLINICAL_LEAD,
        f"{journey}/pause",
        {
            "reason": "Acute stress at home",
            "review_date": str(date.today() + timedelta(days=14)),
            "conditions_to_resume": ["Sleep restored"],
        },
    )
    refused = clinic.post(
        Role.FACILITATOR,
        f"{journey}/sessions",
        {
            "planned_start": (now + timedelta(days=20)).isoformat(),
            "planned_end": (now + timedelta(days=20, hours=8)).isoformat(),
        },
        status=409,
    )
    assert refused["reason"] == "journey_paused"
    clinic.post(Role.CLINICAL_LEAD, f"{journey}/resumption", {"rationale": "Sleep restored"})
    clinic.post(Role.INTEGRATION_THERAPIST, f"{journey}/withdrawal", {"reason": "Moving abroad"})
    closed = clinic.post(Role.CLINICAL_LEAD, f"{journey}/closure", {"reason": "Client withdrew"})

    final = clinic.get(Role.AUDITOR, journey)
    assert (final["status"], final["phase"], final["version"]) == (
        "closed",
        "closed",
        closed["version"],
    )
    assert [d["kind"] for d in final["decisions"]] == [
        "pause",
        "resumption",
        "withdrawal",
        "closure",
    ]
    assert [f["status"] for f in final["follow_ups"]] == ["done_on_time"] + ["cancelled"] * 4
    assert clinic.get(Role.AUDITOR, f"{journey}?version=1")["phase"] == "intake"
