"""A clinic with one practitioner per role and a second facilitator, made through the app."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from casework.application import Casework
from casework.commands import IssueToken, RegisterClinic, RegisterPractitioner
from casework.roles import Actor, Role


@dataclass
class Staff:
    """A registered clinic and the actors of its practitioners, by role."""

    clinic_id: UUID
    time_zone: str
    actors: dict[Role, Actor]
    second_facilitator: Actor

    def __getitem__(self, role: Role) -> Actor:
        return self.actors[role]

    def id(self, role: Role) -> UUID:
        """Return the id of the practitioner who holds `role`."""
        return self.actors[role].practitioner_id


def register_staff(
    app: Casework, time_zone: str = "Europe/Amsterdam", **clinic_settings: Any
) -> Staff:
    """Register a clinic, its admin, one practitioner per other role, and a second facilitator."""
    written, admin_id, _ = app.register_clinic(
        RegisterClinic(
            name="Test Clinic", time_zone=time_zone, admin_display_name="Admin", **clinic_settings
        )
    )
    admin = Actor(admin_id, written.id, frozenset({Role.ADMIN}))
    actors = {Role.ADMIN: admin}
    for role in Role:
        if role is not Role.ADMIN:
            practitioner = app.register_practitioner(
                admin,
                RegisterPractitioner(
                    display_name=role.value, roles=[role], credentials=[], modalities=[]
                ),
            )
            actors[role] = Actor(practitioner.id, written.id, frozenset({role}))
    second = app.register_practitioner(
        admin,
        RegisterPractitioner(
            display_name="facilitator 2", roles=[Role.FACILITATOR], credentials=[], modalities=[]
        ),
    )
    second_facilitator = Actor(second.id, written.id, frozenset({Role.FACILITATOR}))
    return Staff(written.id, time_zone, actors, second_facilitator)


def issue_token(app: Casework, practitioner_id: UUID, label: str) -> str:
    """Issue a practitioner a token as the operator does (`casework tokens issue`); return it."""
    return app.issue_token(None, IssueToken(practitioner_id=practitioner_id, label=label)).secret
