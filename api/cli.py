"""Command line: `casework demo`, `tokens issue|revoke`, `clinics register`, and the rest."""

from __future__ import annotations

import json
import time
from functools import partial
from pathlib import Path
from typing import Any, TextIO
from uuid import UUID, uuid5

import click
import pyotp
from eventsourcing.persistence import PersistenceError
from flask import Flask
from flask.cli import FlaskGroup, with_appcontext
from marshmallow import ValidationError

from api.backup_commands import backup_command
from api.exports import every_row
from api.integrity_commands import integrity_group, keys_group
from api.projection_commands import db_group, projections_group
from api.read_models import read_models
from api.schemas.staff import RegisterClinicSchema
from api.services import casework
from casework.application import Casework
from casework.commands import (
    DeactivatePractitioner,
    InvitePractitioner,
    IssueToken,
    RegisterClinic,
    RegisterPractitioner,
    RevokeToken,
)
from casework.errors import CaseworkError, Conflict, InvalidInput, RuleViolation
from casework.roles import Actor, Role
from projections import queries

DEMO_NAMESPACE = UUID("0b8a5a4e-9f1d-4a53-8e7a-0c6d1f2b3a41")
DEMO_CLINIC_ID = uuid5(DEMO_NAMESPACE, "clinic")
DEMO_TIME_ZONE = "Europe/Amsterdam"
DEMO_TOKENS_FILE = Path("var/demo-tokens.env")


DEMO_USER_NAMES = {
    Role.INTAKE_COORDINATOR: "intake",
    Role.FACILITATOR: "facilitator",
    Role.INTEGRATION_THERAPIST: "therapist",
    Role.CLINICAL_LEAD: "lead",
    Role.AUDITOR: "auditor",
    Role.ADMIN: "admin",
}
DEMO_PASSWORD = "demo passphrase for casework"


def demo_sign_in(app: Casework, practitioner_id: UUID, user_name: str) -> str:
    """Invite a demo practitioner and accept it as they would; return their authenticator key.

    Each run sets a new key: the one printed last is the one that works.
    """
    invitation = app.invite_practitioner(
        None, InvitePractitioner(practitioner_id=practitioner_id, user_name=user_name)
    )
    opened = app.open_invitation(invitation.secret)
    assert opened is not None  # just issued
    # The previous step's code (one step of drift is accepted): enrolling spends the step it
    # names, and the code the app shows now must still sign in at once.
    code = pyotp.TOTP(opened.totp_secret).at(time.time() - 30)
    app.accept_invitation(invitation.secret, DEMO_PASSWORD, code)
    return opened.totp_secret


def demo_practitioner_id(role: Role) -> UUID:
    """Return the fixed id of the demo practitioner who holds `role`."""
    return uuid5(DEMO_NAMESPACE, role.value)


