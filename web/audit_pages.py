"""The auditor's pages: the decision register, every correction, the access log, the proof.

Each page is its API read shown as HTML (api/resources/register.py, api/resources/audit.py):
the API's query schema checks its filters, the same role check opens it, the same query answers
it, and the same access-log record names what it showed, with the purpose the reader picked.
Each download is the API's CSV export, logged as the API logs it.
"""

from __future__ import annotations

import json
import re
from functools import partial
from http import HTTPStatus

from flask import Response, g

from api.csv_export import csv_response
from api.exports import every_row
from api.read_models import projected
from api.resources.audit import ACCESS_LOG_COLUMNS, CORRECTION_COLUMNS
from api.resources.reads import clients_of, clinic_zone, purpose_of_use, reader
from api.resources.register import CSV_COLUMNS as DECISION_COLUMNS
from api.schemas.audit import (
    CheckpointSchema,
    CorrectionExportQuerySchema,
    CorrectionQuerySchema,
    IntegrityQuerySchema,
)
from api.schemas.reads import (
    DECISION_KINDS,
    AccessLogExportQuerySchema,
    AccessLogQuerySchema,
    DecisionQuerySchema,
)
from api.services import casework
from casework.errors import NotFound
from casework.permissions import Read, acting_role
from projections import queries
from projections.decisions import revealed_decisions
from projections.pages import InvalidCursor
from projections.timeline import revealed_entries
from web.blueprint import blp
from web.filter_forms import (
    ID_HINT,
    ROWS,
    Filter,
    asked,
    bad_cursor,
    date_filters,
    everyone_who_worked_here,
    next_links,
    page,
    purpose_filter,
)

FRESH = ("min_position",)
"""The API's freshness floor: a page reads what the read models hold (no write came before)."""

PAGED = ("after", "limit")
"""What a page has and a download has not."""


def words(name: str) -> str:
    """Return an event's class name in words: ContactRecorded is "Contact recorded"."""
    spaced = re.sub(r"(?<!^)([A-Z])", r" \1", name).lower()
    return spaced[:1].upper() + spaced[1:]


# -- the decision register (GET /decisions) --------------------------------------------------------


def decision_filters() -> list[Filter]:
    kinds = [(kind, kind) for kind in DECISION_KINDS]
    return [
        Filter("kind", "Kind of decision", "select", kinds),
        Filter("decider", "Decided by", "select", everyone_who_worked_here()),
        Filter("journey", "Journey", "text", hint=ID_HINT),
        *date_filters("decided"),
        ROWS,
        purpose_filter(),
    ]


@blp.route("/decisions")
def decisions() -> tuple[str, HTTPStatus]:
    """Every decision across the clinic, newest first, filtered as the API's register is."""
    actor = reader()
    filters = decision_filters()
    asked_for = asked(DecisionQuerySchema(exclude=("format", *FRESH)))
    if asked_for.errors:
        return page("audit/decisions.html", asked_for, filters)
    try:
        with projected(("decisions", "caseload"), None) as connection:
            found = queries.decision_register(
                connection, actor.clinic_id, clinic_zone(actor), **asked_for.query
            )
            clients = clients_of(connection, {row["journey_id"] for row in found.items})
            found = queries.named_page(connection, actor.clinic_id, found)
    except InvalidCursor as error:
        return page("audit/decisions.html", bad_cursor(asked_for, error), filters)
    # Rationales, criteria and conditions are a client's text: each journey shown is read.
    casework().record_accesses(actor, clients, "decisions", purpose_of_use())
    rows = revealed_decisions(casework().vault.reader(), clients, found.items)
    return page(
        "audit/decisions.html",
        asked_for,
        filters,
        decisions=rows,
        csv_url=asked_for.link("web.decisions_export", drop=PAGED),
        **next_links("web.decisions", asked_for, found.next),
    )


