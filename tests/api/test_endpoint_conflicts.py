"""Every write endpoint refuses what the journey's state rules out: 409 with its reason for a broken
rule or a closed journey, 412 for a stale version; and writes nothing.

Each endpoint is one row of ENDPOINTS (tests/support/endpoints.py); each test runs over the rows it
applies to.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest

from casework.application import Casework
from casework.journey.commands import CloseJourney, PauseJourney, RecordWithdrawal, StopJourney
from tests.api.conftest import ApiStaff
from tests.support.endpoints import (
    ENDPOINTS,
    INTAKE,
    JOURNEY,
    LEAD,
    Body,
    Endpoint,
    Http,
    Scene,
    endpoints,
)
from tests.support.staff import Staff

JOURNEY_WRITES = endpoints(lambda e: e.on_journey and e.method != "GET")


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
