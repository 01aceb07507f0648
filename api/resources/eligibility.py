"""What must be in place before a session: screening, consents, preparation, safety plan."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask.views import MethodView
from flask_smorest import Blueprint

from api.errors import refuse_parameter
from api.resources.writes import change_journey
from api.schemas.common import WrittenSchema
from api.schemas.journeys import (
    GiveConsentSchema,
    RecordPreparationSessionSchema,
    RecordSafetyPlanSchema,
    RecordScreeningDecisionSchema,
    WithdrawConsentSchema,
)
from api.services import casework
from casework.journey.values import ConsentKind

blp = Blueprint(
    "eligibility",
    __name__,
    url_prefix="/journeys/<uuid:journey_id>",
    description="Screening, consent, preparation and safety plan",
)


@blp.route("/screening-decisions")
class ScreeningDecisions(MethodView):
    @blp.arguments(RecordScreeningDecisionSchema)
    @blp.response(201, WrittenSchema)
    def post(self, data: dict[str, Any], journey_id: UUID) -> dict[str, Any]:
        """Record a screening decision (clinical lead): criteria, rationale, valid-until."""
        return change_journey(casework().record_screening_decision, journey_id, **data)


@blp.route("/consents")
class Consents(MethodView):
    @blp.arguments(GiveConsentSchema)
    @blp.response(201, WrittenSchema)
    def post(self, data: dict[str, Any], journey_id: UUID) -> dict[str, Any]:
        """Record a consent the client gave (supportive touch with its agreed scope)."""
        return change_journey(casework().give_consent, journey_id, **data)


@blp.route("/consents/<kind>/withdrawal")
class ConsentWithdrawal(MethodView):
    @blp.arguments(WithdrawConsentSchema)
    @blp.response(201, WrittenSchema)
    def post(self, data: dict[str, Any], journey_id: UUID, kind: str) -> dict[str, Any]:
        """Record that the client withdrew a consent."""
        if kind not in {k.value for k in ConsentKind}:
            refuse_parameter("path", "kind", "Unknown consent kind.")
        return change_journey(
            casework().withdraw_consent, journey_id, kind=ConsentKind(kind), **data
        )


@blp.route("/preparation-sessions")
class PreparationSessions(MethodView):
    @blp.arguments(RecordPreparationSessionSchema)
    @blp.response(201, WrittenSchema)
    def post(self, data: dict[str, Any], journey_id: UUID) -> dict[str, Any]:
        """Record a preparation session that was held."""
        return change_journey(casework().record_preparation_session, journey_id, **data)


@blp.route("/safety-plan")
class SafetyPlan(MethodView):
    @blp.arguments(RecordSafetyPlanSchema)
    @blp.response(200, WrittenSchema)
    def put(self, data: dict[str, Any], journey_id: UUID) -> dict[str, Any]:
        """Record (or replace) the safety plan."""
        return change_journey(casework().record_safety_plan, journey_id, **data)
