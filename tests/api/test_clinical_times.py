"""Clinical times that contradict the record are refused over HTTP: 409 with a reason code,
nothing written (both stores)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from flask.testing import FlaskClient

from casework.application import Casework
from casework.roles import Role
from tests.api.conftest import ApiStaff, Clinic
from tests.support.journeys import open_journey, ready_journey

NOW = datetime.now(UTC).replace(microsecond=0)


def refused(clinic: Clinic, role: Role, path: str, body: dict[str, Any], reason: str) -> None:
    answer = clinic.post(role, path, body, status=409)
    assert answer["reason"] == reason, answer


def test_an_intake_dated_1900_is_refused(client: FlaskClient, api_staff: ApiStaff) -> None:
    body = {
        "client_pseudonym": "CW-1900",
        "referral_source": "GP",
        "primary_need": "Panic",
        "occurred_at": "1900-01-01T09:00:00+00:00",
    }
    refused(
        Clinic(client, api_staff), Role.INTAKE_COORDINATOR, "/journeys", body, "intake_too_far_back"
    )


def test_an_entry_dated_before_the_intake_is_refused(
    client: FlaskClient, api_staff: ApiStaff, casework_app: Casework
) -> None:
    journey = f"/journeys/{open_journey(casework_app, api_staff.staff)}"
    body = {"duration_minutes": 60, "occurred_at": (NOW - timedelta(days=365)).isoformat()}
    clinic = Clinic(client, api_staff)
    refused(
        clinic, Role.FACILITATOR, f"{journey}/preparation-sessions", body, "occurred_before_intake"
    )


def test_a_valid_until_out_of_range_is_refused(
    client: FlaskClient, api_staff: ApiStaff, casework_app: Casework
) -> None:
    journey = f"/journeys/{open_journey(casework_app, api_staff.staff)}"
    criteria = [{"category": "cardiovascular", "result": "met"}]
    clinic = Clinic(client, api_staff)
    for valid_until in ("2199-12-31", str(date.today() - timedelta(days=2))):
        body = {"outcome": "eligible", "criteria": criteria, "valid_until": valid_until}
        refused(
            clinic,
            Role.CLINICAL_LEAD,
            f"{journey}/screening-decisions",
            body,
            "valid_until_out_of_range",
        )
    assert clinic.get(Role.CLINICAL_LEAD, journey)["screening_decisions"] == []


def test_sessions_contradicting_the_record_are_refused_and_nothing_is_written(
    client: FlaskClient, api_staff: ApiStaff, casework_app: Casework
) -> None:
    journey = f"/journeys/{ready_journey(casework_app, api_staff.staff)}"  # ready 30 days ago
    clinic = Clinic(client, api_staff)
    next_week = NOW + timedelta(days=7)
    for start, length, reason in (
        (datetime(1990, 5, 1, 9, tzinfo=UTC), timedelta(hours=8), "session_before_intake"),
        (NOW - timedelta(days=40), timedelta(hours=8), "session_before_prerequisites"),
        (next_week, timedelta(hours=25), "session_too_long"),
    ):
        body = {"planned_start": start.isoformat(), "planned_end": (start + length).isoformat()}
        refused(clinic, Role.FACILITATOR, f"{journey}/sessions", body, reason)
    body = {
        "planned_start": next_week.isoformat(),
        "planned_end": (next_week + timedelta(hours=8)).isoformat(),
    }
    scheduled = clinic.post(Role.FACILITATOR, f"{journey}/sessions", body)
    held_20_days_ago = NOW - timedelta(days=20)
    outcome = {
        "started_at": held_20_days_ago.isoformat(),
        "ended_at": (held_20_days_ago + timedelta(microseconds=11)).isoformat(),
        "facilitator_ids": [str(api_staff.staff.id(Role.FACILITATOR))],
        "doses": [
            {"kind": "initial", "amount_mg": "120", "given_at": held_20_days_ago.isoformat()}
        ],
    }
    path = f"{journey}/sessions/{scheduled['created_id']}/outcome"
    refused(clinic, Role.FACILITATOR, path, outcome, "session_too_short")
    outcome["ended_at"] = (held_20_days_ago + timedelta(hours=8)).isoformat()
    refused(clinic, Role.FACILITATOR, path, outcome, "session_held_before_scheduled")
    state = clinic.get(Role.FACILITATOR, journey)
    assert [s["status"] for s in state["sessions"]] == ["scheduled"]
    assert state["follow_ups"] == []
