"""Personal data: encrypted at rest per client and readable by staff; never stored or logged in
clear."""

from __future__ import annotations

import logging

import pytest
from flask import Flask
from flask.testing import FlaskClient

from casework.application import Casework
from casework.roles import Role
from tests.api.conftest import ApiStaff
from tests.support.clinic_day import (
    PERSONAL,
    admin_erases,
    clinic_day,
    everything_a_reader_sees,
    stored_after_projecting,
)
from tests.support.dump import found_in
from tests.support.read_models import project_all


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
