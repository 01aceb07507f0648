"""Sign-ins by browser, for those who read the access log: who came in, failed, left, when."""

from __future__ import annotations

from flask import g, render_template
from marshmallow import fields

from api.read_models import projected
from api.resources.reads import clinic_zone
from api.schemas.common import day
from api.schemas.reads import ReadQuerySchema
from casework.permissions import Read, acting_role
from projections import queries
from web.blueprint import blp
from web.choices import staff_choices
from web.reading import page_query


class SignInQuerySchema(ReadQuerySchema):
    practitioner = fields.UUID(load_default=None)
    happened_from = day(load_default=None)
    happened_to = day(load_default=None)


@blp.route("/sign-ins")
def sign_ins() -> str:
    """Browser sign-ins, failures (with the reason code), sign-outs and invitations, newest first.

    The same readers as the access log (auditor, clinical lead). No client content: not logged.
    """
    actor = g.actor
    acting_role(actor, Read.ACCESS_LOG)
    query = page_query(SignInQuerySchema)
    with projected(("sign_ins", "staff"), query.pop("min_position")) as connection:
        page = queries.sign_in_history(connection, actor.clinic_id, clinic_zone(actor), **query)
        page = queries.named_page(connection, actor.clinic_id, page)
    return render_template(
        "sign_ins.html",
        rows=page.items,
        next_page=page.next,
        query=query,
        staff=staff_choices(actor),
    )
