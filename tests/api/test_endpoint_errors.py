"""Every write endpoint, and reading a journey, refuses what it must, and then writes nothing.

Each endpoint is one row of ENDPOINTS; each test runs over the rows it applies to.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from casework.application import Casework
from casework.commands import RegisterClinic
from casework.journey.commands import (
    CloseJourney,
    PauseJourney,
    RecordContact,
    RecordWithdrawal,
    StopJourney,
)
from casework.journey.values import ContactKind
from casework.roles import Role
from tests.api.conftest import ApiStaff, bearer
from tests.support.journeys import hold_session, ready_journey
from tests.support.staff import Staff

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


JOURNEY_WRITES = endpoints(lambda e: e.on_journey and e.method != "GET")

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


@pytest.fixture
def scene(casework_app: Casework, api_staff: ApiStaff) -> Scene:
    staff = api_staff.staff
    therapist = staff[THERAPIST]
    journey = ready_journey(casework_app, staff)
    session = hold_session(casework_app, staff, journey, datetime.now(UTC) - timedelta(days=3))
    done, still_open, *_ = casework_app.get_journey(therapist, journey)["follow_ups"]
    kind = ContactKind.INTEGRATION_SESSION
    casework_app.record_contact(
        therapist, RecordContact(journey_id=journey, kind=kind, follow_up_id=done["follow_up_id"])
    )
    return Scene(
        journey,
        session,
        done["follow_up_id"],
        still_open["follow_up_id"],
        *(staff.id(role) for role in (ADMIN, AUDITOR, LEAD, FACILITATOR, THERAPIST)),
    )


@pytest.fixture
def http(client: FlaskClient, casework_app: Casework, scene: Scene) -> Http:
    return Http(client, casework_app, scene)


@pytest.fixture
def other_admin_token(casework_app: Casework) -> str:
    """Return a token of the admin of another clinic."""
    _, admin_id = casework_app.register_clinic(
        RegisterClinic(
            name="Other Clinic", time_zone="Europe/London", admin_display_name="Other admin"
        )
    )
    return casework_app.issue_token(admin_id, "test")[0]


# -- 401: who are you? ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [pytest.param({}, id="no-header"), pytest.param(bearer("cw_not-a-token"), id="unknown-token")],
)
@pytest.mark.parametrize("endpoint", endpoints())
def test_a_request_without_a_known_token_is_unauthorised(
    http: Http, endpoint: Endpoint, headers: dict[str, str]
) -> None:
    response = http.refused(401, endpoint, headers)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.json is not None
    assert response.json["detail"]


# -- 403: a role that may not -----------------------------------------------------------------

FORBIDDEN = [
    pytest.param(endpoint, role, id=f"{name}-as-{role}")
    for name, endpoint in ENDPOINTS.items()
    for role in endpoint.forbidden
]


@pytest.mark.parametrize(("endpoint", "role"), FORBIDDEN)
def test_a_role_that_may_not_do_it_is_forbidden(
    http: Http, api_staff: ApiStaff, endpoint: Endpoint, role: Role
) -> None:
    response = http.refused(403, endpoint, api_staff.headers(role))
    assert response.json is not None
    assert response.json["title"] == "Forbidden"
    assert response.json["detail"]


# -- 404: another clinic's record -------------------------------------------------------------


@pytest.mark.parametrize("endpoint", endpoints(lambda e: "{" in e.path))
def test_another_clinics_record_is_not_found_and_nothing_about_it_shows(
    http: Http,
    scene: Scene,
    api_staff: ApiStaff,
    other_admin_token: str,
    endpoint: Endpoint,
) -> None:
    token = api_staff.outsider_token if endpoint.on_journey else other_admin_token
    answer = http.refused(404, endpoint, bearer(token))
    nowhere = replace(scene, journey=uuid4(), auditor=uuid4())
    unknown = http.refused(404, endpoint, bearer(token), scene=nowhere)
    assert answer.json == unknown.json, "answers differently for a record that exists"
    assert answer.json is not None
    assert set(answer.json) == {"type", "title", "status", "detail", "code"}
    for record in (scene.journey, scene.auditor):
        assert str(record) not in answer.get_data(as_text=True)


# -- 422: a body that does not fit the schema -------------------------------------------------


@pytest.mark.parametrize("endpoint", endpoints(lambda e: e.wrong_type is not None))
def test_a_field_of_the_wrong_type_is_refused_and_named(
    http: Http, api_staff: ApiStaff, endpoint: Endpoint
) -> None:
    assert endpoint.wrong_type is not None
    field, value = endpoint.wrong_type
    body = {**(endpoint.body(http.scene) if endpoint.body else {}), field: value}
    response = http.refused(422, endpoint, api_staff.headers(endpoint.role), body=body)
    location = "query" if endpoint.method == "GET" else "json"
    assert response.json is not None
    assert field in response.json["errors"][location]


@pytest.mark.parametrize("endpoint", endpoints(lambda e: e.required is not None))
def test_a_missing_required_field_is_refused_and_named(
    http: Http, api_staff: ApiStaff, endpoint: Endpoint
) -> None:
    assert endpoint.body is not None
    body = {k: v for k, v in endpoint.body(http.scene).items() if k != endpoint.required}
    response = http.refused(422, endpoint, api_staff.headers(endpoint.role), body=body)
    assert response.json is not None
    assert response.json["errors"]["json"] == {
        endpoint.required: ["Missing data for required field."]
    }


# -- 409: a rule of the journey, a closed journey; 412: a stale version ----------------------

Prepare = Callable[[Casework, Staff, UUID], object]


def as_it_is(app: Casework, staff: Staff, journey: UUID) -> None:
    """Leave the scene as the fixture made it."""


def paused(app: Casework, staff: Staff, journey: UUID) -> object:
    review = datetime.now(UTC).date() + timedelta(days=14)
    return app.pause_journey(
        staff[LEAD],
        PauseJourney(
            journey_id=journey,
            reason="Grief",
            review_date=review,
            conditions_to_resume=["Support in place"],
        ),
    )


def stopped(app: Casework, staff: Staff, journey: UUID) -> object:
    return app.stop_journey(
        staff[LEAD], StopJourney(journey_id=journey, rationale="New cardiac finding")
    )


def withdrawn(app: Casework, staff: Staff, journey: UUID) -> object:
    return app.record_withdrawal(
        staff[INTAKE], RecordWithdrawal(journey_id=journey, reason="Moving abroad")
    )


def closed(app: Casework, staff: Staff, journey: UUID) -> object:
    return app.close_journey(staff[LEAD], CloseJourney(journey_id=journey, reason="Care complete"))


@dataclass(frozen=True)
class Rule:
    """A request to `endpoint` that breaks a rule, once `prepare` has set the journey up."""

    endpoint: str
    reason: str
    prepare: Prepare = as_it_is
    path: str | None = None
    body: Body | None = None


RULES = [
    Rule("grant-role", "role_already_held", body=lambda s: {"role": "auditor", "reason": "x"}),
    Rule("revoke-role", "cannot_change_own_roles", path="/practitioners/{admin}/roles/admin"),
    Rule(
        "grant-role",
        "cannot_change_own_roles",
        path="/practitioners/{admin}/roles",
        body=lambda s: {"role": "clinical_lead", "reason": "Covering"},
    ),
    Rule(
        "assign-care-team-member",
        "already_on_care_team",
        body=lambda s: {"practitioner_id": str(s.facilitator), "role": "facilitator"},
    ),
    Rule("record-screening-decision", "journey_stopped", stopped),
    Rule("give-consent", "consent_already_active", body=lambda s: {"kind": "treatment"}),
    Rule("withdraw-consent", "consent_not_active", path=JOURNEY + "/consents/recording/withdrawal"),
    Rule("schedule-session", "journey_paused", paused),
    Rule("schedule-session", "client_withdrew", withdrawn),
    Rule("reschedule-session", "session_held"),
    Rule("cancel-session", "session_held"),
    Rule("record-session-outcome", "session_held"),
    Rule(
        "record-contact",
        "follow_up_already_done",
        body=lambda s: {"kind": "phone_check_in", "follow_up_id": str(s.done_follow_up)},
    ),
    Rule(
        "record-outreach",
        "follow_up_already_done",
        path=JOURNEY + "/follow-ups/{done_follow_up}/outreach",
    ),
    Rule("pause-journey", "journey_paused", paused),
    Rule("resume-journey", "journey_not_paused"),
    Rule("stop-journey", "journey_stopped", stopped),
    Rule("record-withdrawal", "client_withdrew", withdrawn),
    Rule("close-journey", "journey_closed", closed),
]


@pytest.mark.parametrize("rule", [pytest.param(r, id=f"{r.endpoint}-{r.reason}") for r in RULES])
def test_a_rule_violation_is_a_conflict_with_its_reason(
    http: Http, casework_app: Casework, api_staff: ApiStaff, scene: Scene, rule: Rule
) -> None:
    rule.prepare(casework_app, api_staff.staff, scene.journey)
    endpoint = ENDPOINTS[rule.endpoint]
    body = rule.body(scene) if rule.body else None
    headers = api_staff.headers(endpoint.role)
    response = http.refused(409, endpoint, headers, path=rule.path, body=body)
    assert response.json is not None
    assert response.json["reason"] == rule.reason
    assert response.json["detail"]


@pytest.mark.parametrize("endpoint", JOURNEY_WRITES)
def test_any_write_on_a_closed_journey_is_refused(
    http: Http, casework_app: Casework, api_staff: ApiStaff, scene: Scene, endpoint: Endpoint
) -> None:
    closed(casework_app, api_staff.staff, scene.journey)
    response = http.refused(409, endpoint, api_staff.headers(endpoint.role))
    assert response.json is not None
    assert response.json["reason"] == "journey_closed"


@pytest.mark.parametrize("endpoint", JOURNEY_WRITES)
def test_a_write_based_on_a_stale_version_is_refused_412_naming_the_current_version(
    http: Http, api_staff: ApiStaff, endpoint: Endpoint
) -> None:
    headers = api_staff.headers(endpoint.role, **{"If-Match": '"1"'})
    response = http.refused(412, endpoint, headers)
    assert response.json is not None
    assert response.json["reason"] == "version_mismatch"
    current = response.json["details"]["current_version"]
    assert current > 1
