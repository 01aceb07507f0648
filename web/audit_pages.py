"""The auditor's pages: the decision register, every correction, the access log, the proof.

Each page is its API read shown as HTML: the API's query schema checks its filters, and the
function the API view calls (api/resources/register.py, api/resources/audit.py) answers it, with
the same role check, query, access-log record (the purpose the reader picked) and vault. Each
download is that function's CSV export. A page checks the same role first too, before its
filter form, which names everyone who worked here: who may not read it hears 403, not a form.
"""

from __future__ import annotations

import json
import re
from functools import partial
from http import HTTPStatus

from flask import Response, g

from api.resources.audit import (
    check_integrity,
    export_access_log,
    export_corrections,
    latest_checkpoint,
    list_access_log,
    list_corrections,
)
from api.resources.reads import reader
from api.resources.register import export_decisions, list_decisions
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
from casework.permissions import Read, acting_role
from web.blueprint import blp
from web.filter_forms import (
    ID_HINT,
    ROWS,
    Filter,
    asked,
    date_filters,
    everyone_who_worked_here,
    listing,
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
    return listing(
        "audit/decisions.html",
        asked_for,
        filters,
        partial(list_decisions, actor),
        "web.decisions",
        csv_url=asked_for.link("web.decisions_export", drop=PAGED),
    )


@blp.route("/decisions/export")
def decisions_export() -> Response | tuple[str, HTTPStatus]:
    """Every matching decision as the API's CSV file, each journey in it logged as read."""
    actor = reader()
    asked_for = asked(DecisionQuerySchema(exclude=("format", *FRESH, *PAGED)))
    if asked_for.errors:
        return page("audit/decisions.html", asked_for, decision_filters())
    return export_decisions(actor, asked_for.query)


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
    return listing(
        "audit/corrections.html",
        asked_for,
        filters,
        partial(list_corrections, actor),
        "web.corrections",
        words=words,
        csv_url=asked_for.link("web.corrections_export", drop=PAGED),
    )


@blp.route("/corrections/export")
def corrections_export() -> Response | tuple[str, HTTPStatus]:
    """Every matching correction as the API's CSV file, each journey in it logged as read."""
    actor = g.actor
    acting_role(actor, Read.ACCESS_LOG)
    asked_for = asked(CorrectionExportQuerySchema(exclude=FRESH))
    if asked_for.errors:
        return page("audit/corrections.html", asked_for, correction_filters())
    return export_corrections(actor, asked_for.query)


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
    return listing(
        "audit/access_log.html",
        asked_for,
        filters,
        partial(list_access_log, actor),
        "web.access_log",
        csv_url=asked_for.link("web.access_log_export", drop=PAGED),
    )


@blp.route("/access-log/export")
def access_log_export() -> Response | tuple[str, HTTPStatus]:
    """The matching reads as the API's CSV file; the download is recorded as one query."""
    actor = g.actor
    acting_role(actor, Read.ACCESS_LOG)
    asked_for = asked(AccessLogExportQuerySchema(exclude=FRESH))
    if asked_for.errors:
        return page("audit/access_log.html", asked_for, access_filters())
    return export_access_log(actor, asked_for.query)


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
    report = check_integrity(g.actor, asked_for.query)
    return page("audit/integrity.html", asked_for, INTEGRITY_FILTERS, report=report, latest=latest)


@blp.route("/integrity/checkpoint")
def checkpoint_file() -> Response:
    """The clinic's newest signed checkpoint as a file to keep (what the API answers)."""
    latest = latest_checkpoint(g.actor)
    body = json.dumps(CheckpointSchema().dump(latest), indent=2, sort_keys=True) + "\n"
    name = f"checkpoint-{latest['sequence']}.json"
    return Response(
        body,
        content_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
