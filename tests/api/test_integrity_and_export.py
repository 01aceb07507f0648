"""Auditors verify the stored history over HTTP and the command line, and export a journey."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from api.cli import main
from casework.application import Casework
from casework.checkpoints import ledger_id
from casework.journey.commands import RecordContact, RecordCorrection
from casework.journey.values import ContactKind
from casework.roles import Role
from casework.signing import Signer, Verifier, new_signing_key
from tests.api.conftest import ApiStaff
from tests.support.journeys import hold_session, ready_journey
from tests.support.keys import TEST_KEYS
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
        staff[Role.INTEGRATION_THERAPIST],
        RecordContact(journey_id=journey_id, kind=ContactKind.PHONE_CHECK_IN, notes="Calm"),
    )
    casework_app.record_correction(
        staff[Role.INTEGRATION_THERAPIST],
        RecordCorrection(
            journey_id=journey_id,
            field="notes",
            new_value="Calm, slept well",
            reason="Left out the sleep",
            corrects_version=written.version,
        ),
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


def test_an_auditor_sees_the_clinic_intact_then_the_first_altered_event_named(
    client: FlaskClient, api_staff: ApiStaff, casework_app: Casework, database_url: str
) -> None:
    journey_id = journey_with_a_correction(casework_app, api_staff)
    head = casework_app.recorder.max_notification_id()
    casework_app.seal_log()
    whole = integrity(client, api_staff)
    assert whole["intact"]
    assert whole["first_break"] is None
    assert whole["scope"] == str(api_staff.staff.clinic_id)
    assert whole["sealed_through"] == head  # the checkpoints' own events are no one's history
    assert (whole["unsealed_events"], whole["oldest_unsealed_age_seconds"]) == (0, None)
    clinic_events = whole["events_checked"]
    assert 0 < clinic_events < head  # the other clinic's staff are not this clinic's history

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
    theirs = client.get(
        "/audit/integrity", headers={"Authorization": f"Bearer {api_staff.outsider_token}"}
    ).json
    assert theirs["intact"], theirs  # the other clinic's history was not touched
    assert theirs["events_checked"] < clinic_events


def test_an_auditor_keeps_the_latest_checkpoint_and_later_proves_nothing_it_covered_is_gone(
    client: FlaskClient, api_staff: ApiStaff, casework_app: Casework, database_url: str
) -> None:
    auditor = api_staff.headers(Role.AUDITOR)
    assert client.get("/audit/checkpoints/latest", headers=auditor).status_code == 404
    journey_id = journey_with_a_correction(casework_app, api_staff)
    casework_app.seal_log()
    latest = client.get("/audit/checkpoints/latest", headers=auditor)
    assert latest.status_code == 200, latest.json
    kept = latest.json
    assert kept["scope"] == str(api_staff.staff.clinic_id)
    assert Verifier.from_text(TEST_KEYS["PUBLIC_KEYS"]).knows(kept["key_id"])
    query = {"checkpoint": json.dumps(kept)}
    assert client.get("/audit/integrity", query_string=query, headers=auditor).json["intact"]

    raw = RawLog(database_url)
    ledger = positions_of(casework_app, ledger_id(kept["scope"]))
    last = positions_of(casework_app, journey_id)[-1]
    for position in (*ledger, last):  # the clinic's checkpoints, and the newest event they covered
        raw.delete(position)
    shutil.rmtree(casework_app.sink.directory)  # type: ignore[union-attr]
    report = client.get("/audit/integrity", query_string=query, headers=auditor).json
    assert not report["intact"]
    problems = {each["problem"] for each in report["breaks"]}
    assert {"checkpoint_missing", "missing"} <= problems


def test_a_kept_checkpoint_that_is_no_checkpoint_is_a_422(
    client: FlaskClient, api_staff: ApiStaff
) -> None:
    auditor = api_staff.headers(Role.AUDITOR)
    for bad in ("{", "[" * 3000, '{"sequence": 1}', "x" * 5000, "null"):
        answer = client.get("/audit/integrity", query_string={"checkpoint": bad}, headers=auditor)
        assert answer.status_code == 422, bad[:20]
        assert "checkpoint" in answer.json["errors"]["query"]


def test_only_auditors_admins_and_clinical_leads_check_integrity_and_only_their_journeys(
    client: FlaskClient, api_staff: ApiStaff, casework_app: Casework
) -> None:
    journey_id = journey_with_a_correction(casework_app, api_staff)
    for path in ("/audit/integrity", "/audit/checkpoints/latest"):
        facilitator = client.get(path, headers=api_staff.headers(Role.FACILITATOR))
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
    sealed = runner.invoke(main, args=["integrity", "seal"])
    assert sealed.exit_code == 0, sealed.output
    assert sealed.output.startswith("sealed ")
    assert casework_app.check_integrity(None).sealed_through == head
    idle = runner.invoke(
        main, args=["integrity", "seal"]
    )  # only the checkpoints themselves are new
    assert idle.output == "sealed 0 events\n"
    verified = runner.invoke(main, args=["integrity", "verify"])
    assert verified.exit_code == 0, verified.output
    assert "intact" in verified.output

    last = positions_of(casework_app, journey_id)[-1]
    RawLog(database_url).delete(last)
    broken = runner.invoke(main, args=["integrity", "verify", "--journey", str(journey_id)])
    assert broken.exit_code == 1
    assert f"BROKEN missing at position {last}, aggregate {journey_id}" in broken.output


def test_an_export_holds_every_event_in_one_chain_the_corrections_and_its_proof(
    flask_app: Flask,
    client: FlaskClient,
    api_staff: ApiStaff,
    casework_app: Casework,
    tmp_path: Path,
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
    assert "Trauma" not in json.dumps(events[0]["stored"])  # the proven form stays sealed
    correction = record["journey"]["corrections"][0]
    assert (correction["original_value"], correction["new_value"]) == ("Calm", "Calm, slept well")
    proof = record["integrity"]
    assert proof["intact"]
    assert proof["events_checked"] == len(events)
    assert proof["proof"]["head"]["version"] == len(events)
    assert proof["proof"]["head"]["link"] == events[-1]["link"]

    project_all(flask_app.extensions["read_models"].engine, casework_app)  # as workers would
    logged = client.get(
        f"/audit/access-log?client={record['journey']['client_id']}",
        headers=api_staff.headers(Role.AUDITOR),
    ).json["items"]
    assert [(entry["endpoint"], entry["purpose"]) for entry in logged] == [("export", "legal")]

    # Offline, with the public key alone: intact; then every kind of edit to the file is found.
    exported = tmp_path / "export.json"
    exported.write_text(response.get_data(as_text=True))
    runner = CliRunner()
    verify = ["integrity", "verify-export", str(exported), "--public-key", TEST_KEYS["PUBLIC_KEYS"]]
    offline = runner.invoke(main, verify)
    assert offline.exit_code == 0, offline.output
    assert "intact" in offline.output
    for edit in EXPORT_EDITS:
        edited = json.loads(response.get_data(as_text=True))
        edit(edited)
        exported.write_text(json.dumps(edited))
        refused = runner.invoke(main, verify)
        assert refused.exit_code == 1, (edit.__name__, refused.output)
        assert "BROKEN" in refused.output
    stranger = Signer(new_signing_key()[0]).public_key_text
    exported.write_text(response.get_data(as_text=True))
    unknown = runner.invoke(main, [*verify[:-1], stranger])
    assert unknown.exit_code == 1
    assert "bad_checkpoint" in unknown.output


def _edit_stored_text(export: dict[str, Any]) -> None:
    export["events"][1]["stored"]["state"]["actor_role"] = "auditor"


def _drop_last_event(export: dict[str, Any]) -> None:
    export["events"].pop()


def _drop_a_middle_event(export: dict[str, Any]) -> None:
    export["events"].pop(2)


def _swap_two_events(export: dict[str, Any]) -> None:
    events = export["events"]
    events[1], events[2] = events[2], events[1]


def _inflate_the_checkpoint(export: dict[str, Any]) -> None:
    export["integrity"]["proof"]["checkpoint"]["event_count"] += 1


def _claim_another_head(export: dict[str, Any]) -> None:
    export["integrity"]["proof"]["head"]["version"] -= 1


EXPORT_EDITS = [
    _edit_stored_text,
    _drop_last_event,
    _drop_a_middle_event,
    _swap_two_events,
    _inflate_the_checkpoint,
    _claim_another_head,
]


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


def test_health_and_metrics_show_what_no_checkpoint_covers_yet(
    client: FlaskClient, api_staff: ApiStaff, casework_app: Casework
) -> None:
    casework_app.seal_log()
    assert client.get("/health/checkpoints").json["unsealed_events"] == 0
    journey_with_a_correction(casework_app, api_staff)
    behind = client.get("/health/checkpoints").json
    assert behind["unsealed_events"] > 0
    assert behind["oldest_unsealed_age_seconds"] >= 0
    assert behind["sealed_through"] < casework_app.recorder.max_notification_id()
    scraped = client.get("/metrics").get_data(as_text=True)
    assert f"casework_unsealed_events {float(behind['unsealed_events'])}" in scraped
    casework_app.seal_log()
    assert client.get("/health/checkpoints").json["unsealed_events"] == 0
