"""Clinics: registered by the service operator, each with its first admin."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from api.auth import require_operator
from api.resources.blueprint import Blueprint
from api.schemas.staff import ClinicRegisteredSchema, RegisterClinicSchema
from api.services import casework
from casework.commands import RegisterClinic

blp = Blueprint("clinics", __name__, url_prefix="/clinics", description="Clinics (operator)")


@blp.route("")
class Clinics(MethodView):
    @blp.arguments(RegisterClinicSchema)
    @blp.response(201, ClinicRegisteredSchema)
    @blp.doc(operationId="register_clinic")
    def post(self, command: RegisterClinic) -> dict[str, Any]:
        """Register a clinic and its first admin (needs CASEWORK_OPERATOR_TOKEN).

        Only the service operator may call it, with `CASEWORK_OPERATOR_TOKEN` as the bearer token
        (403 for anyone else). Answers the clinic's id, its first admin's `admin_id` and a bearer
        token for that admin (`admin_token`, shown this once); without `follow_up_schedule`, the
        clinic follows the default schedule.
        """
        require_operator()
        registered = casework().register_clinic(command)
        written = registered.written
        return {
            "id": written.id,
            "version": written.version,
            "position": written.position,
            "admin_id": registered.admin_id,
            "admin_token": registered.admin_token,
        }