@click.command("demo")
@with_appcontext
def demo_command() -> None:
    """Create (or reuse) the demo clinic with one practitioner per role; print fresh tokens."""
    app = casework()
    admin_id = demo_practitioner_id(Role.ADMIN)
    if DEMO_CLINIC_ID not in app.repository:
        app.register_clinic(
            RegisterClinic(
                name="Demo Clinic",
                time_zone=DEMO_TIME_ZONE,
                admin_display_name="Demo Admin",
                clinic_id=DEMO_CLINIC_ID,
                admin_id=admin_id,
            )
        )
        admin = Actor(admin_id, DEMO_CLINIC_ID, frozenset({Role.ADMIN}))
        for role in Role:
            if role is not Role.ADMIN:
                app.register_practitioner(
                    admin,
                    RegisterPractitioner(
                        display_name=f"Demo {role.value.replace('_', ' ')}",
                        roles=[role],
                        credentials=[],
                        modalities=[],
                        practitioner_id=demo_practitioner_id(role),
                    ),
                )
        click.echo(f"Created the demo clinic {DEMO_CLINIC_ID} ({DEMO_TIME_ZONE}).")
    else:
        click.echo(f"Reusing the demo clinic {DEMO_CLINIC_ID} ({DEMO_TIME_ZONE}).")
    lines = []
    for role in Role:
        practitioner_id = demo_practitioner_id(role)
        secret = app.issue_token(
            None, IssueToken(practitioner_id=practitioner_id, label="demo")
        ).secret
        lines.append(f"export CW_{role.name}={secret} CW_{role.name}_ID={practitioner_id}")
    DEMO_TOKENS_FILE.parent.mkdir(parents=True, exist_ok=True)
    DEMO_TOKENS_FILE.write_text("\n".join(lines) + "\n")
    DEMO_TOKENS_FILE.chmod(0o600)
    click.echo("\nOne access token per role (also in var/demo-tokens.env: `source` it):\n")
    click.echo("\n".join(lines))
    click.echo(
        f"\nSign in at http://127.0.0.1:5000/app/ as one of these, password {DEMO_PASSWORD!r},"
        " with the code an authenticator app shows for the key\n(or"
        " `.venv/bin/python -c 'import pyotp; print(pyotp.TOTP(\"KEY\").now())'`):\n"
    )
    for role in Role:
        key = demo_sign_in(app, demo_practitioner_id(role), DEMO_USER_NAMES[role])
        click.echo(f"  {DEMO_USER_NAMES[role]:<12} {role.value:<22} key {key}")
    click.echo(
        "\nTry:  source var/demo-tokens.env\n"
        "      curl -s -X POST localhost:5000/journeys"
        ' -H "Authorization: Bearer $CW_INTAKE_COORDINATOR"'
        " -H 'Content-Type: application/json'"
        ' -d \'{"client_pseudonym": "CW-0001", "referral_source": "GP",'
        ' "primary_need": "PTSD after an assault"}\'\n'
        "The README walks one client from intake to closure.\n"
    )


@click.group("tokens")
def tokens_group() -> None:
    """Issue and revoke bearer tokens."""


@tokens_group.command("issue")
@click.argument("practitioner_id", type=click.UUID)
@click.option("--label", default="cli", help="What the token is for (kept with it).")
@with_appcontext
def issue_token_command(practitioner_id: UUID, label: str) -> None:
    """Issue a token for a practitioner; it is shown once and stored only as a hash."""
    issued = casework().issue_token(None, IssueToken(practitioner_id=practitioner_id, label=label))
    click.echo(f"token id: {issued.written.id}\ntoken:    {issued.secret}")


@tokens_group.command("revoke")
@click.argument("token_id", type=click.UUID)
@click.option("--reason", required=True, help="Why the token is revoked.")
@with_appcontext
def revoke_token_command(token_id: UUID, reason: str) -> None:
    """Revoke a token by its id: it stops working at once."""
    holder = casework().token_holder(token_id)
    casework().revoke_token(
        None, RevokeToken(practitioner_id=holder, token_id=token_id, reason=reason)
    )
    click.echo(f"revoked {token_id}")


@click.group("practitioners")
def practitioners_group() -> None:
    """List a clinic's staff; deactivate someone who left."""


@practitioners_group.command("list")
@click.argument("clinic_id", type=click.UUID)
@with_appcontext
def list_practitioners_command(clinic_id: UUID) -> None:
    """Print a clinic's practitioners by name: id, active or not, roles (from the staff list)."""
    with read_models().engine.connect() as connection:
        staff = every_row(partial(queries.staff_list, connection, clinic_id))
    for entry in staff:
        state = "active" if entry["active"] else "deactivated"
        roles = ",".join(entry["roles"])
        click.echo(f"{entry['practitioner_id']}  {state:<11}  {roles:<40}  {entry['display_name']}")


@practitioners_group.command("deactivate")
@click.argument("practitioner_id", type=click.UUID)
@click.option("--reason", required=True, help="Why they leave (kept on the staff record).")
@with_appcontext
def deactivate_practitioner_command(practitioner_id: UUID, reason: str) -> None:
    """Deactivate a practitioner who left, as the operator: their tokens stop at once."""
    command = DeactivatePractitioner(practitioner_id=practitioner_id, reason=reason)
    casework().deactivate_practitioner(None, command)
    click.echo(f"deactivated {practitioner_id}")


