"""Calendar feeds: the follow-ups a practitioner owes, read by their calendar program."""

from __future__ import annotations

from flask import Response
from flask.views import MethodView

from api.calendar import follow_up_calendar
from api.read_models import projected
from api.resources.blueprint import Blueprint
from api.services import casework
from casework.access_log import Purpose
from casework.errors import NotFound
from projections import queries

blp = Blueprint(
    "calendar", __name__, url_prefix="/calendar-feeds", description="Calendar feeds (iCalendar)"
)

ICALENDAR = {"type": "string", "format": "binary"}


@blp.route("/<string:secret>.ics")
class FollowUpFeed(MethodView):
    @blp.response(200, ICALENDAR, content_type="text/calendar", description="RFC 5545.")
    @blp.alt_response(404, description="No such feed, or revoked.")
    @blp.doc(operationId="read_calendar_feed", security=[])
    def get(self, secret: str) -> Response:
        """Read a practitioner's calendar feed: the follow-ups they owe, as all-day events.

        No bearer token: the URL's secret (shown once, when the feed was made) opens this one
        feed; a revoked feed, or one whose practitioner was deactivated, is a 404. Each event
        spans a follow-up's window in the clinic's calendar and names the client by pseudonym
        only, with no clinical text. Each read is recorded in the access log as one query.
        """
        actor = casework().feed_reader(secret)
        if actor is None:
            raise NotFound("No such calendar feed.")
        with projected(("follow_ups", "caseload"), None) as connection:
            rows = queries.owed_by(connection, actor.practitioner_id)
        journeys = list(dict.fromkeys(row["journey_id"] for row in rows))
        casework().record_query(actor, "calendar_feed", {}, journeys, Purpose.CARE)
        zone = casework().get_clinic(actor.clinic_id).time_zone
        return Response(
            follow_up_calendar(rows, zone),
            content_type="text/calendar; charset=utf-8",
            headers={"Content-Disposition": 'inline; filename="follow-ups.ics"'},
        )
