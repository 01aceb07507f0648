"""The read side: query parameters, and the pages of rows that answer them."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from marshmallow import Schema, ValidationError, fields, validate

from api.schemas.journey_state import FollowUpSchema
from casework.journey.values import FollowUpStatus, Phase, Status

DECISION_KINDS = ("screening", "pause", "resumption", "stop", "withdrawal", "closure")


class PractitionerRef(fields.Field[UUID | str]):
    """A practitioner id, or `me` for the caller."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> UUID | str:
        if value == "me":
            return "me"
        try:
            return UUID(str(value))
        except ValueError:
            raise ValidationError("Must be a practitioner id or 'me'.") from None


class ReadQuerySchema(Schema):
    """What every list read accepts: a page cursor, a page size, and a freshness floor."""

    after = fields.String(load_default=None, metadata={"description": "The `next` cursor."})
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 200))
    min_position = fields.Integer(
        load_default=None,
        validate=validate.Range(min=1),
        metadata={"description": "Wait (briefly) until the read models reach this log position."},
    )


class TimelineQuerySchema(ReadQuerySchema):
    as_of = fields.AwareDateTime(
        load_default=None, metadata={"description": "Only entries recorded by this moment."}
    )


class CaseloadQuerySchema(ReadQuerySchema):
    status = fields.String(load_default=None, validate=validate.OneOf([s.value for s in Status]))
    phase = fields.String(load_default=None, validate=validate.OneOf([p.value for p in Phase]))
    member = PractitionerRef(
        load_default=None, metadata={"description": "On the care team: an id or `me`."}
    )


class FollowUpQuerySchema(ReadQuerySchema):
    owner = PractitionerRef(load_default=None, metadata={"description": "An id or `me`."})
    status = fields.String(
        load_default=None, validate=validate.OneOf([s.value for s in FollowUpStatus])
    )
    due_from = fields.Date(load_default=None)
    due_to = fields.Date(load_default=None)


class DecisionQuerySchema(ReadQuerySchema):
    kind = fields.String(load_default=None, validate=validate.OneOf(DECISION_KINDS))
    decided_from = fields.Date(load_default=None, metadata={"description": "Clinic-local date."})
    decided_to = fields.Date(load_default=None, metadata={"description": "Inclusive."})
    decider = fields.UUID(load_default=None)
    journey = fields.UUID(load_default=None)
    format = fields.String(
        load_default="json",
        validate=validate.OneOf(["json", "csv"]),
        metadata={"description": "csv: every match as one file (or send Accept: text/csv)."},
    )


class FreshnessQuerySchema(Schema):
    min_position = fields.Integer(load_default=None, validate=validate.Range(min=1))


class CareTeamEntrySchema(Schema):
    practitioner_id = fields.UUID()
    role = fields.String()


class CaseloadEntrySchema(Schema):
    journey_id = fields.UUID()
    client_id = fields.UUID()
    client_pseudonym = fields.String()
    status = fields.String()
    phase = fields.String()
    opened_at = fields.DateTime()
    last_activity_at = fields.DateTime()
    next_follow_up_due = fields.Date(allow_none=True)
    sessions_scheduled = fields.Integer()
    sessions_held = fields.Integer()
    contacts_count = fields.Integer()
    care_team = fields.List(fields.Nested(CareTeamEntrySchema))


class TimelineEntrySchema(Schema):
    position = fields.Integer()
    version = fields.Integer()
    event_type = fields.String()
    summary = fields.String()
    occurred_at = fields.DateTime()
    recorded_at = fields.DateTime()
    late_entry = fields.Boolean(metadata={"description": "Recorded over 24 h after it happened."})
    actor_id = fields.UUID()
    actor_role = fields.String()
    details = fields.Dict()


class WorklistEntrySchema(FollowUpSchema):
    """A follow-up as the worklist shows it: with its journey and the client's pseudonym."""

    journey_id = fields.UUID()
    client_pseudonym = fields.String(allow_none=True)


class FollowUpSummarySchema(Schema):
    owner_id = fields.UUID(allow_none=True)
    due = fields.Integer(metadata={"description": "Inside their window today."})
    overdue = fields.Integer()
    next_7_days = fields.Integer(metadata={"description": "Windows opening in the next 7 days."})
    owed = fields.Integer(metadata={"description": "Every follow-up owed so far (not cancelled)."})
    done_on_time = fields.Integer()
    done_late = fields.Integer()


class DecisionEntrySchema(Schema):
    position = fields.Integer()
    journey_id = fields.UUID()
    kind = fields.String()
    decided_at = fields.DateTime()
    recorded_at = fields.DateTime()
    decider_id = fields.UUID()
    decider_role = fields.String()
    outcome = fields.String(allow_none=True)
    criteria = fields.List(fields.Dict())
    rationale = fields.String(allow_none=True)
    conditions = fields.List(fields.String())
    co_signer_id = fields.UUID(allow_none=True)
    valid_until = fields.Date(allow_none=True)
    review_date = fields.Date(allow_none=True)


class AccessLogQuerySchema(ReadQuerySchema):
    client = fields.UUID(load_default=None)
    practitioner = fields.UUID(load_default=None)
    accessed_from = fields.Date(load_default=None, metadata={"description": "Clinic-local date."})
    accessed_to = fields.Date(load_default=None, metadata={"description": "Inclusive."})


class AccessLogEntrySchema(Schema):
    position = fields.Integer()
    accessed_at = fields.DateTime()
    practitioner_id = fields.UUID()
    role = fields.String()
    client_id = fields.UUID()
    journey_id = fields.UUID()
    endpoint = fields.String(metadata={"description": "journey or timeline"})
    purpose = fields.String()


def page_schema(name: str, item: type[Schema]) -> type[Schema]:
    """Return the schema of a page of `item`s with its `next` cursor."""
    return Schema.from_dict(
        {"items": fields.List(fields.Nested(item)), "next": fields.String(allow_none=True)},
        name=name,
    )


CaseloadPageSchema = page_schema("CaseloadPage", CaseloadEntrySchema)
TimelinePageSchema = page_schema("TimelinePage", TimelineEntrySchema)
WorklistPageSchema = page_schema("WorklistPage", WorklistEntrySchema)
DecisionPageSchema = page_schema("DecisionPage", DecisionEntrySchema)
AccessLogPageSchema = page_schema("AccessLogPage", AccessLogEntrySchema)
