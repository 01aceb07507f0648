"""Nobody changes their own roles; every role change has a reason; a lost role counts nowhere."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest

from casework.application import Casework
from casework.commands import GrantRole, RevokeRole
from casework.errors import InvalidInput, RuleViolation
from casework.journey.commands import (
    AssignCareTeamMember,
    RecordSessionOutcome,
    RescheduleSession,
    ScheduleSession,
    UnassignCareTeamMember,
)
from casework.journey.values import CareRole
from casework.practitioner import Practitioner
from casework.roles import OPERATOR, Role
from tests.support.journeys import initial_dose, ready_journey, schedule
from tests.support.staff import Staff


def revoke(app: Casework, staff: Staff, practitioner_id: UUID, role: Role) -> None:
    app.revoke_role(
        staff[Role.ADMIN],
        RevokeRole(practitioner_id=practitioner_id, role=role, reason="Left the session team"),
    )


def two_days_ago() -> datetime:
    return (datetime.now(UTC) - timedelta(days=2)).replace(microsecond=0)


@pytest.mark.parametrize("role", [Role.CLINICAL_LEAD, Role.AUDITOR])
def test_an_admin_cannot_grant_themselves_a_role(app: Casework, staff: Staff, role: Role) -> None:
    admin = staff[Role.ADMIN]
    before = app.recorder.max_notification_id()
    with pytest.raises(RuleViolation) as refused:
        app.grant_role(
            admin,
            GrantRole(
                practitioner_id=admin.practitioner_id, role=role, reason="I need to read notes"
            ),
        )
    assert refused.value.reason == "cannot_change_own_roles"
    with pytest.raises(RuleViolation) as refused:
        app.revoke_role(
            admin,
            RevokeRole(
                practitioner_id=admin.practitioner_id, role=Role.ADMIN, reason="Stepping down"
            ),
        )
    assert refused.value.reason == "cannot_change_own_roles"
    assert app.recorder.max_notification_id() == before
    assert app.repository.get(admin.practitioner_id).roles == {"admin"}


def test_a_role_change_needs_a_reason_kept_on_the_event_and_the_staff_record(
    app: Casework, staff: Staff
) -> None:
    admin, auditor = staff[Role.ADMIN], staff.id(Role.AUDITOR)
    with pytest.raises(InvalidInput) as refused:
        app.grant_role(
            admin, GrantRole(practitioner_id=auditor, role=Role.INTAKE_COORDINATOR, reason="   ")
        )
    assert set(refused.value.errors) == {"reason"}
    app.grant_role(
        admin,
        GrantRole(
            practitioner_id=auditor, role=Role.INTAKE_COORDINATOR, reason="Covers intake in May"
        ),
    )
    app.revoke_role(
        admin,
        RevokeRole(practitioner_id=auditor, role=Role.INTAKE_COORDINATOR, reason="Cover ended"),
    )
    granted, revoked = list(app.events.get(auditor))[-2:]
    assert isinstance(granted, Practitioner.RoleGranted)
    assert isinstance(revoked, Practitioner.RoleRevoked)
    assert (granted.reason, revoked.reason) == ("Covers intake in May", "Cover ended")
    record = app.get_practitioner(staff[Role.AUDITOR], auditor)  # an auditor reads it
    assert [(c["change"], c["role"], c["reason"], c["actor_id"]) for c in record.role_changes] == [
        ("granted", "intake_coordinator", "Covers intake in May", admin.practitioner_id),
        ("revoked", "intake_coordinator", "Cover ended", admin.practitioner_id),
    ]


def test_the_operator_may_change_any_admins_roles(app: Casework, staff: Staff) -> None:
    admin = staff.id(Role.ADMIN)
    app.grant_role(
        None,
        GrantRole(
            practitioner_id=admin, role=Role.AUDITOR, reason="Interim auditor, board decision 12"
        ),
    )
    event = list(app.events.get(admin))[-1]
    assert (event.actor_id, event.actor_role, event.reason) == (
        None,
        OPERATOR,
        "Interim auditor, board decision 12",
    )
    assert app.repository.get(admin).holds(Role.AUDITOR)


def test_a_session_cannot_be_scheduled_with_a_facilitator_who_lost_the_role(
    app: Casework, staff: Staff
) -> None:
    journey_id = ready_journey(app, staff)
    lead, facilitator = staff[Role.CLINICAL_LEAD], staff.id(Role.FACILITATOR)
    revoke(app, staff, facilitator, Role.FACILITATOR)
    start = datetime.now(UTC) + timedelta(days=7)
    before = app.repository.get(journey_id).version
    with pytest.raises(RuleViolation) as refused:
        app.schedule_session(
            lead,
            ScheduleSession(
                journey_id=journey_id,
                planned_start=start,
                planned_end=start + timedelta(hours=8),
                facilitator_ids=[facilitator],
            ),
        )
    assert refused.value.reason == "practitioner_lacks_role"
    assert refused.value.details == {
        "field": "facilitator_ids",
        "practitioner_id": str(facilitator),
        "role": "facilitator",
    }
    assert app.repository.get(journey_id).version == before
    # The second facilitator still holds the role: a session without names may be scheduled.
    app.schedule_session(
        lead,
        ScheduleSession(
            journey_id=journey_id, planned_start=start, planned_end=start + timedelta(hours=8)
        ),
    )


def test_no_session_is_scheduled_when_every_facilitator_on_the_care_team_lost_the_role(
    app: Casework, staff: Staff
) -> None:
    journey_id = ready_journey(app, staff)
    revoke(app, staff, staff.id(Role.FACILITATOR), Role.FACILITATOR)
    revoke(app, staff, staff.second_facilitator.practitioner_id, Role.FACILITATOR)
    start = datetime.now(UTC) + timedelta(days=7)
    with pytest.raises(RuleViolation) as refused:
        app.schedule_session(
            staff[Role.CLINICAL_LEAD],
            ScheduleSession(
                journey_id=journey_id, planned_start=start, planned_end=start + timedelta(hours=8)
            ),
        )
    assert refused.value.reason == "no_facilitator_on_care_team"
    assert refused.value.details["blockers"] == ["no_facilitator_on_care_team"]


def test_a_session_cannot_be_rescheduled_or_held_with_a_facilitator_who_lost_the_role(
    app: Casework, staff: Staff
) -> None:
    journey_id = ready_journey(app, staff)
    lead, facilitator = staff[Role.CLINICAL_LEAD], staff.id(Role.FACILITATOR)
    start = two_days_ago()
    session_id = app.schedule_session(
        lead,
        ScheduleSession(
            journey_id=journey_id,
            planned_start=start,
            planned_end=start + timedelta(hours=8),
            facilitator_ids=[facilitator],
            occurred_at=start - timedelta(hours=1),
        ),
    ).created_id
    assert session_id is not None
    revoke(app, staff, facilitator, Role.FACILITATOR)
    later = datetime.now(UTC) + timedelta(days=3)
    with pytest.raises(RuleViolation) as refused:
        app.reschedule_session(
            lead,
            RescheduleSession(
                journey_id=journey_id,
                session_id=session_id,
                planned_start=later,
                planned_end=later + timedelta(hours=8),
                reason="Room taken",
            ),
        )
    assert refused.value.reason == "practitioner_lacks_role"
    with pytest.raises(RuleViolation) as refused:
        app.record_session_outcome(
            lead,
            RecordSessionOutcome(
                journey_id=journey_id,
                session_id=session_id,
                started_at=start,
                ended_at=start + timedelta(hours=8),
                facilitator_ids=[facilitator],
                doses=[initial_dose(start + timedelta(minutes=10))],
            ),
        )
    assert refused.value.reason == "practitioner_lacks_role"
    assert refused.value.details["practitioner_id"] == str(facilitator)


def test_follow_ups_are_never_given_to_a_therapist_who_lost_the_role(
    app: Casework, staff: Staff
) -> None:
    journey_id = ready_journey(app, staff)
    start = two_days_ago()
    session_id = schedule(app, staff, journey_id, start)
    therapist = staff.id(Role.INTEGRATION_THERAPIST)
    revoke(app, staff, therapist, Role.INTEGRATION_THERAPIST)
    with pytest.raises(RuleViolation) as refused:
        app.record_session_outcome(
            staff[Role.FACILITATOR],
            RecordSessionOutcome(
                journey_id=journey_id,
                session_id=session_id,
                started_at=start,
                ended_at=start + timedelta(hours=8),
                facilitator_ids=[staff.id(Role.FACILITATOR)],
                doses=[initial_dose(start + timedelta(minutes=10))],
            ),
        )
    assert refused.value.reason == "practitioner_lacks_role"
    assert refused.value.details == {
        "field": "care_team",
        "practitioner_id": str(therapist),
        "role": "integration_therapist",
    }


def test_a_practitioner_who_lost_a_role_cannot_join_a_care_team_in_it(
    app: Casework, staff: Staff
) -> None:
    journey_id = ready_journey(app, staff, "CW-TEAM")
    lead = staff[Role.CLINICAL_LEAD]
    app.unassign_care_team_member(
        lead,
        UnassignCareTeamMember(
            journey_id=journey_id, practitioner_id=staff.id(Role.FACILITATOR), reason="Rotation"
        ),
    )
    revoke(app, staff, staff.id(Role.FACILITATOR), Role.FACILITATOR)
    with pytest.raises(RuleViolation) as refused:
        app.assign_care_team_member(
            lead,
            AssignCareTeamMember(
                journey_id=journey_id,
                practitioner_id=staff.id(Role.FACILITATOR),
                role=CareRole.FACILITATOR,
            ),
        )
    assert refused.value.reason == "practitioner_lacks_role"


def test_a_care_team_member_who_lost_the_role_shows_as_lacking_it_until_replaced(
    app: Casework, staff: Staff
) -> None:
    journey_id = ready_journey(app, staff)
    lead = staff[Role.CLINICAL_LEAD]
    first, second = staff.id(Role.FACILITATOR), staff.second_facilitator.practitioner_id
    state = app.get_journey(lead, journey_id)
    assert not any(member["lacks_role"] for member in state["care_team"])
    assert state["phase"] == "ready"
    before_revocation = datetime.now(UTC)
    revoke(app, staff, first, Role.FACILITATOR)
    revoke(app, staff, second, Role.FACILITATOR)

    state = app.get_journey(lead, journey_id)
    lacking = {(m["practitioner_id"], m["role"]) for m in state["care_team"] if m["lacks_role"]}
    assert lacking == {(first, "facilitator"), (second, "facilitator")}
    assert state["session_readiness"] == {
        "ready": False,
        "blockers": ["no_facilitator_on_care_team"],
    }
    assert state["phase"] == "preparation"
    then = app.get_journey(lead, journey_id, as_of=before_revocation)
    assert not any(member["lacks_role"] for member in then["care_team"])
    exported = app.export_journey(staff[Role.AUDITOR], journey_id)["journey"]
    assert sum(member["lacks_role"] for member in exported["care_team"]) == 2

    app.grant_role(
        staff[Role.ADMIN],
        GrantRole(
            practitioner_id=staff.id(Role.CLINICAL_LEAD), role=Role.FACILITATOR, reason="Trained"
        ),
    )
    for gone in (first, second):
        app.unassign_care_team_member(
            lead,
            UnassignCareTeamMember(
                journey_id=journey_id, practitioner_id=gone, reason="Lost the facilitator role"
            ),
        )
    app.assign_care_team_member(
        lead,
        AssignCareTeamMember(
            journey_id=journey_id,
            practitioner_id=staff.id(Role.CLINICAL_LEAD),
            role=CareRole.FACILITATOR,
        ),
    )
    state = app.get_journey(lead, journey_id)
    assert [m["lacks_role"] for m in state["care_team"]] == [False, False]
    assert state["session_readiness"]["ready"] is True
