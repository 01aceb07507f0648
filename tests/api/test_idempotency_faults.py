"""`Idempotency-Key` under faults: whatever fails, and wherever, a retry does the command once.

The key is saved with the command's events, in one transaction; so a fault before the save
leaves the key free, and one after it leaves the answer in the log.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from eventsourcing.persistence import OperationalError
from flask.testing import FlaskClient

from casework.application import Casework
from casework.client import client_id_for
from casework.roles import Role
from tests.api.conftest import ApiStaff

INTAKE = {"client_pseudonym": "CW-FAULT", "referral_source": "GP", "primary_need": "Sleep"}


def intake(client: FlaskClient, api_staff: ApiStaff, key: str = "fault-1") -> Any:
    return client.post(
        "/journeys",
        json=INTAKE,
        headers=api_staff.headers(Role.INTAKE_COORDINATOR, **{"Idempotency-Key": key}),
    )


def retried(client: FlaskClient, api_staff: ApiStaff) -> Any:
    """Send the intake again until it is not refused for the store (as a client would)."""
    deadline = time.monotonic() + 5
    answer = intake(client, api_staff)
    while answer.status_code == 503 and time.monotonic() < deadline:
        time.sleep(0.2)
        answer = intake(client, api_staff)
    return answer


def journeys_of_the_client(casework_app: Casework, api_staff: ApiStaff) -> int:
    client_id = client_id_for(api_staff.staff.clinic_id, INTAKE["client_pseudonym"])
    return len(casework_app.repository.get(client_id).journey_ids)


def assert_clean_503(response: Any) -> None:
    assert response.status_code == 503, response.json
    assert response.headers["Retry-After"]
    assert response.json["reason"] == "store_unavailable"


def test_a_store_fault_before_the_save_frees_the_key_and_the_retry_does_it_once(
    client: FlaskClient,
    api_staff: ApiStaff,
    casework_app: Casework,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def store_gone(*_: Any, **__: Any) -> Any:
        raise OperationalError("the server closed the connection")

    head = casework_app.recorder.max_notification_id()
    with monkeypatch.context() as patched:
        patched.setattr(casework_app.recorder, "insert_events", store_gone)
        assert_clean_503(intake(client, api_staff))
    assert casework_app.recorder.max_notification_id() == head  # nothing half-written
    retry = retried(client, api_staff)
    assert retry.status_code == 201
    assert "Idempotent-Replayed" not in retry.headers  # done now, for the first time
    assert journeys_of_the_client(casework_app, api_staff) == 1


def test_a_fault_after_the_commit_before_the_answer_is_answered_from_the_log(
    client: FlaskClient,
    api_staff: ApiStaff,
    casework_app: Casework,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    save, look_up = casework_app.save, casework_app.answered_request
    gone = False

    def saved_then_lost(*aggregates: Any, **kwargs: Any) -> Any:
        nonlocal gone
        save(*aggregates, **kwargs)  # committed; then the store goes away
        gone = True
        raise OperationalError("the server closed the connection")

    def store_gone(*args: Any) -> Any:
        if gone:
            raise OperationalError("the server closed the connection")
        return look_up(*args)

    with monkeypatch.context() as patched:
        patched.setattr(casework_app, "save", saved_then_lost)
        patched.setattr(casework_app, "answered_request", store_gone)
        assert_clean_503(intake(client, api_staff))
    head = casework_app.recorder.max_notification_id()
    retry = retried(client, api_staff)
    assert retry.status_code == 201
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert retry.headers["Location"] == f"/journeys/{retry.json['id']}"
    assert retry.json["position"] == head  # the journey's event, the last one saved
    assert casework_app.recorder.max_notification_id() == head  # nothing written again
    assert journeys_of_the_client(casework_app, api_staff) == 1
    again = intake(client, api_staff)
    assert (again.status_code, again.json) == (201, retry.json)


def test_a_commit_whose_answer_was_lost_is_answered_at_once_while_the_store_answers(
    client: FlaskClient,
    api_staff: ApiStaff,
    casework_app: Casework,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    save = casework_app.save

    def saved_then_failed(*aggregates: Any, **kwargs: Any) -> Any:
        save(*aggregates, **kwargs)  # committed, but the driver reported a failure
        raise OperationalError("the server closed the connection")

    with monkeypatch.context() as patched:
        patched.setattr(casework_app, "save", saved_then_failed)
        first = intake(client, api_staff)
    assert (first.status_code, first.headers["Idempotent-Replayed"]) == (201, "true")
    assert journeys_of_the_client(casework_app, api_staff) == 1


def test_a_store_fault_while_looking_up_the_key_is_a_clean_503(
    client: FlaskClient,
    api_staff: ApiStaff,
    casework_app: Casework,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert intake(client, api_staff).status_code == 201

    def store_gone(*_: Any, **__: Any) -> Any:
        raise OperationalError("the server closed the connection")

    with monkeypatch.context() as patched:
        patched.setattr(casework_app, "answered_request", store_gone)
        assert_clean_503(intake(client, api_staff))
    retry = retried(client, api_staff)
    assert (retry.status_code, retry.headers["Idempotent-Replayed"]) == (201, "true")
    assert journeys_of_the_client(casework_app, api_staff) == 1


def test_a_process_dying_after_the_commit_leaves_no_key_stuck(
    client: FlaskClient,
    api_staff: ApiStaff,
    casework_app: Casework,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A crash between commit and answer: nothing of the request runs after the save."""
    save = casework_app.save

    class Killed(BaseException):
        """Stands for SIGKILL: no handler, no teardown of ours runs to free anything."""

    def saved_then_killed(*aggregates: Any, **kwargs: Any) -> Any:
        save(*aggregates, **kwargs)
        raise Killed

    with monkeypatch.context() as patched:
        patched.setattr(casework_app, "save", saved_then_killed)
        with pytest.raises(Killed):
            intake(client, api_staff)
    retry = intake(client, api_staff)
    assert (retry.status_code, retry.headers["Idempotent-Replayed"]) == (201, "true")
    assert journeys_of_the_client(casework_app, api_staff) == 1
