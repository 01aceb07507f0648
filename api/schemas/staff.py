"""Clinics, practitioners and roles."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from api.schemas.commands import ClinicalTimeSchema, CommandSchema
from api.schemas.common import Choice, WrittenSchema, day, text, text_list, whole_number
from api.schemas.common import user_name as user_name_field
from api.schemas.reads import ReadQuerySchema, page_schema
from casework.clinic import FOLLOW_UP_KINDS
from casework.commands import (
    ChangeClinicSettings,
    DeactivatePractitioner,
    GrantRole,
    InvitePractitioner,
    IssueCalendarFeed,
    IssueToken,
    RecordCredentials,
    RegisterClinic,
    RegisterPractitioner,
    RenamePractitioner,
    RevokeCalendarFeed,
    RevokeRole,
    RevokeToken,
)
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


class ChangeClinicSettingsSchema(ClinicalTimeSchema):
    """The settings to change; those left out stay as they are (`occurred_at`: in effect from)."""

    command = ChangeClinicSettings

    time_zone = text(
        load_default=None, metadata={"description": "IANA time zone, e.g. Europe/Amsterdam"}
    )
    follow_up_schedule = fields.List(
        fields.Nested(FollowUpRuleSchema),
        validate=validate.Length(min=1, max=30),
        load_default=None,
        metadata={"description": "Applies to sessions held from now on; owed ones keep theirs."},
    )
    min_facilitators = whole_number(load_default=None, validate=validate.Range(1, 4))
    retention_years = whole_number(load_default=None, validate=validate.Range(1, 100))
    reason = text(required=True, metadata={"description": "Why (kept on the clinic's record)."})


class SettingsChangeSchema(Schema):
    time_zone = fields.String()
    follow_up_schedule = fields.List(fields.Nested(FollowUpRuleSchema))
    min_facilitators = fields.Integer()
    retention_years = fields.Integer()
    reason = fields.String()
    actor_id = fields.UUID()
    actor_role = fields.String()
    occurred_at = fields.DateTime()
    version = fields.Integer()


class ClinicSchema(Schema):
    id = fields.UUID()
    version = fields.Integer()
    name = fields.String()
    time_zone = fields.String()
    follow_up_schedule = fields.List(fields.Nested(FollowUpRuleSchema))
    min_facilitators = fields.Integer()
    retention_years = fields.Integer()
    settings_changes = fields.List(
        fields.Nested(SettingsChangeSchema),
        metadata={"description": "Every change, oldest first: the settings after it, who, why."},
    )


class ClinicRegisteredSchema(WrittenSchema):
    admin_id = fields.UUID(metadata={"description": "The clinic's first admin."})
    admin_token = fields.String(
        metadata={
            "description": "A bearer token for the first admin: shown this once, never again."
        }
    )


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


class DeactivationSchema(Schema):
    reason = fields.String()
    actor_id = fields.UUID(allow_none=True)
    occurred_at = fields.DateTime()


class PractitionerSchema(Schema):
    id = fields.UUID()
    version = fields.Integer()
    clinic_id = fields.UUID()
    display_name = fields.String()
    roles = fields.Method("sorted_roles")
    credentials = fields.List(fields.Nested(CredentialSchema))
    modalities = fields.List(fields.String())
    active = fields.Boolean(metadata={"description": "false once deactivated: no token works."})
    deactivation = fields.Nested(DeactivationSchema, allow_none=True)
    role_changes = fields.List(
        fields.Nested(RoleChangeSchema),
        metadata={"description": "Every role granted or revoked since registration, oldest first."},
    )

    def sorted_roles(self, practitioner: object) -> list[str]:
        return sorted(getattr(practitioner, "roles", []))


class RenamePractitionerSchema(CommandSchema):
    command = RenamePractitioner

    display_name = text(required=True)


class RecordCredentialsSchema(CommandSchema):
    command = RecordCredentials

    credentials = fields.List(
        fields.Nested(CredentialSchema), load_default=list, validate=validate.Length(max=20)
    )
    modalities = text_list(load_default=list, metadata={"description": "e.g. IFS, psychodrama"})


class DeactivatePractitionerSchema(CommandSchema):
    command = DeactivatePractitioner

    reason = text(
        required=True,
        metadata={"description": "Why they leave (kept on the staff record, plain)."},
    )


class IssueTokenSchema(CommandSchema):
    command = IssueToken

    label = text(100, required=True, metadata={"description": "What it is for, e.g. 'laptop'."})


class RevokeTokenSchema(CommandSchema):
    command = RevokeToken

    reason = text(required=True, metadata={"description": "Why, e.g. 'laptop lost'."})


class IssuedTokenSchema(WrittenSchema):
    secret = fields.String(
        metadata={"description": "The bearer token: shown this once, stored only as a hash."}
    )


class InvitePractitionerSchema(CommandSchema):
    command = InvitePractitioner

    user_name = user_name_field(
        required=True,
        metadata={
            "description": "What they will sign in with: 1 to 64 letters (a-z, A-Z), digits,"
            " '.', '-' and '_'; case is ignored when signing in."
        },
    )


class IssuedInvitationSchema(WrittenSchema):
    invitation_url = fields.String(
        metadata={
            "description": "The one-time link to set a password and authenticator: shown"
            " this once, stored only as a hash; give it to the practitioner only."
        }
    )
    expires_at = fields.DateTime(metadata={"description": "When the link stops working."})


class StaffQuerySchema(ReadQuerySchema):
    role = fields.Enum(Role, by_value=True, load_default=None)
    active = fields.Boolean(
        load_default=None, metadata={"description": "true: still working here; false: left."}
    )


class ListedCredentialSchema(Schema):
    kind = fields.String()
    number = fields.String()
    valid_until = fields.String(allow_none=True, metadata={"format": "date"})


class StaffEntrySchema(Schema):
    id = fields.UUID(attribute="practitioner_id")
    display_name = fields.String()
    roles = fields.List(fields.String())
    active = fields.Boolean()
    credentials = fields.List(fields.Nested(ListedCredentialSchema))
    modalities = fields.List(fields.String())
    registered_at = fields.DateTime()
    deactivated_at = fields.DateTime(allow_none=True)


StaffPageSchema = page_schema("StaffPage", StaffEntrySchema)


class TokenSchema(Schema):
    id = fields.UUID(attribute="token_id")
    label = fields.String()
    issued_at = fields.DateTime()
    revoked_at = fields.DateTime(allow_none=True)
    last_used_at = fields.DateTime(
        allow_none=True, metadata={"description": "To the minute; null: never used."}
    )


class TokenListSchema(Schema):
    items = fields.List(fields.Nested(TokenSchema))


class IssueCalendarFeedSchema(CommandSchema):
    """No body: the practitioner is in the path."""

    command = IssueCalendarFeed


class RevokeCalendarFeedSchema(CommandSchema):
    command = RevokeCalendarFeed

    reason = text(required=True, metadata={"description": "Why, e.g. 'phone lost'."})


class IssuedCalendarFeedSchema(WrittenSchema):
    url = fields.String(
        metadata={"description": "The feed's URL, holding its secret: shown this once."}
    )
