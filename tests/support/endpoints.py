"""Every write endpoint, and reading a journey, as one row: a request it accepts, who may send it,
fields to spoil it with; the scene requests are made against, and a sender that checks refusals.

The refusal tests (tests/api/test_endpoint_errors.py, tests/api/test_endpoint_conflicts.py) run
over these rows; tests/api/conftest.py makes the `scene` and `http` fixtures from them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from casework.application import Casework
from casework.roles import Role

# -- the scene every request is made against -------------------------------------------------


@dataclass(frozen=True)
class Scene:
    """A ready journey with one held session, one follow-up done and one still open."""

    journey: UUID
    session: UUID
    done_follow_up: UUID
    open_follow_up: UUID
    admin: UUID
    auditor: UUID
    lead: UUID
    facilitator: UUID
    therapist: UUID


def at(days: float) -> str:
    """Return the moment `days` from now (negative: ago), ISO 8601 with its offset."""
    return (datetime.now(UTC) + timedelta(days=days)).replace(microsecond=0).isoformat()


def on(days: int) -> str:
    """Return the date `days` from today, ISO 8601."""
    return (datetime.now(UTC).date() + timedelta(days=days)).isoformat()


# -- the endpoints ----------------------------------------------------------------------------

Body = Callable[[Scene], dict[str, Any]]


@dataclass(frozen=True)
class Endpoint:
    """One endpoint: a request it accepts, who may send it, and fields to spoil it with."""

    method: str
    path: str
    role: Role
    forbidden: tuple[Role, ...]
    body: Body | None = None
    wrong_type: tuple[str, Any] | None = None
    required: str | None = None

    @property
    def on_journey(self) -> bool:
        return self.path.startswith(JOURNEY)


JOURNEY = "/journeys/{journey}"
SESSION = JOURNEY + "/sessions/{session}"
LEAD, FACILITATOR, AUDITOR = Role.CLINICAL_LEAD, Role.FACILITATOR, Role.AUDITOR
INTAKE, THERAPIST, ADMIN = Role.INTAKE_COORDINATOR, Role.INTEGRATION_THERAPIST, Role.ADMIN

ENDPOINTS: dict[str, Endpoint] = {
    "register-practitioner": Endpoint(
        "POST",
        "/practitioners",
        ADMIN,
        (AUDITOR, LEAD),
        lambda s: {"display_name": "New facilitator", "roles": ["facilitator"]},
        wrong_type=("roles", "facilitator"),
        required="display_name",
    ),
    "grant-role": Endpoint(
        "POST",
        "/practitioners/{auditor}/roles",
        ADMIN,
        (AUDITOR, LEAD),
        lambda s: {"role": "intake_coordinator", "reason": "Covers intake"},
        wrong_type=("role", 7),
        required="reason",
    ),
    "revoke-role": Endpoint(
        "DELETE",
        "/practitioners/{auditor}/roles/auditor",
        ADMIN,
        (AUDITOR, LEAD),
        lambda s: {"reason": "Audit finished"},
        wrong_type=("reason", 7),
        required="reason",
    ),
    "invite-practitioner": Endpoint(
        "POST",
        "/practitioners/{auditor}/invitations",
        ADMIN,
        (AUDITOR, LEAD),
        lambda s: {"user_name": "auditor.two"},
        wrong_type=("user_name", 7),
        required="user_name",
    ),
    "record-intake": Endpoint(
        "POST",
        "/journeys",
        INTAKE,
        (AUDITOR, FACILITATOR),
        lambda s: {"client_pseudonym": "CW-0002", "referral_source": "GP", "primary_need": "PTSD"},
        wrong_type=("client_pseudonym", 42),
        required="primary_need",
    ),
    "assign-care-team-member": Endpoint(
        "POST",
        JOURNEY + "/care-team",
        LEAD,
        (AUDITOR, FACILITATOR),
        lambda s: {"practitioner_id": str(s.lead), "role": "clinical_lead"},
        wrong_type=("practitioner_id", "not-a-uuid"),
        required="role",
    ),
    "unassign-care-team-member": Endpoint(
        "DELETE",
        JOURNEY + "/care-team/{therapist}",
        LEAD,
        (AUDITOR, THERAPIST),
        lambda s: {"reason": "Rotation"},
        wrong_type=("reason", 5),
    ),
    "record-screening-decision": Endpoint(
        "POST",
        JOURNEY + "/screening-decisions",
        LEAD,
        (AUDITOR, FACILITATOR),
        lambda s: {
            "outcome": "eligible",
            "criteria": [{"category": "cardiovascular", "result": "met"}],
            "valid_until": on(90),
        },
        wrong_type=("criteria", "all fine"),
        required="outcome",
    ),
    "give-consent": Endpoint(
        "POST",
        JOURNEY + "/consents",
        INTAKE,
        (AUDITOR, ADMIN),
        lambda s: {"kind": "recording"},
        wrong_type=("scope", "hand"),
        required="kind",
    ),
    "withdraw-consent": Endpoint(
        "POST",
        JOURNEY + "/consents/treatment/withdrawal",
        INTAKE,
        (AUDITOR, ADMIN),
        lambda s: {"reason": "Changed their mind"},
        wrong_type=("reason", ["no"]),
    ),
    "record-preparation-session": Endpoint(
        "POST",
        JOURNEY + "/preparation-sessions",
        FACILITATOR,
        (AUDITOR, INTAKE),
        lambda s: {"duration_minutes": 60},
        wrong_type=("duration_minutes", "an hour"),
        required="duration_minutes",
    ),
    "record-safety-plan": Endpoint(
        "PUT",
        JOURNEY + "/safety-plan",
        FACILITATOR,
        (AUDITOR, INTAKE),
        lambda s: {"emergency_contact": "Sister (on file)", "overnight_plan": "Stays at clinic"},
        wrong_type=("emergency_contact", {"name": "Sister"}),
        required="emergency_contact",
    ),
    "schedule-session": Endpoint(
        "POST",
        JOURNEY + "/sessions",
        FACILITATOR,
        (AUDITOR, THERAPIST),
        lambda s: {"planned_start": at(10), "planned_end": at(10.3)},
        wrong_type=("planned_start", "next thursday"),
        required="planned_end",
    ),
    "reschedule-session": Endpoint(
        "POST",
        SESSION + "/rescheduling",
        FACILITATOR,
        (AUDITOR, THERAPIST),
        lambda s: {"planned_start": at(12), "planned_end": at(12.3), "reason": "Room taken"},
        wrong_type=("planned_end", 1_700_000_000),
        required="reason",
    ),
    "cancel-session": Endpoint(
        "POST",
        SESSION + "/cancellation",
        FACILITATOR,
        (AUDITOR, THERAPIST),
        lambda s: {"reason": "Client unwell"},
        wrong_type=("reason", True),
        required="reason",
    ),
    "record-session-outcome": Endpoint(
        "POST",
        SESSION + "/outcome",
        FACILITATOR,
        (AUDITOR, INTAKE),
        lambda s: {
            "started_at": at(-1),
            "ended_at": at(-0.7),
            "facilitator_ids": [str(s.facilitator)],
            "doses": [{"kind": "initial", "amount_mg": "120", "given_at": at(-0.99)}],
        },
        wrong_type=("supportive_touch_used", "sometimes"),
        required="doses",
    ),
    "record-contact": Endpoint(
        "POST",
        JOURNEY + "/contacts",
        THERAPIST,
        (AUDITOR, INTAKE),
        lambda s: {"kind": "phone_check_in", "follow_up_id": str(s.open_follow_up)},
        wrong_type=("duration_minutes", "half an hour"),
        required="kind",
    ),
    "record-outreach": Endpoint(
        "POST",
        JOURNEY + "/follow-ups/{open_follow_up}/outreach",
        THERAPIST,
        (AUDITOR, ADMIN),
        lambda s: {"channel": "phone", "outcome": "no_answer"},
        wrong_type=("channel", 3),
        required="outcome",
    ),
    "reassign-follow-up": Endpoint(
        "POST",
        JOURNEY + "/follow-ups/{open_follow_up}/reassignment",
        LEAD,
        (AUDITOR, THERAPIST),
        lambda s: {"practitioner_id": str(s.therapist), "reason": "Cover while on leave"},
        wrong_type=("practitioner_id", 5),
        required="reason",
    ),
    "pause-journey": Endpoint(
        "POST",
        JOURNEY + "/pause",
        LEAD,
        (AUDITOR, INTAKE),
        lambda s: {"reason": "Grief", "review_date": on(14), "conditions_to_resume": ["Support"]},
        wrong_type=("review_date", "next month"),
        required="conditions_to_resume",
    ),
    "resume-journey": Endpoint(
        "POST",
        JOURNEY + "/resumption",
        LEAD,
        (AUDITOR, FACILITATOR),
        lambda s: {"rationale": "Support in place"},
        wrong_type=("rationale", 1),
        required="rationale",
    ),
    "stop-journey": Endpoint(
        "POST",
        JOURNEY + "/stop",
        LEAD,
        (AUDITOR, FACILITATOR),
        lambda s: {"rationale": "New cardiac finding"},
        wrong_type=("rationale", ["a", "list"]),
        required="rationale",
    ),
    "record-withdrawal": Endpoint(
        "POST",
        JOURNEY + "/withdrawal",
        INTAKE,
        (AUDITOR, ADMIN),
        lambda s: {"reason": "Moving abroad"},
        wrong_type=("reason", 12),
    ),
    "close-journey": Endpoint(
        "POST",
        JOURNEY + "/closure",
        LEAD,
        (AUDITOR, THERAPIST),
        lambda s: {"reason": "Care complete"},
        wrong_type=("reason", {}),
        required="reason",
    ),
    "read-journey": Endpoint("GET", JOURNEY, AUDITOR, (ADMIN,), wrong_type=("version", "latest")),
}


def endpoints(where: Callable[[Endpoint], bool] = lambda e: True) -> list[Any]:
    """Return the endpoints `where` holds for, as pytest params named after them."""
    return [pytest.param(e, id=name) for name, e in ENDPOINTS.items() if where(e)]


# -- sending a request, and checking a refusal wrote nothing ----------------------------------


@dataclass
class Http:
    """Send an endpoint's request; `refused` also checks the status and that nothing was written."""

    client: FlaskClient
    casework: Casework
    scene: Scene

    def send(
        self,
        endpoint: Endpoint,
        headers: dict[str, str],
        *,
        scene: Scene | None = None,
        path: str | None = None,
        body: dict[str, Any] | None = None,
    ) -> TestResponse:
        scene = scene or self.scene
        url = (path or endpoint.path).format(**asdict(scene))
        if body is None and endpoint.body is not None:
            body = endpoint.body(scene)
        if endpoint.method == "GET":
            return self.client.get(url, query_string=body, headers=headers)
        return self.client.open(url, method=endpoint.method, json=body, headers=headers)

    def refused(
        self, status: int, endpoint: Endpoint, headers: dict[str, str], **request: Any
    ) -> TestResponse:
        before = self.casework.recorder.max_notification_id()
        response = self.send(endpoint, headers, **request)
        assert response.status_code == status, response.get_data(as_text=True)
        assert response.json is not None
        assert response.json["code"] == status
        assert self.casework.recorder.max_notification_id() == before, "a refusal wrote events"
        return response
