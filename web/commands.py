"""Posting a command's form: the API's schema loads it, the one service method runs it.

Every command form posts to `/app/commands/<Name>`. The command's input schema (the same one
the API route loads) checks the body; the application service method declared to take that
command runs it as the signed-in person, under the same permission table. A refusal comes back in
words beside the field or step it concerns; nothing here decides who may do what.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Mapping
from contextlib import suppress
from functools import cache
from http import HTTPStatus
from typing import Any, NamedTuple, get_type_hints
from urllib.parse import urlsplit
from uuid import UUID

from flask import Response, g, redirect, render_template, request, url_for
from marshmallow import ValidationError
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response as BaseResponse

from api.resources.reads import clinic_zone, purpose_of_use
from api.schemas.commands import CommandSchema
from api.services import casework
from casework.application import Casework
from casework.commands import Command
from casework.errors import Conflict, Forbidden, InvalidInput, NotFound, RuleViolation, StaleVersion
from casework.journey.commands import RecordIntake
from casework.permissions import PERMISSIONS
from casework.roles import Actor
from web.blueprint import blp
from web.choices import choices_for
from web.forms import (
    Choices,
    Control,
    address_of,
    body_of,
    describe,
    flat_errors,
    unplaced_errors,
)

GOES_TO = {RecordIntake: "web.journey"}
"""After these commands, the page of what they created (`journey_id` = what was written)."""

FORM_ERROR = "_form"
"""Where a refusal that concerns no one field is shown: above the form's button."""


@cache
def schemas() -> dict[str, type[CommandSchema]]:
    """Return every command's input schema, by the command's class name."""
    found: dict[str, type[CommandSchema]] = {}
    pending = list(CommandSchema.__subclasses__())
    while pending:
        schema = pending.pop()
        pending.extend(schema.__subclasses__())
        if "command" in vars(schema):
            found[schema.command.__name__] = schema
    return found


def service_method(command: type[Command]) -> str:
    """Return the name of the one service method that takes `command` (declared by its type)."""
    for name, method in inspect.getmembers(Casework, inspect.isfunction):
        ours = method.__module__.startswith("casework.")  # not the library's methods
        if ours and get_type_hints(method).get("command") is command:
            return name
    raise LookupError(f"no service method takes {command.__name__}")


def title_of(command: type[Command]) -> str:
    """Return a command's name in words: RecordScreeningDecision is "Record screening decision"."""
    words = re.sub(r"(?<!^)([A-Z])", r" \1", command.__name__).lower()
    return words[:1].upper() + words[1:]


def may(actor: Actor, command: type[Command]) -> bool:
    """Whether the permission table lets one of the actor's roles run `command`."""
    return bool(actor.roles & set(PERMISSIONS.get(command, ())))


class CommandForm(NamedTuple):
    """A command's form as a page shows it."""

    name: str
    key: str
    """Unique on its page: the ids of the form's controls start with it."""
    title: str
    controls: list[Control]
    fixed: Mapping[str, Any]
    next: str
    errors: list[str]


def command_form(
    command: type[Command],
    *,
    fixed: Mapping[str, Any],
    choices: Mapping[str, Choices],
    next: str,
    posted: MultiDict[str, str] | None = None,
    errors: Mapping[str, list[str]] | None = None,
    key: str | None = None,
) -> CommandForm:
    """Return the form of `command`; `fixed` are the fields the page fills in (hidden).

    `key` tells apart forms of one command on one page (a contact form per follow-up).
    """
    schema = schemas()[command.__name__]()
    controls = [
        control
        for control in describe(command, schema, choices, posted, errors)
        if control.name not in fixed
    ]
    return CommandForm(
        command.__name__,
        key or command.__name__,
        title_of(command),
        controls,
        fixed,
        next,
        [*(errors or {}).get(FORM_ERROR, []), *unplaced_errors(controls, errors or {})],
    )


class Done(NamedTuple):
    """A command that ran: the service's answer."""

    result: Any


class Refused(NamedTuple):
    """A command refused: the messages, by form name (FORM_ERROR: the form as a whole)."""

    errors: dict[str, list[str]]
    status: HTTPStatus


