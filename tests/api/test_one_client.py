"""One client is one client over HTTP, on both stores: racing intakes open one journey."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from casework.application import Casework
from casework.client import Client, client_id_for
from casework.journey import Journey
from casework.roles import Role
from tests.api.conftest import ApiStaff

RACERS = 16


def intake_body(pseudonym: str) -> dict[str, str]:
    return {"client_pseudonym": pseudonym, "referral_source": "GP", "primary_need": "Sleep"}


def test_sixteen_simultaneous_intakes_for_one_new_pseudonym_open_one_journey(
    flask_app: Flask, api_staff: ApiStaff, casework_app: Casework
) -> None:
    # The same person, written five ways (one in fullwidth forms): each racer sends one.
    spellings = [
        "CW-Zoë",
        "cw-zoe\u0308",
        "\uff23\uff37\uff0d\uff3a\uff2f\u00cb",
        " CW-ZOË ",
        "Cw-Zoë",
    ]
    answers: list[tuple[int, dict[str, Any]]] = []
    barrier = threading.Barrier(RACERS)

    def racer(number: int) -> None:
        client = flask_app.test_client()
        headers = api_staff.headers(Role.INTAKE_COORDINATOR)
        body = intake_body(spellings[number % len(spellings)])
        barrier.wait()
        response = client.post("/journeys", json=body, headers=headers)
        answers.append((response.status_code, response.json or {}))

    threads = [threading.Thread(target=racer, args=(n,)) for n in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)

    assert Counter(status for status, _ in answers) == {201: 1, 409: RACERS - 1}
    (opened,) = [answer["id"] for status, answer in answers if status == 201]
    for status, answer in answers:
        if status == 409:
            assert answer["reason"] == "client_has_open_journey", answer
            assert answer["details"] == {"open_journey_id": opened}
    client = casework_app.repository.get(client_id_for(api_staff.staff.clinic_id, "cw-zoë"))
    assert isinstance(client, Client)
    assert [str(journey_id) for journey_id in client.journey_ids] == [opened]
    intakes = [  # the PostgreSQL database is shared by the session: this client's intakes only
        notification
        for notification in casework_app.recorder.select_notifications(start=1, limit=100_000)
        if notification.topic.endswith(Journey.IntakeRecorded.__qualname__)
        and casework_app.mapper.to_domain_event(notification).client_id == client.id
    ]
    assert [str(notification.originator_id) for notification in intakes] == [opened]


def test_a_second_intake_is_a_conflict_naming_the_open_journey(
    client: FlaskClient, api_staff: ApiStaff
) -> None:
    headers = api_staff.headers(Role.INTAKE_COORDINATOR)
    first = client.post("/journeys", json=intake_body("CW-TWICE"), headers=headers)
    assert first.status_code == 201, first.json
    again = client.post("/journeys", json=intake_body("cw-twice\u00a0"), headers=headers)
    assert again.status_code == 409
    assert again.json is not None
    assert again.json["reason"] == "client_has_open_journey"
    assert again.json["details"] == {"open_journey_id": first.json["id"]}


def test_a_pseudonym_with_an_rtl_override_is_a_422_naming_the_field_not_the_value(
    client: FlaskClient, api_staff: ApiStaff
) -> None:
    headers = api_staff.headers(Role.INTAKE_COORDINATOR)
    body = intake_body("CW-\u202e1000")
    response = client.post("/journeys", json=body, headers=headers)
    assert response.status_code == 422
    assert response.json is not None
    assert list(response.json["errors"]["json"]) == ["client_pseudonym"]
    assert "1000" not in response.get_data(as_text=True)
