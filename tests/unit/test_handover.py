"""Handover: when the care team changes, open follow-ups go to whoever now holds their role."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest

from casework.application import Casework
from casework.commands import DeactivatePractitioner, RegisterPractitioner
from casework.errors import InvalidInput, RuleViolation
from casework.journey import Journey
from casework.journey.commands import (
    AssignCareTeamMember,
    ReassignFollowUp,
    RecordContact,
    UnassignCareTeamMember,
)
from casework.journey.values import CareRole, ContactKind, FollowUp
from casework.roles import Role
from tests.support.journeys import hold_session, ready_journey
from tests.support.staff import Staff

THERAPIST = CareRole.INTEGRATION_THERAPIST


def held_journey(app: Casework, staff: Staff) -> UUID:
    """A journey whose session was held three days ago, its first follow-up done."""
    journey_id = ready_journey(app, staff)
    hold_session(app, staff, journey_id, datetime.now(UTC) - timedelta(days=3))
    first = min(owed(app, journey_id), key=lambda f: f.due_on)
    app.record_contact(
        staff[Role.INTEGRATION_THERAPIST],
        RecordContact(
            journey_id=journey_id, kind=ContactKind.PHONE_CHECK_IN, follow_up_id=first.follow_up_id
        ),
    )
    return journey_id


def owed(app: Casework, journey_id: UUID) -> list[FollowUp]:
    journey: Journey = app.repository.get(journey_id)
    return [f for f in journey.follow_ups.values() if f.owner_role == THERAPIST.value]


def new_therapist(app: Casework, staff: Staff, name: str = "Ben") -> UUID:
    registered = app.register_practitioner(
        staff[Role.ADMIN],
        RegisterPractitioner(display_name=name, roles=[Role.INTEGRATION_THERAPIST]),
    )
    return registered.id


def assign(app: Casework, staff: Staff, journey_id: UUID, practitioner_id: UUID) -> None:
    app.assign_care_team_member(
        staff[Role.CLINICAL_LEAD],
        AssignCareTeamMember(
            journey_id=journey_id, practitioner_id=practitioner_id, role=THERAPIST
        ),
    )


def unassign(app: Casework, staff: Staff, journey_id: UUID, practitioner_id: UUID) -> None:
    app.unassign_care_team_member(
        staff[Role.CLINICAL_LEAD],
        UnassignCareTeamMember(journey_id=journey_id, practitioner_id=practitioner_id),
    )


@pytest.mark.parametrize("newcomer_first", [False, True])
def test_replacing_the_integration_therapist_hands_over_the_open_follow_ups(
    app: Casework, staff: Staff, newcomer_first: bool
) -> None:
    journey_id = held_journey(app, staff)
    leaving, coming = staff.id(Role.INTEGRATION_THERAPIST), new_therapist(app, staff)
    if newcomer_first:
        assign(app, staff, journey_id, coming)
        assert all(f.owner_id == leaving for f in owed(app, journey_id))  # both on the team
        unassign(app, staff, journey_id, leaving)
    else:
        unassign(app, staff, journey_id, leaving)
        assert all(f.owner_id == leaving for f in owed(app, journey_id))  # nobody to take them
        assign(app, staff, journey_id, coming)
    done = [f for f in owed(app, journey_id) if f.done_on is not None]
    still_open = [f for f in owed(app, journey_id) if f.done_on is None]
    assert len(done) == 1
    assert done[0].owner_id == leaving  # what they did stays theirs
    assert still_open
    assert all(f.owner_id == coming for f in still_open)
    (handover,) = [
        e for e in app.events.get(journey_id) if isinstance(e, Journey.FollowUpsReassigned)
    ]
    assert (handover.from_id, handover.to_id) == (leaving, coming)
    assert set(handover.follow_up_ids) == {f.follow_up_id for f in still_open}
    assert (
        handover.summary()
        == f"{len(still_open)} open follow-ups handed over (integration therapist)"
    )


def test_a_lead_reassigns_one_follow_up_to_someone_who_holds_its_role(
    app: Casework, staff: Staff
) -> None:
    journey_id = held_journey(app, staff)
    covering = new_therapist(app, staff, "Cover")
    target = next(f for f in owed(app, journey_id) if f.done_on is None)
    lead = staff[Role.CLINICAL_LEAD]

    def reassign(to: UUID, follow_up: UUID = target.follow_up_id) -> None:
        app.reassign_follow_up(
            lead,
            ReassignFollowUp(
                journey_id=journey_id,
                follow_up_id=follow_up,
                practitioner_id=to,
                reason="On leave for two weeks",
            ),
        )

    with pytest.raises(RuleViolation, check=lambda e: e.reason == "practitioner_lacks_role"):
        reassign(staff.id(Role.AUDITOR))
    with pytest.raises(InvalidInput):
        reassign(staff.id(Role.INTEGRATION_THERAPIST))  # theirs already
    done = next(f for f in owed(app, journey_id) if f.done_on is not None)
    with pytest.raises(RuleViolation, check=lambda e: e.reason == "follow_up_already_done"):
        reassign(covering, done.follow_up_id)
    reassign(covering)
    moved = {f.follow_up_id: f.owner_id for f in owed(app, journey_id)}
    assert moved[target.follow_up_id] == covering
    assert list(moved.values()).count(covering) == 1
    app.deactivate_practitioner(
        staff[Role.ADMIN], DeactivatePractitioner(practitioner_id=covering, reason="Left")
    )
    other = next(f for f in owed(app, journey_id) if f.owner_id != covering and not f.done_on)
    with pytest.raises(RuleViolation, check=lambda e: e.reason == "practitioner_deactivated"):
        reassign(covering, other.follow_up_id)


def test_follow_up_labels_name_the_session_they_follow(app: Casework, staff: Staff) -> None:
    journey_id = held_journey(app, staff)
    labels = [f.label for f in owed(app, journey_id)]
    assert labels
    assert all(label.startswith("Session 1 · ") for label in labels)
    assert "Session 1 · integration session 1" in labels