def perform(command: type[Command], posted: MultiDict[str, str]) -> Done | Refused:
    """Load the posted form as `command` and run it as the signed-in person."""
    schema = schemas()[command.__name__]()
    address, errors = address_of(command, schema, posted)
    version = posted.get("expected_version", "")
    if version.isdigit() and len(version) < 19:
        address["expected_version"] = int(version)
    body = body_of(schema, posted, clinic_zone(g.actor))
    if errors:  # the body is still checked, so that every answer to fix is shown at once
        errors.update(flat_errors(schema.validate(body)))
        return Refused(errors, HTTPStatus.UNPROCESSABLE_ENTITY)
    g.command_address = address
    try:
        loaded = schema.load(body)
    except ValidationError as error:
        return Refused(flat_errors(error.messages), HTTPStatus.UNPROCESSABLE_ENTITY)
    run: Callable[[Actor, Command], Any] = getattr(casework(), service_method(command))
    try:
        return Done(run(g.actor, loaded))
    except InvalidInput as error:
        return Refused(
            flat_errors({k.replace(".", "-"): v for k, v in error.errors.items()}),
            HTTPStatus.UNPROCESSABLE_ENTITY,
        )
    except RuleViolation as error:
        field = str(error.details.get("field", FORM_ERROR))
        return Refused({field: [error.message]}, HTTPStatus.CONFLICT)
    except StaleVersion:
        message = "Someone changed this journey since you opened the page: reload it and retry."
        return Refused({FORM_ERROR: [message]}, HTTPStatus.PRECONDITION_FAILED)
    except Conflict as error:
        return Refused({FORM_ERROR: [error.message]}, HTTPStatus.CONFLICT)
    except Forbidden:
        message = "Your roles do not allow this."
        return Refused({FORM_ERROR: [message]}, HTTPStatus.FORBIDDEN)
    except NotFound as error:
        return Refused({FORM_ERROR: [error.message]}, HTTPStatus.NOT_FOUND)


def safe_next(target: str | None) -> str:
    """Return where to go after a form: a page of ours, never another site."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and parts.path.startswith("/app/"):
            return target
    return url_for("web.home")


@blp.route("/commands/<name>", methods=["POST"])
def run_command(name: str) -> BaseResponse:
    """Run one command from its form; back to the page it came from, or the form with why not."""
    schema = schemas().get(name)
    if schema is None:
        raise NotFound("No such command.")
    command = schema.command
    posted = request.form
    target = safe_next(posted.get("next"))
    outcome = perform(command, posted)
    if isinstance(outcome, Done):
        if command in GOES_TO:
            target = url_for(GOES_TO[command], journey_id=outcome.result.id)
        separator = "&" if "?" in target else "?"
        position = getattr(getattr(outcome.result, "written", outcome.result), "position", None)
        after = f"{target}{separator}done={name}" + (f"&at={position}" if position else "")
        if request.headers.get("HX-Request"):
            return Response(status=HTTPStatus.NO_CONTENT, headers={"HX-Redirect": after})
        return redirect(after, HTTPStatus.SEE_OTHER)
    fixed = {key: posted.get(key, "") for key in posted.getlist("fixed")}
    form_key = posted.get("form_key", name)
    form = command_form(
        command,
        fixed=fixed,
        choices=choices_for_page(),
        next=target,
        posted=posted,
        errors=outcome.errors,
        key=form_key if form_key.replace("-", "").isalnum() else name,
    )
    template = "_command_form.html" if request.headers.get("HX-Request") else "command.html"
    return Response(render_template(template, form=form), outcome.status)


def choices_for_page() -> dict[str, Choices]:
    """Return the choices a form re-shown after a refusal offers: its journey's, read again."""
    journey = None
    journey_id = request.form.get("journey_id", "")
    with suppress(ValueError, NotFound, Forbidden):
        journey = casework().get_journey(g.actor, UUID(journey_id), purpose=purpose_of_use())
    return choices_for(g.actor, journey)
