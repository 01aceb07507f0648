"""Staff and clinic settings, for admins: who works here, their roles, tokens and sign-in.

Each page reads as the API's matching reads do (the staff list and a practitioner's tokens by
the functions the API views call, the practitioner and the clinic through the service, with the
same role checks) and every write is a command's form
(web.commands), but the two whose answer holds a secret shown once, a bearer token and an
invitation link: those post here, and the page they answer shows the secret, never a URL.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from http import HTTPStatus
from typing import Any, NamedTuple
from uuid import UUID

from flask import Response, g, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from api.read_models import projected
from api.resources.practitioners import list_practitioners, list_tokens
from api.schemas.staff import StaffQuerySchema
from api.services import casework
from casework.clinic import Clinic
from casework.commands import (
    ChangeClinicSettings,
    Command,
    DeactivatePractitioner,
    GrantRole,
    InvitePractitioner,
    IssueToken,
    RecordCredentials,
    RegisterPractitioner,
    RenamePractitioner,
    RevokeRole,
    RevokeToken,
)
from casework.errors import Forbidden
from casework.practitioner import Practitioner
from casework.roles import Actor, Role
from projections import queries
from web.blueprint import blp
from web.commands import CommandForm, Done, command_form, may, perform
from web.filter_forms import ROWS, Filter, asked, listing
from web.reading import written_position

NOT_STORED = {"Cache-Control": "no-store"}
"""A page showing a secret once: no cache keeps it."""

Posted = tuple[MultiDict[str, str], Mapping[str, list[str]]]
"""A refused form of this page: what was posted, and why not, by field."""


class Secret(NamedTuple):
    """A secret just issued, shown on this answer only."""

    kind: str  # "token" or "invitation"
    value: str
    label: str
    expires_at: Any = None


def opened_by(command: type[Command]) -> Actor:
    """Return the signed-in person if the permission table lets them `command`, the page's
    purpose (the menu offers it by the same table); raise Forbidden otherwise."""
    actor: Actor = g.actor
    if not may(actor, command):
        raise Forbidden(f"{command.__name__} is not for your roles.")
    return actor


# -- the staff list ------------------------------------------------------------------------------


STAFF_FILTERS = [
    Filter("role", "Role", "select", [(r.value, r.value.replace("_", " ")) for r in Role]),
    Filter(
        "active",
        "Working here",
        "select",
        [("true", "Still working here"), ("false", "Left")],
        blank="Everyone",
    ),
    ROWS,
]


@blp.route("/staff")
def staff() -> tuple[str, HTTPStatus]:
    """The clinic's practitioners by name (as GET /practitioners), and the form to register one."""
    actor = opened_by(RegisterPractitioner)
    here = url_for("web.staff")
    shown: dict[str, Any] = {
        "register": command_form(RegisterPractitioner, fixed={}, choices={}, next=here),
        "done": request.args.get("done"),
    }
    asked_for = asked(StaffQuerySchema(exclude=("min_position",)), purposeful=False)
    read = partial(list_practitioners, actor, min_position=written_position())
    return listing("admin/staff.html", asked_for, STAFF_FILTERS, read, "web.staff", **shown)


# -- one practitioner ----------------------------------------------------------------------------


@blp.route("/staff/<uuid:practitioner_id>")
def practitioner(practitioner_id: UUID) -> str:
    """A practitioner: roles, name, credentials, tokens and sign-in, each with its forms."""
    return practitioner_page(practitioner_id, written_position())


@blp.route("/staff/<uuid:practitioner_id>/tokens", methods=["POST"])
def issue_token(practitioner_id: UUID) -> Response:
    """Issue a bearer token and show it this once."""
    opened_by(RegisterPractitioner)
    outcome = perform(IssueToken, addressed(practitioner_id))
    if isinstance(outcome, Done):
        issued = outcome.result
        secret = Secret("token", issued.secret, request.form.get("label", "").strip())
        page = practitioner_page(practitioner_id, issued.written.position, secret=secret)
        return Response(page, HTTPStatus.CREATED, NOT_STORED)
    refused = {IssueToken.__name__: (request.form, outcome.errors)}
    return Response(practitioner_page(practitioner_id, None, refused=refused), outcome.status)


@blp.route("/staff/<uuid:practitioner_id>/invitations", methods=["POST"])
def invite_practitioner(practitioner_id: UUID) -> Response:
    """Invite a practitioner to sign in by browser and show the one-time link this once."""
    opened_by(RegisterPractitioner)
    outcome = perform(InvitePractitioner, addressed(practitioner_id))
    if isinstance(outcome, Done):
        issued = outcome.result
        link = url_for("web.welcome", secret=issued.secret, _external=True)
        user_name = request.form.get("user_name", "").strip()
        secret = Secret("invitation", link, user_name, issued.expires_at)
        page = practitioner_page(practitioner_id, issued.written.position, secret=secret)
        return Response(page, HTTPStatus.CREATED, NOT_STORED)
    refused = {InvitePractitioner.__name__: (request.form, outcome.errors)}
    return Response(practitioner_page(practitioner_id, None, refused=refused), outcome.status)


