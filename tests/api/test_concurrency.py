"""Thirty-two clients race on a few journeys: each command lands or gets 409, nothing else."""

from __future__ import annotations

import random
import threading
from collections import Counter
from typing import Any
from uuid import UUID

from flask import Flask
from flask.testing import FlaskClient

from casework.application import Casework
from casework.journey import Journey
from casework.roles import Role
from tests.api.conftest import ApiStaff
from tests.support.journeys import ready_journey
from tests.support.read_models import project_all

THREADS = 32
COMMANDS_PER_THREAD = 6


def race(flask_app: Flask, api_staff: ApiStaff, journey_ids: list[UUID]) -> list[dict[str, Any]]:
    """Each thread records contacts (half with `If-Match` of a version it just read) and pauses."""
    outcomes: list[dict[str, Any]] = []
    barrier = threading.Barrier(THREADS)

    def client_session(seed: int) -> None:
        chance = random.Random(seed)
        client = flask_app.test_client()
        barrier.wait()
        for _ in range(COMMANDS_PER_THREAD):
            journey = chance.choice(journey_ids)
            outcomes.append(one_command(client, api_staff, journey, chance))

    threads = [threading.Thread(target=client_session, args=(seed,)) for seed in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes


def one_command(
    client: FlaskClient, api_staff: ApiStaff, journey_id: UUID, chance: random.Random
) -> dict[str, Any]:
    path = f"/journeys/{journey_id}"
    headers = api_staff.headers(Role.CLINICAL_LEAD)
    if chance.random() < 0.5:
        version = client.get(path, headers=headers).json["version"]
        headers = {**headers, "If-Match": str(version)}
    if chance.random() < 0.8:
        command, body = "contact", {"kind": "other", "notes": "Checked in"}
        response = client.post(f"{path}/contacts", json=body, headers=headers)
    else:
        command = "pause"
        body = {"reason": "Rest", "review_date": "2030-01-01", "conditions_to_resume": ["Rest"]}
        response = client.post(f"{path}/pause", json=body, headers=headers)
    return {
        "journey_id": journey_id,
        "command": command,
        "status": response.status_code,
        "reason": (response.json or {}).get("reason"),
        "answer": response.json,
    }


def test_racing_commands_each_land_once_or_are_refused_and_a_replay_agrees(
    flask_app: Flask, api_staff: ApiStaff, casework_app: Casework
) -> None:
    journey_ids = [ready_journey(casework_app, api_staff.staff, f"CW-RACE-{n}") for n in range(3)]
    before = {
        journey_id: casework_app.repository.get(journey_id).version for journey_id in journey_ids
    }
    outcomes = race(flask_app, api_staff, journey_ids)

    assert len(outcomes) == THREADS * COMMANDS_PER_THREAD
    statuses = Counter((each["status"], each["reason"]) for each in outcomes)
    assert set(statuses) <= {
        (201, None),  # a contact
        (200, None),  # a pause
        (412, "version_mismatch"),  # If-Match was stale
        (409, "concurrent_write"),  # another write won the race
        (409, "journey_paused"),  # a command after a pause that landed
    }, statuses
    assert statuses[(201, None)] > 0
    assert statuses[(412, "version_mismatch")] + statuses[(409, "concurrent_write")] > 0

    landed = [each for each in outcomes if each["status"] in (200, 201)]
    # Nothing lost, nothing duplicated: every answer names its own event, and only those exist.
    assert len({each["answer"]["position"] for each in landed}) == len(landed)
    replayed = Casework(env=casework_app.env, vault=casework_app.vault)  # a fresh process
    for journey_id in journey_ids:
        events = list(replayed.events.get(journey_id, gt=before[journey_id]))
        mine = sorted(
            (each["answer"]["version"], each["command"])
            for each in landed
            if each["journey_id"] == journey_id
        )
        kinds = {Journey.ContactRecorded: "contact", Journey.JourneyPaused: "pause"}
        assert [(e.originator_version, kinds[type(e)]) for e in events] == mine
        journey = replayed.repository.get(journey_id)
        assert journey.version == before[journey_id] + len(mine)

    lead = api_staff.staff[Role.CLINICAL_LEAD]
    project_all(flask_app.extensions["read_models"].engine, casework_app)
    for journey_id in journey_ids:
        assert casework_app.get_journey(lead, journey_id) == replayed.get_journey(lead, journey_id)
        timeline = flask_app.test_client().get(
            f"/journeys/{journey_id}/timeline?limit=200", headers=api_staff.headers(Role.AUDITOR)
        )
        assert len(timeline.json["items"]) == replayed.repository.get(journey_id).version
    replayed.close()
