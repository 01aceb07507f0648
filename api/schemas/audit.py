"""What auditors ask for: integrity checks, every correction, and a journey's export."""

from __future__ import annotations

from marshmallow import Schema, fields

from api.schemas.journey_state import JourneySchema
from api.schemas.reads import ReadQuerySchema, TimelineEntrySchema, page_schema


class IntegrityQuerySchema(Schema):
    journey_id = fields.UUID(
        load_default=None, metadata={"description": "Check one journey; the whole store if absent."}
    )


class BreakSchema(Schema):
    problem = fields.String(
        metadata={"description": "altered, missing, out_of_order, unreadable, reordered, bad_seal"}
    )
    detail = fields.String()
    position = fields.Integer(allow_none=True, metadata={"description": "Log position, if known."})
    aggregate_id = fields.UUID(allow_none=True)
    version = fields.Integer(allow_none=True)


class SealedHeadSchema(Schema):
    from_position = fields.Integer()
    to_position = fields.Integer()
    version = fields.Integer(metadata={"description": "The stream's last version in the range."})
    link = fields.String(metadata={"description": "That event's link (SHA-256, hex)."})
    signature = fields.String(metadata={"description": "The seal's HMAC-SHA256 (hex)."})


class IntegrityReportSchema(Schema):
    intact = fields.Boolean()
    first_break = fields.Nested(BreakSchema, allow_none=True)
    breaks = fields.List(fields.Nested(BreakSchema), metadata={"description": "In log order."})
    last_position = fields.Integer()
    events_checked = fields.Integer()
    seals_checked = fields.Integer()
    sealed_through = fields.Integer(metadata={"description": "The last position a seal covers."})
    unsealed_events = fields.Integer(metadata={"description": "Written since the last seal."})
    sealed_heads = fields.List(
        fields.Nested(SealedHeadSchema), metadata={"description": "One journey's check only."}
    )


class ExportedEventSchema(Schema):
    version = fields.Integer()
    type = fields.String()
    recorded_at = fields.DateTime()
    previous_link = fields.String()
    link = fields.String()
    data = fields.Dict(metadata={"description": "Every field of the event, as plain values."})


class JourneyExportSchema(Schema):
    journey = fields.Nested(JourneySchema)
    events = fields.List(fields.Nested(ExportedEventSchema))
    integrity = fields.Nested(IntegrityReportSchema)


class CorrectionQuerySchema(ReadQuerySchema):
    journey = fields.UUID(load_default=None)
    corrector = fields.UUID(load_default=None, metadata={"description": "Who corrected."})
    recorded_from = fields.Date(load_default=None, metadata={"description": "Clinic-local date."})
    recorded_to = fields.Date(load_default=None, metadata={"description": "Inclusive."})


class CorrectionEntrySchema(TimelineEntrySchema):
    journey_id = fields.UUID()
    details = fields.Dict(
        metadata={
            "description": "corrected_version, entry_type, field, original_value, new_value, reason"
        }
    )


CorrectionPageSchema = page_schema("CorrectionPage", CorrectionEntrySchema)
