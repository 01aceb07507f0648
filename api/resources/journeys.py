"""Journeys: intake opens one; reading one replays it (now or as of a version)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any
from uuid import UUID

from flask import url_for
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import RAISE

from api.auth import current_actor
from api.read_models import projected
from api.resources.reads import purpose_of_use, reader, resolve_me, today
from api.schemas.audit import JourneyExportSchema
from api.schemas.common import HistoryQuerySchema, WrittenSchema
from api.schemas.journey_state import JourneySchema
from api.schemas.journeys import RecordIntakeSchema
from api.schemas.reads import (
    CaseloadPageSchema,
    CaseloadQuerySchema,
    TimelinePageSchema,
    TimelineQuerySchema,
)
from api.services import casework
from projections import queries
from projections.pages import Page

blp = Blueprint("journeys", __name__, url_prefix="/journeys", description="Journeys of care")


@blp.route("")
class Journeys(MethodView):
    @blp.arguments(CaseloadQuerySchema, location="query")
    @blp.response(200, CaseloadPageSchema)
    def get(self, query: dict[str, Any]) -> Page:
        """List the caseload, most recently active first (filters: status, phase, member)."""
        actor = reader()
        with projected(("caseload", "follow_ups"), query.pop("min_position")) as connection:
            return queries.caseload(
                connection,
                actor.clinic_id,
                today(actor),
                member=resolve_me(query.pop("member"), actor),
                **query,
            )

    @blp.arguments(RecordIntakeSchema)
    @blp.response(201, WrittenSchema)
    def post(self, data: dict[str, Any]) -> tuple[dict[str, Any], int, dict[str, str]]:
        """Record an intake: open a journey for a client (by pseudonym)."""
        written = casework().record_intake(current_actor(), **data)
        location = url_for("journeys.JourneyById", journey_id=written.id)
        return asdict(written), 201, {"Location": location}


@blp.route("/<uuid:journey_id>")
class JourneyById(MethodView):
    @blp.arguments(HistoryQuerySchema, location="query", unknown=RAISE)  # refuse, never ignore
    @blp.response(200, JourneySchema)
    def get(
        self, query: dict[str, Any], journey_id: UUID
    ) -> tuple[dict[str, Any], int, dict[str, str]]:
        """Show a journey as it stands now, at `?version=`, or as recorded at `?as_of=`."""
        state = casework().get_journey(
            current_actor(), journey_id, purpose=purpose_of_use(), **query
        )
        return state, 200, {"ETag": f'"{state["version"]}"'}


@blp.route("/<uuid:journey_id>/timeline")
class JourneyTimeline(MethodView):
    @blp.arguments(TimelineQuerySchema, location="query")
    @blp.response(200, TimelinePageSchema)
    def get(self, query: dict[str, Any], journey_id: UUID) -> Page:
        """List a journey's timeline in recorded order (`as_of`: as it was then)."""
        actor = reader()
        casework().record_access(actor, journey_id, "timeline", purpose_of_use())  # 404 if not ours
        with projected(("timeline",), query.pop("min_position")) as connection:
            page = queries.journey_timeline(connection, actor.clinic_id, journey_id, **query)
        return Page(casework().vault.reveal_all(page.items), page.next)


@blp.route("/<uuid:journey_id>/export")
class JourneyExport(MethodView):
    @blp.response(200, JourneyExportSchema)
    def get(self, journey_id: UUID) -> tuple[dict[str, Any], int, dict[str, str]]:
        """Export a journey's complete record: state, events, corrections, integrity proof."""
        record = casework().export_journey(current_actor(), journey_id, purpose_of_use())
        disposition = f'attachment; filename="journey-{journey_id}.json"'
        return record, 200, {"Content-Disposition": disposition}
