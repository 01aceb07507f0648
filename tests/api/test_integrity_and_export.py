"""Auditors verify the stored history over HTTP and the command line, and export a journey."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import Any
from uuid import UUID

import pytest
from flask import Flask
from flask.testing import FlaskClient

from casework.application import Casework
from casework.journey.values import ContactKind
from casework.roles import Role
from tests.api.conftest import ApiStaff
from tests.support.journeys import hold_session, ready_journey
from tests.support.raw_log import RawLog
from tests.support.read_models import project_all


@pytest.fixture
def database_url(own_database_url: str) -> str:
    """A database of each test's own: these tests tamper with it, and check all of it."""
    return own_database_url


def journey_with_a_correction(casework_app: Casework, api_staff: ApiStaff) -> UUID:
    staff = api_staff.staff
    journey_id = ready_journey(casework_app, staff, "CW-EXPORT")
    written = casework_app.record_contact(
        staff[Role.INTEGRATION_THERAPIST], journey_id, ContactKind.PHONE_CHECK_IN, notes="Calm"
    )
    casework_app.record_correction(
        staff[Role.INTEGRATION_THERAPIST],
        journey_id,
        "notes",
        "Calm, slept well",
        "Left out the sleep",
        corrects_version=written.version,
    )
    return journey_id


def positions_of(casework_app: Casework, stream_id: UUID) -> list[int]:
    return [
        each.id
        for each in casework_app.recorder.select_notifications(1, 100_000)
        if each.originator_id == stream_id
    ]


def integrity(client: FlaskClient, api_staff: ApiStaff, query: str = "") -> Any:
    response = client.get(f"/audit/integrity{query}", headers=api_staff.headers(Role.AUDITOR))
    assert response.status_code == 200, response.json
    return response.json


def test_an_auditor_sees_the_store_intact_then_the_first_altered_event_named(
    client: FlaskClient, api_staff: ApiStaff, casework_app: Casework, database_url: str
) -> None:
    journey_id = journey_with_a_correction(casework_app, api_staff)
    head = casework_app.recorder.max_notification_id()
    casework_app.seal_log()
    whole = integrity(client, api_staff)
    assert whole["intact"]
    assert whole["first_break"] is None
    assert whole["sealed_through"] == head  # the seal's own events wait for the next seal
    assert whole["events_checked"] == whole["last_position"]

    third = positions_of(casework_app, journey_id)[2]
    RawLog(database_url).edit(third, lambda state: state.replace("facilitator", "therapist", 1))
    broken = integrity(client, api_staff)
    assert not broken["intact"]
    assert broken["first_break"]["problem"] == "altered"
    assert broken["first_break"]["position"] == third
    assert broken["first_break"]["aggregate_id"] == str(journey_id)
    one = integrity(client, api_staff, f"?journey_id={journey_id}")
    assert one["first_break"]["problem"] == "altered"
    assert one["first_break"]["version"] == 3  # a stream is read by version, not position


def test_only_auditors_admins_and_clinical_leads_check_integrity_and_only_their_journeys(
    client: FlaskClient, api_staff: ApiStaff, casework_app: Casework
) -> None:
    journey_id = journey_with_a_correction(casework_app, api_staff)
    facilitator = client.get("/audit/integrity", headers=api_staff.headers(Role.FACILITATOR))
    assert facilitator.status_code == 403
    admin = client.get("/audit/integrity", headers=api_staff.headers(Role.ADMIN))
    assert admin.status_code == 200
    outsider = client.get(
        f"/audit/integrity?journey_id={journey_id}",
        headers={"Authorization": f"Bearer {api_staff.outsider_token}"},
    )
    assert outsider.status_code == 404


