"""The operator's commands: the demo clinic, and issuing and revoking tokens."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from api.cli import main
from casework.roles import Role
from tests.api.conftest import ApiStaff, bearer
from tests.support.read_models import project_all

TOKEN_LINE = re.compile(r"^export CW_(\w+)=(cw_\S+)", re.MULTILINE)


def test_demo_creates_the_clinic_once_and_prints_a_working_token_per_role(
    flask_app: Flask, client: FlaskClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    runner = flask_app.test_cli_runner()
    first = runner.invoke(args=["demo"])
    second = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    assert "Reusing the demo clinic" in second.output
    tokens = dict(TOKEN_LINE.findall(second.output))
    assert set(tokens) == {role.name for role in Role}
    assert (tmp_path / "var/demo-tokens.env").read_text().count("export CW_") == len(Role)
    intake = client.post(
        "/journeys",
        json={"client_pseudonym": "CW-DEMO", "referral_source": "GP", "primary_need": "x"},
        headers=bearer(tokens["INTAKE_COORDINATOR"]),
    )
    assert intake.status_code == 201
    assert (
        client.get(f"/journeys/{intake.json['id']}", headers=bearer(tokens["ADMIN"])).status_code
        == 403
    )


def test_a_token_issued_by_the_cli_works_until_revoked(
    flask_app: Flask, client: FlaskClient, api_staff: ApiStaff
) -> None:
    runner = flask_app.test_cli_runner()
    issued = runner.invoke(args=["tokens", "issue", str(api_staff.staff.id(Role.AUDITOR))])
    token_id = re.search(r"token id: (\S+)", issued.output).group(1)  # type: ignore[union-attr]
    token = re.search(r"token:\s+(cw_\S+)", issued.output).group(1)  # type: ignore[union-attr]
    assert (
        client.get(
            "/practitioners/" + str(api_staff.staff.id(Role.AUDITOR)), headers=bearer(token)
        ).status_code
        == 200
    )
    revoked = runner.invoke(args=["tokens", "revoke", token_id, "--reason", "Left the clinic"])
    assert revoked.exit_code == 0, revoked.output
    response = client.get(
        "/practitioners/" + str(api_staff.staff.id(Role.AUDITOR)), headers=bearer(token)
    )
    assert response.status_code == 401


def test_an_operator_registers_a_clinic_over_http(client: FlaskClient, api_staff: ApiStaff) -> None:
    body = {"name": "Harbour Clinic", "time_zone": "Pacific/Auckland", "admin_display_name": "Ana"}
    assert (
        client.post("/clinics", json=body, headers=api_staff.headers(Role.ADMIN)).status_code == 403
    )
    response = client.post("/clinics", json=body, headers=bearer("operator-test-token"))
    assert response.status_code == 201
    assert set(response.json) == {"id", "version", "position", "admin_id", "admin_token"}
    bad_zone = client.post(
        "/clinics",
        json={**body, "time_zone": "Mars/Olympus"},
        headers=bearer("operator-test-token"),
    )
    assert bad_zone.status_code == 422
    assert "time_zone" in bad_zone.json["errors"]["json"]


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (
            ["clinics", "register", "--name", "X", "--time-zone", "Mars/Base", "--admin-name", "A"],
            "Error: time_zone: Unknown IANA time zone.",
        ),
        (
            ["tokens", "revoke", "00000000-0000-0000-0000-000000000000", "--reason", "x"],
            "Error: No such access token.",
        ),
    ],
)
def test_a_refused_command_says_why_in_one_line_naming_the_field(
    flask_app: Flask, args: list[str], says: str
) -> None:
    refused = flask_app.test_cli_runner().invoke(main, args)
    assert refused.exit_code == 1
    assert refused.output.strip() == says
    assert "Traceback" not in refused.output


def test_revoking_a_revoked_token_says_so(flask_app: Flask, api_staff: ApiStaff) -> None:
    runner = flask_app.test_cli_runner()
    issued = runner.invoke(main, ["tokens", "issue", str(api_staff.staff.id(Role.AUDITOR))])
    token_id = re.search(r"token id: (\S+)", issued.output).group(1)  # type: ignore[union-attr]
    assert runner.invoke(main, ["tokens", "revoke", token_id, "--reason", "Lost"]).exit_code == 0
    again = runner.invoke(main, ["tokens", "revoke", token_id, "--reason", "Lost"])
    assert (again.exit_code, again.output.strip()) == (
        1,
        "Error: token_already_revoked: The token was revoked already.",
    )


def test_help_lists_every_command_without_any_key_in_the_environment(tmp_path: Path) -> None:
    bare = {"PATH": os.environ["PATH"], "HOME": str(tmp_path)}
    listed = subprocess.run(
        [str(Path(sys.executable).with_name("casework")), "--help"],
        env=bare,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for command in ("clinics", "db", "demo", "integrity", "keys", "projections", "tokens"):
        assert re.search(rf"^\s+{command}\s", listed, re.MULTILINE), command


def test_a_clinic_registered_from_the_command_line_takes_its_settings(
    flask_app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    schedule = tmp_path / "schedule.json"
    rule = {
        "kind": "phone_check_in",
        "label": "Next-day call",
        "due_day": 1,
        "window_start_day": 1,
        "window_end_day": 1,
        "owner_role": "integration_therapist",
    }
    schedule.write_text(json.dumps([rule]))
    runner = flask_app.test_cli_runner()
    args = ["clinics", "register", "--name", "Fjord", "--time-zone", "Europe/Oslo"]
    args += ["--admin-name", "Ola", "--follow-up-schedule", str(schedule)]
    registered = runner.invoke(main, [*args, "--min-facilitators", "2", "--retention-years", "15"])
    assert registered.exit_code == 0, registered.output
    clinic = re.search(r"clinic:\s+(\S+)", registered.output).group(1)  # type: ignore[union-attr]
    token = re.search(r"token:\s+(cw_\S+)", registered.output).group(1)  # type: ignore[union-attr]
    shown = client.get(f"/clinics/{clinic}", headers=bearer(token)).json
    assert (shown["min_facilitators"], shown["retention_years"]) == (2, 15)
    assert shown["follow_up_schedule"] == [rule]
    schedule.write_text(json.dumps([{**rule, "window_end_day": 0}]))
    refused = runner.invoke(main, args)
    assert refused.exit_code == 1
    assert refused.output.startswith("Error: follow_up_schedule")


def test_the_operator_lists_a_clinics_staff_and_deactivates_someone_who_left(
    flask_app: Flask, client: FlaskClient, api_staff: ApiStaff
) -> None:
    runner = flask_app.test_cli_runner()
    therapist = api_staff.staff.id(Role.INTEGRATION_THERAPIST)
    project_all(flask_app.extensions["read_models"].engine, flask_app.extensions["casework"])
    listed = runner.invoke(main, ["practitioners", "list", str(api_staff.staff.clinic_id)])
    assert listed.exit_code == 0, listed.output
    lines = listed.output.splitlines()
    assert len(lines) == len(api_staff.staff.actors) + 1  # and the second facilitator
    assert any(line.startswith(f"{therapist}  active") for line in lines)
    left = runner.invoke(main, ["practitioners", "deactivate", str(therapist), "--reason", "Left"])
    assert left.exit_code == 0, left.output
    refused = client.get(
        "/follow-ups?owner=me", headers=api_staff.headers(Role.INTEGRATION_THERAPIST)
    )
    assert refused.status_code == 401
    again = runner.invoke(main, ["practitioners", "deactivate", str(therapist), "--reason", "x"])
    assert (again.exit_code, again.output.strip()) == (
        1,
        "Error: already_deactivated: The practitioner was deactivated.",
    )
