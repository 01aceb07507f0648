"""`Idempotency-Key`: a retried POST gets the first answer and adds no event."""

from __future__ import annotations

import threading
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from casework.application import Casework
from casework.client import client_id_for
from casework.roles import Role
from tests.api.conftest import ApiStaff, bearer

INTAKE = {"client_pseudonym": "CW-IDEM", "referral_source": "GP", "primary_need": "Sleep"}


def intake(client: FlaskClient, api_staff: ApiStaff, key: str, body: dict[str, Any]) -> Any:
    return client.post(
        "/journeys",
        json=body,
        headers=api_staff.headers(Role.INTAKE_COORDINATOR, **{"Idempotency-Key": key}),
    )


def test_a_retry_with_the_same_key_and_body_answers_the_first_answer_and_writes_nothing(
    client: FlaskClient, api_staff: ApiStaff, casework_app: Casework
) -> None:
    first = intake(client, api_staff, "intake-1", INTAKE)
    assert first.status_code == 201
    head = casework_app.recorder.max_notification_id()
    retry = intake(client, api_staff, "intake-1", INTAKE)
    assert (retry.status_code, retry.json) == (201, first.json)
    assert retry.headers["Location"] == first.headers["Location"]
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert casework_app.recorder.max_notification_id() == head
    another = intake(client, api_staff, "intake-2", INTAKE)  # a new key is a new request:
    assert another.status_code == 409  # judged anew, and the client's journey is open
    assert another.json["details"] == {"open_journey_id": first.json["id"]}


def test_the_same_key_with_another_body_is_refused(
    client: FlaskClient, api_staff: ApiStaff, casework_app: Casework
) -> None:
    assert intake(client, api_staff, "intake-1", INTAKE).status_code == 201
    head = casework_app.recorder.max_notification_id()
    other = intake(client, api_staff, "intake-1", {**INTAKE, "primary_need": "Panic"})
    assert other.status_code == 409
    assert (other.json["reason"], other.json["details"]) == (
        "idempotency_key_reused",
        {"field": "Idempotency-Key"},
    )
    assert casework_app.recorder.max_notification_id() == head


def test_a_refused_request_frees_its_key_for_the_corrected_one(
    client: FlaskClient, api_staff: ApiStaff
) -> None:
    refused = intake(client, api_staff, "intake-1", {**INTAKE, "referral_source": " "})
    assert refused.status_code == 422
    assert intake(client, api_staff, "intake-1", INTAKE).status_code == 201


def test_keys_belong_to_their_caller(client: FlaskClient, api_staff: ApiStaff) -> None:
    mine = intake(client, api_staff, "shared-key", INTAKE)
    theirs = client.post(
        "/journeys",
        json=INTAKE,
        headers={**bearer(api_staff.outsider_token), "Idempotency-Key": "shared-key"},
    )
    assert mine.status_code == theirs.status_code == 201
    assert mine.json["id"] != theirs.json["id"]  # another clinic's journey, not a replay


def test_a_bad_key_is_refused_naming_the_header(client: FlaskClient, api_staff: ApiStaff) -> None:
    response = intake(client, api_staff, "x" * 201, INTAKE)
    assert response.status_code == 422
    assert list(response.json["errors"]["headers"]) == ["Idempotency-Key"]


def test_racing_retries_of_one_key_write_one_event(
    flask_app: Flask, api_staff: ApiStaff, casework_app: Casework
) -> None:
    head = casework_app.recorder.max_notification_id()
    barrier = threading.Barrier(8)
    answers: list[Any] = []

    def send() -> None:
        client = flask_app.test_client()
        barrier.wait()
        answers.append(intake(client, api_staff, "racing", INTAKE))

    threads = [threading.Thread(target=send) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert [answer.status_code for answer in answers] == [201] * 8  # one did it, seven replay
    assert {answer.json["id"] for answer in answers} == {answers[0].json["id"]}
    assert sum(answer.headers.get("Idempotent-Replayed") == "true" for answer in answers) == 7
    client_id = client_id_for(api_staff.staff.clinic_id, INTAKE["client_pseudonym"])
    assert len(casework_app.repository.get(client_id).journey_ids) == 1
    # client (2), journey (1) and the keyed request (1), saved together
    assert casework_app.recorder.max_notification_id() == head + 4


def test_a_key_belongs_to_the_token_however_the_header_spells_it(
    client: FlaskClient, api_staff: ApiStaff, casework_app: Casework
) -> None:
    token = api_staff.tokens[Role.INTAKE_COORDINATOR]
    answers = [
        client.post(
            "/journeys",
            json={**INTAKE, "client_pseudonym": "CW-SPELLING"},
            headers={"Authorization": spelling, "Idempotency-Key": "spelled"},
        )
        for spelling in (
            f"Bearer {token}",
            f"bearer {token}",
            f"Bearer  {token}",
            f"BEARER {token} ",
        )
    ]
    assert [answer.status_code for answer in answers] == [201, 201, 201, 201]
    assert len({answer.json["id"] for answer in answers}) == 1
    assert [answer.headers.get("Idempotent-Replayed") for answer in answers[1:]] == ["true"] * 3
