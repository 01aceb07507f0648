"""What must be in place before a session: screening, consents, preparation, safety plan."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any
from uuid import UUID

from flask.views import MethodView

from api.auth import current_actor
from api.resources.blueprint import Blueprint
from api.resources.writes import Created, created
from api.schemas.common import WrittenSchema
from api.schemas.journeys import (
    GiveConsentSchema,
    RecordPreparationSessionSchema,
    RecordSafetyPlanSchema,
    RecordScreeningDecisionSchema,
    WithdrawConsentSchema,
)
from api.services import casework
from casework.journey import commands as do

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
    @blp.doc(operationId="record_screening_decision")
    def post(self, command: do.RecordScreeningDecision, journey_id: UUID) -> Created:
        """Record a screening decision (clinical lead): criteria, rationale, valid-until.

        Clinical lead only. `valid_until` lies from the decision day to 365 days after it (409
        `valid_until_out_of_range`); a co-signer must not be the decider (422). The latest decision
        by clinical time is the one in force.
        """
        return created(casework().record_screening_decision(current_actor(), command))


@blp.route("/consents")
class Consents(MethodView):
    @blp.arguments(GiveConsentSchema)
    @blp.response(201, WrittenSchema)
    @blp.doc(operationId="give_consent")
    def post(self, command: do.GiveConsent, journey_id: UUID) -> Created:
        """Record a consent the client gave (supportive touch with its agreed scope).

        Any clinical role. A consent already active is 409 `consent_already_active`; supportive
        touch needs its agreed `scope` (422).
        """
        return created(casework().give_consent(current_actor(), command))


@blp.route("/consents/<consent_kind:kind>/withdrawal")
class ConsentWithdrawal(MethodView):
    @blp.arguments(WithdrawConsentSchema)
    @blp.response(201, WrittenSchema)
    @blp.doc(operationId="withdraw_consent")
    def post(self, command: do.WithdrawConsent, journey_id: UUID, kind: str) -> Created:
        """Record that the client withdrew a consent.

        Any clinical role. `kind` is a consent kind (422 otherwise); a consent not active is 409
        `consent_not_active`, and it is withdrawn after it was given (409
        `withdrawal_before_consent`).
        """
        return created(casework().withdraw_consent(current_actor(), command))


@blp.route("/preparation-sessions")
class PreparationSessions(MethodView):
    @blp.arguments(RecordPreparationSessionSchema)
    @blp.response(201, WrittenSchema)
    @blp.doc(operationId="record_preparation_session")
    def post(self, command: do.RecordPreparationSession, journey_id: UUID) -> Created:
        """Record a preparation session that was held.

        Facilitator, integration therapist or clinical lead. A medicine session cannot be scheduled
        before one is recorded (`preparation_missing`).
        """
        return created(casework().record_preparation_session(current_actor(), command))


@blp.route("/safety-plan")
class SafetyPlan(MethodView):
    @blp.arguments(RecordSafetyPlanSchema)
    @blp.response(200, WrittenSchema)
    @blp.doc(operationId="record_safety_plan")
    def put(self, command: do.RecordSafetyPlan, journey_id: UUID) -> dict[str, Any]:
        """Record (or replace) the safety plan.

        Facilitator, integration therapist or clinical lead. Give a transport plan or an overnight
        plan (422 otherwise); the latest plan by clinical time is the one in force.
        """
        return asdict(casework().record_safety_plan(current_actor(), command))
