"""Bad input, tried by hand: a clear 4xx JSON answer naming the problem, and nothing stored."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http import HTTPStatus
from typing import Any
from uuid import UUID

import pytest
from flask.testing import FlaskClient

from casework.application import Casework
from casework.journey.commands import WithdrawConsent
from casework.journey.values import ConsentKind
from casework.refusals import Refusal
from casework.roles import Role
from tests.api.conftest import ApiStaff
from tests.support.journeys import ready_journey, schedule

NOW = datetime.now(UTC).replace(microsecond=0)
SESSION_START = NOW - timedelta(days=1)


def iso(moment: datetime) -> str:
    """Return `moment` as ISO 8601 (with its offset, if it has one)."""
    return moment.isoformat()


def days_from_today(days: int) -> str:
    """Return the date `days` from today (negative: ago), ISO 8601."""
    return (datetime.now(UTC).date() + timedelta(days=days)).isoformat()


def dose(kind: str = "initial", given_at: datetime | None = None, **extra: Any) -> dict[str, Any]:
    """Return a dose of 120 mg given ten minutes into the session (or at `given_at`)."""
    given = given_at or SESSION_START + timedelta(minutes=10)
    return {"kind": kind, "amount_mg": "120", "given_at": iso(given), **extra}


@dataclass
class Clinic:
    """A ready journey, and requests to it that must be refused without writing anything."""

    client: FlaskClient
    casework: Casework
    api_staff: ApiStaff
    journey: UUID

    def refuses(
        self,
        status: int,
        method: str,
        path: str,
        role: Role = Role.CLINICAL_LEAD,
        headers: dict[str, str] | None = None,
        **request: Any,
    ) -> dict[str, Any]:
        """Send a request to the journey's `path`; check the refusal and that nothing was stored."""
        before = self.casework.recorder.max_notification_id()
        response = self.client.open(
            f"/journeys/{self.journey}{path}",
            method=method,
            headers=self.api_staff.headers(role, **(headers or {})),
            **request,
        )
        assert response.status_code == status, response.get_data(as_text=True)
        assert self.casework.recorder.max_notification_id() == before, "a refusal stored events"
        answer: dict[str, Any] = response.json or {}
        assert answer["code"] == answer["status"] == status
        assert response.mimetype == "application/problem+json"
        if "reason" in answer and status == HTTPStatus.CONFLICT:  # a refusal is its own type
            assert answer["type"].endswith(":" + answer["reason"])
            assert answer["title"] == Refusal(answer["reason"]).in_words
        else:
            assert (answer["type"], answer["title"]) == ("about:blank", HTTPStatus(status).phrase)
        assert answer["detail"]
        return answer

    def field_errors(self, path: str, body: Any, role: Role = Role.CLINICAL_LEAD) -> Any:
        """POST `body`; check it is refused with 422 and return the field errors."""
        return self.refuses(422, "POST", path, role, json=body)["errors"]["json"]

    def outcome_conflict(self, session: UUID, **changes: Any) -> dict[str, Any]:
        """POST a session outcome with `changes`; check it is refused with 409."""
        body = self.outcome(**changes)
        return self.refuses(
            409, "POST", f"/sessions/{session}/outcome", Role.FACILITATOR, json=body
        )

    def outcome_errors(self, session: UUID, **changes: Any) -> Any:
        """POST a session outcome with `changes`; check it is refused with 422."""
        return self.field_errors(f"/sessions/{session}/outcome", self.outcome(**changes))

    def outcome(self, **changes: Any) -> dict[str, Any]:
        """Return an eight-hour session outcome with one initial dose, with `changes`."""
        facilitator = str(self.api_staff.staff.id(Role.FACILITATOR))
        return {
            "started_at": iso(SESSION_START),
            "ended_at": iso(SESSION_START + timedelta(hours=8)),
            "facilitator_ids": [facilitator],
            "doses": [dose()],
            **changes,
        }


@pytest.fixture
def clinic(client: FlaskClient, casework_app: Casework, api_staff: ApiStaff) -> Clinic:
    return Clinic(client, casework_app, api_staff, ready_journey(casework_app, api_staff.staff))


