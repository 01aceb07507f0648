"""What auditors ask for: integrity checks, every correction, and a journey's export."""

from __future__ import annotations

import json
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from api.schemas.common import QuerySchema, day, whole_number
from api.schemas.journey_state import JourneySchema
from api.schemas.reads import ReadQuerySchema, TimelineEntrySchema, page_schema
from casework.checkpoints import BODY_FIELDS

MAX_CHECKPOINT_TEXT = 4096


class CheckpointField(fields.Field[dict[str, Any]]):
    """A checkpoint an auditor kept, as the JSON text `/audit/checkpoints/latest` answered."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if not isinstance(value, str) or len(value) > MAX_CHECKPOINT_TEXT:
            raise ValidationError(
                f"Must be a checkpoint's JSON, at most {MAX_CHECKPOINT_TEXT} characters."
            )
        try:
            checkpoint = json.loads(value)
        except (ValueError, RecursionError):
            raise ValidationError("Must be a checkpoint's JSON: this is not JSON.") from None
        if not isinstance(checkpoint, dict) or set(checkpoint) != {*BODY_FIELDS, "signature"}:
            raise ValidationError("Must be a checkpoint's JSON: its fields are not a checkpoint's.")
        return checkpoint


class IntegrityQuerySchema(QuerySchema):
    journey_id = fields.UUID(
        load_default=None,
        metadata={"description": "Check one journey; the clinic's history if absent."},
    )
    checkpoint = CheckpointField(
        load_default=None,
        metadata={
            "description": "A checkpoint you kept (its JSON, URL-encoded): the store must still"
            " hold everything it covered. Not with journey_id."
        },
    )

    @validates_schema
    def one_question(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data.get("journey_id") and data.get("checkpoint"):
            raise ValidationError("Check a journey or a kept checkpoint, not both.", "checkpoint")


class BreakSchema(Schema):
    problem = fields.String(
        metadata={
            "description": "altered, missing, added, out_of_order, reordered, unreadable,"
            " bad_checkpoint, checkpoint_missing, checkpoint_mismatch"
        }
    )
    detail = fields.String()
    position = fields.Integer(allow_none=True, metadata={"description": "Log position, if known."})
    aggregate_id = fields.UUID(allow_none=True)
    version = fields.Integer(allow_none=True)


class CheckpointSchema(Schema):
    format = fields.String()
    scope = fields.String(metadata={"description": "The clinic's id, or `log` for the whole log."})
    sequence = fields.Integer()
    through_position = fields.Integer()
    event_count = fields.Integer(metadata={"description": "Events of the history through it."})
    log_digest = fields.String(metadata={"description": "Running SHA-256 over their entries."})
    heads_root = fields.String(metadata={"description": "Merkle root of the heads it covered."})
    previous = fields.String(metadata={"description": "SHA-256 of the checkpoint before it."})
    signed_at = fields.String()
    key_id = fields.String(metadata={"description": "Names the Ed25519 key that signed it."})
    signature = fields.String(metadata={"description": "Ed25519, unpadded base64url."})


class HeadProofSchema(Schema):
    version = fields.Integer(metadata={"description": "The journey's version it covered."})
    link = fields.String()
    position = fields.Integer()
    index = fields.Integer(metadata={"description": "The leaf's index among the heads."})
    size = fields.Integer(metadata={"description": "How many heads the checkpoint covered."})
    path = fields.List(fields.String(), metadata={"description": "The Merkle audit path (hex)."})


class StreamProofSchema(Schema):
    checkpoint = fields.Nested(CheckpointSchema)
    head = fields.Nested(HeadProofSchema)


class IntegrityReportSchema(Schema):
    intact = fields.Boolean()
    first_break = fields.Nested(BreakSchema, allow_none=True)
    breaks = fields.List(fields.Nested(BreakSchema), metadata={"description": "In log order."})
    scope = fields.String(metadata={"description": "Whose history was checked."})
    last_position = fields.Integer()
    events_checked = fields.Integer()
    checkpoints_checked = fields.Integer()
    sealed_through = fields.Integer(
        metadata={"description": "The last position the newest checkpoint covers."}
    )
    unsealed_events = fields.Integer(metadata={"description": "Written since the last checkpoint."})
    oldest_unsealed_age_seconds = fields.Float(allow_none=True)
    proof = fields.Nested(
        StreamProofSchema,
        allow_none=True,
        metadata={"description": "One journey's check only: the checkpoint that covers its head."},
    )


class ExportedEventSchema(Schema):
    version = fields.Integer()
    type = fields.String()
    recorded_at = fields.DateTime()
    previous_link = fields.String()
    link = fields.String()
    stored = fields.Dict(
        metadata={"description": "The stored form the link is taken over (text still sealed)."}
    )
    data = fields.Dict(metadata={"description": "Every field of the event, as plain values."})


class JourneyExportSchema(Schema):
    journey = fields.Nested(JourneySchema)
    events = fields.List(fields.Nested(ExportedEventSchema))
    integrity = fields.Nested(IntegrityReportSchema)


class CorrectionQuerySchema(ReadQuerySchema):
    journey = fields.UUID(load_default=None)
    corrector = fields.UUID(load_default=None, metadata={"description": "Who corrected."})
    recorded_from = day(load_default=None, metadata={"description": "Clinic-local date."})
    recorded_to = day(load_default=None, metadata={"description": "Inclusive."})


class CorrectionEntrySchema(TimelineEntrySchema):
    journey_id = fields.UUID()
    details = fields.Dict(
        metadata={
            "description": "corrected_version, entry_type, field, original_value, new_value, reason"
        }
    )


CorrectionPageSchema = page_schema("CorrectionPage", CorrectionEntrySchema)


class CorrectionExportQuerySchema(QuerySchema):
    journey = fields.UUID(load_default=None)
    corrector = fields.UUID(load_default=None, metadata={"description": "Who corrected."})
    recorded_from = day(load_default=None, metadata={"description": "Clinic-local date."})
    recorded_to = day(load_default=None, metadata={"description": "Inclusive."})
    min_position = whole_number(in_query=True, load_default=None, validate=validate.Range(min=1))
