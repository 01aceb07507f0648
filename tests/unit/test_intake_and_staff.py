from __future__ import annotations

import subprocess
import sys

import pytest
from eventsourcing.domain import Aggregate

from casework.application import Casework
from casework.client import Client, client_id_for
from casework.clinic import Clinic
from casework.commands import GrantRole
from casework.errors import Forbidden, InvalidInput, NotFound, RuleViolation
from casework.journey import Journey
from casework.journey.commands import AssignCareTeamMember, CloseJourney, UnassignCareTeamMember
from casework.journey.values import CareRole
from casework.permissions import PERMISSIONS, Read
from casework.roles import Role
from tests.support.journeys import open_journey
from tests.support.staff import Staff, register_staff


def test_intake_opens_a_journey_without_identifying_details(app: Casework, staff: Staff) -> None:
    journey_id = open_journey(app, staff, "CW-0042")
    (event,) = app.events.get(journey_id)
    assert isinstance(event, Journey.IntakeRecorded)
    assert event.client_pseudonym == "CW-0042"
    assert set(event.__dict__) >= {"actor_id", "actor_role", "occurred_at", "clinic_id"}
    assert not {"name", "date_of_birth", "contact"} & set(event.__dict__)
    state = app.get_journey(staff[Role.INTAKE_COORDINATOR], journey_id)
    assert (state["status"], state["phase"]) == ("active", "intake")


def test_a_returning_client_keeps_one_pseudonym_across_journeys(
    app: Casework, staff: Staff
) -> None:
    first = open_journey(app, staff, "CW-7")
    app.close_journey(
        staff[Role.CLINICAL_LEAD], CloseJourney(journey_id=first, reason="Care complete")
    )
    second = open_journey(app, staff, "cw-7 ")
    client = app.repository.get(client_id_for(staff.clinic_id, "CW-7"))
    assert isinstance(client, Client)
    assert client.journey_ids == [first, second]


def test_care_team_members_must_hold_the_role_they_take(app: Casework, staff: Staff) -> None:
    journey_id = open_journey(app, staff)
    lead = staff[Role.CLINICAL_LEAD]
    with pytest.raises(RuleViolation) as refused:
        app.assign_care_team_member(
            lead,
            AssignCareTeamMember(
                journey_id=journey_id,
                practitioner_id=staff.id(Role.INTAKE_COORDINATOR),
                role=CareRole.FACILITATOR,
            ),
        )
    assert refused.value.reason == "practitioner_lacks_role"
    other_clinic = register_staff(app)
    with pytest.raises(InvalidInput):
        app.assign_care_team_member(
            lead,
            AssignCareTeamMember(
                journey_id=journey_id,
                practitioner_id=other_clinic.id(Role.FACILITATOR),
                role=CareRole.FACILITATOR,
            ),
        )
    app.assign_care_team_member(
        lead,
        AssignCareTeamMember(
            journey_id=journey_id,
            practitioner_id=staff.id(Role.FACILITATOR),
            role=CareRole.FACILITATOR,
        ),
    )
    app.unassign_care_team_member(
        lead,
        UnassignCareTeamMember(
            journey_id=journey_id,
            practitioner_id=staff.id(Role.FACILITATOR),
            reason="Left the clinic",
        ),
    )
    assert app.get_journey(lead, journey_id)["care_team"] == []
    kinds = [type(e).__name__ for e in app.events.get(journey_id)]
    assert kinds[-2:] == ["CareTeamMemberAssigned", "CareTeamMemberUnassigned"]


def test_another_clinic_cannot_see_or_touch_a_journey(app: Casework, staff: Staff) -> None:
    journey_id = open_journey(app, staff)
    outsider = register_staff(app)[Role.CLINICAL_LEAD]
    with pytest.raises(NotFound):
        app.get_journey(outsider, journey_id)
    with pytest.raises(NotFound):
        app.close_journey(outsider, CloseJourney(journey_id=journey_id, reason="Not mine"))


def test_an_auditor_may_read_but_never_write() -> None:
    writes = {command for command in PERMISSIONS if not isinstance(command, Read)}
    assert all(Role.AUDITOR not in PERMISSIONS[command] for command in writes)
    assert Role.AUDITOR in PERMISSIONS[Read.JOURNEY]


def test_an_admin_manages_staff_but_reads_no_journey(app: Casework, staff: Staff) -> None:
    journey_id = open_journey(app, staff)
    with pytest.raises(Forbidden):
        app.get_journey(staff[Role.ADMIN], journey_id)
    app.grant_role(
        staff[Role.ADMIN],
        GrantRole(
            practitioner_id=staff.id(Role.FACILITATOR),
            role=Role.INTEGRATION_THERAPIST,
            reason="Trained",
        ),
    )
    practitioner = app.get_practitioner(staff[Role.ADMIN], staff.id(Role.FACILITATOR))
    assert practitioner.roles == {"facilitator", "integration_therapist"}
    with pytest.raises(Forbidden):
        app.grant_role(
            staff[Role.CLINICAL_LEAD],
            GrantRole(practitioner_id=staff.id(Role.FACILITATOR), role=Role.ADMIN, reason="No"),
        )


def test_a_revoked_token_no_longer_authenticates(app: Casework, staff: Staff) -> None:
    secret, token_id = app.issue_token(staff.id(Role.FACILITATOR), "laptop")
    actor = app.authenticate(secret)
    assert actor is not None
    assert actor.roles == {Role.FACILITATOR}
    assert app.authenticate(secret + "x") is None
    app.revoke_token(token_id, "Laptop lost")
    assert app.authenticate(secret) is None


def test_the_domain_imports_neither_flask_nor_sqlalchemy() -> None:
    probe = (
        "import sys, casework.application;"
        " print(sorted({'flask', 'sqlalchemy'} & set(sys.modules)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_a_clinic_has_no_event_after_its_registration():
    """Casework keeps each clinic in memory once read (`_clinic`): safe only while none changes."""
    events_after_creation = [
        kind
        for kind in vars(Clinic).values()
        if isinstance(kind, type)
        and issubclass(kind, Clinic.Event)
        and not issubclass(kind, Aggregate.Created)
        and kind is not Clinic.Event
    ]
    assert events_after_creation == []
