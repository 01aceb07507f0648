from __future__ import annotations

import subprocess
import sys
from uuid import uuid4

import pytest

from casework.application import Casework
from casework.client import Client, client_id_for
from casework.commands import (
    DeactivatePractitioner,
    GrantRole,
    IssueToken,
    RecordCredentials,
    RenamePractitioner,
    RevokeToken,
)
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


def test_an_auditor_may_read_but_never_write_to_the_record() -> None:
    # Revoking their own token (a lost laptop) is the one write an auditor makes: to their own
    # credentials, never to a clinic's record.
    writes = {command for command in PERMISSIONS if not isinstance(command, Read)} - {RevokeToken}
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
    facilitator = staff.id(Role.FACILITATOR)
    issued = app.issue_token(staff[Role.ADMIN], IssueToken(practitioner_id=facilitator, label="pc"))
    actor = app.authenticate(issued.secret)
    assert actor is not None
    assert actor.roles == {Role.FACILITATOR}
    assert app.authenticate(issued.secret + "x") is None
    revoke = RevokeToken(practitioner_id=facilitator, token_id=issued.written.id, reason="Lost")
    app.revoke_token(staff[Role.FACILITATOR], revoke)  # their own
    assert app.authenticate(issued.secret) is None
    with pytest.raises(RuleViolation, check=lambda e: e.reason == "token_already_revoked"):
        app.revoke_token(staff[Role.ADMIN], revoke)


def test_only_an_admin_revokes_another_practitioners_token(app: Casework, staff: Staff) -> None:
    therapist = staff.id(Role.INTEGRATION_THERAPIST)
    issued = app.issue_token(staff[Role.ADMIN], IssueToken(practitioner_id=therapist, label="t"))
    revoke = RevokeToken(practitioner_id=therapist, token_id=issued.written.id, reason="Not mine")
    with pytest.raises(Forbidden):
        app.revoke_token(staff[Role.CLINICAL_LEAD], revoke)
    no_such = RevokeToken(practitioner_id=therapist, token_id=uuid4(), reason="Probing")
    with pytest.raises(Forbidden):  # the role first: nothing learnt of which tokens exist
        app.revoke_token(staff[Role.CLINICAL_LEAD], no_such)
    named_wrongly = RevokeToken(
        practitioner_id=staff.id(Role.CLINICAL_LEAD), token_id=issued.written.id, reason="x"
    )
    with pytest.raises(NotFound):  # a token is revoked under the practitioner it was issued to
        app.revoke_token(staff[Role.ADMIN], named_wrongly)
    app.revoke_token(staff[Role.ADMIN], revoke)
    assert app.authenticate(issued.secret) is None


def test_a_deactivated_practitioner_is_refused_everywhere_at_once(
    app: Casework, staff: Staff
) -> None:
    therapist = staff.id(Role.INTEGRATION_THERAPIST)
    issued = app.issue_token(staff[Role.ADMIN], IssueToken(practitioner_id=therapist, label="t"))
    journey_id = open_journey(app, staff)
    leaving = DeactivatePractitioner(practitioner_id=therapist, reason="Left the clinic")
    with pytest.raises(RuleViolation, check=lambda e: e.reason == "cannot_deactivate_self"):
        app.deactivate_practitioner(
            staff[Role.ADMIN],
            DeactivatePractitioner(practitioner_id=staff.id(Role.ADMIN), reason="x"),
        )
    with pytest.raises(Forbidden):
        app.deactivate_practitioner(staff[Role.CLINICAL_LEAD], leaving)
    app.deactivate_practitioner(staff[Role.ADMIN], leaving)
    assert app.authenticate(issued.secret) is None
    with pytest.raises(RuleViolation, check=lambda e: e.reason == "already_deactivated"):
        app.deactivate_practitioner(staff[Role.ADMIN], leaving)
    with pytest.raises(RuleViolation, check=lambda e: e.reason == "already_deactivated"):
        app.issue_token(staff[Role.ADMIN], IssueToken(practitioner_id=therapist, label="again"))
    with pytest.raises(RuleViolation, check=lambda e: e.reason == "practitioner_deactivated"):
        app.assign_care_team_member(
            staff[Role.CLINICAL_LEAD],
            AssignCareTeamMember(
                journey_id=journey_id,
                practitioner_id=therapist,
                role=CareRole.INTEGRATION_THERAPIST,
            ),
        )


def test_a_practitioner_is_renamed_and_their_credentials_recorded(
    app: Casework, staff: Staff
) -> None:
    lead = staff.id(Role.CLINICAL_LEAD)
    app.rename_practitioner(
        staff[Role.ADMIN], RenamePractitioner(practitioner_id=lead, display_name="Dr. R. Lead")
    )
    licence = {"kind": "licence", "number": "BIG-123", "valid_until": "2028-01-31"}
    app.record_credentials(
        staff[Role.ADMIN],
        RecordCredentials(practitioner_id=lead, credentials=[licence], modalities=["IFS"]),
    )
    practitioner = app.get_practitioner(staff[Role.AUDITOR], lead)
    assert practitioner.display_name == "Dr. R. Lead"
    assert practitioner.credentials == [licence]
    assert practitioner.modalities == ["IFS"]
    with pytest.raises(InvalidInput):
        app.rename_practitioner(
            staff[Role.ADMIN], RenamePractitioner(practitioner_id=lead, display_name="Dr. R. Lead")
        )


def test_the_domain_imports_neither_flask_nor_sqlalchemy() -> None:
    probe = (
        "import sys, casework.application;"
        " print(sorted({'flask', 'sqlalchemy'} & set(sys.modules)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
