"""The caseload, a journey's page with the forms its reader may use, and intake.

Each page reads as the API's matching reads do: the same role check, the same logged access
(with the purpose the reader picked), the same read models.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any
from uuid import UUID

from flask import g, render_template, request, url_for

from api.read_models import projected
from api.resources.reads import clinic_zone, purpose_of_use, reader, resolve_me, today
from api.schemas.reads import CaseloadQuerySchema, PauseReviewQuerySchema
from api.services import casework
from casework.client import pseudonym_key
from casework.commands import Command, RecordClientDetails
from casework.errors import Forbidden
from casework.journey import commands as journey_commands
from casework.journey.commands import JourneyCommand, RecordIntake
from casework.permissions import Read, acting_role
from projections import queries
from projections.timeline import revealed_entries
from web.blueprint import blp
from web.choices import choices_for
from web.commands import CommandForm, command_form, may, schemas
from web.readiness import checklist
from web.reading import PURPOSES, page_query, pick_purpose, written_position

JOURNEY_COMMANDS = [
    command
    for command in vars(journey_commands).values()
    if isinstance(command, type)
    and issubclass(command, JourneyCommand)
    and command.__name__ in schemas()
]
"""Every command to an open journey, in the order the journey's commands module declares them."""


@blp.route("/journeys", methods=["GET", "POST"])
def journeys() -> str:
    """The caseload, filtered as the API's is; a search by pseudonym is posted (not in a URL)."""
    actor = reader()
    query = page_query(CaseloadQuerySchema)
    query["member"] = resolve_me(query["member"], actor)
    searched = request.form.get("pseudonym", "").strip()[:100] if request.method == "POST" else None
    if searched is not None:
        return found_clients(searched)
    with projected(("caseload", "follow_ups"), query.pop("min_position")) as connection:
        page = queries.caseload(connection, actor.clinic_id, today(actor), **query)
        page = queries.named_page(connection, actor.clinic_id, page)
    casework().record_query(
        actor, "caseload", query, [row["journey_id"] for row in page.items], purpose_of_use()
    )
    return render_template(
        "journeys.html", rows=page.items, query=query, next_page=page.next, purposes=PURPOSES
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
def pause_reviews() -> str:
    """Paused journeys whose review date has come, the longest-waiting first (clinical lead)."""
    actor = g.actor
    acting_role(actor, Read.PAUSE_REVIEWS)
    query = page_query(PauseReviewQuerySchema)
    with projected(("caseload", "decisions"), query.pop("min_position")) as connection:
        page = queries.pause_reviews(connection, actor.clinic_id, today(actor), **query)
        page = queries.named_page(connection, actor.clinic_id, page)
    casework().record_query(
        actor, "pause_reviews", query, [row["journey_id"] for row in page.items], purpose_of_use()
    )
    return render_template(
        "pause_reviews.html", rows=page.items, query=query, zone=clinic_zone(actor)
    )