@blp.route("/decisions/export")
def decisions_export() -> Response | tuple[str, HTTPStatus]:
    """Every matching decision as the API's CSV file, each journey in it logged as read."""
    actor = reader()
    asked_for = asked(DecisionQuerySchema(exclude=("format", *FRESH, *PAGED)))
    if asked_for.errors:
        return page("audit/decisions.html", asked_for, decision_filters())
    purpose = purpose_of_use()
    with projected(("decisions", "caseload"), None) as connection:
        # Only as far as both projections got: every journey exported has its client id.
        reached = g.projection_position
        rows = queries.decision_register_rows(
            connection, actor.clinic_id, clinic_zone(actor), up_to=reached, **asked_for.query
        )
        clients = clients_of(connection, {row["journey_id"] for row in rows})
        rows = queries.named(connection, actor.clinic_id, rows)
    casework().record_accesses(actor, clients, "decisions_export", purpose)
    rows = revealed_decisions(casework().vault.reader(), clients, rows)
    return csv_response(rows, DECISION_COLUMNS, "decisions.csv")


# -- corrections (GET /audit/corrections) ----------------------------------------------------------


def correction_filters() -> list[Filter]:
    return [
        Filter("corrector", "Corrected by", "select", everyone_who_worked_here()),
        Filter("journey", "Journey", "text", hint=ID_HINT),
        *date_filters("recorded"),
        ROWS,
        purpose_filter(),
    ]


@blp.route("/corrections")
def corrections() -> tuple[str, HTTPStatus]:
    """Every correction beside the value it corrected: who, when and why (auditor, lead)."""
    actor = g.actor
    acting_role(actor, Read.ACCESS_LOG)
    filters = correction_filters()
    asked_for = asked(CorrectionQuerySchema(exclude=FRESH))
    if asked_for.errors:
        return page("audit/corrections.html", asked_for, filters)
    try:
        with projected(("timeline", "caseload"), None) as connection:
            found = queries.corrections(
                connection, actor.clinic_id, clinic_zone(actor), **asked_for.query
            )
            clients = clients_of(connection, {row["journey_id"] for row in found.items})
            found = queries.named_page(connection, actor.clinic_id, found)
    except InvalidCursor as error:
        return page("audit/corrections.html", bad_cursor(asked_for, error), filters)
    casework().record_accesses(actor, clients, "corrections", purpose_of_use())
    rows = revealed_entries(casework().vault.reader(), clients, found.items)
    return page(
        "audit/corrections.html",
        asked_for,
        filters,
        corrections=rows,
        words=words,
        csv_url=asked_for.link("web.corrections_export", drop=PAGED),
        **next_links("web.corrections", asked_for, found.next),
    )


@blp.route("/corrections/export")
def corrections_export() -> Response | tuple[str, HTTPStatus]:
    """Every matching correction as the API's CSV file, each journey in it logged as read."""
    actor = g.actor
    acting_role(actor, Read.ACCESS_LOG)
    asked_for = asked(CorrectionExportQuerySchema(exclude=FRESH))
    if asked_for.errors:
        return page("audit/corrections.html", asked_for, correction_filters())
    zone = clinic_zone(actor)
    with projected(("timeline", "caseload", "staff"), None) as connection:
        rows = every_row(
            partial(queries.corrections, connection, actor.clinic_id, zone, **asked_for.query)
        )
        clients = clients_of(connection, {row["journey_id"] for row in rows})
        rows = queries.named(connection, actor.clinic_id, rows)
    casework().record_accesses(actor, clients, "corrections_export", purpose_of_use())
    revealed = revealed_entries(casework().vault.reader(), clients, rows)
    flat = [{**row, **row["details"]} for row in revealed]
    return csv_response(flat, CORRECTION_COLUMNS, "corrections.csv")


# -- the access log (GET /audit/access-log) --------------------------------------------------------


