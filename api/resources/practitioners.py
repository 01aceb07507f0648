"""Practitioners: staff of the caller's clinic, managed by its admins."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any
from uuid import UUID

from flask import g
from flask.views import MethodView

from api.auth import current_actor
from api.resources.blueprint import Blueprint
from api.resources.writes import Created, created
from api.schemas.common import WrittenSchema
from api.schemas.staff import (
    GrantRoleSchema,
    PractitionerSchema,
    RegisterPractitionerSchema,
    RevokeRoleSchema,
)
from api.services import casework
from casework.commands import GrantRole, RegisterPractitioner, RevokeRole
from casework.practitioner import Practitioner
from casework.roles import Actor

blp = Blueprint(
    "practitioners", __name__, url_prefix="/practitioners", description="Staff and roles (admin)"
)


@blp.route("")
class Practitioners(MethodView):
    @blp.arguments(RegisterPractitionerSchema)
    @blp.response(201, WrittenSchema)
    @blp.doc(operationId="register_practitioner")
    def post(self, command: RegisterPractitioner) -> Created:
        """Register a practitioner in the caller's clinic.

        Admin only. A practitioner holds one to six roles, each checked again wherever it is used (a
        care team, a session's facilitators).
        """
        return created(casework().register_practitioner(current_actor(), command))


@blp.route("/<uuid:practitioner_id>")
class PractitionerById(MethodView):
    @blp.response(200, PractitionerSchema)
    @blp.doc(operationId="get_practitioner")
    def get(self, practitioner_id: UUID) -> Practitioner:
        """Show a practitioner of the caller's clinic.

        Any staff member of the clinic and its auditor may read it, with `role_changes`: every role
        granted or revoked, by whom and why. A practitioner of another clinic is a 404.
        """
        return casework().get_practitioner(current_actor(), practitioner_id)


@blp.route("/<uuid:practitioner_id>/roles")
class PractitionerRoles(MethodView):
    @blp.arguments(GrantRoleSchema)
    @blp.response(201, WrittenSchema)
    @blp.doc(operationId="grant_role")
    def post(self, command: GrantRole, practitioner_id: UUID) -> Created:
        """Grant a practitioner another role, with a reason (another admin, or the operator).

        Another admin of the clinic, or the operator with `CASEWORK_OPERATOR_TOKEN`. Nobody changes
        their own roles (409 `cannot_change_own_roles`); a role already held is 409
        `role_already_held`.
        """
        return created(casework().grant_role(_role_changer(), command))


@blp.route("/<uuid:practitioner_id>/roles/<role:role>")
class PractitionerRole(MethodView):
    @blp.arguments(RevokeRoleSchema, location="json")
    @blp.response(200, WrittenSchema)
    @blp.doc(operationId="revoke_role")
    def delete(self, command: RevokeRole, practitioner_id: UUID, role: str) -> dict[str, Any]:
        """Revoke a role from a practitioner, with a reason (recorded as an event).

        Another admin of the clinic, or the operator. A role not held is 409 `role_not_held`, an
        unknown role 422. Care-team places the practitioner held in that role show `lacks_role:
        true` until someone replaces them.
        """
        return asdict(casework().revoke_role(_role_changer(), command))


def _role_changer() -> Actor | None:
    """Return the admin changing a role, or None for the operator (CASEWORK_OPERATOR_TOKEN)."""
    return None if g.is_operator else current_actor()
