"""Ciphertext copied out of a database copy and moved elsewhere is never read, only reported.

The attacker holds write access to the store: they move one client's sealed text into another
field, another client's record and another clinic's record, directly in the stored rows, and
send text shaped like an envelope through the API. Every answer stays a 200 that shows the moved
value as unreadable, never the plaintext and never a 5xx; the failure is counted in /metrics and
the edit itself is named by the integrity check.
"""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

import pytest
from flask import Flask
from flask.testing import FlaskClient

from casework.application import Casework
from casework.roles import Role
from casework.vault import UNREADABLE
from tests.api.conftest import ApiStaff, bearer
from tests.support.raw_log import RawLog
from tests.support.read_models import project_all

SECRET = "Nightmares since the assault, SECRET-7731"


@pytest.fixture
def database_url(own_database_url: str) -> str:
    """A database of each test's own: these tests edit its stored rows."""
    return own_database_url


def intake(client: FlaskClient, token_headers: dict[str, str], pseudonym: str, need: str) -> UUID:
    answer = client.post(
        "/journeys",
        json={
            "client_pseudonym": pseudonym,
            "referral_source": "GP",
            "primary_need": need,
            "existing_support": "Partner",
        },
        headers=token_headers,
    )
    assert answer.status_code == 201, answer.json
    return UUID(answer.json["id"])


def intake_position(app: Casework, journey_id: UUID) -> int:
    return next(
        each.id
        for each in app.recorder.select_notifications(1, 10_000)
        if each.originator_id == journey_id and each.originator_version == 1
    )


def stored(raw: RawLog, position: int) -> dict[str, Any]:
    state: dict[str, Any] = json.loads(raw.state(position))
    return state


def put(raw: RawLog, position: int, **fields: Any) -> None:
    raw.edit(position, lambda text: json.dumps({**json.loads(text), **fields}))


def every_answer(client: FlaskClient, headers: dict[str, str], journey_id: UUID) -> str:
    """Return every answer a reader of this journey gets, each a 200, as one text."""
    texts = []
    for path in (
        f"/journeys/{journey_id}",
        f"/journeys/{journey_id}?version=1",
        f"/journeys/{journey_id}/timeline",
        f"/journeys/{journey_id}/export",
        "/audit/corrections",
        "/journeys",
    ):
        answer = client.get(path, headers=headers)
        assert answer.status_code == 200, (path, answer.status_code, answer.json)
        texts.append(answer.get_data(as_text=True))
    return "\n".join(texts)


def test_ciphertext_moved_into_another_clinic_field_or_client_reads_unreadable(
    flask_app: Flask,
    client: FlaskClient,
    api_staff: ApiStaff,
    casework_app: Casework,
    database_url: str,
) -> None:
    raw = RawLog(database_url)
    victim = intake(client, api_staff.headers(Role.INTAKE_COORDINATOR), "CW-VICTIM", SECRET)
    sealed = stored(raw, intake_position(casework_app, victim))["primary_need"]
    assert SECRET not in json.dumps(sealed)
    other_clinic = bearer(api_staff.outsider_token)  # a clinical lead of another clinic
    elsewhere = intake(client, other_clinic, "CW-ELSEWHERE", "Sleep")
    same_clinic = intake(client, api_staff.headers(Role.INTAKE_COORDINATOR), "CW-NEXT", "Grief")

    casework_app.seal_log()  # the sealer runs every few seconds beside the API
    put(raw, intake_position(casework_app, elsewhere), primary_need=sealed)  # another clinic
    put(raw, intake_position(casework_app, same_clinic), primary_need=sealed)  # another client
    put(raw, intake_position(casework_app, victim), existing_support=sealed)  # another field
    project_all(flask_app.extensions["read_models"].engine, casework_app)

    before = unreadable_count(client)
    theirs = every_answer(client, other_clinic, elsewhere)
    ours = every_answer(client, api_staff.headers(Role.AUDITOR), same_clinic)
    for text in (theirs, ours):
        assert SECRET not in text
        assert UNREADABLE in text
    every_answer(client, api_staff.headers(Role.AUDITOR), victim)
    victims = client.get(f"/journeys/{victim}", headers=api_staff.headers(Role.AUDITOR)).json
    assert (victims["primary_need"], victims["existing_support"]) == (SECRET, UNREADABLE)
    assert unreadable_count(client) > before
    # The move is an edit of stored history: the integrity check names each edited event.
    report = client.get("/audit/integrity", headers=other_clinic).json
    assert report["first_break"]["aggregate_id"] == str(elsewhere)


def test_text_shaped_like_an_envelope_is_text_in_every_field(
    client: FlaskClient, api_staff: ApiStaff, casework_app: Casework, database_url: str
) -> None:
    raw = RawLog(database_url)
    victim = intake(client, api_staff.headers(Role.INTAKE_COORDINATOR), "CW-SOURCE", SECRET)
    sealed = stored(raw, intake_position(casework_app, victim))["primary_need"]
    shaped = [sealed, f"pd1:{victim}:AAAA", "pd2:" + "A" * 40, "pd2:"]
    other_clinic = bearer(api_staff.outsider_token)
    for number, text in enumerate(shaped):
        journey_id = intake(client, other_clinic, f"CW-SHAPED-{number}", text)
        answer = client.get(f"/journeys/{journey_id}", headers=other_clinic)
        assert answer.status_code == 200, answer.json
        assert answer.json["primary_need"] == text  # exactly what was sent, never decrypted
        assert SECRET not in answer.get_data(as_text=True)


def unreadable_count(client: FlaskClient) -> float:
    total = 0.0
    for line in client.get("/metrics").get_data(as_text=True).splitlines():
        if line.startswith("casework_unreadable_values_total{"):
            total += float(line.rsplit(" ", 1)[1])
    return total
