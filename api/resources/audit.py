"""What auditors ask of the record as a whole: is it intact, and who read which record, why."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from api.auth import current_actor
from api.read_models import projected
from api.resources.blueprint import Blueprint
from api.resources.reads import clients_of, clinic_zone, purpose_of_use
from api.schemas.audit import (
    CheckpointSchema,
    CorrectionPageSchema,
    CorrectionQuerySchema,
    IntegrityQuerySchema,
    IntegrityReportSchema,
)
from api.schemas.reads import (
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
        actor = current_actor()
        acting_role(actor, Read.ACCESS_LOG)
        with projected(("access_log",), query.pop("min_position")) as connection:
            return queries.access_log_entries(
                connection, actor.clinic_id, clinic_zone(actor), **query
            )


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
            return queries.access_queries_entries(
                connection, actor.clinic_id, clinic_zone(actor), **query
            )


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
        return casework().check_integrity(current_actor(), query["journey_id"], query["checkpoint"])


@blp.route("/checkpoints/latest")
class LatestCheckpoint(MethodView):
    @blp.response(200, CheckpointSchema)
    @blp.doc(operationId="get_latest_checkpoint")
    def get(self) -> Checkpoint:
        """Give the clinic's newest signed checkpoint: keep it, to verify the history later.

        Auditor, admin or clinical lead. 404 until a sealer has signed a checkpoint covering the
        clinic's history.
        """
        checkpoint = casework().latest_checkpoint(current_actor())
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
        actor = current_actor()
        acting_role(actor, Read.ACCESS_LOG)
        with projected(("timeline", "caseload"), query.pop("min_position")) as connection:
            page = queries.corrections(connection, actor.clinic_id, clinic_zone(actor), **query)
            clients = clients_of(connection, {row["journey_id"] for row in page.items})
        casework().record_accesses(actor, clients, "corrections", purpose_of_use())
        return Page(revealed_entries(casework().vault.reader(), clients, page.items), page.next)