def access_filters() -> list[Filter]:
    return [
        Filter("practitioner", "Read by", "select", everyone_who_worked_here()),
        Filter("client", "Client", "text", hint=ID_HINT),
        *date_filters("accessed"),
        ROWS,
        purpose_filter("Recorded in the access log with the download (this list shows ids only)."),
    ]


@blp.route("/access-log")
def access_log() -> tuple[str, HTTPStatus]:
    """Who read which client's record, when, in which role, why: ids, never content."""
    actor = g.actor
    acting_role(actor, Read.ACCESS_LOG)
    filters = access_filters()
    # Ids only, as the API's list: not itself a read of a record. The purpose is the download's.
    asked_for = asked(AccessLogQuerySchema(exclude=FRESH))
    if asked_for.errors:
        return page("audit/access_log.html", asked_for, filters)
    try:
        with projected(("access_log",), None) as connection:
            found = queries.access_log_entries(
                connection, actor.clinic_id, clinic_zone(actor), **asked_for.query
            )
            found = queries.named_page(connection, actor.clinic_id, found)
    except InvalidCursor as error:
        return page("audit/access_log.html", bad_cursor(asked_for, error), filters)
    return page(
        "audit/access_log.html",
        asked_for,
        filters,
        accesses=found.items,
        csv_url=asked_for.link("web.access_log_export", drop=PAGED),
        **next_links("web.access_log", asked_for, found.next),
    )


@blp.route("/access-log/export")
def access_log_export() -> Response | tuple[str, HTTPStatus]:
    """The matching reads as the API's CSV file; the download is recorded as one query."""
    actor = g.actor
    acting_role(actor, Read.ACCESS_LOG)
    asked_for = asked(AccessLogExportQuerySchema(exclude=FRESH))
    if asked_for.errors:
        return page("audit/access_log.html", asked_for, access_filters())
    query, zone = asked_for.query, clinic_zone(actor)
    with projected(("access_log", "staff"), None) as connection:
        rows = every_row(
            partial(queries.access_log_entries, connection, actor.clinic_id, zone, **query)
        )
        rows = queries.named(connection, actor.clinic_id, rows)
    journeys = list(dict.fromkeys(row["journey_id"] for row in rows))
    casework().record_query(actor, "access_log_export", query, journeys, purpose_of_use())
    return csv_response(rows, ACCESS_LOG_COLUMNS, "access-log.csv")


# -- integrity (GET /audit/integrity, GET /audit/checkpoints/latest) -------------------------------


INTEGRITY_FILTERS = [
    Filter("journey_id", "Check one journey", "text", hint="Its id; empty: the clinic's history."),
    Filter(
        "checkpoint",
        "Check against a checkpoint you kept",
        "textarea",
        hint="Paste a downloaded checkpoint file's text: the store must still hold all it covered.",
    ),
]


@blp.route("/integrity")
def integrity() -> tuple[str, HTTPStatus]:
    """Is the clinic's stored history intact? The check the API runs, and the newest checkpoint."""
    latest = casework().latest_checkpoint(g.actor)  # auditor, admin or clinical lead
    asked_for = asked(IntegrityQuerySchema(), purposeful=False)
    if asked_for.errors:
        return page("audit/integrity.html", asked_for, INTEGRITY_FILTERS, latest=latest)
    report = casework().check_integrity(
        g.actor, asked_for.query["journey_id"], asked_for.query["checkpoint"]
    )
    return page("audit/integrity.html", asked_for, INTEGRITY_FILTERS, report=report, latest=latest)


@blp.route("/integrity/checkpoint")
def checkpoint_file() -> Response:
    """The clinic's newest signed checkpoint as a file to keep (what the API answers)."""
    latest = casework().latest_checkpoint(g.actor)
    if latest is None:
        raise NotFound("No checkpoint covers this clinic's history yet.")
    body = json.dumps(CheckpointSchema().dump(latest), indent=2, sort_keys=True) + "\n"
    name = f"checkpoint-{latest['sequence']}.json"
    return Response(
        body,
        content_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