@click.group("clinics")
def clinics_group() -> None:
    """Register clinics."""


@clinics_group.command("register")
@click.option("--name", required=True)
@click.option("--time-zone", required=True, help="IANA time zone, e.g. Europe/Amsterdam")
@click.option("--admin-name", required=True, help="Display name of the clinic's first admin.")
@click.option(
    "--follow-up-schedule",
    type=click.File("r"),
    help="A JSON file: the follow-up rules, as POST /clinics takes them (default: PRODUCT.md's).",
)
@click.option("--min-facilitators", type=click.IntRange(1, 4), default=1, show_default=True)
@click.option("--retention-years", type=click.IntRange(1, 100), default=10, show_default=True)
@with_appcontext
def register_clinic_command(
    name: str,
    time_zone: str,
    admin_name: str,
    follow_up_schedule: TextIO | None,
    min_facilitators: int,
    retention_years: int,
) -> None:
    """Register a clinic and its first admin; print the admin's token (shown once)."""
    body: dict[str, Any] = {
        "name": name,
        "time_zone": time_zone,
        "admin_display_name": admin_name,
        "min_facilitators": min_facilitators,
        "retention_years": retention_years,
    }
    if follow_up_schedule is not None:
        try:
            body["follow_up_schedule"] = json.load(follow_up_schedule)
        except ValueError:
            raise InvalidInput.field("follow_up_schedule", "Not a JSON file.") from None
    try:
        command = RegisterClinicSchema().load(body)  # the same checks as POST /clinics
    except ValidationError as invalid:
        raise InvalidInput(field_errors(invalid.normalized_messages())) from None  # type: ignore[no-untyped-call]
    registered = casework().register_clinic(command)
    click.echo(
        f"clinic:   {registered.written.id}\nadmin:    {registered.admin_id}\n"
        f"token:    {registered.admin_token}"
    )


COMMANDS = (
    demo_command,
    tokens_group,
    practitioners_group,
    clinics_group,
    db_group,
    projections_group,
    integrity_group,
    keys_group,
    backup_command,
)


def init_app(app: Flask) -> None:
    """Add the commands to `flask --app api` as well."""
    for command in COMMANDS:
        app.cli.add_command(command)


def field_errors(messages: dict[str, Any], prefix: str = "") -> dict[str, list[str]]:
    """Return marshmallow's nested messages as InvalidInput's `{dotted.field: [reasons]}`."""
    flat: dict[str, list[str]] = {}
    for name, reasons in messages.items():
        where = f"{prefix}{name}"
        if isinstance(reasons, dict):
            flat |= field_errors(reasons, f"{where}.")
        else:
            flat[where] = [str(reason) for reason in reasons]
    return flat


def one_line(error: CaseworkError) -> str:
    """Return a refusal as one line: each field and its reasons, or the reason code."""
    if isinstance(error, InvalidInput):
        return "; ".join(f"{field}: {' '.join(reasons)}" for field, reasons in error.errors.items())
    if isinstance(error, RuleViolation | Conflict):
        return f"{error.reason}: {error.message}"
    return error.message


class CaseworkGroup(FlaskGroup):
    """`casework`: every command is listed without keys (the app is made only to run one), and
    a refusal or an unreachable store is one line on standard error, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except CaseworkError as refused:
            raise click.ClickException(one_line(refused)) from None
        except PersistenceError as failed:
            raise click.ClickException(
                f"The store refused ({type(failed).__name__}): is CASEWORK_DATABASE_URL right,"
                " the server up, and has `casework db upgrade` been run?"
            ) from None


def _create_app() -> Flask:
    from api import create_app

    try:
        return create_app()
    except (RuntimeError, ValueError) as misconfigured:  # a missing or malformed key, say
        raise click.ClickException(str(misconfigured)) from None


main = CaseworkGroup(create_app=_create_app, help="Casework administration commands.")
for _command in COMMANDS:  # on the group itself: listed, and `keys`, `verify-export` run, keyless
    main.add_command(_command)
