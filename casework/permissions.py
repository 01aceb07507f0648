"""Which roles may run which command or read: the one table authorisation is decided by."""

from __future__ import annotations

from enum import Enum

from casework.commands import (
    ChangeClinicSettings,
    Command,
    DeactivatePractitioner,
    EraseClient,
    GrantRole,
    InvitePractitioner,
    IssueCalendarFeed,
    IssueToken,
    RecordClientDetails,
    RecordCredentials,
    RegisterPractitioner,
    RenamePractitioner,
    RevokeCalendarFeed,
    RevokeRole,
    RevokeToken,
)
from casework.errors import Forbidden
from casework.journey import commands as journey
from casework.roles import Actor, Role


class Read(Enum):
    """What is read, where a read needs a role of its own."""

    JOURNEY = "read_journey"
    PRACTITIONER = "read_practitioner"
    ACCESS_LOG = "read_access_log"
    INTEGRITY = "read_integrity"
    TOKENS = "read_tokens"
    PAUSE_REVIEWS = "read_pause_reviews"
    CLINIC = "read_clinic"


_LEAD = Role.CLINICAL_LEAD
_INTAKE = Role.INTAKE_COORDINATOR
_FACILITATOR = Role.FACILITATOR
_THERAPIST = Role.INTEGRATION_THERAPIST
_CLINICAL = (_LEAD, _FACILITATOR, _THERAPIST, _INTAKE)
_ANYONE = (Role.ADMIN, *_CLINICAL, Role.AUDITOR)

PERMISSIONS: dict[type[Command] | Read, tuple[Role, ...]] = {
    ChangeClinicSettings: (Role.ADMIN,),
    Read.CLINIC: _ANYONE,
    RegisterPractitioner: (Role.ADMIN,),
    GrantRole: (Role.ADMIN,),
    RevokeRole: (Role.ADMIN,),
    RenamePractitioner: (Role.ADMIN,),
    RecordCredentials: (Role.ADMIN,),
    DeactivatePractitioner: (Role.ADMIN,),
    IssueToken: (Role.ADMIN,),
    InvitePractitioner: (Role.ADMIN,),
    RevokeToken: _ANYONE,  # an admin revokes anyone's, others their own (staff_service)
    Read.TOKENS: _ANYONE,
    IssueCalendarFeed: (Role.ADMIN, *_CLINICAL),  # their own, or an admin anyone's
    RevokeCalendarFeed: (
        Role.ADMIN,
        *_CLINICAL,
    ),  # likewise (staff_service)  # likewise: only an admin lists another practitioner's
    Read.PRACTITIONER: _ANYONE,
    journey.RecordIntake: (_INTAKE, _LEAD),
    journey.AssignCareTeamMember: (_LEAD, _INTAKE),
    journey.UnassignCareTeamMember: (_LEAD, _INTAKE),
    journey.RecordScreeningDecision: (_LEAD,),
    journey.GiveConsent: _CLINICAL,
    journey.WithdrawConsent: _CLINICAL,
    journey.RecordPreparationSession: (_FACILITATOR, _THERAPIST, _LEAD),
    journey.RecordSafetyPlan: (_FACILITATOR, _THERAPIST, _LEAD),
    journey.ScheduleSession: (_FACILITATOR, _LEAD, _INTAKE),
    journey.RescheduleSession: (_FACILITATOR, _LEAD, _INTAKE),
    journey.CancelSession: (_FACILITATOR, _LEAD, _INTAKE),
    journey.RecordSessionOutcome: (_FACILITATOR, _LEAD),
    journey.RecordContact: (_THERAPIST, _FACILITATOR, _LEAD),
    journey.RecordOutreach: (_THERAPIST, _FACILITATOR, _LEAD, _INTAKE),
    journey.ReassignFollowUp: (_LEAD,),
    journey.PauseJourney: (_LEAD, _FACILITATOR, _THERAPIST),
    journey.ResumeJourney: (_LEAD,),
    journey.StopJourney: (_LEAD,),
    journey.RecordWithdrawal: _CLINICAL,
    journey.CloseJourney: (_LEAD,),
    journey.RecordCorrection: _CLINICAL,
    journey.RecordAddendum: _CLINICAL,
    Read.JOURNEY: (*_CLINICAL, Role.AUDITOR),
    Read.ACCESS_LOG: (Role.AUDITOR, _LEAD),
    Read.PAUSE_REVIEWS: (_LEAD,),
    RecordClientDetails: (_INTAKE, _LEAD),
    EraseClient: (Role.ADMIN,),
    Read.INTEGRITY: (Role.AUDITOR, Role.ADMIN, _LEAD),
}
"""Command class or read → the roles allowed to run it, in the order the acting role is picked.

Registering a clinic is the operator's, outside every clinic, and so is not in this table.
"""


def acting_role(actor: Actor, command: Command | Read) -> Role:
    """Return the role `actor` acts in for `command`: the first allowed role they hold."""
    allowed = PERMISSIONS[command if isinstance(command, Read) else type(command)]
    for role in allowed:
        if role in actor.roles:
            return role
    raise Forbidden(f"This needs one of the roles: {', '.join(role.value for role in allowed)}.")
