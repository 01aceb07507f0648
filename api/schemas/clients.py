"""Clients: identifying details, erasure, and the client as a reader sees it."""

from __future__ import annotations

from marshmallow import Schema, fields

from api.schemas.commands import CommandSchema
from api.schemas.common import day, optional_text, pseudonym, text
from api.schemas.reads import ReadQuerySchema, page_schema
from casework.commands import EraseClient, RecordClientDetails

ERASED_NOTE = "Reads `[erased]` once the client's key was destroyed."


class ClientDetailsSchema(CommandSchema):
    """Identifying details: each is encrypted under the client's own key before it is stored."""

    command = RecordClientDetails

    name = text(required=True, metadata={"description": "Full name."})
    date_of_birth = day(required=True)
    contact = optional_text(500)
    support_contact = optional_text(500)


class StoredClientDetailsSchema(Schema):
    name = fields.String(allow_none=True, metadata={"description": ERASED_NOTE})
    date_of_birth = fields.String(allow_none=True, metadata={"description": ERASED_NOTE})
    contact = fields.String(allow_none=True, metadata={"description": ERASED_NOTE})
    support_contact = fields.String(allow_none=True, metadata={"description": ERASED_NOTE})


class ErasureSchema(CommandSchema):
    command = EraseClient

    reason = text(500, required=True, metadata={"description": "Why; ids only, no personal data."})
    retention_override = optional_text(500)


class ErasureRecordSchema(Schema):
    reason = fields.String()
    retention_ends_on = fields.String(allow_none=True)
    retention_override = fields.String(allow_none=True)


class ClientSchema(Schema):
    id = fields.UUID()
    pseudonym = fields.String()
    journey_ids = fields.List(fields.UUID())
    details = fields.Nested(StoredClientDetailsSchema)
    erased_at = fields.DateTime(allow_none=True)
    erasure = fields.Nested(ErasureRecordSchema, allow_none=True)


class ClientSearchSchema(ReadQuerySchema):
    pseudonym = pseudonym(
        load_default=None,
        metadata={
            "description": "The start of a pseudonym, compared as pseudonyms are (case, width and"
            " Unicode forms aside); none: every client."
        },
    )


class ClientEntrySchema(Schema):
    id = fields.UUID(attribute="client_id")
    pseudonym = fields.String()
    journey_ids = fields.List(fields.UUID(), metadata={"description": "Oldest first."})
    registered_at = fields.DateTime()


ClientPageSchema = page_schema("ClientPage", ClientEntrySchema)
