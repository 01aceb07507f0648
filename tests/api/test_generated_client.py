"""The README walkthrough through a client generated from /openapi.json by openapi-python-client.

Clinics connect their own systems through clients generated from the document; this one is
generated afresh each run, so a change to the document that a generator cannot follow (an
untyped body, a refusal code lost, a header missing) fails here. Refusals are read as typed
fields: the reason enum, the schedule's blockers, the current version of a stale `If-Match`.
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from http import HTTPStatus
from pathlib import Path
from types import ModuleType
from typing import Any
from uuid import UUID

import httpx
import pytest
from flask import Flask

from api import create_app
from casework.roles import Role
from tests.api.conftest import ApiStaff
from tests.support.keys import TEST_KEYS

PACKAGE = "casework_generated_client"


def _document(directory: Path) -> bytes:
    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{directory / 'document.sqlite'}",
            "OPERATOR_TOKEN": "unused",
            "CHECKPOINT_DIR": str(directory / "checkpoints"),
            **TEST_KEYS,
        }
    )
    try:
        return app.test_client().get("/openapi.json").get_data()
    finally:
        app.extensions["read_models"].engine.dispose()
        app.extensions["casework"].close()


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    """Generate the client from the document, as a clinic's developer would, and import it."""
    directory = tmp_path_factory.mktemp("generated-client")
    (directory / "openapi.json").write_bytes(_document(directory))
    tools = Path(sys.executable).parent  # the generator, and the ruff it formats its code with
    run = subprocess.run(
        [
            str(tools / "openapi-python-client"),
            "generate",
            "--path",
            str(directory / "openapi.json"),
            "--output-path",
            str(directory / PACKAGE),
            "--meta",
            "none",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "PATH": f"{tools}{os.pathsep}{os.environ.get('PATH', '')}"},
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Warning" not in run.stdout + run.stderr, run.stdout + run.stderr
    sys.path.insert(0, str(directory))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(directory))
        for name in [m for m in sys.modules if m.split(".")[0] == PACKAGE]:
            del sys.modules[name]


class GeneratedClinic:
    """The generated client's operations and models, with one client per role of a clinic."""

    def __init__(self, package: ModuleType, flask_app: Flask, api_staff: ApiStaff) -> None:
        self.package = package
        self.models = importlib.import_module(f"{PACKAGE}.models")
        self.clients = {
            role: package.AuthenticatedClient(
                base_url="http://casework.test",
                token=token,
                httpx_args={"transport": httpx.WSGITransport(app=flask_app)},
            )
            for role, token in api_staff.tokens.items()
        }

    def operation(self, tag: str, name: str) -> Any:
        """Return the generated module for the operation `name` (its operationId)."""
        return importlib.import_module(f"{PACKAGE}.api.{tag}.{name}")

    def call(self, role: Role, tag: str, name: str, *args: Any, **kwargs: Any) -> Any:
        """Call an operation as the practitioner holding `role`; return its typed response."""
        return self.operation(tag, name).sync_detailed(*args, client=self.clients[role], **kwargs)

    def write(self, role: Role, tag: str, name: str, *args: Any, body: dict[str, Any]) -> Any:
        """Send a write whose body is built by the generated model, expecting it accepted."""
        model = getattr(self.models, "".join(part.title() for part in name.split("_")))
        response = self.call(role, tag, name, *args, body=model.from_dict(body))
        assert response.status_code in (HTTPStatus.OK, HTTPStatus.CREATED), response.content
        assert isinstance(response.parsed, self.models.Written), response.parsed
        return response.parsed

    def journey(self, role: Role, journey_id: UUID) -> Any:
        response = self.call(role, "journeys", "get_journey", journey_id)
        assert response.status_code == HTTPStatus.OK, response.content
        assert isinstance(response.parsed, self.models.Journey)
        return response


