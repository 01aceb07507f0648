"""Which roles may run which command: the one table authorisation is decided by."""

from __future__ import annotations

from casework.errors import Forbidden
from casework.roles import Actor, Role

_LEAD = Role.CLINICAL_LEAD
_INTAKE = Role.INTAKE_COORDINATOR
_FACILITATOR = Role.FACILITATOR
_THERAPIST = Role.INTEGRATION_THERAPIST
_CLINICAL = (_LEAD, _FACILITATOR, _THERAPIST, _INTAKE)

PERMISSIONS: dict[str, tuple[Role, ...]] = {
    "register_practitioner": (Role.ADMIN,),
    "grant_role": (Role.ADMIN,),
    "revoke_role": (Role.ADMIN,),
    "read_practitioner": (Role.ADMIN, *_CLINICAL, Role.AUDITOR),
    "record_intake": (_INTAKE, _LEAD),
    "assign_care_team_member": (_LEAD, _INTAKE),
    "unassign_care_team_member": (_LEAD, _INTAKE),
    "record_screening_decision": (_LEAD,),
    "give_consent": _CLINICAL,
    "withdraw_consent": _CLINICAL,
    "record_preparation_session": (_FACILITATOR, _THERAPIST, _LEAD),
    "record_safety_plan": (_FACILITATOR, _THERAPIST, _LEAD),
    "schedule_session": (_FACILITATOR, _LEAD, _INTAKE),
    "reschedule_session": (_FACILITATOR, _LEAD, _INTAKE),
    "cancel_session": (_FACILITATOR, _LEAD, _INTAKE),
    "record_session_outcome": (_FACILITATOR, _LEAD),
    "record_contact": (_THERAPIST, _FACILITATOR, _LEAD),
    "record_outreach": (_THERAPIST, _FACILITATOR, _LEAD, _INTAKE),
    "pause_journey": (_LEAD, _FACILITATOR, _THERAPIST),
    "resume_journey": (_LEAD,),
    "stop_journey": (_LEAD,),
    "record_withdrawal": _CLINICAL,
    "close_journey": (_LEAD,),
    "record_correction": _CLINICAL,
    "record_addendum": _CLINICAL,
    "read_journey": (*_CLINICAL, Role.AUDITOR),
    "read_access_log": (Role.AUDITOR, _LEAD),
    "record_client_details": (_INTAKE, _LEAD),
    "erase_client": (Role.ADMIN,),
    "read_integrity": (Role.AUDITOR, Role.ADMIN, _LEAD),
}
"""Command → the roles allowed to run it, in the order the acting role is picked from."""


def acting_role(actor: Actor, command: str) -> Role:
    """Return the role `actor` acts in for `command`: the first allowed role they hold."""
    for role in PERMISSIONS[command]:
        if role in actor.roles:
            return role
    allowed = ", ".join(role.value for role in PERMISSIONS[command])
    raise Forbidden(f"This needs one of the roles: {allowed}.")
