"""Clinics, practitioners and roles."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from api.schemas.commands import CommandSchema
from api.schemas.common import Choice, WrittenSchema, day, text, text_list, whole_number
from casework.clinic import FOLLOW_UP_KINDS
from casework.commands import GrantRole, RegisterClinic, RegisterPractitioner, RevokeRole
from casework.roles import Role


class FollowUpRuleSchema(Schema):
    kind = Choice(FOLLOW_UP_KINDS, required=True)
    label = text(required=True)
    due_day = whole_number(required=True, validate=validate.Range(0, 365))
    window_start_day = whole_number(required=True, validate=validate.Range(0, 365))
    window_end_day = whole_number(required=True, validate=validate.Range(0, 365))
    owner_role = Choice([r.value for r in Role], required=True)


class RegisterClinicSchema(CommandSchema):
    command = RegisterClinic

    name = text(required=True)
    time_zone = text(
        required=True, metadata={"description": "IANA time zone, e.g. Europe/Amsterdam"}
    )
    admin_display_name = text(required=True, metadata={"description": "The clinic's first admin."})
    follow_up_schedule = fields.List(
        fields.Nested(FollowUpRuleSchema),
        validate=validate.Length(min=1, max=30),
        load_default=None,
        metadata={"description": "Defaults to PRODUCT.md's MDMA-AT phase-3-like schedule."},
    )
    min_facilitators = whole_number(load_default=1, validate=validate.Range(1, 4))
    retention_years = whole_number(load_default=10, validate=validate.Range(1, 100))


class ClinicRegisteredSchema(WrittenSchema):
    admin_id = fields.UUID(metadata={"description": "The clinic's first admin."})


class CredentialSchema(Schema):
    kind = text(required=True, metadata={"description": "e.g. licence"})
    number = text(required=True)
    valid_until = day(load_default=None, allow_none=True)


class RegisterPractitionerSchema(CommandSchema):
    command = RegisterPractitioner

    display_name = text(required=True)
    roles = fields.List(
        fields.Enum(Role, by_value=True), required=True, validate=validate.Length(min=1, max=6)
    )
    credentials = fields.List(
        fields.Nested(CredentialSchema), load_default=list, validate=validate.Length(max=20)
    )
    modalities = text_list(load_default=list, metadata={"description": "e.g. IFS, psychodrama"})


class GrantRoleSchema(CommandSchema):
    command = GrantRole

    role = fields.Enum(Role, by_value=True, required=True)
    reason = text(
        required=True,
        metadata={"description": "Why the role is granted (kept on the staff record, plain)."},
    )


class RevokeRoleSchema(CommandSchema):
    command = RevokeRole

    reason = text(
        required=True,
        metadata={"description": "Why the role is revoked (kept on the staff record, plain)."},
    )


class RoleChangeSchema(Schema):
    change = fields.String(metadata={"description": "granted or revoked"})
    role = fields.String()
    reason = fields.String()
    actor_id = fields.UUID(allow_none=True, metadata={"description": "None: the operator."})
    actor_role = fields.String()
    occurred_at = fields.DateTime()
    recorded_at = fields.DateTime()
    version = fields.Integer(metadata={"description": "The practitioner's version it made."})


class PractitionerSchema(Schema):
    id = fields.UUID()
    version = fields.Integer()
    clinic_id = fields.UUID()
    display_name = fields.String()
    roles = fields.Method("sorted_roles")
    credentials = fields.List(fields.Nested(CredentialSchema))
    modalities = fields.List(fields.String())
    role_changes = fields.List(
        fields.Nested(RoleChangeSchema),
        metadata={"description": "Every role granted or revoked since registration, oldest first."},
    )

    def sorted_roles(self, practitioner: object) -> list[str]:
        return sorted(getattr(practitioner, "roles", []))
