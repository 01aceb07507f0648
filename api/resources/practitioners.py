"""Practitioners: staff of the caller's clinic, managed by its admins.

The staff list and a practitioner's tokens are plain functions of the actor and the query, so
the admin pages for people read them as the API does.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any
from uuid import UUID

from flask import g, url_for
from flask.views import MethodView

from api.auth import current_actor
from api.read_models import projected
from api.resources.blueprint import Blueprint
from api.resources.writes import Created, created
from api.schemas.common import WrittenSchema
from api.schemas.staff import (
    DeactivatePractitionerSchema,
    GrantRoleSchema,
    InvitePractitionerSchema,
    IssueCalendarFeedSchema,
    IssuedCalendarFeedSchema,
    IssuedInvitationSchema,
    IssuedTokenSchema,
    IssueTokenSchema,
    PractitionerSchema,
    RecordCredentialsSchema,
    RegisterPractitionerSchema,
    RenamePractitionerSchema,
    RevokeCalendarFeedSchema,
    RevokeRoleSchema,
    RevokeTokenSchema,
    StaffPageSchema,
    StaffQuerySchema,
    TokenListSchema,
)
from api.services import casework
from casework.commands import (
    DeactivatePractitioner,
    GrantRole,
    InvitePractitioner,
    IssueCalendarFeed,
    IssueToken,
    RecordCredentials,
    RegisterPractitioner,
    RenamePractitioner,
    RevokeCalendarFeed,
    RevokeRole,
    RevokeToken,
)
from casework.permissions import Read, acting_role
from casework.practitioner import Practitioner
from casework.roles import Actor
from projections import queries
from projections.pages import Page

blp = Blueprint(
    "practitioners", __name__, url_prefix="/practitioners", description="Staff and roles (admin)"
)


@blp.route("")
class Practitioners(MethodView):
    @blp.arguments(StaffQuerySchema, location="query")
    @blp.response(200, StaffPageSchema)
    @blp.doc(operationId="list_practitioners")
    def get(self, query: dict[str, Any]) -> Page:
        """List the clinic's practitioners by name (filters: role, active).

        Any staff member of the clinic and its auditor. Each with roles, whether they still work
        here, credentials and modalities. Read from the projections (`min_position` waits for a
        write you made).
        """
        min_position = query.pop("min_position")
        return list_practitioners(current_actor(), query, min_position=min_position)

    @blp.arguments(RegisterPractitionerSchema)
    @blp.response(201, WrittenSchema)
    @blp.doc(operationId="register_practitioner")
    def post(self, command: RegisterPractitioner) -> Created:
        """Register a practitioner in the caller's clinic.

        Admin only. A practitioner holds one to six roles, each checked again wherever it is used (a
        care team, a session's facilitators).
        """
        return created(casework().register_practitioner(current_actor(), command))


def list_practitioners(
    actor: Actor, query: dict[str, Any], *, min_position: int | None = None
) -> Page:
    """Return a page of the clinic's practitioners by name (staff data: not logged)."""
    acting_role(actor, Read.PRACTITIONER)
    role = query["role"]
    rest = {name: value for name, value in query.items() if name != "role"}
    with projected(("staff",), min_position) as connection:
        return queries.staff_list(connection, actor.clinic_id, role=role and role.value, **rest)


@blp.route("/<uuid:practitioner_id>")
class PractitionerById(MethodView):
    @blp.response(200, PractitionerSchema)
    @blp.doc(operationId="get_practitioner")
    def get(self, practitioner_id: UUID) -> Practitioner:
        """Show a practitioner of the caller's clinic.

        Any staff member of the clinic and its auditor may read it, with `role_changes`: every role
        granted or revoked, by whom and why. A practitioner of another clinic is a 404.
        """
        return casework().get_practitioner(current_actor(), practitioner_id)


@blp.route("/<uuid:practitioner_id>/roles")
class PractitionerRoles(MethodView):
    @blp.arguments(GrantRoleSchema)
    @blp.response(201, WrittenSchema)
    @blp.doc(operationId="grant_role")
    def post(self, command: GrantRole, practitioner_id: UUID) -> Created:
        """Grant a practitioner another role, with a reason (another admin, or the operator).

        Another admin of the clinic, or the operator with `CASEWORK_OPERATOR_TOKEN`. Nobody changes
        their own roles (409 `cannot_change_own_roles`); a role already held is 409
        `role_already_held`.
        """
        return created(casework().grant_role(_role_changer(), command))


@blp.route("/<uuid:practitioner_id>/roles/<role:role>")
class PractitionerRole(MethodView):
    @blp.arguments(RevokeRoleSchema, location="json")
    @blp.response(200, WrittenSchema)
    @blp.doc(operationId="revoke_role")
    def delete(self, command: RevokeRole, practitioner_id: UUID, role: str) -> dict[str, Any]:
        """Revoke a role from a practitioner, with a reason (recorded as an event).

        Another admin of the clinic, or the operator. A role not held is 409 `role_not_held`, an
        unknown role 422. Care-team places the practitioner held in that role show `lacks_role:
        true` until someone replaces them.
        """
        return asdict(casework().revoke_role(_role_changer(), command))


def _role_changer() -> Actor | None:
    """Return the admin changing a role, or None for the operator (CASEWORK_OPERATOR_TOKEN)."""
    return None if g.is_operator else current_actor()


@blp.route("/<uuid:practitioner_id>/name")
class PractitionerName(MethodView):
    @blp.arguments(RenamePractitionerSchema)
    @blp.response(200, WrittenSchema)
    @blp.doc(operationId="rename_practitioner")
    def put(self, command: RenamePractitioner, practitioner_id: UUID) -> dict[str, Any]:
        """Record the name a practitioner is known by from now on (admin).

        The name is staff data, kept plain; a name the same as the recorded one is a 422.
        """
        return asdict(casework().rename_practitioner(current_actor(), command))


@blp.route("/<uuid:practitioner_id>/credentials")
class PractitionerCredentials(MethodView):
    @blp.arguments(RecordCredentialsSchema)
    @blp.response(200, WrittenSchema)
    @blp.doc(operationId="record_credentials")
    def put(self, command: RecordCredentials, practitioner_id: UUID) -> dict[str, Any]:
        """Replace a practitioner's credentials (licence numbers, valid until) and modalities.

        Admin. The lists replace the recorded ones as a whole.
        """
        return asdict(casework().record_credentials(current_actor(), command))


@blp.route("/<uuid:practitioner_id>/deactivation")
class PractitionerDeactivation(MethodView):
    @blp.arguments(DeactivatePractitionerSchema)
    @blp.response(200, WrittenSchema)
    @blp.doc(operationId="deactivate_practitioner")
    def post(self, command: DeactivatePractitioner, practitioner_id: UUID) -> dict[str, Any]:
        """Deactivate a practitioner who left, with a reason: every token of theirs stops at once.

        Another admin (409 `cannot_deactivate_self`; again: 409 `already_deactivated`). They
        cannot be put on a care team (409 `practitioner_deactivated`); what they recorded stays
        theirs. A clinical lead finds the journeys to hand over with `GET
        /journeys?member={id}`.
        """
        return asdict(casework().deactivate_practitioner(current_actor(), command))


@blp.route("/<uuid:practitioner_id>/tokens")
class PractitionerTokens(MethodView):
    @blp.response(200, TokenListSchema)
    @blp.doc(operationId="list_tokens")
    def get(self, practitioner_id: UUID) -> dict[str, Any]:
        """List a practitioner's bearer tokens, newest first: label, issued, revoked, last used.

        An admin any practitioner's of the clinic; anyone their own. Never the token itself.
        """
        return {"items": list_tokens(current_actor(), practitioner_id)}

    @blp.arguments(IssueTokenSchema)
    @blp.response(201, IssuedTokenSchema)
    @blp.doc(operationId="issue_token")
    def post(self, command: IssueToken, practitioner_id: UUID) -> Created:
        """Issue a practitioner a bearer token; the answer holds it, shown this once.

        Admin. A deactivated practitioner gets none (409 `already_deactivated`). Only the token's
        hash is stored: a lost token is revoked and a new one issued.
        """
        issued = casework().issue_token(current_actor(), command)
        answer, status, headers = created(issued.written)
        return {**answer, "secret": issued.secret}, status, headers


def list_tokens(
    actor: Actor, practitioner_id: UUID, *, min_position: int | None = None
) -> list[dict[str, Any]]:
    """Return a practitioner's bearer tokens, newest first, if the actor may see them."""
    casework().check_token_reader(actor, practitioner_id)
    with projected(("staff",), min_position) as connection:
        return queries.practitioner_tokens(connection, practitioner_id)


@blp.route("/<uuid:practitioner_id>/tokens/<uuid:token_id>")
class PractitionerToken(MethodView):
    @blp.arguments(RevokeTokenSchema, location="json")
    @blp.response(200, WrittenSchema)
    @blp.doc(operationId="revoke_token")
    def delete(self, command: RevokeToken, practitioner_id: UUID, token_id: UUID) -> dict[str, Any]:
        """Revoke a bearer token, with a reason: it stops working at once.

        An admin any of the clinic's; anyone their own (403 otherwise). Twice is 409
        `token_already_revoked`.
        """
        return asdict(casework().revoke_token(current_actor(), command))


@blp.route("/<uuid:practitioner_id>/invitations")
class PractitionerInvitations(MethodView):
    @blp.arguments(InvitePractitionerSchema)
    @blp.response(201, IssuedInvitationSchema)
    @blp.doc(operationId="invite_practitioner")
    def post(self, command: InvitePractitioner, practitioner_id: UUID) -> Created:
        """Invite a practitioner to sign in by browser; the answer holds the link, shown this once.

        Admin. The link lets them set a password and an authenticator for `user_name`, once,
        within 72 hours; only its hash is stored. Inviting again (a lost phone, a forgotten
        password) gives a new link, which replaces both once used. A user name another
        practitioner holds is a 422 naming `user_name`; a deactivated practitioner gets none
        (409 `already_deactivated`).
        """
        issued = casework().invite_practitioner(current_actor(), command)
        answer, status, headers = created(issued.written)
        url = url_for("web.welcome", secret=issued.secret, _external=True)
        return (
            {**answer, "invitation_url": url, "expires_at": issued.expires_at},
            status,
            headers,
        )


@blp.route("/<uuid:practitioner_id>/calendar-feeds")
class PractitionerCalendarFeeds(MethodView):
    @blp.arguments(IssueCalendarFeedSchema, location="json", required=False)
    @blp.response(201, IssuedCalendarFeedSchema)
    @blp.doc(operationId="issue_calendar_feed")
    def post(self, command: IssueCalendarFeed, practitioner_id: UUID) -> Created:
        """Make a calendar feed of the follow-ups a practitioner owes; answers its URL once.

        The practitioner themself, or an admin. Subscribe a calendar program to the URL: it
        holds the feed's own secret (never a bearer token), so revoke the feed if it leaks.
        """
        issued = casework().issue_calendar_feed(current_actor(), command)
        answer, status, headers = created(issued.written)
        url = url_for("calendar.FollowUpFeed", secret=issued.secret, _external=True)
        return {**answer, "url": url}, status, headers


@blp.route("/<uuid:practitioner_id>/calendar-feeds/<uuid:feed_id>")
class PractitionerCalendarFeed(MethodView):
    @blp.arguments(RevokeCalendarFeedSchema, location="json")
    @blp.response(200, WrittenSchema)
    @blp.doc(operationId="revoke_calendar_feed")
    def delete(
        self, command: RevokeCalendarFeed, practitioner_id: UUID, feed_id: UUID
    ) -> dict[str, Any]:
        """Revoke a calendar feed, with a reason: its URL answers 404 from now on.

        The practitioner themself, or an admin. Twice is 409 `feed_already_revoked`.
        """
        return asdict(casework().revoke_calendar_feed(current_actor(), command))