@pytest.fixture
def session(casework_app: Casework, api_staff: ApiStaff, clinic: Clinic) -> UUID:
    """Return a session scheduled to start a day ago, not yet recorded as held."""
    return schedule(casework_app, api_staff.staff, clinic.journey, SESSION_START)


# -- wrong types and missing fields -----------------------------------------------------------


def test_a_duration_given_in_words_is_refused(clinic: Clinic) -> None:
    errors = clinic.field_errors("/preparation-sessions", {"duration_minutes": "ninety"})
    assert errors == {"duration_minutes": ["Not a valid integer."]}


def test_a_dose_amount_given_in_words_is_refused(clinic: Clinic, session: UUID) -> None:
    errors = clinic.outcome_errors(session, doses=[dose(amount_mg="lots")])
    assert errors == {"doses": {"0": {"amount_mg": ["Not a valid number."]}}}


def test_a_body_that_is_not_an_object_is_refused(clinic: Clinic) -> None:
    assert "_schema" in clinic.field_errors("/stop", ["New cardiac finding"])


def test_a_pause_without_a_review_date_is_refused(clinic: Clinic) -> None:
    body = {"reason": "Grief", "conditions_to_resume": ["Support in place"]}
    errors = clinic.field_errors("/pause", body)
    assert errors == {"review_date": ["Missing data for required field."]}


def test_an_eligible_decision_without_valid_until_is_refused(clinic: Clinic) -> None:
    body = {"outcome": "eligible", "criteria": [{"category": "cardiovascular", "result": "met"}]}
    assert set(clinic.field_errors("/screening-decisions", body)) == {"valid_until"}


def test_a_deferral_without_a_rationale_is_refused(clinic: Clinic) -> None:
    body = {"outcome": "deferred", "criteria": [{"category": "psychiatric", "result": "unknown"}]}
    assert set(clinic.field_errors("/screening-decisions", body)) == {"rationale"}


# -- unknown enum values and unknown fields ---------------------------------------------------


def test_an_unknown_screening_outcome_is_refused(clinic: Clinic) -> None:
    body = {"outcome": "maybe", "criteria": [{"category": "cardiovascular", "result": "met"}]}
    assert set(clinic.field_errors("/screening-decisions", body)) == {"outcome"}


def test_an_unknown_consent_kind_in_the_withdrawal_path_is_refused(clinic: Clinic) -> None:
    answer = clinic.refuses(422, "POST", "/consents/telepathy/withdrawal", json={})
    assert set(answer["errors"]["path"]) == {"kind"}


def test_an_unknown_dose_kind_is_refused(clinic: Clinic, session: UUID) -> None:
    errors = clinic.outcome_errors(session, doses=[dose(kind="microdose")])
    assert set(errors["doses"]["0"]) == {"kind"}


def test_an_unknown_role_in_the_revocation_path_is_refused(
    client: FlaskClient, casework_app: Casework, api_staff: ApiStaff
) -> None:
    before = casework_app.recorder.max_notification_id()
    auditor = api_staff.staff.id(Role.AUDITOR)
    response = client.delete(
        f"/practitioners/{auditor}/roles/wizard",
        json={"reason": "Audit finished"},
        headers=api_staff.headers(Role.ADMIN),
    )
    assert response.status_code == 422
    assert response.json is not None
    assert set(response.json["errors"]["path"]) == {"role"}
    assert casework_app.recorder.max_notification_id() == before


def test_an_unsupported_query_parameter_is_refused_not_ignored(
    client: FlaskClient, casework_app: Casework, api_staff: ApiStaff
) -> None:
    journey_id = ready_journey(casework_app, api_staff.staff)
    response = client.get(
        f"/journeys/{journey_id}?since=2000-01-01", headers=api_staff.headers(Role.AUDITOR)
    )
    assert response.status_code == 422
    assert response.json is not None
    assert set(response.json["errors"]["query"]) == {"since"}


