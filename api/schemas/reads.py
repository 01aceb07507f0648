"""The read side: query parameters, and the pages of rows that answer them."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from marshmallow import Schema, ValidationError, fields, validate

from api.schemas.common import Choice, QuerySchema, cursor, day, moment, whole_number
from api.schemas.journey_state import CriterionRecordSchema, FollowUpSchema
from casework.journey.values import FollowUpStatus, Phase, Status

DECISION_KINDS = ("screening", "pause", "resumption", "stop", "withdrawal", "closure")
PAGE_SIZE = 50
"""Rows on a page of a list read that names no `limit`."""


def page_size() -> int:
    """Return PAGE_SIZE: a callable default, which apispec leaves out of the document."""
    return PAGE_SIZE


def display_name() -> fields.String:
    """Return the field beside a practitioner's id naming them (null until the staff list knows)."""
    return fields.String(allow_none=True, metadata={"description": "Their display name."})


class PractitionerRef(fields.Field[UUID | str]):
    """A practitioner id, or `me` for the caller."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> UUID | str:
        if value == "me":
            return "me"
        try:
            return UUID(str(value))
        except ValueError:
            raise ValidationError("Must be a practitioner id or 'me'.") from None


class ReadQuerySchema(QuerySchema):
    """What every list read accepts: a page cursor, a page size, and a freshness floor."""

    after = cursor(load_default=None, metadata={"description": "The `next` cursor."})
    limit = whole_number(in_query=True, load_default=PAGE_SIZE, validate=validate.Range(1, 200))
    min_position = whole_number(
        in_query=True,
        load_default=None,
        validate=validate.Range(min=1),
        metadata={"description": "Wait (briefly) until the read models reach this log position."},
    )


class TimelineQuerySchema(ReadQuerySchema):
    as_of = moment(
        load_default=None, metadata={"description": "Only entries recorded by this moment."}
    )


class CaseloadQuerySchema(ReadQuerySchema):
    status = Choice([s.value for s in Status], load_default=None)
    phase = Choice([p.value for p in Phase], load_default=None)
    member = PractitionerRef(
        load_default=None, metadata={"description": "On the care team: an id or `me`."}
    )
    client = fields.UUID(load_default=None, metadata={"description": "The client's journeys."})


class FollowUpQuerySchema(ReadQuerySchema):
    owner = PractitionerRef(load_default=None, metadata={"description": "An id or `me`."})
    status = Choice([s.value for s in FollowUpStatus], load_default=None)
    due_from = day(load_default=None)
    due_to = day(load_default=None)


class DecisionQuerySchema(ReadQuerySchema):
    # No documented default: a generated client sends every documented default, and a CSV
    # export refuses `limit` (it has no pages), so `format=csv` could never be asked for.
    limit = whole_number(
        in_query=True,
        load_default=page_size,
        validate=validate.Range(1, 200),
        metadata={
            "description": f"Rows on a page, {PAGE_SIZE} if left out. Not with format=csv"
            " (a CSV export has no pages: 422)."
        },
    )
    kind = Choice(DECISION_KINDS, load_default=None)
    decided_from = day(load_default=None, metadata={"description": "Clinic-local date."})
    decided_to = day(load_default=None, metadata={"description": "Inclusive."})
    decider = fields.UUID(load_default=None)
    journey = fields.UUID(load_default=None)
    format = Choice(
        ["json", "csv"],
        load_default="json",
        metadata={"description": "csv: every match as one file (or send Accept: text/csv)."},
    )


class FreshnessQuerySchema(QuerySchema):
    min_position = whole_number(in_query=True, load_default=None, validate=validate.Range(min=1))


class CareTeamEntrySchema(Schema):
    practitioner_id = fields.UUID()
    practitioner_name = fields.String(
        allow_none=True, metadata={"description": "Their display name."}
    )
    role = fields.String()
    lacks_role = fields.Boolean(
        metadata={"description": "The practitioner no longer holds this role: replace them."}
    )


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
    actor_name = display_name()
    actor_role = fields.String()
    details = fields.Dict()


class WorklistEntrySchema(FollowUpSchema):
    """A follow-up as the worklist shows it: with its journey and the client's pseudonym."""

    journey_id = fields.UUID()
    client_pseudonym = fields.String(allow_none=True)
    owner_name = display_name()


