"""Practitioners: staff of the caller's clinic, managed by its admins."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any
from uuid import UUID

from flask.views import MethodView
from flask_smorest import Blueprint

from api.auth import current_actor
from api.errors import refuse_parameter
from api.schemas.common import WrittenSchema
from api.schemas.staff import GrantRoleSchema, PractitionerSchema, RegisterPractitionerSchema
from api.services import casework
from casework.practitioner import Practitioner
from casework.roles import Role

blp = Blueprint(
    "practitioners", __name__, url_prefix="/practitioners", description="Staff and roles (admin)"
)


@blp.route("")
class Practitioners(MethodView):
    @blp.arguments(RegisterPractitionerSchema)
    @blp.response(201, WrittenSchema)
    def post(self, data: dict[str, Any]) -> dict[str, Any]:
        """Register a practitioner in the caller's clinic."""
        return asdict(casework().register_practitioner(current_actor(), **data))


@blp.route("/<uuid:practitioner_id>")
class PractitionerById(MethodView):
    @blp.response(200, PractitionerSchema)
    def get(self, practitioner_id: UUID) -> Practitioner:
        """Show a practitioner of the caller's clinic."""
        return casework().get_practitioner(current_actor(), practitioner_id)


@blp.route("/<uuid:practitioner_id>/roles")
class PractitionerRoles(MethodView):
    @blp.arguments(GrantRoleSchema)
    @blp.response(201, WrittenSchema)
    def post(self, data: dict[str, Any], practitioner_id: UUID) -> dict[str, Any]:
        """Grant a practitioner another role."""
        return asdict(casework().grant_role(current_actor(), practitioner_id, data["role"]))


@blp.route("/<uuid:practitioner_id>/roles/<role>")
class PractitionerRole(MethodView):
    @blp.response(200, WrittenSchema)
    def delete(self, practitioner_id: UUID, role: str) -> dict[str, Any]:
        """Revoke a role from a practitioner (recorded as an event)."""
        if role not in {r.value for r in Role}:
            refuse_parameter("path", "role", "Unknown role.")
        return asdict(casework().revoke_role(current_actor(), practitioner_id, Role(role)))
