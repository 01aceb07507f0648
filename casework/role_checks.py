"""A role is checked where it is used: a care-team member who lost the role counts for nothing.

A practitioner's roles live on the practitioner, a care team on the journey; these checks read
both when a session is scheduled, moved or recorded as held, and when a journey is shown.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from casework.base import CaseworkBase
from casework.errors import RuleViolation
from casework.journey import Journey
from casework.journey.values import CareRole
from casework.practitioner import Practitioner
from casework.refusals import Refusal
from casework.roles import Role

Place = tuple[UUID, str]
"""A care-team place: the practitioner and the role they hold it in."""


class RoleChecks(CaseworkBase):
    """Checks, for journey commands and reads, that care-team members still hold their roles."""

    def _places_lacking_role(self, journey: Journey, moment: datetime | None = None) -> set[Place]:
        """Return the care-team places whose practitioner lacks that role (now, or at `moment`)."""
        lacking: set[Place] = set()
        for member in journey.care_team:
            if not self._holds(member.practitioner_id, Role(member.role), moment):
                lacking.add((member.practitioner_id, member.role))
        return lacking

    def _holds(self, practitioner_id: UUID, role: Role, moment: datetime | None = None) -> bool:
        practitioner = self._get(Practitioner, practitioner_id)
        if moment is None:
            return practitioner.holds(role)
        return practitioner.holds_at(role, moment)

    def _check_session_roles(self, journey: Journey, facilitator_ids: list[UUID]) -> None:
        """Refuse a session whose facilitators, named or on the care team, lost the role."""
        self._check_facilitators_hold_role(journey, facilitator_ids)
        self._check_a_facilitator_holds_role(journey)

    def _check_facilitators_hold_role(
        self, journey: Journey, facilitator_ids: list[UUID], field: str = "facilitator_ids"
    ) -> None:
        """Refuse a session naming a facilitator who no longer holds the role.

        Ids that are not facilitators on the care team are the journey's to refuse.
        """
        for practitioner_id in facilitator_ids:
            on_team = journey.care_team_member(practitioner_id, CareRole.FACILITATOR) is not None
            if on_team and not self._holds(practitioner_id, Role.FACILITATOR):
                raise _lacks_role(practitioner_id, Role.FACILITATOR, field)

    def _check_a_facilitator_holds_role(self, journey: Journey) -> None:
        """Refuse a session when every facilitator on the care team has lost the role."""
        places = [m for m in journey.care_team if m.role == CareRole.FACILITATOR.value]
        if places and all(not self._holds(m.practitioner_id, Role.FACILITATOR) for m in places):
            raise RuleViolation(
                Refusal.NO_FACILITATOR_ON_CARE_TEAM,
                "A session cannot be scheduled yet: no_facilitator_on_care_team"
                " (the facilitators on the care team no longer hold the role).",
                {
                    "blockers": [Refusal.NO_FACILITATOR_ON_CARE_TEAM],
                    "lacking_role": [str(m.practitioner_id) for m in places],
                },
            )

    def _check_owners_hold_role(self, journey: Journey, owner_roles: set[str]) -> None:
        """Refuse to give follow-ups to a care-team member who lost the role that owns them."""
        for member in journey.care_team:
            if member.role in owner_roles and not self._holds(
                member.practitioner_id, Role(member.role)
            ):
                raise _lacks_role(member.practitioner_id, Role(member.role), "care_team")


def _lacks_role(practitioner_id: UUID, role: Role, field: str) -> RuleViolation:
    return RuleViolation(
        Refusal.PRACTITIONER_LACKS_ROLE,
        f"A practitioner in {field} no longer holds the role {role.value}:"
        " replace them on the care team.",
        {"field": field, "practitioner_id": str(practitioner_id), "role": role.value},
    )
