"""The journey as it stands: the answer of GET /journeys/{id}."""

from __future__ import annotations

from enum import StrEnum

from marshmallow import Schema, fields

from api.schemas.common import RecordedSchema
from casework.journey.values import AdverseEventSeverity, CriterionResult


def one_of(values: type[StrEnum]) -> str:
    """Return the codes a text field answers, for its description."""
    return "One of: " + ", ".join(value.value for value in values) + "."


class CareTeamMemberSchema(Schema):
    practitioner_id = fields.UUID()
    role = fields.String()
    assigned = fields.Nested(RecordedSchema)
    lacks_role = fields.Boolean(
        metadata={"description": "The practitioner no longer holds this role: replace them."}
    )


class CriterionRecordSchema(Schema):
    category = fields.String()
    result = fields.String(metadata={"description": one_of(CriterionResult)})
    note = fields.String(allow_none=True)


class ScreeningDecisionSchema(Schema):
    outcome = fields.String()
    criteria = fields.List(fields.Nested(CriterionRecordSchema))
    rationale = fields.String(allow_none=True)
    conditions = fields.List(fields.String())
    co_signer_id = fields.UUID(allow_none=True)
    valid_until = fields.Date(allow_none=True)
    decided = fields.Nested(RecordedSchema)


class ConsentSchema(Schema):
    kind = fields.String()
    active = fields.Boolean()
    scope = fields.List(fields.String())
    notes = fields.String(allow_none=True)
    given = fields.Nested(RecordedSchema)
    withdrawn = fields.Nested(RecordedSchema, allow_none=True)
    withdrawal_reason = fields.String(allow_none=True)


class PreparationSessionSchema(Schema):
    preparation_id = fields.UUID()
    duration_minutes = fields.Integer()
    topics = fields.List(fields.String())
    notes = fields.String(allow_none=True)
    held = fields.Nested(RecordedSchema)


class SafetyPlanSchema(Schema):
    emergency_contact = fields.String()
    transport_plan = fields.String(allow_none=True)
    overnight_plan = fields.String(allow_none=True)
    notes = fields.String(allow_none=True)
    recorded = fields.Nested(RecordedSchema)


class SessionReadinessSchema(Schema):
    ready = fields.Boolean()
    blockers = fields.List(fields.String(), metadata={"description": "Reason codes, in order."})


class DoseRecordSchema(Schema):
    kind = fields.String()
    # A JSON number, as documented (a Decimal would be sent as text by Flask's JSON provider).
    amount_mg = fields.Float(allow_none=True, metadata={"description": "Milligrams."})
    given_at = fields.DateTime(allow_none=True)
    reason = fields.String(allow_none=True)


class AdverseEventRecordSchema(Schema):
    severity = fields.String(metadata={"description": one_of(AdverseEventSeverity)})
    description = fields.String()
    action_taken = fields.String(allow_none=True)


class SessionSchema(Schema):
    session_id = fields.UUID()
    status = fields.String()
    planned_start = fields.DateTime()
    planned_end = fields.DateTime()
    location = fields.String(allow_none=True)
    facilitator_ids = fields.List(fields.UUID())
    reschedule_count = fields.Integer()
    scheduled = fields.Nested(RecordedSchema)
    started_at = fields.DateTime(allow_none=True)
    ended_at = fields.DateTime(allow_none=True)
    doses = fields.List(fields.Nested(DoseRecordSchema))
    supportive_touch_used = fields.Boolean()
    touch_areas = fields.List(fields.String())
    adverse_event = fields.Nested(AdverseEventRecordSchema, allow_none=True)
    notes = fields.String(allow_none=True)
    outcome = fields.Nested(RecordedSchema, allow_none=True)
    cancellation_reason = fields.String(allow_none=True)
    cancelled = fields.Nested(RecordedSchema, allow_none=True)


class FollowUpSchema(Schema):
    follow_up_id = fields.UUID()
    session_id = fields.UUID()
    kind = fields.String()
    label = fields.String()
    status = fields.String(
        metadata={
            "description": "upcoming, due, overdue, done_early, done_on_time, done_late"
            " or cancelled"
        }
    )
    due_on = fields.Date()
    window_start = fields.Date()
    window_end = fields.Date()
    owner_id = fields.UUID(allow_none=True)
    owner_role = fields.String()
    done_on = fields.Date(allow_none=True)
    contact_id = fields.UUID(allow_none=True)
    outreach_attempts = fields.Integer()
    cancelled = fields.Boolean()


class ContactSchema(Schema):
    contact_id = fields.UUID()
    kind = fields.String()
    follow_up_id = fields.UUID(allow_none=True)
    duration_minutes = fields.Integer(allow_none=True)
    notes = fields.String(allow_none=True)
    contacted = fields.Nested(RecordedSchema)


class DecisionSchema(Schema):
    kind = fields.String(metadata={"description": "pause, resumption, stop, withdrawal or closure"})
    reason = fields.String(allow_none=True)
    review_date = fields.Date(allow_none=True)
    conditions_to_resume = fields.List(fields.String())
    decided = fields.Nested(RecordedSchema)


class CorrectionSchema(Schema):
    corrected_version = fields.Integer()
    entry_type = fields.String()
    field = fields.String()
    original_value = fields.Raw(allow_none=True)
    new_value = fields.Raw(allow_none=True)
    reason = fields.String()
    corrected = fields.Nested(RecordedSchema)


class AddendumSchema(Schema):
    entry_version = fields.Integer()
    text = fields.String()
    added = fields.Nested(RecordedSchema)


class JourneySchema(Schema):
    id = fields.UUID()
    version = fields.Integer()
    clinic_id = fields.UUID()
    client_id = fields.UUID()
    client_pseudonym = fields.String()
    status = fields.String(metadata={"description": "active, paused, stopped, withdrawn, closed"})
    phase = fields.String(
        metadata={
            "description": "intake, screening, preparation, ready, in_sessions, integration,"
            " paused or closed"
        }
    )
    as_of_date = fields.Date(metadata={"description": "Today in the clinic's time zone."})
    referral_source = fields.String()
    primary_need = fields.String()
    existing_support = fields.String(allow_none=True)
    intake = fields.Nested(RecordedSchema)
    care_team = fields.List(fields.Nested(CareTeamMemberSchema))
    screening_decisions = fields.List(fields.Nested(ScreeningDecisionSchema))
    consents = fields.List(fields.Nested(ConsentSchema))
    preparation_sessions = fields.List(fields.Nested(PreparationSessionSchema))
    safety_plan = fields.Nested(SafetyPlanSchema, allow_none=True)
    session_readiness = fields.Nested(SessionReadinessSchema)
    sessions = fields.List(fields.Nested(SessionSchema))
    follow_ups = fields.List(fields.Nested(FollowUpSchema))
    contacts = fields.List(fields.Nested(ContactSchema))
    decisions = fields.List(fields.Nested(DecisionSchema))
    corrections = fields.List(fields.Nested(CorrectionSchema))
    addenda = fields.List(fields.Nested(AddendumSchema))