def addressed(practitioner_id: UUID) -> MultiDict[str, str]:
    """Return the posted form addressed to the practitioner of the URL (not of a hidden field)."""
    posted = request.form.copy()
    posted["practitioner_id"] = str(practitioner_id)
    return posted


def practitioner_page(
    practitioner_id: UUID,
    min_position: int | None,
    *,
    secret: Secret | None = None,
    refused: Mapping[str, Posted] | None = None,
) -> str:
    """Render a practitioner's page, with a secret just issued or a refused form, if any."""
    actor = opened_by(RegisterPractitioner)
    found = casework().get_practitioner(actor, practitioner_id)
    tokens = list_tokens(actor, practitioner_id, min_position=min_position)
    with projected(("staff",), min_position) as connection:
        names = queries.practitioner_names(connection, actor.clinic_id)
    return render_template(
        "admin/practitioner.html",
        practitioner=found,
        roles=sorted(found.roles),
        tokens=tokens,
        names=names,
        is_self=found.id == actor.practitioner_id,
        forms=practitioner_forms(actor, found, tokens, refused or {}),
        secret=secret,
        done=request.args.get("done"),
    )


def practitioner_forms(
    actor: Actor,
    found: Practitioner,
    tokens: list[dict[str, Any]],
    refused: Mapping[str, Posted],
) -> dict[str, CommandForm]:
    """Return the practitioner's forms the actor may use, by command name."""
    here = url_for("web.practitioner", practitioner_id=found.id)
    fixed = {"practitioner_id": str(found.id)}
    held = [(role, role.replace("_", " ")) for role in sorted(found.roles)]
    open_tokens = [
        (str(token["token_id"]), f"{token['label']} (issued {token['issued_at']:%d %b %Y})")
        for token in tokens
        if token["revoked_at"] is None
    ]
    offered: dict[type[Command], tuple[dict[str, Any], MultiDict[str, str] | None]] = {
        RenamePractitioner: ({}, MultiDict({"display_name": found.display_name})),
        RecordCredentials: ({}, current_credentials(found)),
    }
    if found.active:
        offered[IssueToken] = ({}, None)
        offered[InvitePractitioner] = ({}, None)
    if found.active and found.id != actor.practitioner_id:  # nobody changes their own roles
        not_held = [(r.value, r.value.replace("_", " ")) for r in Role if r not in found.roles]
        if not_held:
            offered[GrantRole] = ({"role": not_held}, None)
        if held:
            offered[RevokeRole] = ({"role": held}, None)
        offered[DeactivatePractitioner] = ({}, None)
    if open_tokens:
        offered[RevokeToken] = ({"token_id": open_tokens}, None)
    forms = {}
    for command, (choices, current) in offered.items():
        if not may(actor, command):
            continue
        posted, errors = refused.get(command.__name__, (current, None))
        forms[command.__name__] = command_form(
            command, fixed=fixed, choices=choices, next=here, posted=posted, errors=errors
        )
    return forms


def current_credentials(found: Practitioner) -> MultiDict[str, str]:
    """Return the credentials and modalities recorded now, as the form shows them to change."""
    posted: MultiDict[str, str] = MultiDict()
    for row, credential in enumerate(found.credentials):
        for name in ("kind", "number", "valid_until"):
            value = credential.get(name)
            posted[f"credentials-{row}-{name}"] = "" if value is None else str(value)
    for modality in found.modalities:
        posted.add("modalities", modality)
    return posted


# -- the clinic's settings -----------------------------------------------------------------------


@blp.route("/clinic")
def clinic_settings() -> str:
    """The clinic's settings (as GET /clinics/{id}), every change to them, and their form."""
    actor = opened_by(ChangeClinicSettings)
    clinic = casework().read_clinic(actor, actor.clinic_id)
    with projected(("staff",), None) as connection:
        names = queries.practitioner_names(connection, actor.clinic_id)
    form = command_form(
        ChangeClinicSettings,
        fixed={"clinic_id": str(clinic.id)},
        choices={},
        next=url_for("web.clinic_settings"),
        posted=current_settings(clinic),
    )
    return render_template(
        "admin/clinic.html",
        clinic=clinic,
        changes=list(reversed(clinic.settings_changes)),
        names=names,
        form=form,
        done=request.args.get("done"),
    )


def current_settings(clinic: Clinic) -> MultiDict[str, str]:
    """Return the settings in force, as the form shows them to change: a rule per row, so the
    schedule is changed by editing, adding or emptying rows (the form sends it whole)."""
    posted: MultiDict[str, str] = MultiDict(
        {
            "time_zone": clinic.time_zone,
            "min_facilitators": str(clinic.min_facilitators),
            "retention_years": str(clinic.retention_years),
        }
    )
    for row, rule in enumerate(clinic.follow_up_schedule):
        for name, value in rule.items():
            posted[f"follow_up_schedule-{row}-{name}"] = str(value)
    return posted
