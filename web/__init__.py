"""Casework for people: server-rendered pages over the same application service as the API.

Every page acts as the signed-in practitioner (`g.actor`, web.guard) through the same service
methods, permissions, access log and read models as the API: no rule lives only here.
"""

from __future__ import annotations

from datetime import date, datetime
from http import HTTPStatus
from typing import Any
from zoneinfo import ZoneInfo

from eventsourcing.persistence import InterfaceError, OperationalError
from flask import Flask, Response, current_app, g, redirect, render_template, url_for
from sqlalchemy.exc import InterfaceError as SQLInterfaceError
from sqlalchemy.exc import OperationalError as SQLOperationalError
from werkzeug.wrappers import Response as BaseResponse

from api.errors import (
    StoreAway,
    handle_casework_error,
    handle_store_away,
    handle_store_unavailable,
)
from api.resources.reads import clinic_zone
from casework.errors import CaseworkError, Forbidden, InvalidInput, NotFound
from web import guard, pages  # noqa: F401  (each page module adds its routes to `blp`)
from web.blueprint import blp
from web.commands import schemas, title_of
from web.navigation import home_of, places_of

HTMX = "htmx-2.0.8.min.js"
"""htmx, pinned, served from web/static (BSD-0; from the npm package htmx.org 2.0.8)."""


@blp.route("/")
def home() -> BaseResponse:
    """Send a person to the page their day starts on."""
    return redirect(url_for(home_of(g.actor)), HTTPStatus.SEE_OTHER)


def _problem(status: HTTPStatus, title: str, message: str) -> Response:
    return Response(render_template("problem.html", title=title, message=message), status)


@blp.errorhandler(NotFound)
def not_found(error: NotFound) -> Response:
    return _problem(HTTPStatus.NOT_FOUND, "Not found", error.message)


@blp.errorhandler(Forbidden)
def forbidden(error: Forbidden) -> Response:
    return _problem(HTTPStatus.FORBIDDEN, "Not allowed", "Your roles do not open this page.")


@blp.errorhandler(InvalidInput)
def invalid(error: InvalidInput) -> Response:
    named = "; ".join(f"{name}: {' '.join(texts)}" for name, texts in error.errors.items())
    return _problem(HTTPStatus.UNPROCESSABLE_ENTITY, "Not understood", named)


@blp.errorhandler(CaseworkError)
@blp.errorhandler(OperationalError)
@blp.errorhandler(InterfaceError)
@blp.errorhandler(SQLOperationalError)
@blp.errorhandler(SQLInterfaceError)
@blp.errorhandler(StoreAway)
def as_the_api_answers(error: Exception) -> Response:
    """Any other refusal, or the store away: the API's status and headers, as a page."""
    if isinstance(error, CaseworkError):
        answer = handle_casework_error(error)
    else:  # the store is away: the page shows no menu nor clinic, which it would have to read
        answer = (
            handle_store_away(error)
            if isinstance(error, StoreAway)
            else handle_store_unavailable(error)
        )
        g.actor = None
    body = answer.get_json(silent=True) or {}
    page = render_template(
        "problem.html", title=str(body.get("title", "Not done")), message=body.get("detail", "")
    )
    response = Response(page, answer.status_code)
    if "Retry-After" in answer.headers:
        response.headers["Retry-After"] = answer.headers["Retry-After"]
    return response


def zone() -> ZoneInfo:
    """Return the signed-in person's clinic time zone, read once per page."""
    if "zone" not in g:
        g.zone = clinic_zone(g.actor)
    found: ZoneInfo = g.zone
    return found


@blp.app_template_filter("when")
def when(moment: datetime | str | None) -> str:
    """A moment as the clinic's clock shows it: `7 Dec 2026, 14:05`."""
    if moment is None or moment == "":
        return ""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment.astimezone(zone()).strftime("%-d %b %Y, %H:%M")


@blp.app_template_filter("day")
def day(value: date | str | None) -> str:
    """A calendar date: `7 Dec 2026` (a clinic's date is already its own)."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value)
    return value.strftime("%-d %b %Y")


@blp.app_template_filter("command_title")
def command_title(name: str) -> str:
    """A command's name in words, for "Recorded: ..." (an unknown name shows nothing)."""
    schema = schemas().get(name)
    return title_of(schema.command) if schema else "done"


def page_context() -> dict[str, Any]:
    """What every page's layout needs: the menu of the signed-in person, and the form token."""
    actor = g.get("actor")
    return {
        "zone_name": zone().key if actor is not None else None,
        "menu": [
            place for place in places_of(actor) if place.endpoint in current_app.view_functions
        ]
        if actor is not None
        else [],
        "csrf_token": guard.form_token,
        "htmx": HTMX,
    }


blp.before_request(guard.signed_in)
blp.after_request(guard.protect)
blp.context_processor(page_context)


def init_app(app: Flask) -> None:
    """Serve the pages under /app."""
    guard.init_app(app)
    app.register_blueprint(blp)