def test_an_unknown_field_is_refused_not_ignored(clinic: Clinic) -> None:
    errors = clinic.field_errors("/stop", {"rationale": "New cardiac finding", "mood": "calm"})
    assert errors == {"mood": ["Unknown field."]}


def test_an_unknown_field_inside_a_criterion_is_refused(clinic: Clinic) -> None:
    criterion = {"category": "cardiovascular", "result": "met", "score": 7}
    body = {"outcome": "eligible", "criteria": [criterion], "valid_until": days_from_today(90)}
    errors = clinic.field_errors("/screening-decisions", body)
    assert errors == {"criteria": {"0": {"score": ["Unknown field."]}}}


# -- dates and times --------------------------------------------------------------------------


def test_a_session_planned_to_end_before_it_starts_is_refused(clinic: Clinic) -> None:
    start = NOW + timedelta(days=7)
    body = {"planned_start": iso(start), "planned_end": iso(start - timedelta(hours=1))}
    errors = clinic.field_errors("/sessions", body, Role.FACILITATOR)
    assert errors == {"planned_end": ["Must be after planned_start."]}


def test_a_session_ending_before_it_starts_is_refused(clinic: Clinic, session: UUID) -> None:
    errors = clinic.outcome_errors(session, ended_at=iso(SESSION_START - timedelta(hours=1)))
    assert errors == {"ended_at": ["Must be after started_at."]}


def test_a_pause_reviewed_before_today_is_refused(clinic: Clinic) -> None:
    body = {
        "reason": "Grief",
        "review_date": days_from_today(-2),
        "conditions_to_resume": ["Support in place"],
    }
    assert set(clinic.field_errors("/pause", body)) == {"review_date"}


def test_a_planned_start_without_an_offset_is_refused(clinic: Clinic) -> None:
    start = (NOW + timedelta(days=7)).replace(tzinfo=None)
    body = {"planned_start": iso(start), "planned_end": iso(NOW + timedelta(days=7, hours=8))}
    errors = clinic.field_errors("/sessions", body, Role.FACILITATOR)
    assert errors == {"planned_start": ["Not a valid aware datetime."]}


def test_an_occurred_at_without_an_offset_is_refused(clinic: Clinic) -> None:
    body = {"rationale": "New cardiac finding", "occurred_at": iso(NOW.replace(tzinfo=None))}
    errors = clinic.field_errors("/stop", body)
    assert errors == {"occurred_at": ["Not a valid aware datetime."]}


def test_an_occurred_at_in_the_future_is_refused(clinic: Clinic) -> None:
    body = {"rationale": "New cardiac finding", "occurred_at": iso(NOW + timedelta(hours=2))}
    refused = clinic.refuses(409, "POST", "/stop", json=body)
    assert (refused["reason"], refused["details"]) == (
        "occurred_in_future",
        {"field": "occurred_at"},
    )


def test_a_session_cannot_be_recorded_as_started_in_the_future(
    clinic: Clinic, session: UUID
) -> None:
    start = NOW + timedelta(hours=2)
    refused = clinic.outcome_conflict(
        session, started_at=iso(start), ended_at=iso(start + timedelta(hours=8))
    )
    assert (refused["reason"], refused["details"]) == (
        "occurred_in_future",
        {"field": "started_at"},
    )


# -- doses and supportive touch ---------------------------------------------------------------


def test_a_dose_given_outside_the_session_is_refused(clinic: Clinic, session: UUID) -> None:
    before_start = SESSION_START - timedelta(hours=1)
    errors = clinic.outcome_errors(session, doses=[dose(given_at=before_start)])
    assert set(errors) == {"doses.0.given_at"}


def test_a_held_session_without_an_initial_dose_is_refused(clinic: Clinic, session: UUID) -> None:
    supplemental = dose("supplemental", SESSION_START + timedelta(hours=2))
    errors = clinic.outcome_errors(session, doses=[supplemental])
    assert errors == {"doses": ["A held session records exactly one initial dose."]}


