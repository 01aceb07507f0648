"""The caseload, a journey's page with the forms its reader may use, and intake.

Each list and the timeline are read by the function the API view calls (api/resources/
journeys.py, api/resources/clients.py): the same role check, query and logged access, with the
purpose the reader picked. A page checks the role first too, before its filter form.
"""

from __future__ import annotations

from collections import defaultdict
from functools import partial
from http import HTTPStatus
from typing import Any
from uuid import UUID

from flask import g, render_template, request, url_for

from api.read_models import projected
from api.resources.clients import list_clients
from api.resources.journeys import list_caseload, list_pause_reviews, list_timeline
from api.resources.reads import purpose_of_use, reader
from api.schemas.reads import CaseloadQuerySchema, PauseReviewQuerySchema
from api.services import casework
from casework.commands import Command, RecordClientDetails
from casework.errors import Forbidden
from casework.journey import commands as journey_commands
from casework.journey.commands import JourneyCommand, RecordIntake
from casework.journey.values import Phase, Status
from casework.permissions import Read, acting_role
from projections import queries
from web.blueprint import blp
from web.choices import choices_for
from web.commands import CommandForm, command_form, may, schemas
from web.filter_forms import ROWS, Filter, asked, listing, purpose_filter
from web.readiness import checklist, unexplained
from web.reading import PURPOSES, pick_purpose, written_position

JOURNEY_COMMANDS = [
    command
    for command in vars(journey_commands).values()
    if isinstance(command, type)
    and issubclass(command, JourneyCommand)
    and command.__name__ in schemas()
]
"""Every command to an open journey, in the order the journey's commands module declares them."""


CASELOAD_FILTERS = [
    Filter("status", "Status", "select", [(s.value, s.value) for s in Status]),
    Filter("phase", "Phase", "select", [(p.value, p.value.replace("_", " ")) for p in Phase]),
    Filter("member", "Care team", "select", [("me", "Mine")], blank="Anyone's"),
    ROWS,
]


@blp.route("/journeys", methods=["GET", "POST"])
def journeys() -> str | tuple[str, HTTPStatus]:
    """The caseload, filtered as the API's is; a search by pseudonym is posted (not in a URL)."""
    actor = reader()
    if request.method == "POST":
        return found_clients(request.form.get("pseudonym", "").strip()[:100])
    filters = [*CASELOAD_FILTERS, purpose_filter()]
    asked_for = asked(CaseloadQuerySchema(exclude=("min_position", "client")))
    read = partial(list_caseload, actor)
    return listing("journeys.html", asked_for, filters, read, "web.journeys")


def found_clients(searched: str) -> str:
    """Clients whose pseudonym starts with what was typed, with their journeys (as GET /clients)."""
    page = list_clients(g.actor, {"pseudonym": searched or None})
    return render_template("clients_found.html", clients=page.items, more=page.next is not None)


@blp.route("/journeys/<uuid:journey_id>")
def journey(journey_id: UUID) -> str:
    """A journey: readiness, care team, consents, sessions, follow-ups, decisions, timeline."""
    actor = reader()
    pick_purpose()
    state = casework().get_journey(actor, journey_id, purpose=purpose_of_use())
    written = written_position()
    timeline = list_timeline(actor, journey_id, {"limit": 500}, min_position=written)
    with projected(("staff",), written) as connection:
        names = queries.practitioner_names(connection, actor.clinic_id)
    corrections: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for correction in state["corrections"]:
        corrections[correction.get("corrects_version") or 0].append(correction)
    here = url_for("web.journey", journey_id=journey_id)
    return render_template(
        "journey.html",
        journey=state,
        names=names,
        checklist=checklist(state["session_readiness"]["blockers"]),
        unexplained=unexplained(state["session_readiness"]["blockers"]),
        entries=timeline.items,
        corrections=corrections,
        forms=journey_forms(state, here),
        purposes=PURPOSES,
        done=request.args.get("done"),
    )


def journey_forms(state: dict[str, Any], here: str) -> list[CommandForm]:
    """Return a form for each command to this journey the signed-in person's roles allow."""
    choices = choices_for(g.actor, state)
    fixed = {"journey_id": state["id"], "expected_version": state["version"]}
    commands: list[type[Command]] = [c for c in JOURNEY_COMMANDS if may(g.actor, c)]
    forms = [command_form(c, fixed=fixed, choices=choices, next=here) for c in commands]
    if may(g.actor, RecordClientDetails):
        forms.append(
            command_form(
                RecordClientDetails,
                fixed={"client_id": state["client_id"]},
                choices=choices,
                next=here,
            )
        )
    return forms


@blp.route("/intake")
def intake() -> str:
    """Open a journey for a client: the intake form, then the new journey's page."""
    if not may(g.actor, RecordIntake):
        raise Forbidden("Only an intake coordinator or a clinical lead records an intake.")
    form = command_form(RecordIntake, fixed={}, choices={}, next=url_for("web.intake"))
    return render_template("intake.html", form=form, done=request.args.get("done"))


@blp.route("/pause-reviews")
def pause_reviews() -> tuple[str, HTTPStatus]:
    """Paused journeys whose review date has come, the longest-waiting first (clinical lead)."""
    actor = g.actor
    acting_role(actor, Read.PAUSE_REVIEWS)
    filters = [
        Filter(
            "within_days", "Also those due within this many days", "number", minimum=0, maximum=365
        ),
        ROWS,
        purpose_filter(),
    ]
    asked_for = asked(PauseReviewQuerySchema(exclude=("min_position",)))
    read = partial(list_pause_reviews, actor)
    return listing("pause_reviews.html", asked_for, filters, read, "web.pause_reviews")
