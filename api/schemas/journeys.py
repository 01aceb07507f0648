"""Journey commands: one input schema per write endpoint."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from api.schemas.commands import ClinicalTimeSchema, CommandSchema
from api.schemas.common import (
    LONG_TEXT,
    Scalar,
    amount,
    day,
    moment,
    optional_text,
    pseudonym,
    text,
    text_list,
    whole_number,
)
from casework.journey import commands as do
from casework.journey.values import (
    AdverseEventSeverity,
    CareRole,
    ConsentKind,
    ContactKind,
    CriterionResult,
    DoseKind,
    OutreachChannel,
    OutreachOutcome,
    ScreeningOutcome,
)


class RecordIntakeSchema(ClinicalTimeSchema):
    command = do.RecordIntake

    client_pseudonym = pseudonym(
        required=True, metadata={"description": "Clinic-unique pseudonym or case number."}
    )
    referral_source = text(required=True)
    primary_need = text(LONG_TEXT, required=True)
    existing_support = optional_text()


class AssignCareTeamMemberSchema(ClinicalTimeSchema):
    command = do.AssignCareTeamMember

    practitioner_id = fields.UUID(required=True)
    role = fields.Enum(CareRole, by_value=True, required=True)


class UnassignCareTeamMemberSchema(ClinicalTimeSchema):
    command = do.UnassignCareTeamMember

    reason = optional_text()


class CriterionSchema(Schema):
    category = text(required=True, metadata={"description": "e.g. cardiovascular, psychiatric"})
    result = fields.Enum(CriterionResult, by_value=True, required=True)
    note = optional_text(2000)


class RecordScreeningDecisionSchema(ClinicalTimeSchema):
    command = do.RecordScreeningDecision

    outcome = fields.Enum(ScreeningOutcome, by_value=True, required=True)
    criteria = fields.List(
        fields.Nested(CriterionSchema), required=True, validate=validate.Length(max=100)
    )
    rationale = optional_text()
    conditions = text_list(load_default=list)
    co_signer_id = fields.UUID(load_default=None, allow_none=True)
    valid_until = day(load_default=None, allow_none=True)


class GiveConsentSchema(ClinicalTimeSchema):
    command = do.GiveConsent

    kind = fields.Enum(ConsentKind, by_value=True, required=True)
    scope = text_list(
        load_default=list,
        metadata={"description": "For supportive touch: where touch is agreed (e.g. hand)."},
    )
    notes = optional_text()


class WithdrawConsentSchema(ClinicalTimeSchema):
    command = do.WithdrawConsent

    reason = optional_text()


class RecordPreparationSessionSchema(ClinicalTimeSchema):
    command = do.RecordPreparationSession

    duration_minutes = whole_number(required=True, validate=validate.Range(1, 24 * 60))
    topics = text_list(load_default=list)
    notes = optional_text()


class RecordSafetyPlanSchema(ClinicalTimeSchema):
    command = do.RecordSafetyPlan

    emergency_contact = text(
        500, required=True, metadata={"description": "Who to call, e.g. 'partner, on file'."}
    )
    transport_plan = optional_text(2000)
    overnight_plan = optional_text(2000)
    notes = optional_text()


class ScheduleSessionSchema(ClinicalTimeSchema):
    command = do.ScheduleSession

    planned_start = moment(required=True)
    planned_end = moment(required=True)
    facilitator_ids = fields.List(fields.UUID(), load_default=list, validate=validate.Length(max=6))
    location = optional_text(500)


class RescheduleSessionSchema(ClinicalTimeSchema):
    command = do.RescheduleSession

    planned_start = moment(required=True)
    planned_end = moment(required=True)
    reason = text(LONG_TEXT, required=True)


class CancelSessionSchema(ClinicalTimeSchema):
    command = do.CancelSession

    reason = text(LONG_TEXT, required=True)


class DoseSchema(Schema):
    kind = fields.Enum(DoseKind, by_value=True, required=True)
    amount_mg = amount(
        hundredths=True, load_default=None, allow_none=True, validate=validate.Range(0, 1000)
    )
    given_at = moment(load_default=None, allow_none=True)
    reason = optional_text(2000)


class AdverseEventSchema(Schema):
    severity = fields.Enum(AdverseEventSeverity, by_value=True, required=True)
    description = text(LONG_TEXT, required=True)
    action_taken = optional_text()


class RecordSessionOutcomeSchema(CommandSchema):
    command = do.RecordSessionOutcome

    started_at = moment(required=True)
    ended_at = moment(required=True)
    facilitator_ids = fields.List(fields.UUID(), required=True, validate=validate.Length(max=6))
    doses = fields.List(fields.Nested(DoseSchema), required=True, validate=validate.Length(max=10))
    supportive_touch_used = fields.Boolean(load_default=False)
    touch_areas = text_list(load_default=list)
    adverse_event = fields.Nested(AdverseEventSchema, load_default=None, allow_none=True)
    notes = optional_text()


class RecordContactSchema(ClinicalTimeSchema):
    command = do.RecordContact

    kind = fields.Enum(ContactKind, by_value=True, required=True)
    follow_up_id = fields.UUID(load_default=None, allow_none=True)
    duration_minutes = whole_number(
        load_default=None, allow_none=True, validate=validate.Range(1, 24 * 60)
    )
    notes = optional_text()


class RecordOutreachSchema(ClinicalTimeSchema):
    command = do.RecordOutreach

    channel = fields.Enum(OutreachChannel, by_value=True, required=True)
    outcome = fields.Enum(OutreachOutcome, by_value=True, required=True)
    notes = optional_text()


class ReassignFollowUpSchema(ClinicalTimeSchema):
    command = do.ReassignFollowUp

    practitioner_id = fields.UUID(
        required=True, metadata={"description": "Who owes it from now on (holds its role)."}
    )
    reason = text(LONG_TEXT, required=True)


class PauseJourneySchema(ClinicalTimeSchema):
    command = do.PauseJourney

    reason = text(LONG_TEXT, required=True)
    review_date = day(required=True)
    conditions_to_resume = text_list(min_items=1, required=True)


class ResumeJourneySchema(ClinicalTimeSchema):
    command = do.ResumeJourney

    rationale = text(LONG_TEXT, required=True)


class StopJourneySchema(ClinicalTimeSchema):
    command = do.StopJourney

    rationale = text(LONG_TEXT, required=True)


class RecordWithdrawalSchema(ClinicalTimeSchema):
    command = do.RecordWithdrawal

    reason = optional_text()


class CloseJourneySchema(ClinicalTimeSchema):
    command = do.CloseJourney

    reason = text(LONG_TEXT, required=True)


class RecordCorrectionSchema(ClinicalTimeSchema):
    command = do.RecordCorrection

    corrects_version = whole_number(
        load_default=None,
        validate=validate.Range(min=1),
        metadata={"description": "The entry corrected, by journey version (or corrects_position)."},
    )
    corrects_position = whole_number(
        load_default=None,
        validate=validate.Range(min=1),
        metadata={"description": "The entry corrected, by log position."},
    )
    field = text(64, required=True, metadata={"description": "e.g. rationale, valid_until"})
    new_value = Scalar(required=True, allow_none=True)
    reason = text(LONG_TEXT, required=True)


class RecordAddendumSchema(ClinicalTimeSchema):
    command = do.RecordAddendum

    entry_version = whole_number(required=True, validate=validate.Range(min=1))
    text = text(LONG_TEXT, required=True)