def test_the_command_line_seals_and_verifies_and_exits_non_zero_naming_the_break(
    flask_app: Flask, api_staff: ApiStaff, casework_app: Casework, database_url: str
) -> None:
    journey_id = journey_with_a_correction(casework_app, api_staff)
    runner = flask_app.test_cli_runner()
    head = casework_app.recorder.max_notification_id()
    sealed = runner.invoke(args=["integrity", "seal"])
    assert sealed.exit_code == 0, sealed.output
    assert sealed.output.startswith("sealed ")
    assert casework_app.check_integrity(None).sealed_through == head
    idle = runner.invoke(args=["integrity", "seal"])  # only the seal itself is new
    assert idle.output == "sealed 0 events\n"
    verified = runner.invoke(args=["integrity", "verify"])
    assert verified.exit_code == 0, verified.output
    assert "intact" in verified.output

    last = positions_of(casework_app, journey_id)[-1]
    RawLog(database_url).delete(last)
    broken = runner.invoke(args=["integrity", "verify", "--journey", str(journey_id)])
    assert broken.exit_code == 1
    assert f"BROKEN missing at aggregate {journey_id}" in broken.output


def test_an_export_holds_every_event_in_one_chain_the_corrections_and_its_proof(
    flask_app: Flask, client: FlaskClient, api_staff: ApiStaff, casework_app: Casework
) -> None:
    journey_id = journey_with_a_correction(casework_app, api_staff)
    hold_session(casework_app, api_staff.staff, journey_id, datetime.now(UTC) - timedelta(days=3))
    casework_app.seal_log()
    response = client.get(
        f"/journeys/{journey_id}/export",
        headers=api_staff.headers(Role.AUDITOR, **{"Casework-Purpose": "legal"}),
    )
    assert response.status_code == 200, response.json
    assert "attachment" in response.headers["Content-Disposition"]
    record = response.json
    events = record["events"]
    assert [event["version"] for event in events] == list(range(1, len(events) + 1))
    assert events[0]["previous_link"] == "0" * 64
    assert all(later["previous_link"] == earlier["link"] for earlier, later in pairwise(events))
    assert events[0]["type"] == "IntakeRecorded"
    assert events[0]["data"]["primary_need"] == "Trauma after an assault"  # revealed
    correction = record["journey"]["corrections"][0]
    assert (correction["original_value"], correction["new_value"]) == ("Calm", "Calm, slept well")
    proof = record["integrity"]
    assert proof["intact"]
    assert proof["events_checked"] == len(events)
    assert proof["sealed_heads"][-1]["version"] == len(events)
    assert proof["sealed_heads"][-1]["link"] == events[-1]["link"]

    project_all(flask_app.extensions["read_models"].engine, casework_app)  # as workers would
    logged = client.get(
        f"/audit/access-log?client={record['journey']['client_id']}",
        headers=api_staff.headers(Role.AUDITOR),
    ).json["items"]
    assert [(entry["endpoint"], entry["purpose"]) for entry in logged] == [("export", "legal")]


def test_an_auditor_lists_every_correction_with_both_values_who_when_and_why(
    flask_app: Flask, client: FlaskClient, api_staff: ApiStaff, casework_app: Casework
) -> None:
    journey_id = journey_with_a_correction(casework_app, api_staff)
    project_all(flask_app.extensions["read_models"].engine, casework_app)
    auditor = api_staff.headers(Role.AUDITOR)
    listed = client.get("/audit/corrections", headers=auditor)
    assert listed.status_code == 200, listed.json
    (entry,) = listed.json["items"]
    assert entry["journey_id"] == str(journey_id)
    assert entry["actor_id"] == str(api_staff.staff.id(Role.INTEGRATION_THERAPIST))
    assert entry["recorded_at"]
    details = entry["details"]
    assert (details["field"], details["original_value"], details["new_value"]) == (
        "notes",
        "Calm",
        "Calm, slept well",
    )
    assert details["reason"] == "Left out the sleep"
    by_lead = f"/audit/corrections?corrector={api_staff.staff.id(Role.CLINICAL_LEAD)}"
    assert client.get(by_lead, headers=auditor).json["items"] == []
    refused = client.get("/audit/corrections", headers=api_staff.headers(Role.FACILITATOR))
    assert refused.status_code == 403

    project_all(flask_app.extensions["read_models"].engine, casework_app)
    logged = client.get("/audit/access-log", headers=auditor).json["items"]
    # The first listing showed the journey's notes; the empty one showed nothing to log.
    assert [(each["endpoint"], each["journey_id"]) for each in logged] == [
        ("corrections", str(journey_id))
    ]
