"""The caseload, a journey's page with the forms its reader may use, and intake.

Each page reads as the API's matching reads do: the same role check, the same logged access
(with the purpose the reader picked), the same read models.
"""

from __future__ import annotations

from collections import defaultdict
from http import HTTPStatus
from typing import Any
from uuid import UUID

from flask import g, render_template, request, url_for

from api.read_models import projected
from api.resources.reads import purpose_of_use, reader, resolve_me, today
from api.schemas.reads import CaseloadQuerySchema, PauseReviewQuerySchema
from api.services import casework
from casework.client import pseudonym_key
from casework.commands import Command, RecordClientDetails
from casework.errors import Forbidden
from casework.journey import commands as journey_commands
from casework.journey.commands import JourneyCommand, RecordIntake
from casework.journey.values import Phase, Status
from casework.permissions import Read, acting_role
from projections import queries
from projections.pages import InvalidCursor
from projections.timeline import revealed_entries
from web.blueprint import blp
from web.choices import choices_for
from web.commands import CommandForm, command_form, may, schemas
from web.filter_forms import ROWS, Filter, asked, bad_cursor, next_links, page, purpose_filter
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
    if asked_for.errors:
        return page("journeys.html", asked_for, filters)
    query = dict(asked_for.query, member=resolve_me(asked_for.query.get("member"), actor))
    try:
        with projected(("caseload", "follow_ups"), None) as connection:
            found = queries.caseload(connection, actor.clinic_id, today(actor), **query)
            found = queries.named_page(connection, actor.clinic_id, found)
    except InvalidCursor as error:
        return page("journeys.html", bad_cursor(asked_for, error), filters)
    shown = [row["journey_id"] for row in found.items]
    casework().record_query(actor, "caseload", query, shown, purpose_of_use())
    return page(
        "journeys.html",
        asked_for,
        filters,
        rows=found.items,
        **next_links("web.journeys", asked_for, found.next),
    )


def found_clients(searched: str) -> str:
    """Clients whose pseudonym starts with what was typed, with their journeys (as GET /clients)."""
    actor = g.actor
    prefix = pseudonym_key(searched) if searched else ""
    with projected(("clients",), None) as connection:
        page = queries.clients_by_pseudonym(connection, actor.clinic_id, prefix)
    shown = [UUID(str(j)) for client in page.items for j in client["journey_ids"]]
    casework().record_query(
        actor, "clients", {"pseudonym": prefix or None}, shown, purpose_of_use()
    )
    return render_template("clients_found.html", clients=page.items, more=page.next is not None)


@blp.route("/journeys/<uuid:journey_id>")
def journey(journey_id: UUID) -> str:
    """A journey: readiness, care team, consents, sessions, follow-ups, decisions, timeline."""
    actor = reader()
    pick_purpose()
    state = casework().get_journey(actor, journey_id, purpose=purpose_of_use())
    recorded = casework().record_access(actor, journey_id, "timeline", purpose_of_use())
    with projected(("timeline", "staff"), written_position()) as connection:
        page = queries.journey_timeline(connection, actor.clinic_id, journey_id, limit=500)
        page = queries.named_page(connection, actor.clinic_id, page)
        names = queries.practitioner_names(connection, actor.clinic_id)
    entries = revealed_entries(
        casework().vault.reader(), {journey_id: recorded.client_id}, page.items
    )
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
        entries=entries,
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
    if asked_for.errors:
        return page("pause_reviews.html", asked_for, filters)
    try:
        with projected(("caseload", "decisions"), None) as connection:
            found = queries.pause_reviews(
                connection, actor.clinic_id, today(actor), **asked_for.query
            )
            found = queries.named_page(connection, actor.clinic_id, found)
    except InvalidCursor as error:
        return page("pause_reviews.html", bad_cursor(asked_for, error), filters)
    shown = [row["journey_id"] for row in found.items]
    casework().record_query(actor, "pause_reviews", asked_for.query, shown, purpose_of_use())
    return page(
        "pause_reviews.html",
        asked_for,
        filters,
        rows=found.items,
        **next_links("web.pause_reviews", asked_for, found.next),
    )
