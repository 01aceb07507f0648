"""Journeys: intake opens one; reading one replays it (now or as of a version).

Each list view's body is a plain function of the actor and the query, so the pages for people
read as the API does: the same role check, query, access-log records and vault.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask.views import MethodView

from api.auth import current_actor
from api.conditional import ETAG_HEADER, IF_NONE_MATCH, NOT_MODIFIED, state_tag
from api.read_models import projected
from api.resources.blueprint import Blueprint
from api.resources.reads import logged_query, purpose_of_use, resolve_me, today
from api.resources.writes import Created, created
from api.schemas.audit import JourneyExportSchema
from api.schemas.common import HistoryQuerySchema, WrittenSchema
from api.schemas.journey_state import JourneySchema
from api.schemas.journeys import RecordIntakeSchema
from api.schemas.reads import (
    CaseloadPageSchema,
    CaseloadQuerySchema,
    PauseReviewPageSchema,
    PauseReviewQuerySchema,
    TimelinePageSchema,
    TimelineQuerySchema,
)
from api.services import casework
from casework.journey.commands import RecordIntake
from casework.permissions import Read, acting_role
from casework.roles import Actor
from projections import queries
from projections.pages import Page
from projections.timeline import revealed_entries

blp = Blueprint("journeys", __name__, url_prefix="/journeys", description="Journeys of care")


@blp.route("")
class Journeys(MethodView):
    @blp.arguments(CaseloadQuerySchema, location="query")
    @blp.response(200, CaseloadPageSchema)
    @blp.doc(operationId="list_caseload")
    def get(self, query: dict[str, Any]) -> Page:
        """List the caseload, most recently active first (filters: status, phase, member).

        Every clinical role and the auditor. Read from the projections (`min_position` waits for a
        write you made); the list is recorded in the access log as one query, with its filters and
        the journeys it showed.
        """
        min_position = query.pop("min_position")
        return list_caseload(current_actor(), query, min_position=min_position)

    @blp.arguments(RecordIntakeSchema)
    @blp.response(201, WrittenSchema)
    @blp.doc(operationId="record_intake")
    def post(self, command: RecordIntake) -> Created:
        """Record an intake: open a journey for a client (by pseudonym).

        Intake coordinator or clinical lead; answers 201 with `Location`. Refused while the client
        has an open journey (409 `client_has_open_journey`) or when dated more than 730 days back
        (409 `intake_too_far_back`).
        """
        return created(casework().record_intake(current_actor(), command))


def list_caseload(actor: Actor, query: dict[str, Any], *, min_position: int | None = None) -> Page:
    """Return a page of the caseload, named; logged as one query (`caseload`), `me` resolved."""
    acting_role(actor, Read.JOURNEY)
    query = dict(query, member=resolve_me(query["member"], actor))
    with projected(("caseload", "follow_ups"), min_position) as connection:
        page = queries.caseload(connection, actor.clinic_id, today(actor), **query)
        page = queries.named_page(connection, actor.clinic_id, page)
    return logged_query(actor, "caseload", query, page)


@blp.route("/pause-reviews")
class PauseReviews(MethodView):
    @blp.arguments(PauseReviewQuerySchema, location="query")
    @blp.response(200, PauseReviewPageSchema)
    @blp.doc(operationId="list_pause_reviews")
    def get(self, query: dict[str, Any]) -> Page:
        """List paused journeys whose review date has come (or comes within `within_days`).

        Clinical lead. The longest-waiting first, by review date (in the clinic's calendar), with
        the pseudonym, when and by whom the journey was paused, and the days overdue. Recorded in
        the access log as one query.
        """
        min_position = query.pop("min_position")
        return list_pause_reviews(current_actor(), query, min_position=min_position)


def list_pause_reviews(
    actor: Actor, query: dict[str, Any], *, min_position: int | None = None
) -> Page:
    """Return a page of the pause reviews due, named; logged as one query (`pause_reviews`)."""
    acting_role(actor, Read.PAUSE_REVIEWS)
    with projected(("caseload", "decisions"), min_position) as connection:
        page = queries.pause_reviews(connection, actor.clinic_id, today(actor), **query)
        page = queries.named_page(connection, actor.clinic_id, page)
    return logged_query(actor, "pause_reviews", query, page)


@blp.route("/<uuid:journey_id>")
class JourneyById(MethodView):
    @blp.arguments(HistoryQuerySchema, location="query")
    @blp.response(200, JourneySchema, headers=ETAG_HEADER)
    @blp.alt_response(304, description=NOT_MODIFIED)
    @blp.doc(operationId="get_journey", parameters=[IF_NONE_MATCH])
    def get(
        self, query: dict[str, Any], journey_id: UUID
    ) -> tuple[dict[str, Any], int, dict[str, str]]:
        """Show a journey as it stands now, at `?version=`, or as recorded at `?as_of=`.

        Every clinical role and the auditor; a logged read (purpose in `Casework-Purpose`). The
        journey is replayed from its events; the `ETag` (`"<version>.<digest>"`) answers
        `If-None-Match` with 304 and, sent as `If-Match`, holds the next write to this version.
        An `as_of` before anything was recorded is a 404.
        """
        state = casework().get_journey(
            current_actor(), journey_id, purpose=purpose_of_use(), **query
        )
        return state, 200, {"ETag": state_tag(state["version"], state)}


@blp.route("/<uuid:journey_id>/timeline")
class JourneyTimeline(MethodView):
    @blp.arguments(TimelineQuerySchema, location="query")
    @blp.response(200, TimelinePageSchema)
    @blp.doc(operationId="list_timeline")
    def get(self, query: dict[str, Any], journey_id: UUID) -> Page:
        """List a journey's timeline in recorded order (`as_of`: as it was then).

        Every clinical role and the auditor; a logged read. Each entry names who recorded it, in
        which role, when it happened and when it was recorded, with its corrections beside it.
        """
        min_position = query.pop("min_position")
        return list_timeline(current_actor(), journey_id, query, min_position=min_position)


def list_timeline(
    actor: Actor, journey_id: UUID, query: dict[str, Any], *, min_position: int | None = None
) -> Page:
    """Return a page of a journey's timeline, named and revealed; logged as a read (`timeline`)."""
    acting_role(actor, Read.JOURNEY)
    journey = casework().record_access(actor, journey_id, "timeline", purpose_of_use())
    with projected(("timeline",), min_position) as connection:
        page = queries.journey_timeline(connection, actor.clinic_id, journey_id, **query)
        page = queries.named_page(connection, actor.clinic_id, page)
    clients = {journey_id: journey.client_id}
    return Page(revealed_entries(casework().vault.reader(), clients, page.items), page.next)


@blp.route("/<uuid:journey_id>/export")
class JourneyExport(MethodView):
    @blp.response(200, JourneyExportSchema)
    @blp.doc(operationId="export_journey")
    def get(self, journey_id: UUID) -> tuple[dict[str, Any], int, dict[str, str]]:
        """Export a journey's complete record: state, events, corrections, integrity proof.

        Every clinical role and the auditor; a logged read, answered as a JSON attachment. Each
        event carries its stored form and its link, so the proof can be checked against a checkpoint
        kept outside Casework.
        """
        record = casework().export_journey(current_actor(), journey_id, purpose_of_use())
        disposition = f'attachment; filename="journey-{journey_id}.json"'
        return record, 200, {"Content-Disposition": disposition}
