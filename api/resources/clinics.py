"""Clinics: registered by the operator with a first admin; their settings, changed by admins."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any
from uuid import UUID

from flask import g
from flask.views import MethodView

from api.auth import current_actor, require_operator
from api.resources.blueprint import Blueprint
from api.resources.writes import Created, created
from api.schemas.common import WrittenSchema
from api.schemas.staff import (
    ChangeClinicSettingsSchema,
    ClinicRegisteredSchema,
    ClinicSchema,
    RegisterClinicSchema,
)
from api.services import casework
from casework.clinic import Clinic
from casework.commands import ChangeClinicSettings, RegisterClinic

blp = Blueprint(
    "clinics", __name__, url_prefix="/clinics", description="Clinics and their settings"
)


@blp.route("")
class Clinics(MethodView):
    @blp.arguments(RegisterClinicSchema)
    @blp.response(201, ClinicRegisteredSchema)
    @blp.doc(operationId="register_clinic")
    def post(self, command: RegisterClinic) -> Created:
        """Register a clinic and its first admin (needs CASEWORK_OPERATOR_TOKEN).

        Only the service operator may call it, with `CASEWORK_OPERATOR_TOKEN` as the bearer token
        (403 for anyone else). Answers the clinic's id, its first admin's `admin_id` and a bearer
        token for that admin (`admin_token`, shown this once); without `follow_up_schedule`, the
        clinic follows the default schedule.
        """
        require_operator()
        registered = casework().register_clinic(command)
        answer, status, headers = created(registered.written)
        answer.pop("created_id")
        return (
            {**answer, "admin_id": registered.admin_id, "admin_token": registered.admin_token},
            status,
            headers,
        )


@blp.route("/<uuid:clinic_id>")
class ClinicById(MethodView):
    @blp.response(200, ClinicSchema)
    @blp.doc(operationId="get_clinic")
    def get(self, clinic_id: UUID) -> Clinic:
        """Show the caller's clinic: time zone, follow-up schedule, facilitator minimum, retention.

        Any staff member of the clinic and its auditor, and the operator; another clinic is a
        404. With every change to the settings, oldest first: the settings after it, who changed
        them and why.
        """
        return casework().read_clinic(None if g.is_operator else current_actor(), clinic_id)


@blp.route("/<uuid:clinic_id>/settings")
class ClinicSettings(MethodView):
    @blp.arguments(ChangeClinicSettingsSchema)
    @blp.response(200, WrittenSchema)
    @blp.doc(operationId="change_clinic_settings")
    def put(self, command: ChangeClinicSettings, clinic_id: UUID) -> dict[str, Any]:
        """Change some of the clinic's settings, with a reason (admin).

        Settings left out stay. A new follow-up schedule applies to sessions held from now on;
        follow-ups already owed keep their dates. Every serving process uses the new settings at
        once (clinics are read through, never cached). A change that changes nothing is a 422.
        """
        return asdict(casework().change_clinic_settings(current_actor(), command))
