"""A therapist's day: their follow-ups overdue, due today and coming this week, each with a short
form to record the contact or an attempt to reach the client."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import g, render_template, request, url_for

from api.read_models import projected
from api.resources.reads import purpose_of_use, reader, today
from api.services import casework
from casework.journey.commands import RecordContact, RecordOutreach
from projections import queries
from web.blueprint import blp
from web.commands import CommandForm, command_form, may
from web.reading import pick_purpose, written_position

WEEK = timedelta(days=7)
OPEN = ("overdue", "due", "upcoming")


@blp.route("/my-day")
def my_day() -> str:
    """The signed-in person's open follow-ups, by urgency, each with its forms."""
    actor = reader()
    pick_purpose()
    day = today(actor)
    with projected(("follow_ups", "caseload"), written_position()) as connection:
        page = queries.follow_up_worklist(
            connection,
            actor.clinic_id,
            day,
            owner=actor.practitioner_id,
            due_to=day + WEEK,
            limit=200,
        )
    rows = [row for row in page.items if row["status"] in OPEN]
    casework().record_query(
        actor,
        "worklist",
        {"owner": actor.practitioner_id, "due_to": day + WEEK},
        [row["journey_id"] for row in rows],
        purpose_of_use(),
    )
    sections = [
        ("Overdue", [r for r in rows if r["status"] == "overdue"]),
        ("Due today", [r for r in rows if r["status"] == "due"]),
        ("Coming this week", [r for r in rows if r["status"] == "upcoming"]),
    ]
    here = url_for("web.my_day")
    return render_template(
        "my_day.html",
        sections=[
            (title, [(row, forms_for(row, here)) for row in items]) for title, items in sections
        ],
        more=page.next is not None,
        done=request.args.get("done"),
    )


def forms_for(row: dict[str, Any], here: str) -> list[CommandForm]:
    """Return the contact and outreach forms of one follow-up, as far as the person may use them."""
    fixed = {"journey_id": row["journey_id"], "follow_up_id": row["follow_up_id"]}
    return [
        command_form(
            command,
            fixed=fixed,
            choices={},
            next=here,
            key=f"{command.__name__}-{row['follow_up_id']}",
        )
        for command in (RecordContact, RecordOutreach)
        if may(g.actor, command)
    ]
