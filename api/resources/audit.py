"""What auditors ask of the record as a whole: is it intact, and who read which record, why.

Each view's body is a plain function of the actor and the query, so the pages for people read
as the API does: the same role check, query, access-log records and vault.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from flask import Response
from flask.views import MethodView

from api.auth import current_actor
from api.csv_export import csv_response
from api.exports import CSV_FILE, every_row
from api.read_models import projected
from api.resources.blueprint import Blueprint
from api.resources.reads import clients_of, clinic_zone, purpose_of_use
from api.schemas.audit import (
    CheckpointSchema,
    CorrectionExportQuerySchema,
    CorrectionPageSchema,
    CorrectionQuerySchema,
    IntegrityQuerySchema,
    IntegrityReportSchema,
)
from api.schemas.reads import (
    AccessLogExportQuerySchema,
    AccessLogPageSchema,
    AccessLogQuerySchema,
    AccessQueryLogQuerySchema,
    AccessQueryPageSchema,
)
from api.services import casework
from casework.checkpoints import Checkpoint
from casework.errors import NotFound
from casework.integrity_report import IntegrityReport
from casework.permissions import Read, acting_role
from casework.roles import Actor
from projections import queries
from projections.pages import Page
from projections.timeline import revealed_entries

blp = Blueprint("audit", __name__, url_prefix="/audit", description="Audit")


@blp.route("/access-log")
class AccessLog(MethodView):
    @blp.arguments(AccessLogQuerySchema, location="query")
    @blp.response(200, AccessLogPageSchema)
    @blp.doc(operationId="list_access_log")
    def get(self, query: dict[str, Any]) -> Page:
        """List reads of client records, newest first (filters: client, practitioner, dates).

        Auditor or clinical lead. Ids, never content: who read which client's journey, in which
        role, through which endpoint, when, and for which purpose.
        """
        min_position = query.pop("min_position")
        return list_access_log(current_actor(), query, min_position=min_position)


def list_access_log(
    actor: Actor, query: dict[str, Any], *, min_position: int | None = None
) -> Page:
    """Return a page of the access log, named (ids, never content: not itself a read)."""
    acting_role(actor, Read.ACCESS_LOG)
    with projected(("access_log",), min_position) as connection:
        page = queries.access_log_entries(connection, actor.clinic_id, clinic_zone(actor), **query)
        return queries.named_page(connection, actor.clinic_id, page)


ACCESS_LOG_COLUMNS = [
    "accessed_at",
    "practitioner_id",
    "practitioner_name",
    "role",
    "client_id",
    "journey_id",
    "endpoint",
    "purpose",
]


@blp.route("/access-log/export")
class AccessLogExport(MethodView):
    @blp.arguments(AccessLogExportQuerySchema, location="query")
    @blp.response(200, CSV_FILE, content_type="text/csv", description="Newest first.")
    @blp.doc(operationId="export_access_log")
    def get(self, query: dict[str, Any]) -> Response:
        """Export the reads of client records as CSV, newest first (the access log's filters).

        Auditor or clinical lead. Ids, names of the readers, roles, endpoints, purposes and
        times; never content. The export is itself recorded as one query, with its journeys.
        """
        min_position = query.pop("min_position")
        return export_access_log(current_actor(), query, min_position=min_position)


def export_access_log(
    actor: Actor, query: dict[str, Any], *, min_position: int | None = None
) -> Response:
    """Return the matching reads as a CSV file; the export is logged as one query."""
    acting_role(actor, Read.ACCESS_LOG)
    zone = clinic_zone(actor)
    with projected(("access_log", "staff"), min_position) as connection:
        rows = every_row(
            partial(queries.access_log_entries, connection, actor.clinic_id, zone, **query)
        )
        rows = queries.named(connection, actor.clinic_id, rows)
    journeys = list(dict.fromkeys(row["journey_id"] for row in rows))
    casework().record_query(actor, "access_log_export", query, journeys, purpose_of_use())
    return csv_response(rows, ACCESS_LOG_COLUMNS, "access-log.csv")


@blp.route("/access-queries")
class AccessQueries(MethodView):
    @blp.arguments(AccessQueryLogQuerySchema, location="query")
    @blp.response(200, AccessQueryPageSchema)
    @blp.doc(operationId="list_access_queries")
    def get(self, query: dict[str, Any]) -> Page:
        """List every list that showed clients, newest first: who, which, filters, whom.

        Auditor or clinical lead. One record per caseload or worklist answered: its filters as
        `name=value` (`me` resolved) and the journeys it showed, in order.
        """
        actor = current_actor()
        acting_role(actor, Read.ACCESS_LOG)
        with projected(("access_log",), query.pop("min_position")) as connection:
            page = queries.access_queries_entries(
                connection, actor.clinic_id, clinic_zone(actor), **query
            )
            return queries.named_page(connection, actor.clinic_id, page)


CORRECTION_COLUMNS = [
    "recorded_at",
    "occurred_at",
    "journey_id",
    "corrected_version",
    "entry_type",
    "field",
    "original_value",
    "new_value",
    "reason",
    "actor_id",
    "actor_name",
    "actor_role",
]


@blp.route("/corrections/export")
class CorrectionsExport(MethodView):
    @blp.arguments(CorrectionExportQuerySchema, location="query")
    @blp.response(200, CSV_FILE, content_type="text/csv", description="Newest first.")
    @blp.doc(operationId="export_corrections")
    def get(self, query: dict[str, Any]) -> Response:
        """Export every correction as CSV, newest first: what was corrected, from what to what,
        by whom and why (the corrections list's filters).

        Auditor or clinical lead. Values can be a client's notes: each journey in the file is
        logged as read (endpoint `corrections_export`).
        """
        min_position = query.pop("min_position")
        return export_corrections(current_actor(), query, min_position=min_position)


def export_corrections(
    actor: Actor, query: dict[str, Any], *, min_position: int | None = None
) -> Response:
    """Return every matching correction as a CSV file; each journey in it is logged as read."""
    acting_role(actor, Read.ACCESS_LOG)
    zone = clinic_zone(actor)
    with projected(("timeline", "caseload", "staff"), min_position) as connection:
        rows = every_row(partial(queries.corrections, connection, actor.clinic_id, zone, **query))
        clients = clients_of(connection, {row["journey_id"] for row in rows})
        rows = queries.named(connection, actor.clinic_id, rows)
    casework().record_accesses(actor, clients, "corrections_export", purpose_of_use())
    revealed = revealed_entries(casework().vault.reader(), clients, rows)
    flat = [{**row, **row["details"]} for row in revealed]
    return csv_response(flat, CORRECTION_COLUMNS, "corrections.csv")


@blp.route("/integrity")
class Integrity(MethodView):
    @blp.arguments(IntegrityQuerySchema, location="query")
    @blp.response(200, IntegrityReportSchema)
    @blp.doc(operationId="check_integrity")
    def get(self, query: dict[str, Any]) -> IntegrityReport:
        """Check the clinic's stored history against its chain and checkpoints; name each break.

        Auditor, admin or clinical lead. With `journey_id`, one journey's events and the proof that
        a signed checkpoint covers its head; with `checkpoint`, a checkpoint you kept, which the
        store must still agree with. `first_break` is null when the history is intact.
        """
        return check_integrity(current_actor(), query)


def check_integrity(actor: Actor, query: dict[str, Any]) -> IntegrityReport:
    """Return the integrity check of the clinic's history, or of one journey (`journey_id`)."""
    return casework().check_integrity(actor, query["journey_id"], query["checkpoint"])


@blp.route("/checkpoints/latest")
class LatestCheckpoint(MethodView):
    @blp.response(200, CheckpointSchema)
    @blp.doc(operationId="get_latest_checkpoint")
    def get(self) -> Checkpoint:
        """Give the clinic's newest signed checkpoint: keep it, to verify the history later.

        Auditor, admin or clinical lead. 404 until a sealer has signed a checkpoint covering the
        clinic's history.
        """
        return latest_checkpoint(current_actor())


def latest_checkpoint(actor: Actor) -> Checkpoint:
    """Return the clinic's newest signed checkpoint (NotFound while none covers its history)."""
    checkpoint = casework().latest_checkpoint(actor)
    if checkpoint is None:
        raise NotFound("No checkpoint covers this clinic's history yet.")
    return checkpoint


@blp.route("/corrections")
class Corrections(MethodView):
    @blp.arguments(CorrectionQuerySchema, location="query")
    @blp.response(200, CorrectionPageSchema)
    @blp.doc(operationId="list_corrections")
    def get(self, query: dict[str, Any]) -> Page:
        """List every correction, newest first: original and new value, who, when and why.

        Auditor or clinical lead.
        The values can be a client's notes, so each journey listed is logged as read.
        """
        min_position = query.pop("min_position")
        return list_corrections(current_actor(), query, min_position=min_position)


def list_corrections(
    actor: Actor, query: dict[str, Any], *, min_position: int | None = None
) -> Page:
    """Return a page of corrections, named and revealed; each journey on it is logged as read."""
    acting_role(actor, Read.ACCESS_LOG)
    with projected(("timeline", "caseload"), min_position) as connection:
        page = queries.corrections(connection, actor.clinic_id, clinic_zone(actor), **query)
        clients = clients_of(connection, {row["journey_id"] for row in page.items})
        page = queries.named_page(connection, actor.clinic_id, page)
    casework().record_accesses(actor, clients, "corrections", purpose_of_use())
    return Page(revealed_entries(casework().vault.reader(), clients, page.items), page.next)