class FollowUpSummarySchema(Schema):
    owner_id = fields.UUID(allow_none=True)
    owner_name = display_name()
    due = fields.Integer(metadata={"description": "Inside their window today."})
    overdue = fields.Integer()
    next_7_days = fields.Integer(metadata={"description": "Windows opening in the next 7 days."})
    owed = fields.Integer(metadata={"description": "Every follow-up owed so far (not cancelled)."})
    done_early = fields.Integer(metadata={"description": "Done before the window opened."})
    done_on_time = fields.Integer()
    done_late = fields.Integer()


class DecisionEntrySchema(Schema):
    position = fields.Integer()
    journey_id = fields.UUID()
    kind = fields.String()
    decided_at = fields.DateTime()
    recorded_at = fields.DateTime()
    decider_id = fields.UUID()
    decider_name = display_name()
    decider_role = fields.String()
    outcome = fields.String(allow_none=True)
    criteria = fields.List(fields.Nested(CriterionRecordSchema))
    rationale = fields.String(allow_none=True)
    conditions = fields.List(fields.String())
    co_signer_id = fields.UUID(allow_none=True)
    co_signer_name = display_name()
    valid_until = fields.Date(allow_none=True)
    review_date = fields.Date(allow_none=True)


class AccessLogQuerySchema(ReadQuerySchema):
    client = fields.UUID(load_default=None)
    practitioner = fields.UUID(load_default=None)
    accessed_from = day(load_default=None, metadata={"description": "Clinic-local date."})
    accessed_to = day(load_default=None, metadata={"description": "Inclusive."})


class AccessLogEntrySchema(Schema):
    position = fields.Integer()
    accessed_at = fields.DateTime()
    practitioner_id = fields.UUID()
    practitioner_name = fields.String(
        allow_none=True, metadata={"description": "Their display name."}
    )
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


class PauseReviewQuerySchema(ReadQuerySchema):
    within_days = whole_number(
        in_query=True,
        load_default=0,
        validate=validate.Range(0, 365),
        metadata={"description": "Also reviews due within this many days (default: due now)."},
    )


class PauseReviewEntrySchema(Schema):
    journey_id = fields.UUID()
    client_pseudonym = fields.String()
    review_date = fields.Date()
    days_overdue = fields.Integer(metadata={"description": "0 when due today or later."})
    paused_at = fields.DateTime()
    paused_by = fields.UUID()
    paused_by_name = display_name()


CaseloadPageSchema = page_schema("CaseloadPage", CaseloadEntrySchema)
PauseReviewPageSchema = page_schema("PauseReviewPage", PauseReviewEntrySchema)
TimelinePageSchema = page_schema("TimelinePage", TimelineEntrySchema)
WorklistPageSchema = page_schema("WorklistPage", WorklistEntrySchema)
DecisionPageSchema = page_schema("DecisionPage", DecisionEntrySchema)
AccessLogPageSchema = page_schema("AccessLogPage", AccessLogEntrySchema)


class AccessQueryLogQuerySchema(ReadQuerySchema):
    journey = fields.UUID(load_default=None, metadata={"description": "Lists that showed it."})
    practitioner = fields.UUID(load_default=None)
    accessed_from = day(load_default=None, metadata={"description": "Clinic-local date."})
    accessed_to = day(load_default=None, metadata={"description": "Inclusive."})


class AccessQueryEntrySchema(Schema):
    position = fields.Integer()
    accessed_at = fields.DateTime()
    practitioner_id = fields.UUID()
    practitioner_name = fields.String(
        allow_none=True, metadata={"description": "Their display name."}
    )
    role = fields.String()
    endpoint = fields.String(metadata={"description": "caseload or worklist"})
    filters = fields.List(fields.String(), metadata={"description": "`name=value`, as asked."})
    purpose = fields.String()
    journey_ids = fields.List(fields.UUID(), metadata={"description": "The journeys it showed."})


AccessQueryPageSchema = page_schema("AccessQueryPage", AccessQueryEntrySchema)


class AccessLogExportQuerySchema(FreshnessQuerySchema):
    client = fields.UUID(load_default=None)
    practitioner = fields.UUID(load_default=None)
    accessed_from = day(load_default=None, metadata={"description": "Clinic-local date."})
    accessed_to = day(load_default=None, metadata={"description": "Inclusive."})


class AdherenceQuerySchema(FreshnessQuerySchema):
    due_from = day(load_default=None, metadata={"description": "Follow-ups due from (inclusive)."})
    due_to = day(load_default=None, metadata={"description": "Follow-ups due until (inclusive)."})
    owner = PractitionerRef(load_default=None, metadata={"description": "An id or `me`."})