def test_a_withheld_supplemental_dose_needs_a_reason(clinic: Clinic, session: UUID) -> None:
    withheld = {"kind": "supplemental_withheld"}
    assert set(clinic.outcome_errors(session, doses=[dose(), withheld])) == {"doses.1.reason"}


def test_supportive_touch_without_touch_consent_is_refused(
    clinic: Clinic, casework_app: Casework, api_staff: ApiStaff, session: UUID
) -> None:
    intake = api_staff.staff[Role.INTAKE_COORDINATOR]
    casework_app.withdraw_consent(
        intake, WithdrawConsent(journey_id=clinic.journey, kind=ConsentKind.SUPPORTIVE_TOUCH)
    )
    answer = clinic.outcome_conflict(session, supportive_touch_used=True, touch_areas=["hand"])
    assert answer["reason"] == "touch_consent_missing"


def test_supportive_touch_outside_the_agreed_scope_is_refused(
    clinic: Clinic, session: UUID
) -> None:
    answer = clinic.outcome_conflict(session, supportive_touch_used=True, touch_areas=["face"])
    assert answer["reason"] == "touch_outside_agreed_scope"
    assert answer["details"] == {"touch_areas_outside_scope": [0]}


# -- the request itself -----------------------------------------------------------------------


def test_a_body_larger_than_the_limit_is_refused(clinic: Clinic) -> None:
    answer = clinic.refuses(413, "POST", "/stop", json={"rationale": "x" * 1_000_000})
    assert "KiB" in answer["detail"]


def test_a_body_that_is_not_valid_json_is_refused(clinic: Clinic) -> None:
    clinic.refuses(400, "POST", "/stop", data='{"rationale": ', content_type="application/json")


def test_a_body_that_is_not_declared_as_json_is_refused(clinic: Clinic) -> None:
    body = "rationale=New+cardiac+finding"
    content_type = "application/x-www-form-urlencoded"
    clinic.refuses(415, "POST", "/stop", data=body, content_type=content_type)


def test_a_path_id_that_is_not_a_uuid_is_not_found(
    client: FlaskClient, casework_app: Casework, api_staff: ApiStaff
) -> None:
    before = casework_app.recorder.max_notification_id()
    response = client.post(
        "/journeys/not-a-uuid/stop",
        json={"rationale": "New cardiac finding"},
        headers=api_staff.headers(Role.CLINICAL_LEAD),
    )
    assert response.status_code == 404
    assert response.json is not None
    assert response.json["code"] == 404
    assert response.json["detail"]
    assert casework_app.recorder.max_notification_id() == before


def test_an_if_match_that_is_not_a_version_is_refused(clinic: Clinic) -> None:
    body = {"rationale": "New cardiac finding"}
    answer = clinic.refuses(422, "POST", "/stop", headers={"If-Match": "abc"}, json=body)
    assert set(answer["errors"]["headers"]) == {"If-Match"}


# -- refusals the API does not make yet (product bugs; see the report) ------------------------


def test_a_blank_stop_rationale_is_refused(clinic: Clinic) -> None:
    assert set(clinic.field_errors("/stop", {"rationale": "   "})) == {"rationale"}


def test_a_fractional_duration_is_refused_not_truncated(clinic: Clinic) -> None:
    errors = clinic.field_errors("/preparation-sessions", {"duration_minutes": 90.5})
    assert set(errors) == {"duration_minutes"}


def test_a_dose_amount_finer_than_a_hundredth_of_a_mg_is_refused_not_rounded(
    clinic: Clinic, session: UUID
) -> None:
    errors = clinic.outcome_errors(session, doses=[dose(amount_mg="120.555")])
    assert set(errors["doses"]["0"]) == {"amount_mg"}


def test_a_care_team_removal_with_a_form_body_is_refused(
    clinic: Clinic, api_staff: ApiStaff
) -> None:
    therapist = api_staff.staff.id(Role.INTEGRATION_THERAPIST)
    body, content_type = "reason=Rotation", "application/x-www-form-urlencoded"
    clinic.refuses(415, "DELETE", f"/care-team/{therapist}", data=body, content_type=content_type)