def test_the_walkthrough_through_a_generated_client(
    generated: ModuleType, flask_app: Flask, api_staff: ApiStaff
) -> None:
    clinic, staff = GeneratedClinic(generated, flask_app, api_staff), api_staff.staff
    models = clinic.models
    now = datetime.now(UTC).replace(microsecond=0)
    held = now - timedelta(days=3)
    prepared = (now - timedelta(days=10)).isoformat()
    held_times = {
        "planned_start": held.isoformat(),
        "planned_end": (held + timedelta(hours=8)).isoformat(),
    }

    intake = clinic.call(
        Role.INTAKE_COORDINATOR,
        "journeys",
        "record_intake",
        body=models.RecordIntake(
            client_pseudonym="CW-0001",
            referral_source="GP",
            primary_need="PTSD",
            existing_support="Partner",
            occurred_at=now - timedelta(days=30),
        ),
    )
    assert intake.status_code == HTTPStatus.CREATED
    journey_id = intake.parsed.id
    assert intake.headers["Location"] == f"/journeys/{journey_id}"

    refused = clinic.call(
        Role.FACILITATOR,
        "sessions",
        "schedule_session",
        journey_id,
        body=models.ScheduleSession.from_dict(held_times),
    )
    assert refused.status_code == HTTPStatus.CONFLICT
    assert isinstance(refused.parsed, models.JourneyRefusal)
    assert set(refused.parsed.details.blockers) == {
        models.RefusalDetailsBlockersItem.SCREENING_MISSING,
        models.RefusalDetailsBlockersItem.PREPARATION_MISSING,
        models.RefusalDetailsBlockersItem.TREATMENT_CONSENT_MISSING,
        models.RefusalDetailsBlockersItem.SAFETY_PLAN_MISSING,
        models.RefusalDetailsBlockersItem.NO_FACILITATOR_ON_CARE_TEAM,
    }

    care_roles = models.AssignCareTeamMemberRole
    for practitioner, role in (
        (staff.id(Role.FACILITATOR), care_roles.FACILITATOR),
        (
            staff.id(Role.INTEGRATION_THERAPIST),
            care_roles.INTEGRATION_THERAPIST,
        ),
    ):
        clinic.write(
            Role.CLINICAL_LEAD,
            "care_team",
            "assign_care_team_member",
            journey_id,
            body={"practitioner_id": str(practitioner), "role": role.value},
        )
    clinic.write(
        Role.CLINICAL_LEAD,
        "eligibility",
        "record_screening_decision",
        journey_id,
        body={
            "outcome": "eligible_with_conditions",
            "rationale": "Blood pressure borderline",
            "conditions": ["Blood pressure check on the day"],
            "valid_until": str(date.today() + timedelta(days=90)),
            "criteria": [{"category": "cardiovascular", "result": "met", "note": "BP 135/85"}],
            "co_signer_id": str(staff.id(Role.FACILITATOR)),
            "occurred_at": prepared,
        },
    )
    for consent in (
        {"kind": "treatment", "occurred_at": prepared},
        {"kind": "supportive_touch", "scope": ["hand", "shoulder"], "occurred_at": prepared},
    ):
        clinic.write(
            Role.INTAKE_COORDINATOR, "eligibility", "give_consent", journey_id, body=consent
        )
    clinic.write(
        Role.FACILITATOR,
        "eligibility",
        "record_preparation_session",
        journey_id,
        body={"duration_minutes": 90, "topics": ["intentions"], "occurred_at": prepared},
    )
    clinic.write(
        Role.FACILITATOR,
        "eligibility",
        "record_safety_plan",
        journey_id,
        body={
            "emergency_contact": "Partner (details on file)",
            "transport_plan": "Partner drives home",
            "occurred_at": prepared,
        },
    )
    ready = clinic.journey(Role.FACILITATOR, journey_id)
    assert ready.parsed.session_readiness.ready is True
    assert ready.parsed.session_readiness.blockers == []

    stale = clinic.call(
        Role.FACILITATOR,
        "sessions",
        "schedule_session",
        journey_id,
        body=models.ScheduleSession.from_dict(held_times),
        if_match='"1"',
    )
    assert stale.status_code == HTTPStatus.PRECONDITION_FAILED
    assert isinstance(stale.parsed, models.StaleVersion)
    assert stale.parsed.reason == models.StaleVersionReason.VERSION_MISMATCH
    assert stale.parsed.details.current_version == ready.parsed.version

    scheduled = clinic.write(
        Role.FACILITATOR,
        "sessions",
        "schedule_session",
        journey_id,
        body={
            **held_times,
            "facilitator_ids": [str(staff.id(Role.FACILITATOR))],
            "location": "Room 2",
            "occurred_at": prepared,
        },
    )
    clinic.write(
        Role.FACILITATOR,
        "sessions",
        "record_session_outcome",
        journey_id,
        scheduled.created_id,
        body={
            "started_at": held.isoformat(),
            "ended_at": (held + timedelta(hours=8)).isoformat(),
            "facilitator_ids": [str(staff.id(Role.FACILITATOR))],
            "doses": [
                {
                    "kind": "initial",
                    "amount_mg": 120,
                    "given_at": (held + timedelta(minutes=10)).isoformat(),
                },
                {"kind": "supplemental_withheld", "reason": "Client declined"},
            ],
            "supportive_touch_used": True,
            "touch_areas": ["hand"],
        },
    )
    state = clinic.journey(Role.INTEGRATION_THERAPIST, journey_id).parsed
    assert state.phase == "integration"
    assert state.sessions[0].doses[0].amount_mg == 120
    assert len(state.follow_ups) == 5
    clinic.write(
        Role.INTEGRATION_THERAPIST,
        "aftercare",
        "record_contact",
        journey_id,
        body={
            "kind": "integration_session",
            "follow_up_id": str(state.follow_ups[0].follow_up_id),
            "duration_minutes": 60,
            "occurred_at": (held + timedelta(days=1)).isoformat(),
        },
    )

    clinic.write(
        Role.CLINICAL_LEAD,
        "decisions",
        "pause_journey",
        journey_id,
        body={
            "reason": "Acute stress at home",
            "review_date": str(date.today() + timedelta(days=14)),
            "conditions_to_resume": ["Sleep restored"],
        },
    )
    paused = clinic.call(
        Role.FACILITATOR,
        "sessions",
        "schedule_session",
        journey_id,
        body=models.ScheduleSession.from_dict(
            {
                "planned_start": (now + timedelta(days=20)).isoformat(),
                "planned_end": (now + timedelta(days=20, hours=8)).isoformat(),
            }
        ),
    )
    assert paused.status_code == HTTPStatus.CONFLICT
    assert paused.parsed.reason == models.JourneyRefusalReason.JOURNEY_PAUSED
    assert models.RefusalDetailsBlockersItem.JOURNEY_PAUSED in paused.parsed.details.blockers
    clinic.write(
        Role.CLINICAL_LEAD,
        "decisions",
        "resume_journey",
        journey_id,
        body={"rationale": "Sleep restored"},
    )
    clinic.write(
        Role.INTEGRATION_THERAPIST,
        "decisions",
        "record_withdrawal",
        journey_id,
        body={"reason": "Moving abroad"},
    )
    closed = clinic.write(
        Role.CLINICAL_LEAD,
        "decisions",
        "close_journey",
        journey_id,
        body={"reason": "Client withdrew"},
    )

    final = clinic.journey(Role.AUDITOR, journey_id).parsed
    assert (final.status, final.phase, final.version) == ("closed", "closed", closed.version)
    assert [d.kind for d in final.decisions] == ["pause", "resumption", "withdrawal", "closure"]
    assert [f.status for f in final.follow_ups] == ["done_on_time"] + ["cancelled"] * 4
