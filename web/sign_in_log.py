"""Sign-ins by browser, for those who read the access log: who came in, failed, left, when."""

from __future__ import annotations

from functools import partial
from http import HTTPStatus
from typing import Any

from flask import g
from marshmallow import fields

from api.read_models import projected
from api.resources.reads import clinic_zone
from api.schemas.common import day
from api.schemas.reads import ReadQuerySchema
from casework.permissions import Read, acting_role
from casework.roles import Actor
from projections import queries
from projections.pages import Page
from web.blueprint import blp
from web.filter_forms import (
    ROWS,
    Filter,
    asked,
    date_filters,
    everyone_who_worked_here,
    listing,
)


class SignInQuerySchema(ReadQuerySchema):
    practitioner = fields.UUID(load_default=None)
    happened_from = day(load_default=None)
    happened_to = day(load_default=None)


@blp.route("/sign-ins")
def sign_ins() -> tuple[str, HTTPStatus]:
    """Browser sign-ins, failures (with the reason code), sign-outs and invitations, newest first.

    The same readers as the access log (auditor, clinical lead). No client content: not logged.
    """
    actor = g.actor
    acting_role(actor, Read.ACCESS_LOG)
    filters = [
        Filter("practitioner", "Who", "select", everyone_who_worked_here(), blank="Anyone"),
        *date_filters("happened"),
        ROWS,
    ]
    asked_for = asked(SignInQuerySchema(exclude=("min_position",)), purposeful=False)
    return listing(
        "sign_ins.html", asked_for, filters, partial(sign_in_history, actor), "web.sign_ins"
    )


def sign_in_history(actor: Actor, query: dict[str, Any]) -> Page:
    """Return a page of the clinic's sign-in history, names beside ids."""
    with projected(("sign_ins", "staff"), None) as connection:
        found = queries.sign_in_history(connection, actor.clinic_id, clinic_zone(actor), **query)
        return queries.named_page(connection, actor.clinic_id, found)
